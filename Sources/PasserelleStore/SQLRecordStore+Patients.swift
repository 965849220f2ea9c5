internal import Foundation
internal import PasserelleIdentity

extension SQLRecordStore {
    private static let identityColumns = "id, patient_id, record_json, created_at"

    static func storedIdentity(_ row: SQLRow) throws -> StoredIdentity {
        let id = IdentityRecordID(rawValue: row[0].string ?? "")
        var record = try StoreCoding.decode(IdentityRecord.self, row[2].string, what: "identity record \(id)")
        record.id = id
        return StoredIdentity(id: id, patient: PatientID(rawValue: row[1].string ?? ""), record: record,
            createdAt: StoreClock.date(row[3].string) ?? .distantPast)
    }

    func identity(_ id: IdentityRecordID) async throws -> StoredIdentity? {
        let row = try await driver.read { tx in
            try await tx.row("SELECT \(Self.identityColumns) FROM identity_records WHERE id = ?", id.rawValue)
        }
        return try row.map(Self.storedIdentity)
    }

    func searchPatients(_ query: PatientQuery) async throws -> [PatientSummary] {
        guard query.limit > 0 else { throw StoreError.invalidInput("the search limit must be positive") }
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let ins = Self.normalizedINS(query.ins) { conditions.append("ins = ?"); arguments.append(.text(ins)) }
        if let ipp = query.ipp {
            conditions.append("local_value = ?")
            arguments.append(.text(ipp))
            if let authority = query.ippAuthority { conditions.append("local_authority = ?"); arguments.append(.text(authority)) }
        }
        let traits = ComparableIdentity(IdentityRecord(id: "query", birthFamilyName: query.familyName,
            firstBirthGivenName: query.givenName, birthDate: query.birthDate))
        if query.familyName != nil {
            guard let key = traits.birthName?.key else { throw StoreError.invalidInput("the family name has no significant letters") }
            conditions.append("(birth_name_key = ? OR used_name_key = ?)")
            arguments += [.text(key), .text(key)]
        }
        if query.givenName != nil {
            guard let key = traits.firstGivenName?.key else { throw StoreError.invalidInput("the given name has no significant letters") }
            conditions.append("given_name_key = ?")
            arguments.append(.text(key))
        }
        if query.birthDate != nil {
            guard let date = traits.birthDate?.compact else { throw StoreError.invalidInput("the birth date is not a readable date") }
            conditions.append("birth_date = ?")
            arguments.append(.text(date))
        }
        guard !conditions.isEmpty else { throw StoreError.invalidInput("give an identifier or at least one trait to search") }
        arguments.append(.integer(Int64(query.limit)))
        let sql = """
            SELECT DISTINCT patient_id FROM identity_records WHERE \(conditions.joined(separator: " AND "))
            ORDER BY patient_id LIMIT ?
            """
        let values = arguments
        return try await driver.read { tx in
            let patients = try await tx.query(sql, values).compactMap { $0[0].string }
            var result: [PatientSummary] = []
            for patient in patients {
                let rows = try await tx.rows("SELECT \(Self.identityColumns) FROM identity_records WHERE patient_id = ? ORDER BY id", patient)
                result.append(PatientSummary(id: PatientID(rawValue: patient), identities: try rows.map(Self.storedIdentity)))
            }
            return result
        }
    }

    func patient(_ id: PatientID) async throws -> PatientDetail? {
        try await driver.read { tx in
            guard let row = try await tx.row("SELECT created_at, merged_into FROM patients WHERE id = ?", id.rawValue) else { return nil }
            let identities = try await tx.rows("SELECT \(Self.identityColumns) FROM identity_records WHERE patient_id = ? ORDER BY id",
                id.rawValue).map(Self.storedIdentity)
            let documents = try await tx.rows(
                "SELECT \(Self.documentColumns) FROM documents WHERE patient_id = ? ORDER BY creation_time, id", id.rawValue)
                .map(Self.documentSummary)
            let history = try await tx.rows("""
                SELECT seq, actor, at, reason, score, change_json FROM link_events
                WHERE patient_id = ? OR other_patient_id = ? ORDER BY seq
                """, id.rawValue, id.rawValue).map(Self.historyEntry)
            return PatientDetail(id: id, createdAt: StoreClock.date(row[0].string) ?? .distantPast,
                mergedInto: row[1].string.map(PatientID.init(rawValue:)), identities: identities, documents: documents, history: history)
        }
    }

    static func historyEntry(_ row: SQLRow) throws -> HistoryEntry {
        let sequence = row[0].int64 ?? 0
        return HistoryEntry(sequence: sequence,
            change: try StoreCoding.decode(IndexChange.self, row[5].string, what: "link event \(sequence)"),
            metadata: EventMetadata(actor: row[1].string ?? "", date: StoreClock.date(row[2].string) ?? .distantPast,
                reason: row[3].string ?? "", score: row[4].double))
    }

