import Foundation
import PasserelleCDA
import PasserelleModel
import PasserelleTestSupport
import Testing

/// Damaged versions of the real corpus documents (bytes changed, ranges cut, copied or
/// reversed, markup and entity declarations inserted, files truncated): the reader always ends
/// in a document or an error diagnostic naming the file, never a crash or a hang. The structure
/// around each damage is real, so the damage reaches the header, body and PDF readers, not only
/// the XML layer.
@Suite("Damaged corpus documents")
struct MutatedCorpusTests {
    static let snippets = [
        "<", ">", "</", "<!DOCTYPE x [<!ENTITY a \"b\">]>", "&a;", "&#0;", "&#xD800;", "<![CDATA[", "]]>",
        "xsi:type=\"ED\"", "<nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">", "JVBERi0", "</text>",
        "<id root=\"1.2.250.1.213.1.4.8\" extension=\"2\"/>", "<effectiveTime value=\"2024\"/>", "\u{0}", "\u{FEFF}",
        "<section>", "<component>", "nullFlavor=\"UNK\"",
    ]

    /// `bytes` with one to six random damages.
    static func damage(_ bytes: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...6, using: &generator) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0...5, using: &generator) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...200, using: &generator)))
            case 2:
                let piece = Array(bytes[at..<min(bytes.count, at + Int.random(in: 1...400, using: &generator))])
                bytes.insert(contentsOf: piece, at: Int.random(in: 0...bytes.count, using: &generator))
            case 3: bytes.insert(contentsOf: Array((snippets.randomElement(using: &generator) ?? "<").utf8), at: at)
            case 4: bytes.removeSubrange(at...)
            default:
                let end = min(bytes.count, at + 50)
                bytes.replaceSubrange(at..<end, with: bytes[at..<end].reversed())
            }
        }
        return bytes
    }

    @Test("every damaged corpus document ends in a document or a located error", ConformanceTests.corpusEnabled)
    func damagedDocumentsEndInADocumentOrAnError() throws {
        let documents = TestPaths.corpusDocuments()
        #expect(!documents.isEmpty)
        var generator = SeededGenerator(state: 2026_11_24)
        var read = 0, rejected = 0
        for round in 0..<3 {
            for url in documents {
                let damaged = Self.damage([UInt8](try Data(contentsOf: url)), &generator)
                let name = "damaged-\(round)-\(url.lastPathComponent)"
                let parsed = CDAReader().read(Data(damaged), sourceName: name)
                #expect(parsed.document != nil || parsed.diagnostics.containsErrors, "\(name)")
                if parsed.document == nil { rejected += 1 }
                for diagnostic in parsed.diagnostics where diagnostic.severity == .error {
                    #expect(diagnostic.file == name)
                    #expect(!diagnostic.message.isEmpty)
                }
                read += 1
            }
        }
        #expect(read == 3 * documents.count)
        // Both outcomes occur: the damages are neither all harmless nor all fatal.
        #expect(rejected > 0 && rejected < read, "\(rejected) of \(read) rejected")
    }
}
