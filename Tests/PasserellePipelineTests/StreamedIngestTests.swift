import Foundation
import PasserelleFlat
import PasserelleModel
import PasserelleStore
import PasserelleTestSupport
import PasserelleValidation
import Testing
import ZIPFoundation

@testable import PasserellePipeline

/// Flat exports go to the sink as they are read: a file above the input limit is streamed from
/// disk instead of being refused, with the same outcomes as when it is read whole, journaled
/// part by part so that an interrupted run resumes where it stopped.
@Suite("Streamed ingest of flat exports")
struct StreamedIngestTests {
    static let header = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"

    /// An export of `rows` rows (one patient each); every `badEvery`-th row has an impossible
    /// consultation date (rejected to quarantine).
    static func export(rows: Int, badEvery: Int = 10) -> Data {
        var text = header
        for row in 1...rows {
            let date = row % badEvery == 0 ? "31/02/2024" : String(format: "%02d/01/2024", row % 28 + 1)
            text += "FAMILLE\(row);FAMILLE\(row);Prenom;\(String(format: "%02d", row % 28 + 1))/03/1970;F;;P\(String(format: "%06d", row));"
                + "\(date);Suivi;\"Ligne 1\r\nLigne 2 ; suite\"\r\n"
        }
        return Data(text.utf8)
    }

    static func profile() throws -> ExportProfile {
        try ProfileLoader.load(contentsOf: TestPaths.fixture("profiles/lgc-semicolon-cp1252.json"))
    }

    static func configuration() throws -> PipelineConfiguration {
        PipelineConfiguration(validator: DocumentValidator(rules: .none), profile: try profile(), jobs: 2)
    }

    /// Runs `inputs` into `sink`, returning the summary and every result sorted by source key.
    static func run(_ inputs: InputSource, sink: some DocumentSink) async throws -> (PipelineSummary, [DocumentResult]) {
        let collected = Collected()
        let summary = try await IngestPipeline(configuration: try configuration(), sink: sink).run(inputs) { collected.add($0) }
        return (summary, collected.results.sorted { $0.source < $1.source })
    }

