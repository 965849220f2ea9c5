internal import Foundation

/// What one process changed in its store after a given point, so that work read outside the
/// write lock (the identity candidates of an incoming record) can be reused inside it when
/// nothing it depends on changed since, and read again otherwise.
///
/// - Writers stamp the keys they change (``touch(_:)``) while they hold the write lock.
/// - The driver calls ``committed()`` once their transaction has ended (committed or rolled back).
/// - A reader takes ``snapshot()`` before it reads. Every change stamped at or below the snapshot
///   ended before the read began, so the reader sees it if it was committed. A change stamped
///   above it may be invisible to the reader: ``changed(since:keys:)`` then says so for its keys.
/// - Changes the tracker cannot follow key by key stamp everything (``touchEverything()``):
///   another process's commit, a merge or unmerge moving records between patients.
///
/// Stamps of a rolled-back change stay: a reader then reads again for nothing, never the reverse.
/// Memory is bounded: past `capacity` keys the stamps are dropped and everything is stamped instead.
final class ChangeTracker: @unchecked Sendable {
    private let mutex = NSLock()
    /// The last stamp handed out.
    private var sequence: UInt64 = 0
    /// Every change stamped at or below this has ended (committed or rolled back).
    private var ended: UInt64 = 0
    /// The stamp of the last change to everything.
    private var everything: UInt64 = 0
    /// The stamp of the last change of each key.
    private var stamps: [String: UInt64] = [:]
    /// Keys remembered at most.
    let capacity: Int

    /// A tracker remembering at most `capacity` keys.
    init(capacity: Int = 1 << 17) { self.capacity = max(1, capacity) }

    /// The point a read starting now sees: every change stamped at or below it has ended.
    func snapshot() -> UInt64 {
        mutex.lock()
        defer { mutex.unlock() }
        return ended
    }

    /// Stamps `keys` as changed by the write in progress (write lock held).
    func touch<Keys: Sequence<String>>(_ keys: Keys) {
        mutex.lock()
        defer { mutex.unlock() }
        sequence += 1
        for key in keys {
            if stamps.count >= capacity {
                stamps.removeAll(keepingCapacity: true)
                everything = sequence
                return
            }
            stamps[key] = sequence
        }
    }

    /// Stamps everything as changed by the write in progress (write lock held).
    func touchEverything() {
        mutex.lock()
        defer { mutex.unlock() }
        sequence += 1
        everything = sequence
        stamps.removeAll(keepingCapacity: true)
    }

    /// The transaction holding every change stamped so far has ended (write lock held).
    func committed() {
        mutex.lock()
        defer { mutex.unlock() }
        ended = sequence
    }

    /// Whether any of `keys` (or everything) was stamped after `snapshot`.
    func changed<Keys: Sequence<String>>(since snapshot: UInt64, keys: Keys) -> Bool {
        mutex.lock()
        defer { mutex.unlock() }
        if everything > snapshot { return true }
        return keys.contains { (stamps[$0] ?? 0) > snapshot }
    }
}
