import Foundation
import PasserelleCDA
import PasserelleModel
import PasserelleTestSupport
import PasserelleXML
import Testing

/// Base64 payloads with CRLF line ends (common in documents produced on Windows): the compact
/// tree hands them to the decoder from the input, carriage returns included, so the decoded
/// bytes, their SHA-256 and the offsets of base64 errors must equal the DOM reader's.
@Suite struct LineEndingPayloadTests {
    /// The level-1 fixture with its payload lines ended by `newline`, and `corrupt` applied.
    static func document(newline: String, corrupt: (inout [String]) -> Void = { _ in }) throws -> Data {
        let text = try String(contentsOf: TestPaths.fixture("cda/valid/cr-niveau1-pdf.xml"), encoding: .utf8)
        let open = try #require(text.range(of: "representation=\"B64\">"))
        let close = try #require(text.range(of: "</text>", range: open.upperBound..<text.endIndex))
        var lines = text[open.upperBound..<close.lowerBound].split(whereSeparator: \.isNewline).map(String.init)
        corrupt(&lines)
        let payload = newline + lines.joined(separator: newline) + newline + "      "
        return Data((String(text[..<open.upperBound]) + payload + String(text[close.lowerBound...])).utf8)
    }

    static func attachments(_ bytes: Data, treeKind: XMLTreeKind) -> (PasserelleModel.Attachment?, [Diagnostic]) {
        let parsed = CDAReader(parser: SafeXMLParser(treeKind: treeKind)).read(bytes, sourceName: "payload.xml")
        guard case .nonXML(let attachment) = parsed.document?.body else { return (nil, parsed.diagnostics) }
        return (attachment, parsed.diagnostics)
    }

    @Test(arguments: ["\n", "\r\n"])
    func payloadDecodesToTheSameBytes(newline: String) throws {
        let bytes = try Self.document(newline: newline)
        let (compact, compactDiagnostics) = Self.attachments(bytes, treeKind: .compact)
        let (dom, domDiagnostics) = Self.attachments(bytes, treeKind: .libxml2)
        let decoded = try #require(compact?.data)
        #expect(decoded.starts(with: Data("%PDF".utf8)))
        #expect(decoded == dom?.data)
        #expect(compact?.sha256 == dom?.sha256)
        #expect(compactDiagnostics == domDiagnostics)
    }

    @Test(arguments: ["\n", "\r\n"])
    func invalidCharacterOffsetIgnoresCarriageReturns(newline: String) throws {
        let bytes = try Self.document(newline: newline) { lines in
            var third = Array(lines[2])
            third[10] = "*"
            lines[2] = String(third)
        }
        let (_, compactDiagnostics) = Self.attachments(bytes, treeKind: .compact)
        let (_, domDiagnostics) = Self.attachments(bytes, treeKind: .libxml2)
        let error = try #require(compactDiagnostics.first { $0.code == .cdaBase64 })
        // The text starts with the line end; offsets count LF-normalized characters.
        let expected = 1 + (Self.lineLength + 1) * 2 + 10
        #expect(error.message.hasSuffix("at offset \(expected)"))
        #expect(compactDiagnostics == domDiagnostics)
    }

    /// Length of the fixture's payload lines.
    static let lineLength = 76
}
