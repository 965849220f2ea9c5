import Foundation
import PasserelleModel
@testable import PasserellePipeline
import PasserelleStore
import PasserelleValidation
import Testing

/// A sink that records how many inputs it holds at once (and their bytes), taking its time so
/// that the pipeline's bounds are reached.
/// A count shared with an observer closure.
final class Counter: @unchecked Sendable {
    private let mutex = NSLock()
    private var total = 0

    func add(_ count: Int) {
        mutex.lock()
        total += count
        mutex.unlock()
    }

    var value: Int {
        mutex.lock()
        defer { mutex.unlock() }
        return total
    }
}

final class CountingSink: DocumentSink, @unchecked Sendable {
    private let mutex = NSLock()
    private(set) var current = 0
    private(set) var highest = 0
    private(set) var accepted = 0

    private func enter() {
        mutex.lock()
        current += 1
        highest = max(highest, current)
        mutex.unlock()
    }

    private func leave() {
        mutex.lock()
        current -= 1
        accepted += 1
        mutex.unlock()
    }

    func previousOutcome(source: String, sha256: String) async throws -> String? { nil }

    func accept(_ read: ReadDocument, source: String, receivedAt: Date) async throws -> DocumentResult {
        enter()
        try await Task.sleep(for: .milliseconds(20))
        leave()
        return DocumentResult(source: source, name: read.name, sha256: read.sha256, size: read.originalBytes.count,
            outcome: .converted(output: source))
    }

    func reject(_ rejection: Rejection) async throws -> DocumentResult {
        DocumentResult(source: rejection.source, name: rejection.name, sha256: rejection.sha256, size: rejection.bytes.count,
            outcome: .failed(reason: rejection.reason))
    }

    func unreadable(source: String, reason: String) async throws -> DocumentResult {
        DocumentResult(source: source, name: source, sha256: "", size: 0, outcome: .failed(reason: reason))
    }

    func sourceComplete(source: String, sha256: String, parts: Int) async throws {}
}

@Suite("Ingest pipeline: concurrency, bounds, journal look-ups")
struct PipelineConcurrencyTests {
    static func inputs(_ count: Int, in scratch: ScratchDirectory) throws -> InputSource {
        for index in 0..<count { try scratch.write("in/d\(index).xml", TestCDA.document(id: "d\(index)", ipp: "IPP-\(index)")) }
        return InputSource(paths: [scratch.url.appendingPathComponent("in").path], extensions: ["xml"])
    }

    @Test("at most queueDepth inputs are in flight, and every result is counted once")
    func queueDepthBound() async throws {
        let scratch = try ScratchDirectory()
        let inputs = try Self.inputs(24, in: scratch)
        let sink = CountingSink()
        let configuration = PipelineConfiguration(validator: DocumentValidator(rules: .none), jobs: 2, queueDepth: 3)
        let observed = Counter()
        let summary = try await IngestPipeline(configuration: configuration, sink: sink).run(inputs) { progress in
            observed.add(progress.results.count)
        }
        #expect(summary.documents == 24)
        #expect(summary.converted == 24)
        #expect(observed.value == 24)
        #expect(sink.accepted == 24)
        #expect(sink.highest <= 3)
        #expect(sink.highest >= 2)
    }

    @Test("the byte budget bounds the inputs in flight (one at a time when each input exceeds it)")
    func byteBudget() async throws {
        let scratch = try ScratchDirectory()
        let inputs = try Self.inputs(6, in: scratch)
        let sink = CountingSink()
        let configuration = PipelineConfiguration(validator: DocumentValidator(rules: .none), jobs: 2, queueDepth: 8, maxBytesInFlight: 16)
        let summary = try await IngestPipeline(configuration: configuration, sink: sink).run(inputs)
        #expect(summary.converted == 6)
        #expect(sink.highest == 1)
    }

    @Test("the default queue depth lets the parse workers run ahead of the writer")
    func defaults() {
        #expect(PipelineConfiguration(jobs: 1).queueDepth == 64)
        #expect(PipelineConfiguration(jobs: 8).queueDepth == 128)
        #expect(PipelineConfiguration(jobs: 2, queueDepth: 1).queueDepth == 2)
        #expect(PipelineConfiguration().maxBytesInFlight == 64 << 20)
    }

