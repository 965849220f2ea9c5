import Foundation
import PasserelleModel
import PasserelleXML
import Testing

/// Depth, text, attribute and document-size limits, with small configured limits and with the
/// defaults. Serialized: some inputs are tens of megabytes and peak memory is measured.
@Suite(.serialized) struct ResourceLimitTests {
    static let small = XMLParserLimits(maxDocumentBytes: 4096, maxDepth: 10, maxTextBytes: 100, maxAttributeBytes: 50)

    static func nested(_ depth: Int) -> Data {
        Data((String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)).utf8)
    }

    @Test(arguments: [(small, 10), (XMLParserLimits.default, 256)])
    func nestingBeyondTheLimitIsRefused(limits: XMLParserLimits, maxDepth: Int) throws {
        #expect(SafeXMLParser(limits: limits).parse(Self.nested(maxDepth)).tree != nil)
        let (result, elapsed) = XMLTestSupport.timedParse(Self.nested(maxDepth + 1), limits: limits)
        #expect(result.tree == nil)
        #expect(elapsed < XMLTestSupport.timeBound)
        let error = try #require(XMLTestSupport.firstError(result))
        #expect(error.code == .xmlTooDeep)
        // The offending start tag is the (maxDepth + 1)th `<a>` on line 1.
        #expect(error.location == PasserelleModel.SourceLocation(line: 1, column: 3 * maxDepth + 1))
    }

    @Test func hugeNestingIsStoppedEarly() throws {
        let (result, elapsed) = XMLTestSupport.timedParse(Self.nested(200_000))
        #expect(XMLTestSupport.firstError(result)?.code == .xmlTooDeep)
        #expect(elapsed < XMLTestSupport.timeBound)
    }

    static func attributeDocument(_ size: Int) -> Data {
        Data(("<doc>\n  <id root=\"" + String(repeating: "1", count: size) + "\"/>\n</doc>").utf8)
    }

    @Test(arguments: [(small, 50), (XMLParserLimits.default, 1 << 20)])
    func attributeBeyondTheLimitIsRefused(limits: XMLParserLimits, maxBytes: Int) throws {
        #expect(SafeXMLParser(limits: limits).parse(Self.attributeDocument(maxBytes)).tree != nil)
        let (result, elapsed) = XMLTestSupport.timedParse(Self.attributeDocument(maxBytes + 1), limits: limits)
        #expect(result.tree == nil)
        #expect(elapsed < XMLTestSupport.timeBound)
        let error = try #require(XMLTestSupport.firstError(result))
        #expect(error.code == .xmlAttributeTooLarge)
        #expect(error.location == PasserelleModel.SourceLocation(line: 2, column: 3))
    }

    static func textDocument(_ size: Int, unit: String = "A") -> Data {
        var bytes = Data("<doc>\n<text>".utf8)
        bytes.append(Data(repeating: unit.utf8.first ?? 0x41, count: size))
        bytes.append(Data("</text>\n</doc>".utf8))
        return bytes
    }

    @Test(arguments: [(small, 100), (XMLParserLimits.default, 48 << 20)])
    func textBeyondTheLimitIsRefused(limits: XMLParserLimits, maxBytes: Int) throws {
        let (result, elapsed) = XMLTestSupport.timedParse(Self.textDocument(maxBytes + 1), limits: limits)
        #expect(result.tree == nil)
        #expect(elapsed < XMLTestSupport.timeBound)
        let error = try #require(XMLTestSupport.firstError(result))
        #expect(error.code == .xmlTextTooLarge)
        #expect(error.location?.line == 2)
    }

    @Test func textAtTheLimitIsAccepted() throws {
        let result = SafeXMLParser(limits: Self.small).parse(Self.textDocument(100))
        let text = try #require(result.tree?.root?.child("text", in: nil)?.textContent)
        #expect(text.utf8.count == 100)
    }

    /// Entity references and character references count towards the same text node.
    @Test func textLimitCountsEveryChunkOfOneNode() {
        let body = String(repeating: "&amp;&#65;", count: 40)  // 80 characters of text
        let accepted = SafeXMLParser(limits: Self.small).parse(Data("<doc>\(body)</doc>".utf8))
        #expect(accepted.tree != nil)
        let refused = SafeXMLParser(limits: Self.small).parse(Data("<doc>\(body)\(body)</doc>".utf8))
        #expect(XMLTestSupport.firstError(refused)?.code == .xmlTextTooLarge)
    }

    @Test func documentOverTheConfiguredSizeIsRefusedBeforeParsing() throws {
        let (result, _) = XMLTestSupport.timedParse(Self.textDocument(5000), limits: Self.small)
        let error = try #require(XMLTestSupport.firstError(result))
        #expect(error.code == .xmlTooLarge)
        #expect(error.location == nil)  // a whole-input problem
    }

    /// 70 MB, over the 64 MiB default. The buffer is zero-filled lazily, so this costs no memory.
    @Test func documentOverTheDefaultSizeIsRefusedImmediately() throws {
        var bytes = Data(count: 70_000_000)
        bytes.replaceSubrange(0..<18, with: Data("<ClinicalDocument>".utf8))
        let (result, elapsed) = XMLTestSupport.timedParse(bytes)
        #expect(result.tree == nil)
        #expect(XMLTestSupport.firstError(result)?.code == .xmlTooLarge)
        #expect(elapsed < .milliseconds(500))
        let limit = XMLParserLimits.default.maxDocumentBytes
        #expect(limit == 64 << 20)
        #expect(SafeXMLParser().parse(bytes.prefix(limit + 1)).diagnostics.first?.code == .xmlTooLarge)
    }

    /// If any entity were expanded, billion laughs would need gigabytes and quadratic blowup 40 MB.
    @Test(arguments: ["billion-laughs.xml", "quadratic-blowup.xml"])
    func entityBombsUseBoundedMemory(file: String) throws {
        let bytes = try XMLTestSupport.attack(file)
        let before = XMLTestSupport.peakResidentBytes()
        for _ in 0..<20 {
            let (result, elapsed) = XMLTestSupport.timedParse(bytes)
            #expect(XMLTestSupport.firstError(result)?.code == .xmlDTDForbidden)
            #expect(elapsed < .milliseconds(500))
        }
        let grown = XMLTestSupport.peakResidentBytes() - before
        #expect(grown < 32 << 20, "peak memory grew by \(grown) bytes")
    }
}