    func linkHistory() async throws -> [IndexEvent] {
        let rows = try await driver.read { tx in
            try await tx.rows("SELECT seq, actor, at, reason, score, change_json FROM link_events ORDER BY seq")
        }
        return try rows.enumerated().map { position, row in
            let entry = try Self.historyEntry(row)
            return IndexEvent(sequence: position + 1, change: entry.change, metadata: entry.metadata)
        }
    }

    func mergePatients(survivor: PatientID, absorbed: PatientID, actor: String, reason: String) async throws {
        try await driver.write { tx in
            try await tx.lockAdministration(exclusive: true)
            guard survivor != absorbed else { throw StoreError.invalidOperation("cannot merge patient \(survivor) into itself") }
            try await self.requireActivePatient(survivor, tx)
            try await self.requireActivePatient(absorbed, tx)
            let metadata = EventMetadata(actor: actor, date: self.configuration.clock(), reason: reason)
            try await self.appendEvent(.patientsMerged(survivor: survivor, absorbed: absorbed), metadata, in: tx)
            try await self.moveRecords(from: absorbed, to: survivor, tx)
            try await self.audit(tx, actor: actor, action: "patient.merge", target: AuditTarget(type: "patient", id: survivor.rawValue),
                detail: "absorbed=\(absorbed) reason=\(reason)")
        }
    }

    /// Moves every identity and document of `absorbed` to `survivor` and marks `absorbed` merged.
    /// Candidates read ahead of the write lock (``ChangeTracker``) are read again after it.
    private func moveRecords(from absorbed: PatientID, to survivor: PatientID, _ tx: any SQLTransaction) async throws {
        driver.changeTracker?.touchEverything()
        try await tx.run("UPDATE identity_records SET patient_id = ?, updated_at = ? WHERE patient_id = ?",
            survivor.rawValue, now(), absorbed.rawValue)
        try await tx.run("UPDATE documents SET patient_id = ? WHERE patient_id = ?", survivor.rawValue, absorbed.rawValue)
        try await tx.run("UPDATE patients SET merged_into = ? WHERE id = ? OR merged_into = ?",
            survivor.rawValue, absorbed.rawValue, absorbed.rawValue)
    }

    private func requireActivePatient(_ id: PatientID, _ tx: any SQLTransaction) async throws {
        guard let row = try await tx.row("SELECT merged_into FROM patients WHERE id = ?", id.rawValue) else {
            throw StoreError.notFound(kind: "patient", id: id.rawValue)
        }
        if let into = row[0].string { throw StoreError.invalidOperation("patient \(id) was merged into \(into)") }
    }

    func unmerge(identity: IdentityRecordID, actor: String, reason: String) async throws -> PatientID {
        try await driver.write { tx in
            try await tx.lockAdministration(exclusive: true)
            guard let current = try await tx.row("SELECT patient_id FROM identity_records WHERE id = ?", identity.rawValue)?[0].string
            else { throw StoreError.notFound(kind: "identity record", id: identity.rawValue) }
            let members = try await tx.rows("SELECT id FROM identity_records WHERE patient_id = ? ORDER BY id", current)
                .compactMap { $0[0].string }
            guard members.count > 1 else {
                throw StoreError.invalidOperation("identity record \(identity) is the only record of patient \(current)")
            }
            let fresh = PatientID(rawValue: "P\(try await tx.nextValue("patient"))")
            let metadata = EventMetadata(actor: actor, date: self.configuration.clock(), reason: reason)
            try await self.appendEvent(.recordUnmerged(record: identity, newPatient: fresh), metadata, in: tx)
            try await tx.run("INSERT INTO patients (id, created_at) VALUES (?, ?)", fresh.rawValue, self.now())
            self.driver.changeTracker?.touchEverything()
            try await tx.run("UPDATE identity_records SET patient_id = ?, updated_at = ? WHERE id = ?",
                fresh.rawValue, self.now(), identity.rawValue)
            try await tx.run("UPDATE documents SET patient_id = ? WHERE identity_id = ?", fresh.rawValue, identity.rawValue)
            for other in members where other != identity.rawValue {
                try await self.insertCannotLink(identity, IdentityRecordID(rawValue: other), tx)
            }
            try await self.audit(tx, actor: actor, action: "patient.unmerge", target: AuditTarget(type: "identity", id: identity.rawValue),
                detail: "from=\(current) to=\(fresh) reason=\(reason)")
            return fresh
        }
    }

    func insertCannotLink(_ a: IdentityRecordID, _ b: IdentityRecordID, _ tx: any SQLTransaction) async throws {
        let pair = RecordPair(a, b)
        try await tx.run("INSERT INTO cannot_link (record_a, record_b) VALUES (?, ?) ON CONFLICT DO NOTHING",
            pair.first.rawValue, pair.second.rawValue)
    }

    // MARK: Review queue