    @Test("a new run skips journal queries, yet a source seen twice is resumed and a resumed run still skips", arguments: TestBackend.allCases)
    func freshRunJournal(_ backend: TestBackend) async throws {
        guard backend == .sqlite || TestBackend.postgresURL != nil else { return }
        let scratch = try ScratchDirectory()
        let store = try await scratch.store(backend)
        let run = try await StoreSink.openRun(store: store, base: "fresh")
        let sink = StoreSink(store: store, actor: "test", run: run)
        try await sink.prepareRun()
        let pipeline = IngestPipeline(configuration: .wellFormed, sink: sink)
        let envelope = Envelope(sourceName: "in/a.xml", bytes: TestCDA.document(id: "a"))
        #expect(try await pipeline.process(envelope).map(\.outcome.kind) == ["stored"])
        // The same source again in the same run: its journal entry is found, as before.
        #expect(try await pipeline.process(envelope).map(\.outcome) == [.resumed(previous: "stored")])
        // Another process resuming the run (not fresh: the journal has entries) skips it too.
        let resumedSink = StoreSink(store: store, actor: "test", run: run)
        try await resumedSink.prepareRun()
        let resumed = IngestPipeline(configuration: .wellFormed, sink: resumedSink)
        #expect(try await resumed.process(envelope).map(\.outcome) == [.resumed(previous: "stored")])
        #expect(try await resumed.process(Envelope(sourceName: "in/b.xml", bytes: TestCDA.document(id: "b"))).map(\.outcome.kind)
            == ["stored"])
        #expect(try await store.statistics().documents == 2)
        try await store.close()
    }

    @Test("files are read byte-exact with their modification time; a file above the limit is left unread")
    func readFile() throws {
        let scratch = try ScratchDirectory()
        var bytes = TestCDA.document(id: "exact")
        bytes.append(contentsOf: [0x00, 0xFF, 0x0D, 0x0A])
        let path = try scratch.write("one.xml", bytes)
        let modified = Date(timeIntervalSince1970: 1_700_000_000.25)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        var iterator = InputSource(paths: [path], extensions: ["xml"]).makeIterator()
        guard case .envelope(let envelope)? = iterator.next() else {
            Issue.record("expected an envelope")
            return
        }
        #expect(envelope.bytes == bytes)
        #expect(envelope.sha256 == Hashing.sha256Hex(bytes))
        #expect(abs(envelope.receivedAt.timeIntervalSince(modified)) < 0.001)
        var limited = InputSource(paths: [path], extensions: ["xml"], limits: InputLimits(maxEntrySize: 100)).makeIterator()
        guard case .largeFile(let large)? = limited.next() else {
            Issue.record("expected the file to be left unread")
            return
        }
        #expect(large.size == bytes.count)
        #expect(large.limit == 100)
        #expect(abs(large.modified.timeIntervalSince(modified)) < 0.001)
        #expect(large.isUnchanged())
    }

    @Test("directories are walked lazily in the order of the full paths: hidden files, subfolders, links to files; links to folders not followed")
    func directoryWalk() throws {
        let scratch = try ScratchDirectory()
        for name in ["in/b.xml", "in/a-b.xml", "in/a/c.xml", "in/a/z/d.xml", "in/.hidden.xml", "in/notes.txt", "in/a/z/e.XML"] {
            try scratch.write(name, TestCDA.document(id: name))
        }
        let root = scratch.url.appendingPathComponent("in")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link.xml").path, withDestinationPath: "b.xml")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("loop").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("dangling.xml").path, withDestinationPath: "gone.xml")
        let source = InputSource(paths: [root.path], extensions: ["xml"])
        #expect(source.problems.isEmpty)
        var iterator = source.makeIterator()
        var names: [String] = []
        var bytesRead = 0
        while let event = iterator.next() {
            guard case .envelope(let envelope) = event else {
                Issue.record("unexpected \(event)")
                continue
            }
            names.append(String(envelope.sourceName.dropFirst(root.path.count + 1)))
            bytesRead += envelope.bytes.count
        }
        let expected = [".hidden.xml", "a-b.xml", "a/c.xml", "a/z/d.xml", "a/z/e.XML", "b.xml", "link.xml"]
        #expect(names == expected)
        #expect(expected == expected.sorted(), "the order of a sort of the full paths")
        #expect(source.estimatedCount() == expected.count)
        #expect(source.survey().bytes == bytesRead, "the sizes of the files read (a link counts its target's)")
        // notes.txt is left out by its extension and counted; links to folders and dangling
        // links are no files, dot files no inputs.
        try scratch.write("in/.DS_Store", Data())
        #expect(source.survey().skipped == ["txt": 1])
        #expect(source.survey().skippedNote(verb: "ingest", hint: "hint") == "ingest: 1 file in the directories and archives not read, by extension (.txt ×1); hint")
    }
}
