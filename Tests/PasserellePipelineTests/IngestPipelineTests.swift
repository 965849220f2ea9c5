import Foundation
import PasserelleModel
import PasserellePipeline
import PasserelleStore
import PasserelleTestSupport
import Testing
import ZIPFoundation

/// The pipeline cases, run against each store adapter by the suites below.
enum PipelineCases {
    static func idempotence(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store(backend)
        let pipeline = IngestPipeline(configuration: .wellFormed, sink: StoreSink(store: store, actor: "test", run: nil))
        let bytes = TestCDA.document(id: "d1")
        let first = try await pipeline.process(Envelope(sourceName: "a.xml", bytes: bytes))
        let second = try await pipeline.process(Envelope(sourceName: "a-again.xml", bytes: bytes))
        guard case .stored(let id) = first.first?.outcome else { Issue.record("first: \(first)"); return }
        #expect(second.map(\.outcome) == [.duplicate(document: id)])
        #expect(first.first?.identity?.decision == "new")
        let stats = try await store.statistics()
        #expect(stats.documents == 1)
        #expect(stats.patients == 1)
        try await store.close()
    }

    static func versioning(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store(backend)
        let pipeline = IngestPipeline(configuration: .wellFormed, sink: StoreSink(store: store, actor: "test", run: nil))
        let v1 = try await pipeline.process(Envelope(sourceName: "v1.xml", bytes: TestCDA.document(id: "v1", setID: "S", version: 1)))
        let v2 = try await pipeline.process(Envelope(sourceName: "v2.xml", bytes: TestCDA.document(id: "v2", setID: "S", version: 2)))
        guard case .stored(let first) = v1.first?.outcome, case .newVersion(let second, let supersedes) = v2.first?.outcome else {
            Issue.record("outcomes: \(v1) \(v2)")
            return
        }
        #expect(supersedes == first)
        #expect(second != first)
        #expect(v2.first?.identity?.decision == "known")
        let versions = try await store.versions(setKey: "1.2.3.4.5^S")
        #expect(versions.map(\.status) == [.superseded, .current])
        try await store.close()
    }

    static func conflict(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store(backend)
        let pipeline = IngestPipeline(configuration: .wellFormed, sink: StoreSink(store: store, actor: "test", run: nil))
        let original = TestCDA.document(id: "c1", note: "first")
        let changed = TestCDA.document(id: "c1", note: "second")
        let stored = try await pipeline.process(Envelope(sourceName: "c1.xml", bytes: original))
        let again = try await pipeline.process(Envelope(sourceName: "c1-changed.xml", bytes: changed))
        guard case .stored(let id) = stored.first?.outcome else { Issue.record("\(stored)"); return }
        guard case .conflict(let conflicting, let existing, let new) = again.first?.outcome else { Issue.record("\(again)"); return }
        #expect(conflicting == id)
        #expect(existing == Hashing.sha256Hex(original))
        #expect(new == Hashing.sha256Hex(changed))
        #expect(try await store.originalBytes(DocumentID(rawValue: Int64(id)!)) == original)
        #expect(try await store.statistics().documents == 1)
        try await store.close()
    }

