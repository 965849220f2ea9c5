import Foundation
import PasserelleModel
import Testing
@testable import PasserelleFlat

/// The worker threads of a flat-export parser: they map every record of a batch once, and they
/// end when the parser (the last holder of the workers) goes away, so that a long-running
/// service reading many exports does not pile up threads.
struct BatchWorkersTests {
    final class Counter: @unchecked Sendable {
        // `value` is read and written under `lock` only.
        private let lock = NSLock()
        private var value = 0
        func increment() { lock.withLock { value += 1 } }
        var current: Int { lock.withLock { value } }
    }

    @Test func threadsEndWhenTheWorkersAreReleased() async throws {
        let exited = Counter()
        var workers: BatchWorkers? = BatchWorkers(count: 3, onExit: { exited.increment() })
        #expect(workers?.count == 3)
        try await Task.sleep(for: .milliseconds(50))
        #expect(exited.current == 0, "idle workers wait for work")
        workers = nil
        let deadline = ContinuousClock.now + .seconds(5)
        while exited.current < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(exited.current == 3)
    }

    /// A job whose chunk 0 blocks until `gate` opens; records which worker ran which chunk.
    struct GatedJob: ChunkedJob {
        let chunkCount: Int
        let gate: DispatchSemaphore?
        let ran: Counter

        func run(chunk: Int, worker: UInt8) {
            if chunk == 0, let gate { gate.wait() }
            ran.increment()
        }
    }

    /// The job sent after the one being mapped queues behind it, and a worker with no chunk left
    /// in the first goes on with the second: no barrier between batches, so one slow chunk does
    /// not leave the other core idle.
    @Test func aQueuedJobRunsWhileTheJobBeforeItWaitsForOneSlowChunk() async throws {
        let workers = BatchWorkers(count: 2)
        let gate = DispatchSemaphore(value: 0)
        let first = Counter(), second = Counter()
        let slow = workers.start(GatedJob(chunkCount: 2, gate: gate, ran: first))
        let next = workers.start(GatedJob(chunkCount: 6, gate: nil, ran: second))
        #expect(next == slow + 1)
        let deadline = ContinuousClock.now + .seconds(10)
        while second.current < 6, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(second.current == 6, "the free worker ran the queued job's chunks")
        #expect(first.current == 1, "the first job still waits for its slow chunk")
        if second.current == 6 {
            workers.wait(next)
            #expect(workers.pending == 1, "the queued job is done before the job before it")
        }
        gate.signal()
        workers.wait(slow)
        #expect(first.current == 2)
        #expect(workers.pending == 0)
    }

    @Test func everyRecordOfEveryBatchIsMappedOnceByTheWorkers() throws {
        let profile = try FlatExportTests.lgcProfile()
        let row = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan;Obs\r\n"
        let bytes = Array((ParallelMappingTests.header + String(repeating: row, count: 5000)).utf8)
        var lines: [Int] = []
        let parser = try FlatFixtures.stream(bytes, profile: profile, cuts: [], jobs: 3, sourceName: "workers.csv") { output in
            if case .document(let document) = output { lines.append(document.lines?.lowerBound ?? 0) }
        }
        #expect(parser.workers?.count == 3)
        #expect(lines == Array(2...5001))
    }

    /// Each worker gets its own copy of the strings put into every document, so that their
    /// reference counts are not shared between cores.
    @Test func workerCopiesOfStringsHaveTheirOwnStorage() {
        let shared = String(repeating: "1.2.250.1.213.1.4.8 ", count: 3)
        let own = shared.withOwnStorage
        #expect(own == shared)
        let address = { (text: String) in text.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil }
        #expect(address(own) != nil)
        #expect(address(own) != address(shared))
        #expect("M".withOwnStorage == "M")
    }

    /// What the workers read or retain for every row (transforms, value maps, date patterns,
    /// the decoding table) is not shared between them: a shared buffer's reference count would
    /// bounce between the cores.
    @Test func workersShareNoBufferTheyReadForEveryRow() throws {
        let profile = try FlatExportTests.lgcProfile()
        let row = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan;Obs\r\n"
        let bytes = Array((ParallelMappingTests.header + String(repeating: row, count: 600)).utf8)
        let parser = try FlatFixtures.stream(bytes, profile: profile, cuts: [], jobs: 2, sourceName: "own.csv") { _ in }
        let tools = parser.workerTools
        try #require(tools.count == 2)
        func address<T>(_ array: [T]) -> UnsafeRawPointer? {
            array.withUnsafeBufferPointer { $0.baseAddress.map { UnsafeRawPointer($0) } }
        }
        func distinct<T>(_ arrays: [[T]]) -> Bool {
            let addresses = arrays.compactMap(address)
            return addresses.count == arrays.count && Set(addresses).count == arrays.count
        }
        let mapper = try #require(parser.mapper)
        let transformed = try #require(mapper.plans.firstIndex { !$0.transforms.isEmpty })
        #expect(distinct([mapper.plans[transformed].transforms] + tools.map { $0.mapper.plans[transformed].transforms }))
        let dated = try #require(mapper.fields.firstIndex { !$0.dateFormats.isEmpty })
        #expect(distinct([mapper.fields[dated].dateFormats[0].tokens] + tools.map { $0.mapper.fields[dated].dateFormats[0].tokens }))
        #expect(distinct([mapper.fields] + tools.map { $0.mapper.fields }))
        let table = try #require(parser.decoder.table, "the profile declares windows-1252")
        #expect(distinct([table.packed] + tools.compactMap { $0.decoder.table?.packed }))
    }
}