    @Test("an export above the input limit is streamed from its file: the outcomes of a whole read, journaled per part, a rerun resumed whole")
    func streamedLikeWhole() async throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("export.csv", Self.export(rows: 300))
        let streamedStore = try await scratch.store("streamed.sqlite")
        let wholeStore = try await scratch.store("whole.sqlite")
        let limited = InputSource(paths: [path], extensions: ["csv"], limits: InputLimits(maxEntrySize: 4096))
        var iterator = limited.makeIterator()
        guard case .largeFile? = iterator.next() else {
            Issue.record("expected the file to be left unread for streaming")
            return
        }
        let (streamed, streamedResults) = try await Self.run(limited, sink: StoreSink(store: streamedStore, actor: "test", run: "r-1"))
        let (whole, wholeResults) = try await Self.run(
            InputSource(paths: [path], extensions: ["csv"]), sink: StoreSink(store: wholeStore, actor: "test", run: "r-1"))
        #expect(streamed.inputs == 1)
        #expect(streamed.documents == 300)
        #expect(streamed.stored == 270)
        #expect(streamed.quarantined == 30)
        #expect(streamed.bytes == (try Data(contentsOf: URL(fileURLWithPath: path))).count)
        #expect(streamed.stored == whole.stored && streamed.quarantined == whole.quarantined && streamed.inputs == whole.inputs)
        #expect(streamedResults.map(\.source) == wholeResults.map(\.source))
        #expect(streamedResults.map(\.sha256) == wholeResults.map(\.sha256))
        #expect(streamedResults.map(\.outcome.kind) == wholeResults.map(\.outcome.kind))
        #expect(streamedResults.first?.source == path + "#records 10-10")
        #expect(try await streamedStore.statistics().documents == 270)
        #expect(try await streamedStore.quarantineItems(state: nil).count == 30)
        // The rows of a part are kept byte-exact: the quarantined row 10 (record 11, after the
        // header) is its two physical lines.
        let rejectedRow = try #require(streamedResults.first { $0.source.hasSuffix("#records 11-11") })
        #expect(rejectedRow.outcome.kind == "quarantined")
        let rowBytes = Data(Self.export(rows: 10).split(separator: 0x0A, omittingEmptySubsequences: false).suffix(3).joined(separator: [0x0A]))
        #expect(rejectedRow.sha256 == Hashing.sha256Hex(rowBytes))
        // The whole file is journaled once every part is: the same command again skips it unread.
        let fileEntry = try #require(try await streamedStore.journalEntry(run: "r-1", source: path))
        #expect(fileEntry.key.sha256 == Hashing.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: path))))
        let (again, againResults) = try await Self.run(limited, sink: StoreSink(store: streamedStore, actor: "test", run: "r-1"))
        #expect(again.documents == 1)
        #expect(againResults.map(\.outcome.kind) == ["resumed"])
        try await streamedStore.close()
        try await wholeStore.close()
    }

    @Test("an archive member above the input limit is inflated piece by piece: the same rows as the file, a large CDA member refused")
    func archiveMemberStreamed() async throws {
        let scratch = try ScratchDirectory()
        let export = Self.export(rows: 300)
        let path = try scratch.write("export.csv", export)
        let archiveURL = scratch.url.appendingPathComponent("batch.zip")
        let archive = try Archive(url: archiveURL, accessMode: .create)
        for (name, data) in [("lgc/export.csv", export), ("big.xml", TestCDA.document(id: "big"))] {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let limits = InputLimits(maxEntrySize: 1024)
        let store = try await scratch.store()
        let member = archiveURL.path + "!lgc/export.csv"
        let inputs = InputSource(paths: [archiveURL.path], extensions: ["csv", "xml"], limits: limits)
        let (summary, results) = try await Self.run(inputs, sink: StoreSink(store: store, actor: "test", run: "r-1"))
        #expect(summary.inputs == 2)
        #expect(summary.stored == 270)
        #expect(summary.quarantined == 30)
        #expect(summary.failed == 1)
        let refused = try #require(results.first { $0.source == archiveURL.path + "!big.xml" })
        guard case .failed(let reason) = refused.outcome else {
            Issue.record("\(refused)")
            return
        }
        #expect(reason.hasPrefix("[INPUT-TOO-LARGE]"))
        // The same parts, with the same hashes, as the export read from its own file.
        let (_, fromFile) = try await Self.run(
            InputSource(paths: [path], extensions: ["csv"], limits: limits), sink: StoreSink(store: try await scratch.store("file.sqlite"), actor: "t", run: nil))
        let rows = results.filter { $0.source.hasPrefix(member + "#") }
        #expect(rows.map { $0.source.dropFirst(member.count) } == fromFile.map { $0.source.dropFirst(path.count) })
        #expect(rows.map(\.sha256) == fromFile.map(\.sha256))
        #expect(try await store.journalEntry(run: "r-1", source: member)?.key.sha256 == Hashing.sha256Hex(export))
        let (again, _) = try await Self.run(inputs, sink: StoreSink(store: store, actor: "test", run: "r-1"))
        #expect(again.resumed == 1, "the member is journaled whole once every row is")
        try await store.close()
    }

    @Test("standard input above the limit is spooled to a file with no name and streamed like a file")
    func standardInputSpooled() async throws {
        let scratch = try ScratchDirectory()
        let export = Self.export(rows: 300)
        let path = try scratch.write("export.csv", export)
        let source = InputSource(paths: ["-"], extensions: [], limits: InputLimits(maxEntrySize: 1024))
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        guard case .largeFile(let spooled) = source.readStandardInput(from: input) else {
            Issue.record("expected standard input to be spooled")
            return
        }
        #expect(spooled.name == "-")
        #expect(spooled.size == export.count)
        #expect(spooled.isUnchanged())
        #expect(try Data(contentsOf: spooled.url) == export, "the spool holds the exact bytes")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
        #expect(!leftovers.contains { $0.hasPrefix("passerelle-spool-") }, "the spool has no name")
        let store = try await scratch.store()
        let pipeline = IngestPipeline(configuration: try Self.configuration(), sink: StoreSink(store: store, actor: "test", run: "r-1"))
        let collector = ResultCollector()
        try await pipeline.process(spooled, parsing: nil, delivery: .collect(collector))
        let results = collector.ordered()
        #expect(results.count == 300)
        #expect(results.filter { $0.outcome.kind == "stored" }.count == 270)
        #expect(results.first?.source == "-#records 2-2")
        #expect(try await store.journalEntry(run: "r-1", source: "-")?.key.sha256 == Hashing.sha256Hex(export))
        try await store.close()
    }

    @Test("standard input: in memory up to the limit, beyond it spooled with its exact bytes; a spool that cannot be made is an error")
    func standardInputReader() throws {
        let scratch = try ScratchDirectory()
        let bytes = Self.export(rows: 50)
        let path = try scratch.write("export.csv", bytes)
        let small = try StandardInput.read(try FileHandle(forReadingFrom: URL(fileURLWithPath: path)), memoryLimit: bytes.count)
        guard case .bytes(let kept) = small else {
            Issue.record("expected standard input within the limit to stay in memory")
            return
        }
        #expect(kept == bytes)
        let spoolDirectory = scratch.url.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: spoolDirectory, withIntermediateDirectories: true)
        let large = try StandardInput.read(
            try FileHandle(forReadingFrom: URL(fileURLWithPath: path)), memoryLimit: bytes.count - 1, directory: spoolDirectory)
        guard case .spooled(let url, let size, _) = large else {
            Issue.record("expected standard input above the limit to be spooled")
            return
        }
        #expect(size == bytes.count)
        #expect(try Data(contentsOf: url) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDirectory.path).isEmpty, "the spool has no name")
        #expect {
            try StandardInput.read(try FileHandle(forReadingFrom: URL(fileURLWithPath: path)), memoryLimit: 10,
                directory: scratch.url.appendingPathComponent("missing"))
        } throws: { error in
            (error as? StandardInputError)?.code == "INPUT-TOO-LARGE"
        }
    }

    @Test("a streamed export stopped half-way resumes where it stopped: nothing twice, nothing missing")
    func interruptedThenResumed() async throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("export.csv", Self.export(rows: 400, badEvery: 1_000))
        let store = try await scratch.store()
        let inputs = InputSource(paths: [path], extensions: ["csv"], limits: InputLimits(maxEntrySize: 4096))
        let failing = InterruptingSink(StoreSink(store: store, actor: "test", run: "r-1"), failAfter: 150)
        await #expect(throws: InjectedStop.self) { _ = try await Self.run(inputs, sink: failing) }
        let storedBefore = try await store.statistics().documents
        #expect(storedBefore > 0 && storedBefore < 400)
        #expect(try await store.journalEntry(run: "r-1", source: path) == nil, "an interrupted file is not marked complete")
        let (resumed, _) = try await Self.run(inputs, sink: StoreSink(store: store, actor: "test", run: "r-1"))
        #expect(resumed.resumed == storedBefore)
        #expect(resumed.stored == 400 - storedBefore)
        #expect(resumed.duplicates == 0)
        #expect(try await store.statistics().documents == 400)
        try await store.close()
    }

    @Test("in a new run (no journal lookups for the rows of an export seen once), an export named twice is stored once")
    func freshRunNamedTwice() async throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("export.csv", Self.export(rows: 120, badEvery: 1_000))
        for limits in [InputLimits(maxEntrySize: 4096), InputLimits()] {
            let store = try await scratch.store("store-\(limits.maxEntrySize).sqlite")
            let run = try await StoreSink.openRun(store: store, base: "fresh")
            let sink = StoreSink(store: store, actor: "test", run: run)
            try await sink.prepareRun()
            let (summary, _) = try await Self.run(InputSource(paths: [path, path], extensions: ["csv"], limits: limits), sink: sink)
            #expect(summary.inputs == 2)
            // The second naming is resumed whole when the first was complete, else its rows are
            // looked up (resumed) or found stored (duplicates): never stored twice.
            #expect(summary.stored == 120)
            #expect(summary.errors == 0)
            #expect(try await store.statistics().documents == 120)
            try await store.close()
        }
    }

    @Test("a file above the limit that is no flat export, or without a profile, is refused unread")
    func largeNonExportRefused() async throws {
        let scratch = try ScratchDirectory()
        let cda = try scratch.write("big.xml", TestCDA.document(id: "big"))
        let csv = try scratch.write("export.csv", Self.export(rows: 50))
        let limits = InputLimits(maxEntrySize: 256)
        let store = try await scratch.store()
        let (summary, results) = try await Self.run(
            InputSource(paths: [cda], extensions: ["xml"], limits: limits), sink: StoreSink(store: store, actor: "test", run: nil))
        #expect(summary.failed == 1)
        guard case .failed(let reason)? = results.first?.outcome else {
            Issue.record("\(results)")
            return
        }
        #expect(reason.hasPrefix("[INPUT-TOO-LARGE]"))
        let noProfile = IngestPipeline(
            configuration: PipelineConfiguration(validator: DocumentValidator(rules: .none), jobs: 1),
            sink: StoreSink(store: store, actor: "test", run: nil))
        let refused = try await noProfile.run(InputSource(paths: [csv], extensions: ["csv"], limits: limits))
        #expect(refused.failed == 1)
        #expect(try await store.statistics().documents == 0)
        try await store.close()
    }

    @Test("a streamed export whose header lacks a mapped column is reported, nothing stored or quarantined")
    func headerMismatch() async throws {
        let scratch = try ScratchDirectory()
        var bytes = Self.export(rows: 50)
        bytes.replaceSubrange(0..<3, with: Data("XOM".utf8))
        let path = try scratch.write("export.csv", bytes)
        let store = try await scratch.store()
        let (summary, results) = try await Self.run(
            InputSource(paths: [path], extensions: ["csv"], limits: InputLimits(maxEntrySize: 256)),
            sink: StoreSink(store: store, actor: "test", run: "r-1"))
        #expect(summary.failed == 1)
        #expect(summary.documents == 1)
        guard case .failed(let reason)? = results.first?.outcome else {
            Issue.record("\(results)")
            return
        }
        #expect(reason.contains("[FLAT-HEADER]"))
        #expect(try await store.statistics().documents == 0)
        #expect(try await store.quarantineItems(state: nil).isEmpty)
        try await store.close()
    }

    @Test("a file that changed while it was streamed is reported and not marked complete")
    func changedWhileRead() async throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("export.csv", Self.export(rows: 20, badEvery: 1_000))
        let url = URL(fileURLWithPath: path)
        let size = try Data(contentsOf: url).count
        let store = try await scratch.store()
        let pipeline = IngestPipeline(configuration: try Self.configuration(), sink: StoreSink(store: store, actor: "test", run: "r-1"))
        // Listed with another modification time than the file has now: as if it had been
        // rewritten between the listing and the end of the read.
        let listed = LargeFile(url: url, name: path, size: size, modified: Date(timeIntervalSince1970: 0), limit: 256)
        let collector = ResultCollector()
        try await pipeline.process(listed, parsing: nil, delivery: .collect(collector))
        let results = collector.ordered()
        #expect(results.count == 21)
        #expect(results.prefix(20).allSatisfy { $0.outcome.kind == "stored" })
        guard case .failed(let reason)? = results.last?.outcome else {
            Issue.record("\(results)")
            return
        }
        #expect(reason.hasPrefix("[INPUT-CHANGED]"))
        #expect(try await store.journalEntry(run: "r-1", source: path)?.key.sha256 == "", "only the failure is journaled")
        try await store.close()
    }

    @Test("the channel holds at most its capacity, hands everything over in order, and stops its producer when cancelled")
    func channel() async throws {
        let channel = PartChannel<Int>(capacity: 4)
        let sent = Counter()
        let producer = Thread {
            for value in 0..<100 {
                guard (try? channel.send(value)) != nil else { return }
                sent.add(1)
            }
            channel.finish()
        }
        producer.start()
        try await Task.sleep(for: .milliseconds(100))
        #expect(sent.value <= 4, "the producer waits once the channel is full")
        var received: [Int] = []
        while let value = try await channel.next() { received.append(value) }
        #expect(received == Array(0..<100))

        let failing = PartChannel<Int>(capacity: 2)
        try failing.send(1)
        failing.finish(throwing: FlatReadError(code: "FLAT-IO", file: "f", message: "read error"))
        #expect(try await failing.next() == 1)
        await #expect(throws: FlatReadError.self) { _ = try await failing.next() }

        let cancelled = PartChannel<Int>(capacity: 1)
        try cancelled.send(1)
        let stopped = Counter()
        let blocked = Thread {
            if (try? cancelled.send(2)) == nil { stopped.add(1) }
        }
        blocked.start()
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        for _ in 0..<100 where stopped.value == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(stopped.value == 1, "a producer blocked on a full channel stops when the consumer cancels")
    }
}

