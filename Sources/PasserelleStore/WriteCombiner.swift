internal import Foundation

/// A write handed to the SQLite driver: its body, and what became of it.
///
/// The body may run on another task than its caller's (see ``WriteQueue``): the combiner runs
/// it, then resumes the caller with ``finish(_:)`` once its transaction has ended.
class PendingWrite: @unchecked Sendable {
    // Set by the queue under its mutex; resumed once, by `finish` or by a hand-over.
    fileprivate var continuation: CheckedContinuation<WriteQueue.Role, Never>?
    /// A failure that overrides the body's result: its transaction was lost or did not commit.
    private(set) var failure: (any Error)?

    /// Runs the body in `transaction`; `nil` when it succeeded, its error otherwise. The body is
    /// released before this returns (the caller's closure must not outlive its call).
    func perform(_ transaction: any SQLTransaction) async -> (any Error)? { fatalError("PendingWrite.perform is abstract") }

    /// Ends the write: its transaction committed (`nil`) or it failed with `error`; wakes its
    /// caller unless the caller is the combiner itself.
    func finish(_ error: (any Error)?) {
        if let error { failure = error }
        let waiting = continuation
        continuation = nil
        waiting?.resume(returning: .done)
    }
}

/// A ``PendingWrite`` with its typed body and result.
final class TypedWrite<T: Sendable>: PendingWrite, @unchecked Sendable {
    private var body: (@Sendable (any SQLTransaction) async throws -> T)?
    private var result: Result<T, any Error>?

    init(_ body: @escaping @Sendable (any SQLTransaction) async throws -> T) { self.body = body }

    override func perform(_ transaction: any SQLTransaction) async -> (any Error)? {
        guard let body else { return CancellationError() }
        self.body = nil
        do {
            result = .success(try await body(transaction))
            return nil
        } catch {
            result = .failure(error)
            return error
        }
    }

    /// The body's value once the write is finished and committed; its error (or the
    /// transaction's) otherwise.
    func value() throws -> T {
        if let failure { throw failure }
        guard let result else { throw StoreError.database(operation: "write", detail: "the write never ran") }
        return try result.get()
    }
}

/// Writes waiting for the driver's combiner, and whether one is running (flat combining).
///
/// The first writer to arrive while no combiner runs becomes the combiner: it runs its own
/// write and every write queued meanwhile, one after the other on its own task, each in a
/// savepoint of one shared transaction, and commits. Queued callers stay suspended until their
/// transaction has ended; none has to be scheduled to take a lock. (Handing a lock from task to
/// task made each next writer wait on the shared pool behind parse jobs queued before it: about
/// 0.3 ms per document with the lock idle, a fifth of an ingest's wall time.)
final class WriteQueue: @unchecked Sendable {
    /// What a caller entering the queue is to do.
    enum Role: Sendable {
        /// Run the queue (its own write first).
        case combine
        /// Nothing: its write has been run and its transaction has ended.
        case done
    }

    /// What the combiner does after a transaction.
    enum Turn {
        /// Nothing is queued: the combiner is done and the next writer will combine.
        case idle
        /// Writes are queued: run another transaction.
        case another
        /// Writes are queued: the caller of this one takes over as combiner.
        case handOver(PendingWrite)
    }

    private let mutex = NSLock()
    private var waiting: [PendingWrite] = []
    private var combining = false
    /// Transactions committed, and the writes they held.
    private var commits = 0
    private var committedWrites = 0

    /// Queues `write` behind the running combiner (returns `.done` once it has ended), or makes
    /// its caller the combiner (returns `.combine` at once, or later on a hand-over).
    func enter(_ write: PendingWrite) async -> Role {
        await withCheckedContinuation { (continuation: CheckedContinuation<Role, Never>) in
            mutex.lock()
            if combining {
                write.continuation = continuation
                waiting.append(write)
                mutex.unlock()
            } else {
                combining = true
                mutex.unlock()
                continuation.resume(returning: .combine)
            }
        }
    }

    /// The oldest queued write, taken out of the queue.
    func next() -> PendingWrite? {
        mutex.lock()
        defer { mutex.unlock() }
        return waiting.isEmpty ? nil : waiting.removeFirst()
    }

    /// Ends one transaction of the combiner's: idle when nothing is queued; otherwise another
    /// transaction when `keepCombining`, or a hand-over to the oldest queued write's caller.
    func endTransaction(keepCombining: Bool) -> Turn {
        mutex.lock()
        defer { mutex.unlock() }
        if waiting.isEmpty {
            combining = false
            return .idle
        }
        return keepCombining ? .another : .handOver(waiting.removeFirst())
    }

    /// Makes the caller of `write` (taken from the queue) the combiner.
    func handOver(to write: PendingWrite) {
        let waiting = write.continuation
        write.continuation = nil
        waiting?.resume(returning: .combine)
    }

    /// Counts a committed transaction holding `writes` writes.
    func committed(writes: Int) {
        mutex.lock()
        commits += 1
        committedWrites += writes
        mutex.unlock()
    }

    /// Writes waiting for the combiner.
    var count: Int {
        mutex.lock()
        defer { mutex.unlock() }
        return waiting.count
    }

    /// Transactions committed so far, and the writes they held.
    var statistics: (commits: Int, writers: Int) {
        mutex.lock()
        defer { mutex.unlock() }
        return (commits, committedWrites)
    }
}
