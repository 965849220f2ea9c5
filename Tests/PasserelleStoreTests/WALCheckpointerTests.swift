import Foundation
@testable import PasserelleStore
import Testing

/// The write-ahead log is copied into the database file by the background checkpointer, not by
/// the writer's commits (whose own automatic checkpoint only starts at 16,384 pages).
@Suite("SQLite WAL checkpoints off the writer's path")
struct WALCheckpointerTests {
    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    @Test("commits reach the database file through background checkpoints; closing empties the log and keeps every commit")
    func backgroundCheckpoints() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let driver = try SQLiteDriver(path: path)
        try await driver.write { tx in try await tx.run("CREATE TABLE payload (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)") }
        let emptySize = Self.fileSize(path)
        let blob = Data(repeating: 0xA5, count: 8_192)
        for _ in 0..<48 {
            try await driver.write { tx in try await tx.run("INSERT INTO payload (bytes) VALUES (?)", blob) }
        }
        // 48 commits of ~3 pages each: far below the writer's own threshold (16,384 pages), so
        // only the checkpointer can have copied them (every 16 commits, and after 1 s idle).
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.fileSize(path) < emptySize + 48 * 8_192, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Self.fileSize(path) >= emptySize + 48 * 8_192, "the database file holds the 48 rows")
        let statistics = driver.checkpointer.statistics
        // How many checkpoints copied the 48 commits depends on when the thread wakes (one
        // checkpoint takes every commit pending by then): at least one did.
        #expect(statistics.checkpoints >= 1)
        #expect(statistics.lastFailure == nil)
        try await driver.close()
        #expect(Self.fileSize(path + "-wal") == 0, "closing empties the log into the database file")

        let reopened = try SQLiteDriver(path: path)
        let rows = try await reopened.read { tx in try await tx.query("SELECT COUNT(*), SUM(LENGTH(bytes)) FROM payload", []) }
        #expect(rows.first?[0].int == 48)
        #expect(rows.first?[1].int == 48 * 8_192)
        try await reopened.close()
    }
}
