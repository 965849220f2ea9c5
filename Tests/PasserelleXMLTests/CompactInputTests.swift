import Foundation
import PasserelleModel
@testable import PasserelleXML
import Testing

/// Compact trees refer to the input for the text runs libxml2 hands over unchanged and compute
/// element positions from saved offsets. Whatever libxml2 splits, rewrites or transcodes, the
/// text and positions must be exactly those of libxml2's own DOM.
@Suite struct CompactInputTests {
    /// Every element of a tree, depth first.
    static func elements(_ element: XMLTree.Element) -> [XMLTree.Element] {
        [element] + element.children.flatMap(elements)
    }

    /// Parses `bytes` both ways and requires the same names, text and positions everywhere.
    static func expectSameAsDOM(_ bytes: Data, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let compact = SafeXMLParser().parse(bytes)
        let dom = SafeXMLParser(treeKind: .libxml2).parse(bytes)
        #expect(compact.diagnostics.isEmpty, sourceLocation: sourceLocation)
        let compactRoot = try #require(compact.tree?.root, sourceLocation: sourceLocation)
        let domRoot = try #require(dom.tree?.root, sourceLocation: sourceLocation)
        #expect(compact.tree?.kind == .compact)
        let left = elements(compactRoot)
        let right = elements(domRoot)
        #expect(left.count == right.count, sourceLocation: sourceLocation)
        for (a, b) in zip(left, right) {
            #expect(a.localName == b.localName, sourceLocation: sourceLocation)
            #expect(a.location == b.location, "\(a.localName)", sourceLocation: sourceLocation)
            #expect(a.textContent == b.textContent, "\(a.localName)", sourceLocation: sourceLocation)
            a.withTextBytes { compactBytes in
                b.withTextBytes { domBytes in #expect(Array(compactBytes) == Array(domBytes), sourceLocation: sourceLocation) }
            }
        }
    }

    /// A base64-like payload of `lines` lines of 76 characters, ended by `newline`.
    static func payload(lines: Int, newline: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return (0..<lines).map { line in String((0..<76).map { alphabet[($0 * 7 + line * 13) % 64] }) }
            .joined(separator: newline)
    }

    @Test(arguments: ["\n", "\r\n"])
    func largeTextSplitAcrossReadsIsExact(newline: String) throws {
        // Far larger than libxml2's read chunks: the text arrives in many runs.
        let text = "<doc>\(newline)<pad/><text representation=\"B64\">\(Self.payload(lines: 3000, newline: newline))</text>\(newline)</doc>"
        try Self.expectSameAsDOM(Data(text.utf8))
    }

    @Test func referencesCDATAAndNonASCIIRunsAreRewrittenText() throws {
        let text = """
            <doc><p>a &lt; b &amp;&amp; c &#233;t&#xE9; « été »</p><q><![CDATA[<raw> & ]]>after</q>\
            <r>日本語 text\r\nnext line\rlast</r><s attr="x &amp; y">mixed <i>inline</i> tail é</s></doc>
            """
        try Self.expectSameAsDOM(Data(text.utf8))
    }

    @Test func positionsAfterLongTagsAndFarIntoTheInput() throws {
        // Start tags longer than libxml2 keeps behind its cursor, multi-line tags, non-ASCII
        // attribute values, and elements tens of KiB into the input.
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<doc>\n"
        for index in 0..<400 {
            let long = String(repeating: "é", count: index % 150)
            text += "  <item n=\"\(index)\" label=\"\(long)\"\n        other='\(index * 3)'>v\(index)</item><e/>\n"
        }
        text += "</doc>\n"
        try Self.expectSameAsDOM(Data(text.utf8))
    }

    @Test func transcodedInputIsCopiedAndLocatedLikeTheDOM() throws {
        // ISO-8859-1: libxml2 transcodes, so no run is the input's bytes; positions are eager.
        var bytes = Data("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<doc>\n  <name>".utf8)
        bytes.append(contentsOf: [0x48, 0xE9, 0x6C, 0xE8, 0x6E, 0x65])  // "Hélène"
        bytes.append(contentsOf: Data("</name>\n  <b\n x=\"".utf8))
        bytes.append(0xE9)
        bytes.append(contentsOf: Data("\"/>\n  <c>\(Self.payload(lines: 200, newline: "\n"))</c>\n</doc>\n".utf8))
        try Self.expectSameAsDOM(bytes)
        let root = try #require(SafeXMLParser().parse(bytes).tree?.root)
        #expect(root.child("name", in: nil)?.textContent == "Hélène")
    }

    @Test func byteOrderMarkAndUndeclaredUTF8() throws {
        var bytes = Data([0xEF, 0xBB, 0xBF])
        bytes.append(contentsOf: Data("<doc>\n <a x=\"é\">é\(Self.payload(lines: 100, newline: "\n"))</a>\n <b/></doc>".utf8))
        try Self.expectSameAsDOM(bytes)
    }

    @Test func plainUTF8DetectionFollowsTheDeclaration() {
        #expect(ParseSource.isPlainUTF8(Data("<a/>".utf8)))
        #expect(ParseSource.isPlainUTF8(Data("<?xml version=\"1.0\"?><a/>".utf8)))
        #expect(ParseSource.isPlainUTF8(Data("<?xml version='1.0' encoding='utf-8'?><a/>".utf8)))
        #expect(!ParseSource.isPlainUTF8(Data("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>".utf8)))
        #expect(!ParseSource.isPlainUTF8(Data([0xFF, 0xFE, 0x3C, 0x00])))
        #expect(!ParseSource.isPlainUTF8(Data([0x3C, 0x00, 0x61, 0x00])))
    }
}
