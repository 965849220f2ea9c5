import Foundation
import PasserelleIdentity
@testable import PasserelleStore
import Testing

@Suite("Store locations, migrations files, dialect")
struct StoreUnitTests {
    @Test("postgres:// and postgresql:// select PostgreSQL; anything else is a SQLite path")
    func locations() throws {
        guard case .postgres(let pg) = try StoreLocation(parsing: "postgres://alice:secret@db.example:6543/records?schema=site_a") else {
            Issue.record("expected PostgreSQL")
            return
        }
        #expect(pg.host == "db.example")
        #expect(pg.port == 6543)
        #expect(pg.user == "alice")
        #expect(pg.password == "secret")
        #expect(pg.database == "records")
        #expect(pg.schema == "site_a")
        #expect(pg.sslMode == "prefer")
        #expect(!pg.description.contains("secret"))
        #expect(try StoreLocation(parsing: "postgresql://postgres@127.0.0.1/passerelle").adapter == .postgres)
        #expect(try StoreLocation(parsing: "sqlite:/var/lib/passerelle.sqlite") == .sqlite(path: "/var/lib/passerelle.sqlite"))
        #expect(try StoreLocation(parsing: "data/store.sqlite") == .sqlite(path: "data/store.sqlite"))
        #expect(StoreLocation.defaultLocation == .sqlite(path: "./passerelle.sqlite"))
        #expect(throws: StoreError.invalidInput("the schema name may only hold ASCII letters, digits and _")) {
            try StoreLocation(parsing: "postgres://u@h/db?schema=x;drop")
        }
        #expect(throws: StoreError.self) { try StoreLocation(parsing: "  ") }
    }

    @Test("The embedded migrations are the SQL files of schemas/store (run schemas/store/generate.sh)")
    func generatedMigrationsMatchFiles() throws {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for (dialect, embedded) in [("sqlite", Migration.sqlite), ("postgres", Migration.postgres)] {
            let folder = root.appendingPathComponent("schemas/store/\(dialect)")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
            #expect(files.count == embedded.count)
            for (file, migration) in zip(files, embedded) {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                #expect(file == String(format: "%03d_%@.sql", migration.version, migration.name))
                #expect(text == migration.sql, "\(dialect)/\(file) differs from the generated Swift file")
            }
        }
        // Both dialects define the same tables.
        func tables(_ migrations: [Migration]) -> Set<String> {
            Set(migrations.flatMap { Migrator.statements($0.sql) }.compactMap { statement in
                statement.hasPrefix("CREATE TABLE ") ? statement.split(separator: " ")[2].description : nil
            })
        }
        #expect(tables(Migration.sqlite).subtracting(["id_counters"]) == tables(Migration.postgres))
    }

    @Test("Migration files split into statements; comments are dropped")
    func statementSplitting() {
        let statements = Migrator.statements("-- a comment\nCREATE TABLE a (\n    x TEXT\n);\n\nCREATE INDEX a_x ON a (x);\n")
        #expect(statements == ["CREATE TABLE a (\n    x TEXT\n);", "CREATE INDEX a_x ON a (x);"])
    }

    @Test("PostgreSQL placeholders are numbered; SQLite keeps ?")
    func placeholders() {
        #expect(SQLDialect.postgres.placeholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)") == "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)")
        #expect(SQLDialect.sqlite.placeholders("b = ?") == "b = ?")
    }

    @Test("Advisory-lock ids are stable across runs (FNV-1a)")
    func lockIDs() {
        #expect(PostgresTransaction.lockID("") == Int64(bitPattern: 0xcbf2_9ce4_8422_2325))
        #expect(PostgresTransaction.lockID("block:I:280057505612345") == PostgresTransaction.lockID("block:I:280057505612345"))
        #expect(PostgresTransaction.lockID("a") != PostgresTransaction.lockID("b"))
    }

    @Test("SQLite: the hot-path lookups use indexes, not table scans")
    func hotPathsUseIndexes() async throws {
        let test = try await TestStore.make(.sqlite)
        let store = try #require(test.store as? SQLRecordStore)
        let statements = [
            "SELECT key, COUNT(*) FROM blocking_keys WHERE key IN (?, ?) GROUP BY key",
            "SELECT key, identity_id FROM blocking_keys WHERE key IN (?, ?)",
            "SELECT identity_id, COUNT(*) FROM blocking_keys WHERE key IN (?, ?) GROUP BY identity_id HAVING COUNT(*) >= 2",
            "SELECT id, patient_id FROM identity_records WHERE natural_key = ?",
            "SELECT id, patient_id, record_json FROM identity_records WHERE id IN (?, ?)",
            "SELECT id, sha256 FROM documents WHERE doc_key = ?",
            "SELECT id, version_number FROM documents WHERE set_key = ? AND status = 'current' ORDER BY id DESC",
            "SELECT id FROM documents WHERE patient_id = ? ORDER BY creation_time, id",
            "SELECT DISTINCT patient_id FROM identity_records WHERE ins = ?",
            "SELECT DISTINCT patient_id FROM identity_records WHERE local_value = ? AND local_authority = ?",
            "SELECT DISTINCT patient_id FROM identity_records WHERE (birth_name_key = ? OR used_name_key = ?) AND birth_date = ?",
            "SELECT seq FROM link_events WHERE patient_id = ? OR other_patient_id = ? ORDER BY seq",
            "SELECT run_id FROM ingest_journal WHERE run_id = ? AND source_key = ?",
            "SELECT id FROM review_items WHERE state = ? ORDER BY created_at, id",
            "SELECT seq FROM audit_log WHERE target_type = ? AND target_id = ?",
        ]
        for statement in statements {
            let arguments = Array(repeating: SQLValue.text("x"), count: statement.filter { $0 == "?" }.count)
            let plan = try await store.driver.read { tx in try await tx.query("EXPLAIN QUERY PLAN " + statement, arguments) }
            let details = plan.compactMap { $0[3].string }
            let scans = details.filter { $0.hasPrefix("SCAN") }
            #expect(scans.isEmpty, "\(statement): \(details)")
        }
        try await test.store.close()
    }
}

