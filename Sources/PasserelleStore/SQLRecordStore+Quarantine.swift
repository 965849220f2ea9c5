internal import Foundation
internal import PasserelleModel

extension SQLRecordStore {
    func addQuarantine(_ input: QuarantineInput, actor: String, journal: JournalKey?) async throws -> QuarantineID {
        try await addQuarantine(input, actor: actor, journal: journal, deduplicate: false).id
    }

    func addQuarantineOnce(_ input: QuarantineInput, actor: String, journal: JournalKey?) async throws -> QuarantineAddition {
        try await addQuarantine(input, actor: actor, journal: journal, deduplicate: true)
    }

    /// Adds an item; with `deduplicate`, bytes already in an open item reuse it (audited as
    /// `quarantine.repeat`, journaled against it).
    private func addQuarantine(_ input: QuarantineInput, actor: String, journal: JournalKey?, deduplicate: Bool) async throws
        -> QuarantineAddition
    {
        let sha = StoreCoding.sha256(input.original)
        let diagnostics = try StoreCoding.json(input.diagnostics)
        return try await driver.write { tx in
            if deduplicate, let row = try await tx.row(
                "SELECT id, size FROM quarantine WHERE sha256 = ? AND state = 'open' ORDER BY id", sha),
                row[1].int == input.original.count
            {
                let id = QuarantineID(rawValue: row[0].int64 ?? 0)
                try await self.audit(tx, actor: actor, action: "quarantine.repeat",
                    target: AuditTarget(type: "quarantine", id: id.description), detail: "sha256=\(sha) already open")
                if let journal {
                    try await self.recordJournal(JournalEntry(key: journal, outcome: .quarantined, quarantine: id,
                        detail: "already in quarantine: " + input.reason, recordedAt: self.configuration.clock()), in: tx)
                }
                return QuarantineAddition(id: id, alreadyOpen: true)
            }
            let stamp = self.now()
            guard let id = try await tx.row("""
                INSERT INTO quarantine (source_name, sha256, size, bytes, reason, diagnostics_json, received_at, state, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id
                """, input.sourceName, sha, input.original.count, input.original, input.reason, diagnostics,
                StoreClock.text(input.receivedAt), stamp)?[0].int64.map(QuarantineID.init(rawValue:))
            else { throw StoreError.database(operation: "INSERT INTO quarantine", detail: "no id returned") }
            try await self.audit(tx, actor: actor, action: "quarantine.add", target: AuditTarget(type: "quarantine", id: id.description),
                detail: "sha256=\(sha) reason=\(input.reason)")
            if let journal {
                try await self.recordJournal(JournalEntry(key: journal, outcome: .quarantined, quarantine: id,
                    detail: input.reason, recordedAt: self.configuration.clock()), in: tx)
            }
            return QuarantineAddition(id: id, alreadyOpen: false)
        }
    }

    private static let quarantineColumns =
        "id, source_name, sha256, size, reason, diagnostics_json, received_at, state, document_id, updated_at"

    func quarantineItems(state: QuarantineState?) async throws -> [QuarantineItem] {
        let rows = try await driver.read { tx in
            if let state {
                return try await tx.rows("SELECT \(Self.quarantineColumns) FROM quarantine WHERE state = ? ORDER BY id", state.rawValue)
            }
            return try await tx.rows("SELECT \(Self.quarantineColumns) FROM quarantine ORDER BY id")
        }
        return try rows.map(Self.quarantineItem)
    }

    func quarantineItem(_ id: QuarantineID) async throws -> QuarantineItem? {
        let row = try await driver.read { tx in
            try await tx.row("SELECT \(Self.quarantineColumns) FROM quarantine WHERE id = ?", id.rawValue)
        }
        return try row.map(Self.quarantineItem)
    }

    func quarantineBytes(_ id: QuarantineID) async throws -> Data? {
        try await driver.read { tx in try await tx.row("SELECT bytes FROM quarantine WHERE id = ?", id.rawValue)?[0].data }
    }

    func markQuarantineRetried(_ id: QuarantineID, document: DocumentID, actor: String) async throws {
        try await driver.write { tx in
            try await self.requireQuarantine(id, tx)
            guard try await tx.row("SELECT id FROM documents WHERE id = ?", document.rawValue) != nil else {
                throw StoreError.notFound(kind: "document", id: document.description)
            }
            try await tx.run("UPDATE quarantine SET state = 'retried', document_id = ?, updated_at = ? WHERE id = ?",
                document.rawValue, self.now(), id.rawValue)
            try await self.audit(tx, actor: actor, action: "quarantine.retried", target: AuditTarget(type: "quarantine", id: id.description),
                detail: "document=\(document)")
        }
    }

    func markQuarantineResolved(_ id: QuarantineID, actor: String, note: String) async throws {
        try await driver.write { tx in
            try await self.requireQuarantine(id, tx)
            try await tx.run("UPDATE quarantine SET state = 'resolved', updated_at = ? WHERE id = ?", self.now(), id.rawValue)
            try await self.audit(tx, actor: actor, action: "quarantine.resolved", target: AuditTarget(type: "quarantine", id: id.description),
                detail: note)
        }
    }

    private func requireQuarantine(_ id: QuarantineID, _ tx: any SQLTransaction) async throws {
        guard try await tx.row("SELECT id FROM quarantine WHERE id = ?", id.rawValue) != nil else {
            throw StoreError.notFound(kind: "quarantine item", id: id.description)
        }
    }

    static func quarantineItem(_ row: SQLRow) throws -> QuarantineItem {
        QuarantineItem(
            id: QuarantineID(rawValue: row[0].int64 ?? 0), sourceName: row[1].string ?? "", sha256: row[2].string ?? "",
            size: row[3].int ?? 0, reason: row[4].string ?? "",
            diagnostics: try StoreCoding.decode([Diagnostic].self, row[5].string, what: "quarantine diagnostics"),
            receivedAt: StoreClock.date(row[6].string) ?? .distantPast,
            state: QuarantineState(rawValue: row[7].string ?? "") ?? .open,
            document: row[8].int64.map(DocumentID.init(rawValue:)), updatedAt: StoreClock.date(row[9].string) ?? .distantPast)
    }
}
