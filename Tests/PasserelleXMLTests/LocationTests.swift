import Foundation
import PasserelleModel
import PasserelleXML
import Testing

/// Element locations are the line and column (in characters) of the `<` that opens the start tag.
@Suite struct LocationTests {
    /// Finds the first element named `name` (depth first).
    static func find(_ name: String, in element: XMLTree.Element) -> XMLTree.Element? {
        if element.localName == name { return element }
        for child in element.children {
            if let found = find(name, in: child) { return found }
        }
        return nil
    }

    static func location(of name: String, in text: String) throws -> PasserelleModel.SourceLocation {
        let result = SafeXMLParser().parse(Data(text.utf8))
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.tree?.root)
        return try #require(find(name, in: root)).location
    }

    @Test(arguments: [
        ("<a><b/><c x=\"1\"/></a>", "a", 1, 1),
        ("<a><b/><c x=\"1\"/></a>", "b", 1, 4),
        ("<a><b/><c x=\"1\"/></a>", "c", 1, 8),
        ("<a><b x=\"1>2\" y='3'/></a>", "b", 1, 4),
        ("<?xml version=\"1.0\"?>\n<a>\n  <b\n     x=\"1\"\n     y=\"2\"/>\n  <c/>\n</a>", "b", 3, 3),
        ("<?xml version=\"1.0\"?>\n<a>\n  <b\n     x=\"1\"\n     y=\"2\"/>\n  <c/>\n</a>", "c", 6, 3),
        ("<a>é<b/></a>", "b", 1, 5),
        ("<a>日本語<b/></a>", "b", 1, 7),
        ("<a>😀<b\n  x=\"é\"/></a>", "b", 1, 5),
        ("<a>\r\n\t<b/></a>", "b", 2, 2),
        ("<a><!-- <x> --><b/></a>", "b", 1, 16),
    ] as [(String, String, Int, Int)])
    func elementStartTagLocation(text: String, name: String, line: Int, column: Int) throws {
        #expect(try Self.location(of: name, in: text) == PasserelleModel.SourceLocation(line: line, column: column))
    }

    @Test func linesBeyond65535AreKept() throws {
        let text = "<a>" + String(repeating: "\n", count: 70_000) + "  <b/></a>"
        #expect(try Self.location(of: "b", in: text) == PasserelleModel.SourceLocation(line: 70_001, column: 3))
    }

    @Test func errorLocationOnALaterLine() throws {
        let result = SafeXMLParser().parse(Data("<a>\n  <b>\n  </c>\n</a>".utf8), sourceName: "mismatch.xml")
        let error = try #require(XMLTestSupport.firstError(result))
        #expect(error.code == .xmlNotWellFormed)
        #expect(error.location?.line == 3)
        #expect(error.description.hasPrefix("mismatch.xml:3:"))
    }
}

/// Encodings: declared ISO-8859-1, byte-order marks, UTF-16, unknown encodings.
@Suite struct EncodingTests {
    @Test func latin1DeclaredDocumentIsDecoded() throws {
        var bytes = Data("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<doc><name>".utf8)
        bytes.append(contentsOf: [0x48, 0xE9, 0x6C, 0xE8, 0x6E, 0x65, 0x20, 0xC7, 0xE0])  // "Hélène Çà"
        bytes.append(Data("</name><b/></doc>".utf8))
        let result = SafeXMLParser().parse(bytes)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.tree?.root)
        #expect(root.child("name", in: nil)?.textContent == "Hélène Çà")
        #expect(root.child("b", in: nil)?.location == PasserelleModel.SourceLocation(line: 2, column: 28))
    }

    @Test func latin1BytesWithoutDeclarationAreAnEncodingError() throws {
        let bytes = Data("<doc>H".utf8) + Data([0xE9]) + Data("lène</doc>".utf8)
        let result = SafeXMLParser().parse(bytes)
        #expect(result.tree == nil)
        #expect(XMLTestSupport.firstError(result)?.code == .xmlEncoding)
    }

    @Test func utf8ByteOrderMarkIsAccepted() throws {
        let bytes = Data([0xEF, 0xBB, 0xBF]) + Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<doc>é</doc>".utf8)
        let result = SafeXMLParser().parse(bytes)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.tree?.root)
        #expect(root.textContent == "é")
        #expect(root.location == PasserelleModel.SourceLocation(line: 2, column: 1))
    }

    @Test func utf16WithByteOrderMarkIsAccepted() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<doc>Hélène</doc>"
        var bytes = Data([0xFF, 0xFE])
        for unit in text.utf16 { bytes.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        let result = SafeXMLParser().parse(bytes)
        #expect(result.diagnostics.isEmpty)
        #expect(result.tree?.root?.textContent == "Hélène")
    }

    @Test func unknownDeclaredEncodingIsRefused() throws {
        let result = SafeXMLParser().parse(Data("<?xml version=\"1.0\" encoding=\"X-PASSERELLE\"?>\n<doc/>".utf8))
        #expect(result.tree == nil)
        #expect(XMLTestSupport.firstError(result)?.code == .xmlEncoding)
        #expect(XMLTestSupport.firstError(result)?.location?.line == 1)
    }
}
