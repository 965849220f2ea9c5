internal import Foundation

extension SQLRecordStore {
    func appendAudit(actor: String, action: String, target: AuditTarget, detail: String) async throws {
        try await driver.write { tx in
            try await self.audit(tx, actor: actor, action: action, target: target, detail: detail)
        }
    }

    /// Appends an audit entry inside a transaction.
    func audit(_ tx: any SQLTransaction, actor: String, action: String, target: AuditTarget, detail: String) async throws {
        try await tx.run("""
            INSERT INTO audit_log (at, actor, action, target_type, target_id, detail) VALUES (?, ?, ?, ?, ?, ?)
            """, now(), actor, action, target.type, target.id, detail)
    }

    func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry] {
        guard filter.limit >= 0 else { throw StoreError.invalidInput("the audit limit is negative") }
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let actor = filter.actor { conditions.append("actor = ?"); arguments.append(.text(actor)) }
        if let action = filter.action { conditions.append("action = ?"); arguments.append(.text(action)) }
        if let type = filter.targetType { conditions.append("target_type = ?"); arguments.append(.text(type)) }
        if let id = filter.targetID { conditions.append("target_id = ?"); arguments.append(.text(id)) }
        if let since = filter.since { conditions.append("at >= ?"); arguments.append(.text(StoreClock.text(since))) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments.append(.integer(Int64(filter.limit)))
        let sql = "SELECT seq, at, actor, action, target_type, target_id, detail FROM audit_log \(whereClause) ORDER BY seq DESC LIMIT ?"
        let values = arguments
        let rows = try await driver.read { tx in try await tx.query(sql, values) }
        return rows.map { row in
            AuditEntry(sequence: row[0].int64 ?? 0, date: StoreClock.date(row[1].string) ?? .distantPast,
                actor: row[2].string ?? "", action: row[3].string ?? "",
                target: AuditTarget(type: row[4].string ?? "", id: row[5].string ?? ""), detail: row[6].string ?? "")
        }
    }
}
