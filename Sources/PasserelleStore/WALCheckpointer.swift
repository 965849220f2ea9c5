internal import Foundation
internal import GRDB

/// Copies the SQLite write-ahead log back into the database file on a thread of its own, so that
/// the single writer does not pay for it inside a document's transaction.
///
/// SQLite's automatic checkpoint runs in the commit that crosses the threshold: with one
/// transaction per document, every ~20th document stalled the writer for 10–20 ms (half of the
/// writer's time in the ingest benchmark). Here a dedicated connection runs a `PASSIVE`
/// checkpoint after every `commitsPerCheckpoint` commits, or after `idleInterval` when fewer
/// commits came; a `PASSIVE` checkpoint never blocks the writer or the readers. The writer keeps
/// a larger automatic checkpoint (``SQLiteDriver/writerAutoCheckpointPages``) as a safety net: it
/// copies whatever the background checkpoints have not yet copied, and lets the log restart.
///
/// Durability is unchanged: a commit is in the log before it returns, whoever checkpoints it.
final class WALCheckpointer: @unchecked Sendable {
    /// Commits between two checkpoints.
    let commitsPerCheckpoint: Int
    /// Longest time a commit waits to be checkpointed when the store goes quiet.
    let idleInterval: TimeInterval

    private let connection: DatabaseQueue
    private let condition = NSCondition()
    private var pendingCommits = 0
    private var stopping = false
    private var finished = false
    private var completed = 0
    private var lastFailure: String?

    /// Opens the checkpointing connection to the database at `path` (which must exist, in WAL
    /// mode) and starts its thread.
    init(path: String, commitsPerCheckpoint: Int = 16, idleInterval: TimeInterval = 1) throws {
        self.commitsPerCheckpoint = max(1, commitsPerCheckpoint)
        self.idleInterval = idleInterval
        var configuration = Configuration()
        configuration.label = "passerelle-store-checkpoint"
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        let thread = Thread { [self] in run() }
        thread.name = "passerelle-checkpoint"
        thread.start()
    }

    /// Notes a commit of the writer (cheap: no I/O on the caller's thread).
    func committed() {
        condition.lock()
        pendingCommits += 1
        if pendingCommits >= commitsPerCheckpoint { condition.signal() }
        condition.unlock()
    }

    /// Checkpoints run so far, and the last failure (a checkpoint failure is retried at the
    /// next one; the writer's own automatic checkpoint still bounds the log).
    var statistics: (checkpoints: Int, lastFailure: String?) {
        condition.lock()
        defer { condition.unlock() }
        return (completed, lastFailure)
    }

    /// Runs a last checkpoint, which also empties the log file, stops the thread and closes the
    /// connection.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        while !finished { condition.wait() }
        condition.unlock()
        try? connection.close()
    }

    private func run() {
        condition.lock()
        while true {
            let deadline = Date(timeIntervalSinceNow: idleInterval)
            while !stopping, pendingCommits < commitsPerCheckpoint {
                if !condition.wait(until: deadline) { break }
            }
            let work = pendingCommits > 0
            pendingCommits = 0
            let last = stopping
            condition.unlock()
            var failure: String?
            if work || last {
                // The last one, at close, also empties the log file (`TRUNCATE`).
                let mode = last ? "TRUNCATE" : "PASSIVE"
                do {
                    try connection.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(\(mode))") }
                } catch {
                    failure = SQLiteDriver.describe(error)
                }
            }
            condition.lock()
            if work || last {
                completed += 1
                lastFailure = failure
            }
            if last { break }
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
