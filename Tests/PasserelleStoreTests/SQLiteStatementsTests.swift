import Foundation
@testable import PasserelleStore
import Testing

/// The SQLite statement layer binds and reads values through the C API: every value type
/// round-trips exactly, and failures name the statement without its values.
@Suite("SQLite statements: binding and reading values")
struct SQLiteStatementsTests {
    static func withDriver(_ body: (SQLiteDriver) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-statements-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let driver = try SQLiteDriver(path: directory.appendingPathComponent("store.sqlite").path)
        try await driver.write { tx in
            try await tx.run("CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT UNIQUE, value ANY) STRICT")
        }
        try await body(driver)
        try await driver.close()
    }

    @Test("null, integers, reals, empty and non-ASCII text, empty and binary blobs round-trip, in writer and reader")
    func roundTrip() async throws {
        try await Self.withDriver { driver in
            let values: [SQLValue] = [
                .null, .integer(Int64.min), .integer(Int64.max), .real(-0.5), .real(1e300),
                .text(""), .text("Œdème — Noël 🩺"), .text(String(repeating: "é", count: 40_000)),
                .blob(Data()), .blob(Data([0, 1, 0xFF, 0])), .blob(Data(repeating: 0xA5, count: 70_000)),
            ]
            try await driver.write { tx in
                for (index, value) in values.enumerated() {
                    try await tx.run("INSERT INTO item (id, label, value) VALUES (?, ?, ?)", Int64(index), "v\(index)", value)
                }
                let rows = try await tx.query("SELECT value FROM item ORDER BY id", [])
                #expect(rows.map { $0[0] } == values, "read back inside the writing transaction")
            }
            let rows = try await driver.read { tx in try await tx.query("SELECT value FROM item ORDER BY id", []) }
            #expect(rows.map { $0[0] } == values, "read back on a reader connection")
            let types = try await driver.read { tx in
                try await tx.query("SELECT typeof(value) FROM item WHERE id IN (5, 8) ORDER BY id", [])
            }
            #expect(types.map { $0[0].string } == ["text", "blob"], "empty text and blob stay text and blob, not NULL")
        }
    }

    @Test("text given as UTF-8 bytes is stored as text and reads back as the same string")
    func utf8Text() async throws {
        try await Self.withDriver { driver in
            let text = "{\"title\":\"Œdème — Noël\"}"
            try await driver.write { tx in
                try await tx.run("INSERT INTO item (id, value) VALUES (?, ?)", Int64(1), SQLValue.utf8Text(Array(text.utf8)))
                try await tx.run("INSERT INTO item (id, value) VALUES (?, ?)", Int64(2), SQLValue.utf8Text([]))
            }
            let rows = try await driver.read { tx in try await tx.query("SELECT value, typeof(value) FROM item ORDER BY id", []) }
            #expect(rows.map(\.values) == [[.text(text), .text("text")], [.text(""), .text("text")]])
        }
    }

    @Test("a statement reused with other values sees only those; parameters bound by position")
    func reuse() async throws {
        try await Self.withDriver { driver in
            try await driver.write { tx in
                try await tx.run("INSERT INTO item (id, label, value) VALUES (?, ?, ?)", Int64(1), "a", "first")
                try await tx.run("INSERT INTO item (id, label, value) VALUES (?, ?, ?)", Int64(2), "b", SQLValue.null)
            }
            let rows = try await driver.read { tx in
                try await tx.query("SELECT id, label, value FROM item WHERE id >= ? ORDER BY id", [.integer(2)])
            }
            #expect(rows.count == 1)
            #expect(rows.first?.values == [.integer(2), .text("b"), .null])
        }
    }

    @Test("a constraint failure names the statement and SQLite's message, never the values; the writer goes on")
    func failures() async throws {
        try await Self.withDriver { driver in
            try await driver.write { tx in try await tx.run("INSERT INTO item (label) VALUES (?)", "DUPONT Marie") }
            await #expect {
                try await driver.write { tx in try await tx.run("INSERT INTO item (label) VALUES (?)", "DUPONT Marie") }
            } throws: { error in
                let text = "\(error)"
                return text.contains("INSERT INTO item") && text.contains("UNIQUE constraint failed") && !text.contains("DUPONT")
            }
            await #expect(throws: StoreError.self) {
                try await driver.read { tx in try await tx.query("SELECT * FROM item WHERE id = ? AND label = ?", [.integer(1)]) }
            }
            try await driver.write { tx in try await tx.run("INSERT INTO item (label) VALUES (?)", "other") }
            let count = try await driver.read { tx in try await tx.query("SELECT count(*) FROM item", []) }
            #expect(count.first?[0] == .integer(2))
        }
    }
}
