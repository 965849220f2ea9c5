internal import Foundation

extension SQLRecordStore {
    func journalEntry(run: String, source: String) async throws -> JournalEntry? {
        try await driver.read { tx in
            try await tx.row("""
                SELECT run_id, source_key, sha256, outcome, document_id, quarantine_id, detail, recorded_at
                FROM ingest_journal WHERE run_id = ? AND source_key = ?
                """, run, source).map(Self.journalEntry)
        }
    }

    func journalIsEmpty(run: String) async throws -> Bool {
        try await driver.read { tx in
            try await tx.row("SELECT 1 FROM ingest_journal WHERE run_id = ? LIMIT 1", run) == nil
        }
    }

    func journalEntries(run: String) async throws -> [JournalEntry] {
        try await driver.read { tx in
            try await tx.rows("""
                SELECT run_id, source_key, sha256, outcome, document_id, quarantine_id, detail, recorded_at
                FROM ingest_journal WHERE run_id = ? ORDER BY source_key
                """, run).map(Self.journalEntry)
        }
    }

    func recordJournal(_ entry: JournalEntry) async throws {
        try await driver.write { tx in try await self.recordJournal(entry, in: tx) }
    }

    /// Records (or replaces) a journal entry inside a transaction.
    func recordJournal(_ entry: JournalEntry, in tx: any SQLTransaction) async throws {
        try await tx.run("""
            INSERT INTO ingest_journal (run_id, source_key, sha256, outcome, document_id, quarantine_id, detail, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id, source_key) DO UPDATE SET sha256 = excluded.sha256, outcome = excluded.outcome,
                document_id = excluded.document_id, quarantine_id = excluded.quarantine_id, detail = excluded.detail,
                recorded_at = excluded.recorded_at
            """, entry.key.run, entry.key.source, entry.key.sha256, entry.outcome.rawValue, entry.document?.rawValue,
            entry.quarantine?.rawValue, entry.detail, StoreClock.text(entry.recordedAt))
    }

    static func journalEntry(_ row: SQLRow) -> JournalEntry {
        JournalEntry(
            key: JournalKey(run: row[0].string ?? "", source: row[1].string ?? "", sha256: row[2].string ?? ""),
            outcome: JournalOutcome(rawValue: row[3].string ?? "") ?? .skipped,
            document: row[4].int64.map(DocumentID.init(rawValue:)), quarantine: row[5].int64.map(QuarantineID.init(rawValue:)),
            detail: row[6].string ?? "", recordedAt: StoreClock.date(row[7].string) ?? .distantPast)
    }
}
