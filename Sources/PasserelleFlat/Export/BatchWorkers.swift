import Foundation

/// Work the batch workers run: chunks numbered `0..<chunkCount`, each run once, by any worker.
protocol ChunkedJob: Sendable {
    /// Number of chunks.
    var chunkCount: Int { get }
    /// Runs one chunk on the calling worker thread.
    func run(chunk: Int, worker: UInt8)
}

/// Long-lived threads that map the batches of one parser (see `FlatExportParser.dispatchBatch`).
///
/// Why dedicated threads rather than a shared pool: each output goes back, once the parser has
/// emitted it, to the worker that built it, which releases it when it starts a later job (see
/// `Slot`). Memory is thus freed by the thread that allocated it: with the C allocator's
/// per-thread arenas and caches, a free from another thread takes the owning arena's lock and
/// leaves the allocating thread's cache empty, which cost two threads more CPU than they saved.
///
/// Jobs queue up to `depth` deep: the parser sends the next batch before the workers are done
/// with the current one, so a worker that runs out of chunks of one batch goes on with the next
/// instead of waiting at a barrier for the slowest chunk and then for the parser's wake-up (that
/// wait left the cores about 10 % idle). Work inside a batch is handed out in chunks to whichever
/// worker asks first, so a descheduled thread does not hold the others up. The threads stop when
/// the last copy of the parser holding this object goes away.
final class BatchWorkers: @unchecked Sendable {
    /// Most jobs sent and not yet done: the one being mapped and the one queued behind it.
    static let depth = 2

    /// A job with its progress.
    private final class Entry {
        let generation: Int
        let job: any ChunkedJob
        let chunks: Int
        /// Chunks handed out so far.
        var started = 0
        /// Chunks finished so far; the job is done when all are.
        var finished = 0

        init(generation: Int, job: any ChunkedJob) {
            self.generation = generation
            self.job = job
            chunks = job.chunkCount
        }
    }

    /// State shared with the threads; every field is read and written under `condition`'s lock,
    /// except the slots' `retired` lists (see `Slot`).
    private final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        /// Generation of the last job sent.
        var generation = 0
        /// Jobs sent and not done, oldest first.
        var queue: [Entry] = []
        var stopping = false
        var slots: [Slot]

        init(count: Int) { slots = (0..<count).map { _ in Slot() } }

        /// The oldest job with a chunk not handed out yet, and that chunk.
        func nextChunk() -> (Entry, Int)? {
            for entry in queue where entry.started < entry.chunks {
                entry.started += 1
                return (entry, entry.started - 1)
            }
            return nil
        }

        func isDone(_ generation: Int) -> Bool { !queue.contains { $0.generation == generation } }
    }

    /// One worker's emitted outputs, by parity of the generation that built them. The list of a
    /// parity is filled by the parser's thread while it emits a job of that parity, and emptied by
    /// the worker when it starts a job of the same parity. The two never overlap: the parser sends
    /// job g only after it has emitted job g − 2 (it emits a job after sending the next one, see
    /// `FlatExportParser.dispatchBatch`), and the lock hand-over of `start` orders the two.
    final class Slot: @unchecked Sendable {
        // Two properties, not an array of two lists: the two threads touch one each at a time.
        private var retiredEven: [FlatOutput] = []
        private var retiredOdd: [FlatOutput] = []

        func keep(_ output: consuming FlatOutput, generation: Int) {
            if generation & 1 == 0 { retiredEven.append(output) } else { retiredOdd.append(output) }
        }

        func release(generation: Int) {
            if generation & 1 == 0 {
                retiredEven.removeAll(keepingCapacity: true)
            } else {
                retiredOdd.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Number of worker threads.
    let count: Int
    private let shared: Shared

    /// Starts `count` threads (at least 1), idle until `start` gives them a batch.
    /// - Parameter onExit: called by each thread as it ends (tests).
    init(count: Int, onExit: (@Sendable () -> Void)? = nil) {
        self.count = max(1, count)
        shared = Shared(count: self.count)
        for index in 0..<self.count {
            let shared = self.shared
            let thread = Thread {
                Self.loop(shared, worker: index)
                onExit?()
            }
            thread.name = "passerelle-flat-\(index)"
            thread.start()
        }
    }

    deinit {
        shared.condition.lock()
        shared.stopping = true
        shared.condition.broadcast()
        shared.condition.unlock()
    }

    /// Jobs sent and not done yet.
    var pending: Int {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        return shared.queue.count
    }

    /// Queues `job` behind the jobs not done yet and returns at once; `wait` blocks until it is
    /// done. At most `depth` jobs may be pending.
    /// - Returns: the job's generation, for `wait` and `retire`.
    @discardableResult
    func start(_ job: some ChunkedJob) -> Int {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        precondition(shared.queue.count < Self.depth, "too many batches in flight")
        shared.generation &+= 1
        shared.queue.append(Entry(generation: shared.generation, job: job))
        shared.condition.broadcast()
        return shared.generation
    }

    /// Blocks until the job of `generation` is done (returns at once when it is).
    func wait(_ generation: Int) {
        shared.condition.lock()
        while !shared.isDone(generation) { shared.condition.wait() }
        shared.condition.unlock()
    }

    /// Blocks until every job sent is done.
    func waitAll() {
        shared.condition.lock()
        while !shared.queue.isEmpty { shared.condition.wait() }
        shared.condition.unlock()
    }

    /// Hands `output`, built by `worker` in the job of `generation`, back to that worker, which
    /// releases it when it starts a later job of the same parity. Call from the thread that
    /// calls `start`, after the job of `generation` is done and before the job two after it is sent.
    func retire(_ output: consuming FlatOutput, builtBy worker: Int, generation: Int) {
        shared.slots[worker].keep(output, generation: generation)
    }

    private static func loop(_ shared: Shared, worker: Int) {
        var current = 0
        let slot = shared.slots[worker]
        shared.condition.lock()
        while !shared.stopping {
            guard let (entry, chunk) = shared.nextChunk() else {
                shared.condition.wait()
                continue
            }
            shared.condition.unlock()
            if entry.generation != current {
                // First the outputs this worker built two jobs before (emitted by now), so that
                // this thread's allocator cache is full again.
                current = entry.generation
                slot.release(generation: current)
            }
            entry.job.run(chunk: chunk, worker: UInt8(truncatingIfNeeded: worker))
            shared.condition.lock()
            entry.finished += 1
            if entry.finished == entry.chunks {
                shared.queue.removeAll { $0 === entry }
                shared.condition.broadcast()
            }
        }
        shared.condition.unlock()
    }
}
