import Foundation
import PasserelleCDA
import PasserelleEmit
import PasserelleModel
import PasserelleTestSupport
import Testing

/// The emitters over the shared corpus of real ANS and HL7 documents (skipped when absent).
@Suite("Emitters over the shared corpus")
struct CorpusEmitTests {
    @Test(.enabled(if: TestPaths.corpus != nil, "shared corpus not available"))
    func corpusBundlesValidateAndCDARereads() throws {
        let documents = TestPaths.corpusDocuments()
        #expect(documents.count > 20)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emit-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let emitter = FHIRBundleEmitter()
        let normalizer = NormalizedCDAEmitter()
        var written = 0
        for (index, url) in documents.enumerated() {
            let bytes = try Data(contentsOf: url)
            guard let document = CDAReader().read(bytes, sourceName: url.lastPathComponent).document else { continue }
            let bundle = try emitter.bundle(for: document, originalBytes: bytes, canonicalPatientID: "P-\(index)")
            try bundle.write(to: directory.appendingPathComponent("\(index).json"))
            written += 1
            guard document.patient != nil else { continue }
            let normalized = try normalizer.normalize(original: bytes, canonicalPatientID: "P-\(index)", sourceName: url.lastPathComponent)
            let reread = CDAReader().read(normalized, sourceName: url.lastPathComponent).document
            #expect(reread?.patient?.identifiers.last?.extension == "P-\(index)", "\(url.lastPathComponent)")
            #expect(reread?.patient?.identifiers.dropLast().map(\.description) == document.patient?.identifiers.map(\.description))
            #expect(reread?.id == document.id)
            #expect(reread?.body.attachments.map(\.sha256) == document.body.attachments.map(\.sha256))
        }
        #expect(written > 20)
        let result = try FHIRCheck.run(on: directory)
        #expect(result.status == 0, "fhir.resources rejected corpus output:\n\(result.output.suffix(4000))")
        #expect(result.output.contains("\(written) passed, 0 failed"))
    }
}
