internal import Foundation
internal import PasserelleIdentity
internal import PasserelleModel

extension SQLRecordStore {
    static let documentColumns = """
        id, doc_key, doc_root, doc_extension, set_key, version_number, type_code, type_system, title, creation_time,
        patient_id, identity_id, source_name, format, size, sha256, received_at, status, superseded_by
        """

    static func documentSummary(_ row: SQLRow) -> DocumentSummary {
        DocumentSummary(
            id: DocumentID(rawValue: row[0].int64 ?? 0), documentKey: row[1].string ?? "", root: row[2].string,
            extension: row[3].string, setKey: row[4].string, versionNumber: row[5].int, typeCode: row[6].string,
            typeSystem: row[7].string, title: row[8].string, creationTime: row[9].string,
            patient: row[10].string.map(PatientID.init(rawValue:)), identity: row[11].string.map(IdentityRecordID.init(rawValue:)),
            sourceName: row[12].string ?? "", format: row[13].string, size: row[14].int ?? 0, sha256: row[15].string ?? "",
            receivedAt: StoreClock.date(row[16].string) ?? .distantPast,
            status: DocumentStatus(rawValue: row[17].string ?? "") ?? .current, supersededBy: row[18].int64.map(DocumentID.init(rawValue:)))
    }

    /// The key of an identifier: `root^extension`, or `root` alone.
    static func key(_ identifier: Identifier?) -> String? {
        guard let root = identifier?.root, !root.isEmpty else { return nil }
        if let ext = identifier?.extension, !ext.isEmpty { return "\(root)^\(ext)" }
        return root
    }

