import Foundation

/// Backpressure for document processing: at most `capacity` documents in the pipeline, at most
/// `queueLimit` requests waiting for a slot, and no wait longer than `timeout`. A request that
/// cannot get a slot is refused at once (`503` with `Retry-After`), so the service never queues
/// without bound.
actor IngestGate {
    private let capacity: Int
    private let queueLimit: Int
    private let timeout: Duration
    private var inUse = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextWaiter: UInt64 = 0

    init(capacity: Int, queueLimit: Int, timeout: Duration) {
        self.capacity = capacity
        self.queueLimit = queueLimit
        self.timeout = timeout
    }

    /// Documents being processed now, and requests waiting.
    var load: (inUse: Int, waiting: Int) { (inUse, waiters.count) }

    /// Runs `body` with a slot, or throws `503` when saturated. With `waiting`, the caller (an
    /// asynchronous job, already bounded by the job limit) waits for a slot however long it takes.
    func withSlot<T: Sendable>(waiting: Bool, _ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire(waiting: waiting)
        defer { release() }
        return try await body()
    }

    private func saturated() -> APIProblem {
        APIProblem(.serviceUnavailable, code: "SERVICE-SATURATED", title: "Service saturated",
            detail: "too many documents in progress; retry later", headers: [.retryAfter: "1"])
    }

    private func acquire(waiting: Bool) async throws {
        if inUse < capacity {
            inUse += 1
            return
        }
        guard waiting || waiters.count < queueLimit else { throw saturated() }
        nextWaiter += 1
        let id = nextWaiter
        let timeout = self.timeout
        let timer: Task<Void, Never>? = waiting ? nil : Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(id)
        }
        let granted = await withCheckedContinuation { continuation in
            waiters.append((id, continuation))
        }
        timer?.cancel()
        guard granted else { throw saturated() }
    }

    private func expire(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }

    private func release() {
        if waiters.isEmpty {
            inUse -= 1
        } else {
            // The slot passes straight to the oldest waiter.
            waiters.removeFirst().continuation.resume(returning: true)
        }
    }
}