/// Every result observed, whatever the task that reported it.
final class Collected: @unchecked Sendable {
    private let mutex = NSLock()
    private var all: [DocumentResult] = []

    func add(_ progress: PipelineProgress) {
        mutex.lock()
        all += progress.results
        mutex.unlock()
    }

    var results: [DocumentResult] {
        mutex.lock()
        defer { mutex.unlock() }
        return all
    }
}

/// The failure ``InterruptingSink`` injects.
struct InjectedStop: Error {}

/// A sink that stops the run (throws) once `failAfter` documents were accepted, as a crash would.
struct InterruptingSink<Base: DocumentSink>: DocumentSink {
    let base: Base
    let failAfter: Int
    let accepted = Counter()

    init(_ base: Base, failAfter: Int) {
        self.base = base
        self.failAfter = failAfter
    }

    func previousOutcome(source: String, sha256: String) async throws -> String? {
        try await base.previousOutcome(source: source, sha256: sha256)
    }

    func previousOutcome(part: String, of source: String, sha256: String) async throws -> String? {
        try await base.previousOutcome(part: part, of: source, sha256: sha256)
    }

    func accept(_ read: ReadDocument, source: String, receivedAt: Date) async throws -> DocumentResult {
        guard accepted.value < failAfter else { throw InjectedStop() }
        accepted.add(1)
        return try await base.accept(read, source: source, receivedAt: receivedAt)
    }

    func reject(_ rejection: Rejection) async throws -> DocumentResult { try await base.reject(rejection) }

    func unreadable(source: String, reason: String) async throws -> DocumentResult {
        try await base.unreadable(source: source, reason: reason)
    }

    func sourceComplete(source: String, sha256: String, parts: Int) async throws {
        try await base.sourceComplete(source: source, sha256: sha256, parts: parts)
    }
}
