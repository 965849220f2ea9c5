internal import Foundation

extension SQLRecordStore {
    func createToken(name: String, scope: TokenScope, secretSHA256: String, actor: String) async throws -> APIToken {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 100 else { throw StoreError.invalidInput("a token name must have 1 to 100 characters") }
        guard secretSHA256.count == 64, secretSHA256.allSatisfy(\.isHexDigit) else {
            throw StoreError.invalidInput("the token secret hash must be 64 hex digits")
        }
        return try await driver.write { tx in
            if try await tx.row("SELECT id FROM api_tokens WHERE name = ?", trimmed) != nil {
                throw StoreError.invalidOperation("a token named '\(trimmed)' already exists (revoked tokens keep their name)")
            }
            let stamp = self.now()
            guard let id = try await tx.row("""
                INSERT INTO api_tokens (name, scope, secret_sha256, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id
                """, trimmed, scope.rawValue, secretSHA256.lowercased(), stamp, actor)?[0].int64
            else { throw StoreError.database(operation: "INSERT INTO api_tokens", detail: "no id returned") }
            try await self.audit(tx, actor: actor, action: "token.create", target: AuditTarget(type: "token", id: trimmed),
                detail: "scope=\(scope.rawValue)")
            return APIToken(id: id, name: trimmed, scope: scope, createdAt: StoreClock.date(stamp) ?? Date(), createdBy: actor,
                revokedAt: nil)
        }
    }

    private static let tokenColumns = "id, name, scope, created_at, created_by, revoked_at"

    private static func token(_ row: SQLRow) throws -> APIToken {
        guard let scope = TokenScope(rawValue: row[2].string ?? "") else {
            throw StoreError.corrupt(what: "token \(row[1].string ?? "?")", detail: "unknown scope")
        }
        return APIToken(id: row[0].int64 ?? 0, name: row[1].string ?? "", scope: scope,
            createdAt: StoreClock.date(row[3].string) ?? .distantPast, createdBy: row[4].string ?? "",
            revokedAt: StoreClock.date(row[5].string))
    }

    func token(secretSHA256: String) async throws -> APIToken? {
        let row = try await driver.read { tx in
            try await tx.row("SELECT \(Self.tokenColumns) FROM api_tokens WHERE secret_sha256 = ?", secretSHA256.lowercased())
        }
        return try row.map(Self.token)
    }

    func tokens() async throws -> [APIToken] {
        let rows = try await driver.read { tx in try await tx.rows("SELECT \(Self.tokenColumns) FROM api_tokens ORDER BY id") }
        return try rows.map(Self.token)
    }

    func revokeToken(name: String, actor: String) async throws {
        try await driver.write { tx in
            guard let row = try await tx.row("SELECT revoked_at FROM api_tokens WHERE name = ?", name) else {
                throw StoreError.notFound(kind: "token", id: name)
            }
            guard row[0].string == nil else { throw StoreError.invalidOperation("token '\(name)' is already revoked") }
            try await tx.run("UPDATE api_tokens SET revoked_at = ? WHERE name = ?", self.now(), name)
            try await self.audit(tx, actor: actor, action: "token.revoke", target: AuditTarget(type: "token", id: name), detail: "")
        }
    }
}
