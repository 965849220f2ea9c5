internal import Foundation

/// One versioned schema change: `schemas/store/<dialect>/NNN_name.sql`, embedded at build time by
/// `schemas/store/generate.sh` into `Migrations+Generated.swift`.
struct Migration: Sendable, Hashable {
    /// The `NNN` of the file name.
    var version: Int
    /// The `name` of the file name.
    var name: String
    /// The statements.
    var sql: String
}

/// Applies the migrations a store lacks, in order, each in its own transaction, and records
/// them in `schema_migrations`.
enum Migrator {
    /// Brings the store up to date; returns the versions applied (empty when up to date).
    static func migrate(_ driver: any SQLDriver, now: @escaping @Sendable () -> Date) async throws -> [Int] {
        let migrations = driver.dialect.migrations.sorted { $0.version < $1.version }
        let known = migrations.last?.version ?? 0
        return try await driver.write { tx in
            // One migrating process at a time (PostgreSQL); SQLite's writer lock does the same.
            try await tx.lock(keys: ["passerelle:migrations"])
            try await tx.run("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
                """)
            let applied = Set(try await tx.rows("SELECT version FROM schema_migrations").compactMap { $0[0].int })
            if let newest = applied.max(), newest > known { throw StoreError.newerSchema(found: newest, known: known) }
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                do {
                    for statement in statements(migration.sql) { try await tx.run(statement) }
                } catch {
                    throw StoreError.migration(version: migration.version, name: migration.name, detail: "\(error)")
                }
                try await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    migration.version, migration.name, StoreClock.text(now()))
                done.append(migration.version)
            }
            return done
        }
    }

    /// Splits a migration file into statements: `;` at the end of a line ends a statement;
    /// `--` comment lines are dropped. (The migration files keep to that layout.)
    static func statements(_ sql: String) -> [String] {
        var result: [String] = []
        var current: [Substring] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("--") || trimmed.isEmpty { continue }
            current.append(line)
            if trimmed.hasSuffix(";") {
                result.append(current.joined(separator: "\n"))
                current = []
            }
        }
        if !current.isEmpty { result.append(current.joined(separator: "\n")) }
        return result
    }
}

/// Time stamps as stored: UTC ISO-8601 with milliseconds, sortable as text.
enum StoreClock {
    nonisolated(unsafe) private static let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }()
    private static let lock = NSLock()

    /// The text form of `date`.
    static func text(_ date: Date) -> String {
        lock.lock()
        defer { lock.unlock() }
        return formatter.string(from: date)
    }

    /// Reads a stored time.
    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return formatter.date(from: text)
    }
}
