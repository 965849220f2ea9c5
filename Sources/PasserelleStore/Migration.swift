internal import Foundation
#if canImport(Glibc)
internal import Glibc
#endif

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

    /// The text form of `date`: `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, milliseconds rounded, as
    /// `ISO8601DateFormatter` writes it), formatted by hand: this runs several times per stored
    /// document, inside the write transaction, and the formatter costs microseconds under a lock.
    static func text(_ date: Date) -> String {
        // Milliseconds rounded to the nearest, halves toward +∞, as the formatter does (before
        // 1970 a half rounded away from zero gave one millisecond less than the formatter).
        let interval = date.timeIntervalSince1970
        let totalMillis = (interval * 1000 + 0.5).rounded(.down)
        guard interval.isFinite, abs(totalMillis) < 1e15 else { return formatterText(date) }
        let milliseconds = Int64(totalMillis)
        let wholeSeconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        var whole = time_t(wholeSeconds)
        var parts = tm()
        guard gmtime_r(&whole, &parts) != nil, (1000...9999).contains(Int(parts.tm_year) + 1900) else {
            return formatterText(date)
        }
        let millis = Int(milliseconds - wholeSeconds * 1000)
        var bytes: [UInt8] = Array("0000-00-00T00:00:00.000Z".utf8)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, at: 0, digits: 4)
        put(Int(parts.tm_mon) + 1, at: 5, digits: 2)
        put(Int(parts.tm_mday), at: 8, digits: 2)
        put(Int(parts.tm_hour), at: 11, digits: 2)
        put(Int(parts.tm_min), at: 14, digits: 2)
        put(Int(parts.tm_sec), at: 17, digits: 2)
        put(millis, at: 20, digits: 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text(_:)` through `ISO8601DateFormatter` (the reference the tests compare with).
    static func formatterText(_ date: Date) -> String {
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