@Suite("Identity record cache")
struct IdentityRecordCacheTests {
    @Test("a record is decoded again when its stored JSON changed, and the cache stays bounded")
    func invalidation() throws {
        let cache = IdentityRecordCache(capacity: 2)
        var record = IdentityRecord(id: "I1", birthFamilyName: "MARTIN", birthDate: "19800214", sex: "F")
        let first = try StoreCoding.json(record)
        #expect(try cache.record(id: "I1", json: first) == record)
        record.usedFamilyName = "DURAND"
        let second = try StoreCoding.json(record)
        #expect(try cache.record(id: "I1", json: second).usedFamilyName == "DURAND")
        #expect(try cache.record(id: "I1", json: first).usedFamilyName == nil)
        _ = try cache.record(id: "I2", json: first)
        _ = try cache.record(id: "I3", json: first)
        #expect(throws: StoreError.self) { try cache.record(id: "I4", json: nil) }
        #expect(throws: StoreError.self) { try cache.record(id: "I5", json: "{") }
    }
}

@Suite("Stored times")
struct StoreClockTests {
    @Test("the hand-written UTC text is what ISO8601DateFormatter writes, and reads back")
    func matchesFormatter() {
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_700_000_000.999_9),
                     Date(timeIntervalSince1970: 951_782_400.5), Date(timeIntervalSince1970: -86_400.25), Date(timeIntervalSince1970: -558_741_289.1215),
                     Date(timeIntervalSince1970: -906_842_500.1125), Date()]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 { dates.append(Date(timeIntervalSince1970: Double.random(in: -1e9...4e9, using: &generator))) }
        for date in dates {
            #expect(StoreClock.text(date) == StoreClock.formatterText(date), "\(date.timeIntervalSince1970)")
            if let back = StoreClock.date(StoreClock.text(date)) { #expect(abs(back.timeIntervalSince(date)) < 0.001) }
        }
        #expect(StoreClock.text(.distantPast) == StoreClock.formatterText(.distantPast))
    }
}
