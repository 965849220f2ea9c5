internal import Foundation

/// One SQLite transaction shared by consecutive writers (group commit).
///
/// Each writer's work runs inside its own `SAVEPOINT`, so it is atomic on its own: a writer that
/// fails rolls back to its savepoint and leaves the others' work in place. The transaction is
/// committed by the writer that finds nobody waiting for the write lock (or the group full or
/// old enough); until then, the members that finished wait in ``wait()``, so that a write call
/// still returns only once its work is committed (or throws when the commit fails).
///
/// A lone writer commits at once: grouping adds no delay, it only happens when writers queue.
final class CommitGroup: @unchecked Sendable {
    // `outcome` and `waiters` are guarded by `mutex`; `members` is touched only by the holder
    // of the driver's write lock.
    private let mutex = NSLock()
    private var outcome: Result<Void, any Error>?
    private var waiters: [CheckedContinuation<Void, any Error>] = []
    /// When the transaction began.
    let opened = ContinuousClock.now
    /// Writers whose work is in the transaction so far.
    var members = 0

    /// Whether another writer may still join: fewer than `maxMembers` members, open for less than `maxAge`.
    func accepts(maxMembers: Int, maxAge: Duration) -> Bool {
        members < maxMembers && ContinuousClock.now - opened < maxAge
    }

    /// Ends the group: wakes every member waiting in ``wait()`` with `result`.
    func complete(_ result: Result<Void, any Error>) {
        mutex.lock()
        precondition(outcome == nil, "a commit group completes once")
        outcome = result
        let woken = waiters
        waiters = []
        mutex.unlock()
        for waiter in woken { waiter.resume(with: result) }
    }

    /// Returns once the group is committed; throws the commit's error when it failed.
    func wait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            mutex.lock()
            if let outcome {
                mutex.unlock()
                continuation.resume(with: outcome)
            } else {
                waiters.append(continuation)
                mutex.unlock()
            }
        }
    }
}
