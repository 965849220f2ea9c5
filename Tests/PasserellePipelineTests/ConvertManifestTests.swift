import Foundation
import PasserellePipeline
import Testing

/// `manifest.json` is built from the `manifest.ndjson` journal: the latest entry of each source,
/// sorted, streamed (not the whole journal decoded at once); a line torn by a crash never
/// swallows the next one.
@Suite("convert manifest")
struct ConvertManifestTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func line(_ entry: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]), as: UTF8.self) + "\n"
    }

    static func manifest(_ directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the latest entry of each source, sorted by source; a torn last line is ended before new lines are appended")
    func latestEntriesAndTornLine() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sha = String(repeating: "a", count: 64)
        var journal = try Self.line(["status": "FAILURE", "source": "in/a.xml", "sha256": sha, "reasons": ["[XML-MALFORMED] cut"]])
        journal += try Self.line(["status": "SUCCESS", "source": "in/b.xml", "sha256": sha, "output": "b.fhir.json", "outputSHA256": sha])
        journal += try Self.line(["status": "SUCCESS", "source": "in/a.xml", "sha256": sha, "output": "a.fhir.json", "outputSHA256": sha])
        journal += "{\"sha256\":\"12"  // a crash while appending
        try Data(journal.utf8).write(to: directory.appendingPathComponent("manifest.ndjson"))

        let sink = try ConvertSink(directory: directory, format: .fhir)
        #expect(try await sink.previousOutcome(source: "in/a.xml", sha256: sha) == "converted")
        _ = try await sink.unreadable(source: "in/c.xml", reason: "permission denied")
        let counts = try await sink.finish()
        #expect(counts == ConvertSink.ManifestCounts(success: 2, failure: 1))

        let manifest = try Self.manifest(directory)
        #expect(manifest["format"] as? String == "fhir")
        let success = try #require(manifest["success"] as? [[String: Any]])
        let failure = try #require(manifest["failure"] as? [[String: Any]])
        #expect(success.compactMap { $0["source"] as? String } == ["in/a.xml", "in/b.xml"])
        #expect(success.first?["output"] as? String == "a.fhir.json", "the later SUCCESS of in/a.xml replaces its FAILURE")
        #expect(failure.compactMap { $0["source"] as? String } == ["in/c.xml"], "the line after the torn one is intact")
        #expect(failure.first?["reasons"] as? [String] == ["permission denied"])
    }

    @Test("thousands of sources: every one listed once, in order, with both lists valid JSON")
    func manySources() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = try ConvertSink(directory: directory, format: .ndjson)
        for index in 0..<3_000 {
            _ = try await sink.unreadable(source: String(format: "in/%05d.xml", 2_999 - index), reason: "r\(index)")
        }
        let counts = try await sink.finish()
        #expect(counts == ConvertSink.ManifestCounts(success: 0, failure: 3_000))
        let manifest = try Self.manifest(directory)
        let failure = try #require(manifest["failure"] as? [[String: Any]])
        let sources = failure.compactMap { $0["source"] as? String }
        #expect(sources.count == 3_000)
        #expect(sources == sources.sorted())
        #expect((manifest["success"] as? [Any])?.isEmpty == true)
    }
}
