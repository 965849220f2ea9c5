import Foundation

/// A bounded queue from one producer thread to one consumer task.
///
/// The producer (a reader on a thread of its own, see ``BackgroundThread``) blocks in ``send(_:)``
/// while `capacity` elements wait: reading goes at the pace of the sink, and memory holds at most
/// `capacity` elements whatever the size of the input. The consumer awaits ``next()`` without
/// blocking a thread of the cooperative pool. ``cancel()`` (the consumer stopped) makes the next
/// or pending `send` throw, so that the reader stops too.
final class PartChannel<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var buffer: [Element] = []
    /// Index of the next element to hand out (elements before it are consumed).
    private var head = 0
    private var ended = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waiting: CheckedContinuation<Element?, any Error>?

    /// Creates a channel holding at most `capacity` elements (at least 1).
    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Hands `element` to the consumer; blocks while the channel is full.
    /// - Throws: `CancellationError` once the consumer has cancelled.
    func send(_ element: Element) throws {
        condition.lock()
        while !cancelled, waiting == nil, buffer.count - head >= capacity { condition.wait() }
        if cancelled {
            condition.unlock()
            throw CancellationError()
        }
        if let consumer = waiting {
            waiting = nil
            condition.unlock()
            consumer.resume(returning: element)
            return
        }
        buffer.append(element)
        condition.unlock()
    }

    /// Ends the stream: the consumer gets the elements still queued, then `nil`, or `error`.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        ended = true
        failure = error
        let consumer = waiting
        waiting = nil
        condition.unlock()
        if let consumer {
            if let error { consumer.resume(throwing: error) } else { consumer.resume(returning: nil) }
        }
    }

    /// Stops the producer: its next `send` throws. Elements still queued are dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        buffer.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    /// The next element; `nil` at the end of the stream.
    /// - Throws: the error the producer finished with.
    func next() async throws -> Element? {
        try await withCheckedThrowingContinuation { continuation in take(continuation) }
    }

    /// Resumes `consumer` with the next element, the end or the error, or keeps it waiting.
    private func take(_ consumer: CheckedContinuation<Element?, any Error>) {
        condition.lock()
        if head < buffer.count {
            let element = buffer[head]
            head += 1
            if head >= 1024, head * 2 >= buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            condition.signal()
            condition.unlock()
            consumer.resume(returning: element)
        } else if ended {
            let error = failure
            condition.unlock()
            if let error { consumer.resume(throwing: error) } else { consumer.resume(returning: nil) }
        } else {
            waiting = consumer
            // The producer blocked on a full channel may now go on (the buffer is empty).
            condition.signal()
            condition.unlock()
        }
    }
}

/// Runs blocking work on a thread of its own, so that it never holds a thread of Swift's
/// cooperative pool (a reader blocked on a full ``PartChannel`` would otherwise starve the
/// tasks that empty it).
enum BackgroundThread {
    /// Runs `body` on a new thread and returns its result.
    static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.stackSize = 4 << 20
            thread.start()
        }
    }
}
