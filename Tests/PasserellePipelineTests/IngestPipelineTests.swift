import Foundation
import PasserelleModel
import PasserellePipeline
import PasserelleStore
import PasserelleTestSupport
import Testing

@Suite("Ingest pipeline into SQLite")
struct IngestPipelineTests {
    @Test("the same document twice: stored, then a duplicate that changes nothing")
    func idempotence() async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store()
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

    @Test("a new version of a set supersedes the previous one")
    func versioning() async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store()
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

    @Test("same id, other bytes: a conflict, and the stored bytes are untouched")
    func conflict() async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store()
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

    @Test("a broken document goes to quarantine with its bytes and reasons; the run goes on")
    func quarantine() async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("in/1-good.xml", TestCDA.document(id: "g1"))
        try scratch.write("in/2-bad.xml", TestCDA.truncated)
        try scratch.write("in/3-good.xml", TestCDA.document(id: "g2", ipp: "IPP-2", family: "DURAND", given: "Paul", birth: "19700101"))
        try scratch.write("in/notes.md", Data("not an input".utf8))
        let store = try await scratch.store()
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
        try await store.close()
    }

    @Test("retry of a quarantined document without quarantining again, then marked retried")
    func retry() async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store()
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

    @Test("a resumed run skips what its journal holds; a finished run is followed by a new one")
    func resume() async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("in/a.xml", TestCDA.document(id: "a"))
        try scratch.write("in/b.xml", TestCDA.document(id: "b"))
        let store = try await scratch.store()
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

    @Test("an HPRIM Santé file with two patients gives two documents, journaled per part")
    func multiDocumentInput() async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store()
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
}

/// Fixture files of the main package.
enum TestFixtures {
    static func url(_ relative: String) -> URL {
        TestPaths.fixture(relative)
    }
}
