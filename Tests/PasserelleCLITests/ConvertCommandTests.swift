import Foundation
import PasserelleTestSupport
import Testing

@Suite("passerelle convert")
struct ConvertCommandTests {
    private func manifest(_ directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("FHIR bundles, one per document, named from the document id, and a manifest with the failures")
    func fhirOutputs() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("in/c1.xml", IngestSamples.document("c1"))
        try directory.write("in/c2.xml", IngestSamples.document("c2", patient: 2))
        try directory.write("in/bad.xml", Data("<ClinicalDocument".utf8))
        let result = try await CLI.run(["convert", "in", "--to", "fhir", "--out", "out", "--rules", "none", "--format", "json"], in: directory.url)
        #expect(result.status == 1, "\(result.stderr)")
        let summary = try IngestSamples.json(result)
        #expect(summary["converted"] as? Int == 2)
        #expect(summary["failed"] as? Int == 1)
        let out = directory.url.appendingPathComponent("out")
        var bundles: [String] = []
        for id in ["c1", "c2"] {
            let file = out.appendingPathComponent("1.2.3.4.5_\(id).fhir.json")
            bundles.append(file.path)
            let bundle = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
            #expect(bundle["resourceType"] as? String == "Bundle")
            let types = (bundle["entry"] as? [[String: Any]] ?? []).compactMap { ($0["resource"] as? [String: Any])?["resourceType"] as? String }
            #expect(types.contains("Patient"))
            #expect(types.contains("DocumentReference"))
            #expect(types.contains("Binary"))
        }
        let manifest = try manifest(out)
        let success = manifest["success"] as? [[String: Any]] ?? []
        let failure = manifest["failure"] as? [[String: Any]] ?? []
        #expect(success.count == 2)
        #expect(Set(success.compactMap { $0["output"] as? String }) == ["1.2.3.4.5_c1.fhir.json", "1.2.3.4.5_c2.fhir.json"])
        #expect(success.allSatisfy { ($0["outputSHA256"] as? String)?.count == 64 && ($0["sha256"] as? String)?.count == 64 })
        #expect(failure.count == 1)
        #expect(failure.first?["source"] as? String == "in/bad.xml")
        #expect((failure.first?["reasons"] as? [String])?.first?.contains("XML-") == true)
        // The independent FHIR check (fhir.resources R4B), when the package is installed.
        let script = TestPathsForConvert.checkFHIR
        if FileManager.default.fileExists(atPath: script.path) {
            let check = try await ReferenceProcess.run(["python3", script.path] + bundles)
            if check.status != 2 { #expect(check.status == 0, "\(check.stdoutText)\(check.stderr)") }
        }
    }

    @Test("converting again is deterministic; a rerun skips what the manifest holds and converts the rest")
    func resumable() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("in/a.xml", IngestSamples.document("a"))
        try directory.write("in/b.xml", IngestSamples.document("b"))
        let first = try await CLI.run(["convert", "in", "--to", "ndjson", "--out", "out", "--rules", "none", "--format", "json"], in: directory.url)
        #expect(first.status == 0, "\(first.stderr)")
        let out = directory.url.appendingPathComponent("out")
        let before = try Data(contentsOf: out.appendingPathComponent("1.2.3.4.5_a.ndjson"))
        try directory.write("in/c.xml", IngestSamples.document("c"))
        let second = try await CLI.run(["convert", "in", "--to", "ndjson", "--out", "out", "--rules", "none", "--format", "json"], in: directory.url)
        #expect(second.status == 0, "\(second.stderr)")
        let summary = try IngestSamples.json(second)
        #expect(summary["resumed"] as? Int == 2)
        #expect(summary["converted"] as? Int == 1)
        #expect((try manifest(out)["success"] as? [Any])?.count == 3)
        #expect(try Data(contentsOf: out.appendingPathComponent("1.2.3.4.5_a.ndjson")) == before)
        let fresh = try await CLI.run(["convert", "in", "--to", "ndjson", "--out", "out2", "--rules", "none"], in: directory.url)
        #expect(fresh.status == 0)
        #expect(try Data(contentsOf: directory.url.appendingPathComponent("out2/1.2.3.4.5_a.ndjson")) == before)
    }

    @Test("--to cda writes CDA inputs unchanged (no canonical id without a store)")
    func cdaOutput() async throws {
        let directory = try TemporaryDirectory()
        let bytes = IngestSamples.document("x1")
        try directory.write("x1.xml", bytes)
        let result = try await CLI.run(["convert", "x1.xml", "--to", "cda", "--out", "out", "--rules", "none"], in: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: directory.url.appendingPathComponent("out/1.2.3.4.5_x1.xml")) == bytes)
    }
}

enum TestPathsForConvert {
    static var checkFHIR: URL {
        TestPaths.packageRoot.appendingPathComponent("scripts/check_fhir.py")
    }
}
