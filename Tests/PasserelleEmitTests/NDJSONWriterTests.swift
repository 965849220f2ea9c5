import Foundation
import PasserelleEmit
import PasserelleModel
import Testing

@Suite("NDJSON writer")
struct NDJSONWriterTests {
    @Test("One compact line per document; each line decodes back to the same model")
    func roundTrip() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("emit-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        var writer = NDJSONWriter(fileHandle: handle, includeAttachmentPayloads: true)
        var documents: [ClinicalDocument] = []
        for name in EmitFixtures.validNames {
            let (document, _) = try EmitFixtures.document(name)
            documents.append(document)
            try writer.write(document)
        }
        try handle.close()
        #expect(writer.count == documents.count)
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == documents.count + 1)
        #expect(lines.last == "")
        for (line, document) in zip(lines, documents) {
            #expect(!line.contains("\n"))
            let decoded = try NDJSONWriter.decoder().decode(ClinicalDocument.self, from: Data(line.utf8))
            #expect(decoded == document)
        }
    }

    @Test("Attachment bytes are written only when asked; keys are sorted")
    func payloadsAndKeyOrder() throws {
        let (document, _) = try EmitFixtures.document("cr-niveau1-pdf.xml")
        let without = try NDJSONWriter.line(for: document)
        let with = try NDJSONWriter.line(for: document, includeAttachmentPayloads: true)
        let decodedWithout = try NDJSONWriter.decoder().decode(ClinicalDocument.self, from: without)
        guard case .nonXML(let stripped) = decodedWithout.body, case .nonXML(let original) = document.body else {
            Issue.record("expected a nonXML body")
            return
        }
        #expect(stripped.data == nil)
        #expect(stripped.sha256 == original.sha256)
        #expect(try NDJSONWriter.decoder().decode(ClinicalDocument.self, from: with) == document)
        #expect(with.count > without.count)
        let text = String(decoding: without, as: UTF8.self)
        let topKeys = try #require(try JSONSerialization.jsonObject(with: without) as? [String: Any]).keys.sorted()
        let positions = topKeys.map { text.range(of: "\"\($0)\":")?.lowerBound ?? text.endIndex }
        #expect(positions == positions.sorted())
        #expect(try NDJSONWriter.line(for: document) == without)
    }
}
