internal import Foundation

/// A FIFO counting semaphore for async code: waiters suspend instead of blocking a thread, and
/// holders may suspend while holding a permit. The ingest pipeline uses `jobs` permits to bound
/// how many inputs are parsed at once.
package final class AsyncSemaphore: @unchecked Sendable {
    private let mutex = NSLock()
    private var value: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A semaphore with `value` permits.
    package init(value: Int) { self.value = value }

    /// Takes a permit, waiting for one when none is free.
    package func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            mutex.lock()
            if value > 0 {
                value -= 1
                mutex.unlock()
                continuation.resume()
            } else {
                waiters.append(continuation)
                mutex.unlock()
            }
        }
    }

    /// Returns a permit, handing it to the oldest waiter.
    package func signal() {
        mutex.lock()
        if waiters.isEmpty {
            value += 1
            mutex.unlock()
        } else {
            let next = waiters.removeFirst()
            mutex.unlock()
            next.resume()
        }
    }

    /// Runs `body` while holding a permit.
    package func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await wait()
        defer { signal() }
        return try await body()
    }
}
