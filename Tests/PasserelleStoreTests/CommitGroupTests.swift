import Foundation
@testable import PasserelleStore
import Testing

/// Group commit in the SQLite driver: writers queued on the write lock share one transaction,
/// each atomic in its own savepoint, and a write returns only once its work is committed.
@Suite("SQLite group commit")
struct CommitGroupTests {
    struct Refused: Error {}

    /// A fresh driver over a temporary file with one table `item (id INTEGER PRIMARY KEY, writer INTEGER)`.
    /// `maxGroupAge` is long: on a loaded machine, sharing must not depend on how fast the writers run.
    static func driver(maxGroupAge: Duration = .seconds(60)) async throws -> (SQLiteDriver, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let driver = try SQLiteDriver(path: directory.appendingPathComponent("store.sqlite").path, maxGroupAge: maxGroupAge)
        try await driver.write { tx in try await tx.run("CREATE TABLE item (id INTEGER PRIMARY KEY, writer INTEGER NOT NULL)") }
        return (driver, directory)
    }

    static func writers(_ driver: SQLiteDriver) async throws -> [Int] {
        try await driver.read { tx in try await tx.query("SELECT writer FROM item ORDER BY writer", []) }.compactMap { $0[0].int }
    }

    /// Starts a writer that runs the queue: it inserts `writer`, then ends its write once `queued`
    /// other writes are queued behind it (`then` runs after its call returns). Returns once its
    /// write is running, so that the writes started next queue behind it.
    static func startCombiner(
        _ driver: SQLiteDriver, writer: Int, until queued: Int, then: @escaping @Sendable () -> Void = {}
    ) async -> Task<Void, any Error> {
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let task = Task {
            try await driver.write { tx in
                try await tx.run("INSERT INTO item (writer) VALUES (?)", writer)
                startedContinuation.yield()
                try await waitUntil(queued: queued, in: driver)
            }
            then()
        }
        for await _ in started { break }
        return task
    }

    /// Returns once `count` writes are queued for the combiner (at most 20 s: a machine that
    /// slow fails the test's expectations instead of hanging).
    static func waitUntil(queued count: Int, in driver: SQLiteDriver) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while driver.queuedWrites < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
    }

    /// Expects `writers` writes committed since `before`, in fewer commits than writers.
    static func expectShared(_ driver: SQLiteDriver, since before: (commits: Int, writers: Int), writers: Int) async {
        let after = await driver.commitStatistics
        #expect(after.writers - before.writers == writers)
        #expect(after.commits - before.commits < writers, "the writers shared no commit")
    }

    @Test("queued writers share commits, and each write is visible to readers as soon as it returns")
    func queuedWritersShareCommits() async throws {
        let (driver, directory) = try await Self.driver()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = await driver.commitStatistics
        let invisible = try await withThrowingTaskGroup(of: Bool.self) { group in
            for writer in 0..<40 {
                group.addTask {
                    try await driver.write { tx in
                        try await tx.run("INSERT INTO item (writer) VALUES (?)", writer)
                        // Hold the lock a little so that the other writers queue behind it.
                        try await Task.sleep(for: .milliseconds(2))
                    }
                    let seen = try await driver.read { tx in try await tx.query("SELECT COUNT(*) FROM item WHERE writer = ?", [.integer(Int64(writer))]) }
                    return seen.first?[0].int != 1
                }
            }
            var invisible = 0
            for try await missing in group where missing { invisible += 1 }
            return invisible
        }
        #expect(invisible == 0, "a write returned before its commit")
        #expect(try await Self.writers(driver) == Array(0..<40))
        await Self.expectShared(driver, since: before, writers: 40)
        try await driver.close()
    }

    @Test("the writer that runs the queue returns after a bounded number of transactions for others")
    func combinerHandsOver() async throws {
        let (driver, directory) = try await Self.driver()
        defer { try? FileManager.default.removeItem(at: directory) }
        let finished = FinishOrder()
        let others = 150
        let first = await Self.startCombiner(driver, writer: 0, until: others) { finished.append(0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 1...others {
                group.addTask {
                    try await driver.write { tx in try await tx.run("INSERT INTO item (writer) VALUES (?)", writer) }
                    finished.append(writer)
                }
            }
            try await first.value
            try await group.waitForAll()
        }
        #expect(try await Self.writers(driver) == Array(0...others))
        // Its own transaction, then at most `transactionsAfterOwnWrite` more, each of at most
        // `maxGroupMembers` writes: its caller does not wait for the whole queue.
        let bound = (1 + SQLiteDriver.transactionsAfterOwnWrite) * driver.maxGroupMembers
        let rank = try #require(finished.order.firstIndex(of: 0))
        #expect(rank <= bound, "the first writer returned after \(rank) others")
        try await driver.close()
    }

    @Test("a failing writer rolls back only its own work; the others in its transaction commit")
    func failingWriterRollsBackAlone() async throws {
        let (driver, directory) = try await Self.driver()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = await driver.commitStatistics
        let failures = try await withThrowingTaskGroup(of: Int?.self) { group in
            for writer in 0..<12 {
                group.addTask {
                    do {
                        try await driver.write { tx in
                            try await tx.run("INSERT INTO item (writer) VALUES (?)", writer)
                            try await Task.sleep(for: .milliseconds(2))
                            if writer % 4 == 1 { throw Refused() }
                        }
                        return nil
                    } catch is Refused {
                        return writer
                    }
                }
            }
            var failures: [Int] = []
            for try await failed in group { if let failed { failures.append(failed) } }
            return failures.sorted()
        }
        #expect(failures == [1, 5, 9])
        #expect(try await Self.writers(driver) == [0, 2, 3, 4, 6, 7, 8, 10, 11])
        await Self.expectShared(driver, since: before, writers: 9)
        try await driver.close()
    }

    @Test("when the shared transaction is lost, every writer in it fails and nothing is kept")
    func lostTransactionFailsEveryMember() async throws {
        let (driver, directory) = try await Self.driver()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = await Self.startCombiner(driver, writer: 1, until: 1)
        // The second writer joins the same transaction, then loses it (SQLite rolls the whole
        // transaction back on some I/O errors; here the body does it itself).
        let second = Task {
            try await driver.write { tx in
                try await tx.run("INSERT INTO item (writer) VALUES (2)")
                try await tx.run("ROLLBACK")
                throw Refused()
            }
        }
        await #expect(throws: Refused.self) { try await second.value }
        await #expect(throws: Refused.self, "the first writer's work was in the lost transaction") { try await first.value }
        #expect(try await Self.writers(driver).isEmpty)
        // The driver goes on: the next write starts a new transaction.
        try await driver.write { tx in try await tx.run("INSERT INTO item (writer) VALUES (3)") }
        #expect(try await Self.writers(driver) == [3])
        try await driver.close()
    }
}

/// The order in which writes returned to their callers.
final class FinishOrder: @unchecked Sendable {
    private let mutex = NSLock()
    private var finished: [Int] = []

    func append(_ writer: Int) {
        mutex.lock()
        finished.append(writer)
        mutex.unlock()
    }

    var order: [Int] {
        mutex.lock()
        defer { mutex.unlock() }
        return finished
    }
}