    static func quarantine(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("in/1-good.xml", TestCDA.document(id: "g1"))
        try scratch.write("in/2-bad.xml", TestCDA.truncated)
        try scratch.write("in/3-good.xml", TestCDA.document(id: "g2", ipp: "IPP-2", family: "DURAND", given: "Paul", birth: "19700101"))
        try scratch.write("in/notes.md", Data("not an input".utf8))
        let store = try await scratch.store(backend)
        let pipeline = IngestPipeline(configuration: .wellFormed, sink: StoreSink(store: store, actor: "test", run: "r-1"))
        let inputs = InputSource(paths: [scratch.url.appendingPathComponent("in").path], extensions: ["xml"])
        let summary = try await pipeline.run(inputs)
        #expect(summary.inputs == 3)
        #expect(summary.stored == 2)
        #expect(summary.quarantined == 1)
        #expect(summary.patientsCreated == 2)
        let items = try await store.quarantineItems(state: .open)
        #expect(items.count == 1)
        let item = try #require(items.first)
        #expect(item.sourceName.hasSuffix("in/2-bad.xml"))
        #expect(item.reason.contains("XML-"))
        #expect(item.diagnostics.contains { $0.severity == .error })
        #expect(try await store.quarantineBytes(item.id) == TestCDA.truncated)
        let journal = try await store.journalEntries(run: "r-1")
        #expect(journal.map(\.outcome).sorted { $0.rawValue < $1.rawValue } == [.quarantined, .stored, .stored])
        #expect(summary.alreadyQuarantined == 0)
        // The same broken bytes in a later run: reported, but no second quarantine item.
        try scratch.write("in/4-bad-again.xml", TestCDA.truncated)
        let laterInputs = InputSource(paths: [scratch.url.appendingPathComponent("in").path], extensions: ["xml"])
        let later = try await IngestPipeline(configuration: .wellFormed, sink: StoreSink(store: store, actor: "test", run: "r-2"))
            .run(laterInputs)
        #expect(later.quarantined == 2)
        #expect(later.alreadyQuarantined == 2)
        #expect(later.duplicates == 2)
        #expect(try await store.quarantineItems(state: nil).map(\.id) == [item.id])
        let repeated = try await store.journalEntries(run: "r-2").filter { $0.outcome == .quarantined }
        #expect(repeated.count == 2)
        #expect(repeated.allSatisfy { $0.quarantine == item.id })
        try await store.close()
    }

