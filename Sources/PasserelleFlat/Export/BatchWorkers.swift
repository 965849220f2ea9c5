import Foundation

/// Long-lived threads that map the batches of one parser (see `FlatExportParser.dispatchBatch`).
///
/// Why dedicated threads rather than a shared pool: each output goes back, once the parser has
/// emitted it, to the worker that built it, which releases it at the start of the batch after
/// next (the parser emits a batch while the workers map the following one). Memory
/// is thus freed by the thread that allocated it: with the C allocator's per-thread arenas and
/// caches, a free from another thread takes the owning arena's lock and leaves the allocating
/// thread's cache empty, which cost two threads more CPU than they saved.
///
/// Work inside a batch is handed out in chunks to whichever worker asks first, so a descheduled
/// thread does not hold the others up. The threads stop when the last copy of the parser holding
/// this object goes away.
final class BatchWorkers: @unchecked Sendable {
    /// State shared with the threads; every field is read and written under `condition`'s lock,
    /// except the slots' `retired` lists: the list of one parity is filled by the parser's thread
    /// after the job of that parity is done and emptied by the worker at the start of the job of
    /// the same parity after it; the lock hand-over of `start` orders the two.
    private final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        /// Bumped for each batch; a worker runs a batch once.
        var generation = 0
        var job: BatchJob?
        /// Workers that have not finished the current batch.
        var running = 0
        var stopping = false
        var slots: [Slot]

        init(count: Int) { slots = (0..<count).map { _ in Slot() } }
    }

    /// One worker's emitted outputs, by parity of the generation that built them: while the
    /// parser emits the outputs of one job into one list, the worker, running the next job,
    /// releases the other list (the job before).
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

    /// Starts `job` on the workers and returns at once; `wait` blocks until it is done. One job
    /// at a time: call `wait` before the next `start`.
    /// - Returns: the job's generation, to pass to `retire` with its outputs.
    @discardableResult
    func start(_ job: BatchJob) -> Int {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        precondition(shared.running == 0, "a batch is still running")
        shared.job = job
        shared.generation &+= 1
        shared.running = count
        shared.condition.broadcast()
        return shared.generation
    }

    /// Blocks until the job given to `start` is done (returns at once when none is running).
    func wait() {
        shared.condition.lock()
        while shared.running > 0 { shared.condition.wait() }
        shared.job = nil
        shared.condition.unlock()
    }

    /// Hands `output`, built by `worker` in the job of `generation`, back to that worker, which
    /// releases it when it starts the job after next. Call from the thread that calls `start`,
    /// after the job of `generation` is done.
    func retire(_ output: consuming FlatOutput, builtBy worker: Int, generation: Int) {
        shared.slots[worker].keep(output, generation: generation)
    }

    private static func loop(_ shared: Shared, worker: Int) {
        var seen = 0
        let slot = shared.slots[worker]
        while true {
            shared.condition.lock()
            while shared.generation == seen, !shared.stopping { shared.condition.wait() }
            if shared.stopping {
                shared.condition.unlock()
                return
            }
            seen = shared.generation
            let job = shared.job
            shared.condition.unlock()
            // First the outputs of the job before the previous one, emitted by now, so that this
            // thread's allocator cache is full again.
            slot.release(generation: seen)
            job?.run(worker: worker)
            shared.condition.lock()
            shared.running -= 1
            if shared.running == 0 { shared.condition.broadcast() }
            shared.condition.unlock()
        }
    }
}
