internal import Foundation

/// A FIFO mutual-exclusion lock for async code: holders may suspend while holding it (an SQLite
/// write transaction spans several awaits), and waiters suspend instead of blocking a thread.
final class AsyncLock: @unchecked Sendable {
    private let mutex = NSLock()
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Waits until the lock is free, then takes it.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            mutex.lock()
            if locked {
                waiters.append(continuation)
                mutex.unlock()
            } else {
                locked = true
                mutex.unlock()
                continuation.resume()
            }
        }
    }

    /// Releases the lock, handing it to the oldest waiter.
    func release() {
        mutex.lock()
        if waiters.isEmpty {
            locked = false
            mutex.unlock()
        } else {
            let next = waiters.removeFirst()
            mutex.unlock()
            next.resume()
        }
    }

    /// Runs `body` while holding the lock.
    func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }
}