    func storeDocument(_ incoming: IncomingDocument, actor: String, journal: JournalKey?) async throws -> DocumentIngestResult {
        let model = incoming.document
        let sha = incoming.originalSHA256 ?? StoreCoding.sha256(incoming.original)
        assert(sha == StoreCoding.sha256(incoming.original), "originalSHA256 is not the hash of the original bytes")
        let documentKey = Self.key(model.id) ?? "sha256:\(sha)"
        let setKey = Self.key(model.setID)
        let record = model.patient.map { IdentityRecord(patient: $0, id: "incoming", source: nil) }
        // Normalized traits, natural and blocking keys: computed here, in the caller's task (in
        // parallel), not inside the serialized write.
        let prepared = record.map(PreparedIdentity.init)
        var lockKeys: [String] = []
        if driver.dialect.takesKeyLocks {
            lockKeys = ["document:" + documentKey]
            if let setKey { lockKeys.append("set:" + setKey) }
            if let prepared { lockKeys += prepared.lockKeys }
        }
        // SQLite: the identity candidates are read here, in parallel, and reused inside the
        // serialized write unless a writer changed their blocking keys meanwhile.
        let preloaded = try await prepared.asyncMap { try await self.preloadCandidates($0) } ?? nil
        let modelJSON = try StoreCoding.modelJSON(model)
        // Hashed here, outside the serialized write.
        let attachments = model.body.attachments.compactMap { attachment -> (String?, Data, String)? in
            attachment.data.map { (attachment.mediaType, $0, StoreCoding.sha256($0)) }
        }
        let keys = lockKeys
        return try await driver.write { tx in
            if record != nil { try await tx.lockAdministration(exclusive: false) }
            try await tx.lock(keys: keys)
            func journalize(_ outcome: DocumentOutcome) async throws {
                guard let journal else { return }
                try await self.recordJournal(JournalEntry(key: journal, outcome: outcome.journalOutcome, document: outcome.document,
                    detail: documentKey, recordedAt: self.configuration.clock()), in: tx)
            }
            if let existing = try await tx.row("SELECT id, sha256 FROM documents WHERE doc_key = ?", documentKey) {
                let id = DocumentID(rawValue: existing[0].int64 ?? 0)
                let existingSHA = existing[1].string ?? ""
                let outcome: DocumentOutcome = existingSHA == sha
                    ? .duplicate(id) : .conflict(id, existingSHA256: existingSHA, newSHA256: sha)
                if case .conflict = outcome {
                    try await self.audit(tx, actor: actor, action: "document.conflict", target: AuditTarget(type: "document", id: id.description),
                        detail: "existing sha256=\(existingSHA) new sha256=\(sha) source=\(incoming.sourceName)")
                }
                try await journalize(outcome)
                return DocumentIngestResult(outcome: outcome, identity: nil)
            }
            let resolution = try await record.asyncMap {
                try await self.resolve($0, prepared: prepared, preloaded: preloaded, actor: actor,
                    reason: "document \(documentKey)", in: tx)
            }
            // Versioning: the current version of the set, if any.
            var previous: (id: DocumentID, version: Int?)?
            if let setKey, let row = try await tx.row(
                "SELECT id, version_number FROM documents WHERE set_key = ? AND status = 'current' ORDER BY id DESC", setKey)
            {
                previous = (DocumentID(rawValue: row[0].int64 ?? 0), row[1].int)
            }
            let older = previous.map { ($0.version ?? Int.min) > (model.versionNumber ?? Int.max) } ?? false
            let values: [any SQLBindable] = [
                documentKey, model.id?.root, model.id?.extension, setKey, model.versionNumber, model.typeCode?.code,
                model.typeCode?.codeSystem, model.title, model.creationTime.flatMap { $0.nullFlavor == nil ? $0.iso8601 : nil },
                resolution?.patient.rawValue, resolution?.identity.rawValue, incoming.sourceName, incoming.format?.rawValue,
                incoming.original.count, sha, StoreClock.text(incoming.receivedAt),
                (older ? DocumentStatus.superseded : .current).rawValue, older ? previous?.id.rawValue : nil, modelJSON,
            ]
            guard let inserted = try await tx.query("""
                INSERT INTO documents (doc_key, doc_root, doc_extension, set_key, version_number, type_code, type_system, title,
                    creation_time, patient_id, identity_id, source_name, format, size, sha256, received_at, status, superseded_by,
                    model_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, values.map(\.sqlValue)).first?[0].int64.map(DocumentID.init(rawValue:))
            else { throw StoreError.database(operation: "INSERT INTO documents", detail: "no id returned") }
            try await tx.run("INSERT INTO document_originals (document_id, bytes) VALUES (?, ?)", inserted.rawValue, incoming.original)
            for (ordinal, attachment) in attachments.enumerated() {
                try await tx.run("""
                    INSERT INTO attachments (document_id, ordinal, media_type, size, sha256, bytes) VALUES (?, ?, ?, ?, ?, ?)
                    """, inserted.rawValue, ordinal, attachment.0, attachment.1.count, attachment.2, attachment.1)
            }
            let outcome: DocumentOutcome
            if let previous, older {
                outcome = .storedSuperseded(inserted, supersededBy: previous.id)
            } else if let previous {
                try await tx.run("UPDATE documents SET status = 'superseded', superseded_by = ? WHERE id = ?",
                    inserted.rawValue, previous.id.rawValue)
                outcome = .newVersion(inserted, supersedes: previous.id)
            } else {
                outcome = .stored(inserted)
            }
            try await self.audit(tx, actor: actor, action: "document.store", target: AuditTarget(type: "document", id: inserted.description),
                detail: "outcome=\(outcome.journalOutcome.rawValue) sha256=\(sha) patient=\(resolution?.patient.rawValue ?? "-")")
            try await journalize(outcome)
            return DocumentIngestResult(outcome: outcome, identity: resolution)
        }
    }

    func document(_ id: DocumentID) async throws -> StoredDocument? {
        let found = try await driver.read { tx -> (SQLRow, String?, [SQLRow])? in
            guard let row = try await tx.row("SELECT \(Self.documentColumns), model_json FROM documents WHERE id = ?", id.rawValue)
            else { return nil }
            let attachments = try await tx.rows(
                "SELECT ordinal, media_type, size, sha256 FROM attachments WHERE document_id = ? ORDER BY ordinal", id.rawValue)
            return (row, row[19].string, attachments)
        }
        guard let (row, json, attachmentRows) = found else { return nil }
        return StoredDocument(summary: Self.documentSummary(row),
            model: try StoreCoding.decode(ClinicalDocument.self, json, what: "document \(id) model"),
            attachments: attachmentRows.map {
                StoredAttachment(ordinal: $0[0].int ?? 0, mediaType: $0[1].string, size: $0[2].int ?? 0, sha256: $0[3].string ?? "")
            })
    }

    func document(key: String) async throws -> DocumentSummary? {
        try await driver.read { tx in
            try await tx.row("SELECT \(Self.documentColumns) FROM documents WHERE doc_key = ?", key).map(Self.documentSummary)
        }
    }

    func originalBytes(_ id: DocumentID) async throws -> Data? {
        try await driver.read { tx in
            try await tx.row("SELECT bytes FROM document_originals WHERE document_id = ?", id.rawValue)?[0].data
        }
    }

    func attachmentBytes(document: DocumentID, ordinal: Int) async throws -> Data? {
        try await driver.read { tx in
            try await tx.row("SELECT bytes FROM attachments WHERE document_id = ? AND ordinal = ?", document.rawValue, ordinal)?[0].data
        }
    }

    func documents(patient: PatientID) async throws -> [DocumentSummary] {
        try await driver.read { tx in
            try await tx.rows("SELECT \(Self.documentColumns) FROM documents WHERE patient_id = ? ORDER BY creation_time, id",
                patient.rawValue).map(Self.documentSummary)
        }
    }

    func versions(setKey: String) async throws -> [DocumentSummary] {
        try await driver.read { tx in
            try await tx.rows("SELECT \(Self.documentColumns) FROM documents WHERE set_key = ? ORDER BY version_number, id", setKey)
                .map(Self.documentSummary)
        }
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