    private static let reviewColumns =
        "id, identity_id, candidate_patient, candidate_identity, explanation_json, state, reason, created_at, decided_at, decided_by"

    /// The fields of a `ReviewItem` (whose memberwise initializer is internal to the engine): it
    /// is rebuilt through its `Codable` form.
    struct ReviewItemFields: Encodable {
        var id: ReviewID
        var record: IdentityRecordID
        var candidatePatient: PatientID
        var candidateRecord: IdentityRecordID
        var explanation: MatchExplanation
        var state: ReviewItem.State
    }

    static func reviewItem(_ row: SQLRow) throws -> ReviewItem {
        let id = ReviewID(rawValue: row[0].string ?? "")
        let fields = ReviewItemFields(id: id, record: IdentityRecordID(rawValue: row[1].string ?? ""),
            candidatePatient: PatientID(rawValue: row[2].string ?? ""),
            candidateRecord: IdentityRecordID(rawValue: row[3].string ?? ""),
            explanation: try StoreCoding.decode(MatchExplanation.self, row[4].string, what: "review item \(id)"),
            state: ReviewItem.State(rawValue: row[5].string ?? "") ?? .open)
        return try StoreCoding.decode(ReviewItem.self, try StoreCoding.json(fields), what: "review item \(id)")
    }

    func reviewItems(state: ReviewItem.State?) async throws -> [ReviewItem] {
        let rows = try await driver.read { tx in
            if let state {
                return try await tx.rows("SELECT \(Self.reviewColumns) FROM review_items WHERE state = ? ORDER BY created_at, id",
                    state.rawValue)
            }
            return try await tx.rows("SELECT \(Self.reviewColumns) FROM review_items ORDER BY created_at, id")
        }
        return try rows.map(Self.reviewItem)
    }

    func review(_ id: ReviewID) async throws -> ReviewDetail? {
        try await driver.read { tx in
            guard let row = try await tx.row("SELECT \(Self.reviewColumns) FROM review_items WHERE id = ?", id.rawValue) else {
                return nil
            }
            let item = try Self.reviewItem(row)
            let records = try await tx.rows("SELECT \(Self.identityColumns) FROM identity_records WHERE id IN (?, ?)",
                item.record.rawValue, item.candidateRecord.rawValue).map(Self.storedIdentity)
            guard let record = records.first(where: { $0.id == item.record })?.record,
                let candidate = records.first(where: { $0.id == item.candidateRecord })?.record
            else { throw StoreError.corrupt(what: "review item \(id)", detail: "an identity record is missing") }
            return ReviewDetail(item: item, record: record, candidateRecord: candidate, reason: row[6].string ?? "",
                createdAt: StoreClock.date(row[7].string) ?? .distantPast, decidedAt: StoreClock.date(row[8].string),
                decidedBy: row[9].string)
        }
    }

    func acceptReview(_ id: ReviewID, actor: String, reason: String) async throws {
        try await decideReview(id, accept: true, actor: actor, reason: reason)
    }

    func rejectReview(_ id: ReviewID, actor: String, reason: String) async throws {
        try await decideReview(id, accept: false, actor: actor, reason: reason)
    }

    private func decideReview(_ id: ReviewID, accept: Bool, actor: String, reason: String) async throws {
        try await driver.write { tx in
            try await tx.lockAdministration(exclusive: true)
            guard let row = try await tx.row("SELECT \(Self.reviewColumns) FROM review_items WHERE id = ?", id.rawValue) else {
                throw StoreError.notFound(kind: "review item", id: id.rawValue)
            }
            let item = try Self.reviewItem(row)
            guard item.state == .open else { throw StoreError.invalidOperation("review item \(id) is already \(item.state.rawValue)") }
            let metadata = EventMetadata(actor: actor, date: self.configuration.clock(), reason: reason)
            try await self.appendEvent(accept ? .reviewAccepted(id) : .reviewRejected(id), metadata, in: tx)
            try await tx.run("UPDATE review_items SET state = ?, decided_at = ?, decided_by = ? WHERE id = ?",
                (accept ? ReviewItem.State.accepted : .rejected).rawValue, self.now(), actor, id.rawValue)
            if accept {
                // The identity's patient joins the candidate's current patient (as PatientIndex does).
                let own = try await tx.row("SELECT patient_id FROM identity_records WHERE id = ?", item.record.rawValue)?[0].string
                let target = try await tx.row("SELECT patient_id FROM identity_records WHERE id = ?",
                    item.candidateRecord.rawValue)?[0].string
                if let own, let target, own != target {
                    try await self.moveRecords(from: PatientID(rawValue: own), to: PatientID(rawValue: target), tx)
                }
            } else {
                try await self.insertCannotLink(item.record, item.candidateRecord, tx)
            }
            try await self.audit(tx, actor: actor, action: accept ? "review.accept" : "review.reject",
                target: AuditTarget(type: "review", id: id.rawValue), detail: reason)
        }
    }
}