    static func retry(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store(backend)
        // A French document failing the CI-SIS rules is quarantined with rules on...
        let strict = PipelineConfiguration(validator: .init(rules: .ciSIS), jobs: 1)
        let bytes = TestCDA.document(id: "r1")
        let first = try await IngestPipeline(configuration: strict, sink: StoreSink(store: store, actor: "test", run: nil))
            .process(Envelope(sourceName: "r1.xml", bytes: bytes))
        guard case .quarantined(let item, _) = first.first?.outcome else { Issue.record("\(first)"); return }
        let qid = QuarantineID(rawValue: Int64(item)!)
        // ...failing again with the same level reports without a new item...
        let again = try await IngestPipeline(configuration: strict, sink: StoreSink(store: store, actor: "test", run: nil, quarantines: false))
            .process(Envelope(sourceName: "r1.xml", bytes: try #require(try await store.quarantineBytes(qid))))
        #expect(again.first?.outcome.kind == "failed")
        #expect(try await store.quarantineItems(state: nil).count == 1)
        // ...and passes at the well-formedness level.
        let retried = try await IngestPipeline(configuration: .wellFormed, sink: StoreSink(store: store, actor: "test", run: nil, quarantines: false))
            .process(Envelope(sourceName: "r1.xml", bytes: try #require(try await store.quarantineBytes(qid))))
        guard case .stored(let document) = retried.first?.outcome else { Issue.record("\(retried)"); return }
        try await store.markQuarantineRetried(qid, document: DocumentID(rawValue: Int64(document)!), actor: "test")
        let updated = try #require(try await store.quarantineItem(qid))
        #expect(updated.state == .retried)
        #expect(updated.document?.description == document)
        try await store.close()
    }

    static func resume(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("in/a.xml", TestCDA.document(id: "a"))
        try scratch.write("in/b.xml", TestCDA.document(id: "b"))
        let store = try await scratch.store(backend)
        let run = try await StoreSink.openRun(store: store, base: "test")
        #expect(run == "test-1")
        let sink = StoreSink(store: store, actor: "test", run: run)
        let pipeline = IngestPipeline(configuration: .wellFormed, sink: sink)
        // An interrupted run: only a.xml was handled.
        _ = try await pipeline.process(Envelope(sourceName: scratch.url.appendingPathComponent("in/a.xml").path,
            bytes: TestCDA.document(id: "a")))
        #expect(try await StoreSink.openRun(store: store, base: "test") == "test-1")
        let inputs = InputSource(paths: [scratch.url.appendingPathComponent("in").path], extensions: ["xml"])
        let resumed = try await pipeline.run(inputs)
        #expect(resumed.resumed == 1)
        #expect(resumed.stored == 1)
        try await sink.finishRun(resumed)
        let next = try await StoreSink.openRun(store: store, base: "test")
        #expect(next == "test-2")
        let rerun = try await IngestPipeline(configuration: .wellFormed, sink: StoreSink(store: store, actor: "test", run: next)).run(inputs)
        #expect(rerun.duplicates == 2)
        #expect(try await store.statistics().documents == 2)
        try await store.close()
    }

    static func multiDocumentInput(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store(backend)
        let hprim = try Data(contentsOf: TestFixtures.url("hprim/sante-two-patients.hpr"))
        let sink = StoreSink(store: store, actor: "test", run: "m-1")
        let pipeline = IngestPipeline(configuration: .wellFormed, sink: sink)
        let results = try await pipeline.process(Envelope(sourceName: "lab.hpr", bytes: hprim))
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.outcome.kind == "stored" })
        #expect(Set(results.map(\.source)).count == 2)
        #expect(results.allSatisfy { $0.source.hasPrefix("lab.hpr#records ") })
        let again = try await pipeline.process(Envelope(sourceName: "lab.hpr", bytes: hprim))
        #expect(again.map(\.outcome) == [.resumed(previous: "skipped")])
        try await store.close()
    }

    static func zipArchive(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        let archiveURL = scratch.url.appendingPathComponent("batch.zip")
        let entries: [(String, Data)] = [
            ("docs/z1.xml", TestCDA.document(id: "z1")),
            ("docs/z2.xml", TestCDA.document(id: "z2", ipp: "IPP-2", family: "DURAND", given: "Paul", birth: "19700101")),
            ("docs/broken.xml", TestCDA.truncated), ("README.txt", Data("not an input".utf8)),
        ]
        let archive = try Archive(url: archiveURL, accessMode: .create)
        for (name, data) in entries {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let store = try await scratch.store(backend)
        let sink = StoreSink(store: store, actor: "test", run: "z-1")
        let inputs = InputSource(paths: [archiveURL.path], extensions: ["xml"])
        // The member left out because of its extension is counted, so that the command says so.
        // The bytes to read are those of the three members read, for progress.
        let members = entries.filter { $0.0.hasSuffix(".xml") }.reduce(0) { $0 + $1.1.count }
        #expect(inputs.survey() == InputSurvey(count: 3, skipped: ["txt": 1], bytes: members))
        let summary = try await IngestPipeline(configuration: .wellFormed, sink: sink).run(inputs)
        #expect(summary.inputs == 3)
        #expect(summary.stored == 2)
        #expect(summary.quarantined == 1)
        let item = try #require(try await store.quarantineItems(state: .open).first)
        #expect(item.sourceName == archiveURL.path + "!docs/broken.xml")
        #expect(try await store.quarantineBytes(item.id) == TestCDA.truncated)
        let z1 = try #require(try await store.document(key: "1.2.3.4.5^z1"))
        #expect(try await store.originalBytes(z1.id) == entries[0].1)
        #expect(z1.sha256 == Hashing.sha256Hex(entries[0].1))
        // The same run again (as after an interruption): everything is resumed from the journal.
        let again = try await IngestPipeline(configuration: .wellFormed, sink: sink).run(inputs)
        #expect(again.resumed == 3)
        #expect(try await store.statistics().documents == 2)
        #expect(try await store.quarantineItems(state: nil).count == 1)
        try await store.close()
    }
}

/// Fixture files of the main package.
enum TestFixtures {
    static func url(_ relative: String) -> URL {
        TestPaths.fixture(relative)
    }
}
