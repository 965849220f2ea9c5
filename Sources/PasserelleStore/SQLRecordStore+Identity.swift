internal import Foundation
internal import PasserelleIdentity
internal import PasserelleModel

extension IdentityRecord {
    /// The same record with another id.
    func withID(_ id: IdentityRecordID) -> IdentityRecord {
        var copy = self
        copy.id = id
        return copy
    }
}

/// Identity resolution inside a store transaction: candidate retrieval through the indexed
/// `blocking_keys` table, then the identity engine's own decision over a small in-memory
/// `PatientIndex` holding only the candidates.
extension SQLRecordStore {
    func resolveIdentity(_ record: IdentityRecord, actor: String) async throws -> IdentityResolution {
        let keys = Self.identityLockKeys(record)
        return try await driver.write { tx in
            try await tx.lockAdministration(exclusive: false)
            try await tx.lock(keys: keys)
            return try await self.resolve(record, actor: actor, reason: "resolve", in: tx)
        }
    }

    /// The lock keys of an identity: its natural key and blocking keys. Two transactions
    /// resolving identities that could match share at least one key, so they run one after the
    /// other and the second sees the first's patient.
    static func identityLockKeys(_ record: IdentityRecord) -> [String] {
        ["identity:" + naturalKey(record)] + Blocking.keys(ComparableIdentity(record)).map { "block:" + $0.rawValue }
    }

    /// The natural key of a record: its facility OID + IPP (the same identity record whatever
    /// the traits), or the hash of its whole content when it has no IPP.
    static func naturalKey(_ record: IdentityRecord) -> String {
        if let local = record.localIdentifier, !local.value.isEmpty {
            return "L:" + StoreCoding.sha256("\(local.authority)|\(local.value)")
        }
        var copy = record
        copy.id = IdentityRecordID(rawValue: "")
        return "C:" + StoreCoding.sha256((try? StoreCoding.json(copy)) ?? "")
    }

    /// What identity resolution derives from an incoming record alone (normalized traits,
    /// natural key, blocking keys), computed before the write transaction so that the
    /// serialized part of an ingest does not pay for it. None of it depends on the record id.
    struct PreparedIdentity: Sendable {
        let natural: String
        let identity: ComparableIdentity
        let blockingKeys: [String]

        init(_ record: IdentityRecord) {
            natural = SQLRecordStore.naturalKey(record)
            identity = ComparableIdentity(record)
            blockingKeys = Blocking.keys(identity).map(\.rawValue)
        }

        /// The lock keys (PostgreSQL), as ``SQLRecordStore/identityLockKeys(_:)``.
        var lockKeys: [String] { ["identity:" + natural] + blockingKeys.map { "block:" + $0 } }
    }

    /// The candidates of an incoming record and their patients, read before the write lock is
    /// taken (SQLite), with the point of the store's history they reflect (``ChangeTracker``).
    struct PreloadedCandidates: Sendable {
        /// The tracker's snapshot taken before the reads.
        let snapshot: UInt64
        /// The engine's index holding the candidates, as ``loadIndex(_:in:)`` builds it.
        let index: PatientIndex<InMemoryIdentityIndex>
    }

    /// Reads the candidates of `prepared` outside the write lock, when the driver tracks its
    /// changes (SQLite): ``resolve(_:prepared:preloaded:actor:reason:in:)`` reuses them when none
    /// of the record's blocking keys changed since (the candidates are exactly the records
    /// holding those keys, and a record's traits change only with its keys re-stamped), or reads
    /// them again inside the lock. `nil` when there is nothing to read ahead: no tracking, no
    /// blocking key, or a known record (same natural key: re-checked, not matched).
    func preloadCandidates(_ prepared: PreparedIdentity) async throws -> PreloadedCandidates? {
        guard let tracker = driver.changeTracker, !prepared.blockingKeys.isEmpty else { return nil }
        let snapshot = tracker.snapshot()
        return try await driver.read { tx in
            if try await tx.row("SELECT 1 FROM identity_records WHERE natural_key = ?", prepared.natural) != nil { return nil }
            let ids = try await self.candidateIdentities(prepared.blockingKeys, in: tx)
            return PreloadedCandidates(snapshot: snapshot, index: try await self.loadIndex(ids, in: tx))
        }
    }

    /// The tracker keys of blocking keys.
    static func trackedKeys<Keys: Sequence<String>>(blocking keys: Keys) -> [String] { keys.map { "block:" + $0 } }

    /// The tracker key of a patient's membership and identifiers (a record linked to it, or the
    /// INS of one of its records rewritten): candidates read ahead whose patients changed are
    /// read again, so that the patient-wide R14 check sees every record of each patient.
    static func trackedKey(patient id: String) -> String { "patient:" + id }

    /// The tracker keys of the patients of a loaded index (`~<store id>`).
    static func trackedKeys(patientsOf index: PatientIndex<InMemoryIdentityIndex>) -> [String] {
        index.patients.keys.map { trackedKey(patient: String($0.rawValue.dropFirst())) }
    }

    /// Resolves a record in `tx` (locks already taken) and persists the engine's events.
    /// `preloaded` candidates are used when still current, read again otherwise.
    func resolve(_ input: IdentityRecord, prepared: PreparedIdentity? = nil, preloaded: PreloadedCandidates? = nil,
                 actor: String, reason: String, in tx: any SQLTransaction) async throws -> IdentityResolution
    {
        let prepared = prepared ?? PreparedIdentity(input)
        let natural = prepared.natural
        if let row = try await tx.row("SELECT id, patient_id, record_json FROM identity_records WHERE natural_key = ?", natural) {
            return try await recheckKnown(input, row: row, natural: natural, prepared: prepared, actor: actor, reason: reason, in: tx)
        }
        var record = input
        record.id = IdentityRecordID(rawValue: "I\(try await tx.nextValue("identity"))")
        let keys = prepared.blockingKeys
        var local: PatientIndex<InMemoryIdentityIndex>
        if let preloaded, let tracker = driver.changeTracker,
            !tracker.changed(since: preloaded.snapshot,
                keys: Self.trackedKeys(blocking: keys) + Self.trackedKeys(patientsOf: preloaded.index))
        {
            local = preloaded.index
        } else {
            local = try await loadIndex(try await candidateIdentities(keys, in: tx), in: tx)
        }
        let loaded = local.history.count
        let date = configuration.clock()
        let resolution: Resolution
        do {
            resolution = try local.resolve(record, normalized: prepared.identity.withRecordID(record.id), matcher: matcher,
                metadata: EventMetadata(actor: actor, date: date, reason: reason))
        } catch {
            throw StoreError.invalidOperation("identity resolution refused: \(error)")
        }
        // Local ids: loaded patients are `~<store id>`; a patient the engine created gets a store id.
        var created: [PatientID: PatientID] = [:]
        func storeID(_ id: PatientID) async throws -> PatientID {
            if id.rawValue.hasPrefix("~") { return PatientID(rawValue: String(id.rawValue.dropFirst())) }
            if let known = created[id] { return known }
            let fresh = PatientID(rawValue: "P\(try await tx.nextValue("patient"))")
            created[id] = fresh
            return fresh
        }
        var reviewID: ReviewID?
        for event in local.history[loaded...] {
            let change: IndexChange
            switch event.change {
            case .recordCreatedPatient(let record, let patient):
                let id = try await storeID(patient)
                try await tx.run("INSERT INTO patients (id, created_at) VALUES (?, ?)", id.rawValue, StoreClock.text(date))
                try await insertIdentity(record, natural: natural, patient: id,
                    prepared: record == input.withID(record.id) ? prepared : nil, in: tx)
                change = .recordCreatedPatient(record: record, patient: id)
            case .recordLinked(let record, let patient):
                let id = try await storeID(patient)
                try await insertIdentity(record, natural: natural, patient: id,
                    prepared: record == input.withID(record.id) ? prepared : nil, in: tx)
                change = .recordLinked(record: record, patient: id)
            case .reviewOpened(var item):
                item.id = ReviewID(rawValue: "R\(try await tx.nextValue("review"))")
                item.candidatePatient = try await storeID(item.candidatePatient)
                reviewID = item.id
                try await tx.run("""
                    INSERT INTO review_items (id, identity_id, candidate_patient, candidate_identity, score, reason,
                        explanation_json, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)
                    """, item.id.rawValue, item.record.rawValue, item.candidatePatient.rawValue, item.candidateRecord.rawValue,
                    item.explanation.score, Self.reviewReason(item.explanation), try StoreCoding.orderedJSON(item.explanation),
                    StoreClock.text(date))
                change = .reviewOpened(item)
            default:
                throw StoreError.invalidOperation("unexpected identity-engine event during resolution")
            }
            try await appendEvent(change, event.metadata, in: tx)
        }
        let decision: IdentityResolution.Decision = switch resolution.decision {
        case .link: .linked
        case .review: .review
        case .new: .new
        }
        return IdentityResolution(
            identity: record.id, patient: try await storeID(resolution.patient), decision: decision, review: reviewID,
            explanation: resolution.explanation, diagnostics: resolution.diagnostics)
    }

    /// Candidate identity ids for `keys`, with the limits of `InMemoryIdentityIndex.candidates`:
    /// every member of a small block (at most 64), and members of larger blocks that share at
    /// least two keys; blocks over the configuration's `maxBlockSize` are ignored, as in batch
    /// matching. Indexed lookups only (`blocking_keys` primary key).
    func candidateIdentities(_ keys: [String], in tx: any SQLTransaction) async throws -> [String] {
        guard !keys.isEmpty else { return [] }
        let limit = matcher.configuration.maxCandidates
        let sizes = try await tx.query(
            "SELECT key, COUNT(*) FROM blocking_keys WHERE key IN (\(placeholderList(keys.count))) GROUP BY key",
            keys.map(SQLValue.text))
        var sizeOf: [String: Int] = [:]
        for row in sizes { if let key = row[0].string { sizeOf[key] = row[1].int ?? 0 } }
        let small = sizeOf.filter { $0.value <= Self.smallBlock }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
        let large = sizeOf.filter { $0.value > Self.smallBlock && $0.value <= matcher.configuration.maxBlockSize }.map(\.key)
        var result: [String] = []
        var seen = Set<String>()
        if !small.isEmpty {
            let rows = try await tx.query(
                "SELECT key, identity_id FROM blocking_keys WHERE key IN (\(placeholderList(small.count)))",
                small.map(SQLValue.text))
            var members: [String: [String]] = [:]
            for row in rows { members[row[0].string ?? "", default: []].append(row[1].string ?? "") }
            for key in small {
                for id in (members[key] ?? []).sorted() where seen.insert(id).inserted {
                    result.append(id)
                    if result.count >= limit { return result }
                }
            }
        }
        if large.count >= 2 {
            let rows = try await tx.query("""
                SELECT identity_id, COUNT(*) FROM blocking_keys WHERE key IN (\(placeholderList(large.count)))
                GROUP BY identity_id HAVING COUNT(*) >= 2
                """, large.map(SQLValue.text))
            let shared = rows.compactMap { row -> (String, Int)? in
                guard let id = row[0].string, !seen.contains(id) else { return nil }
                return (id, row[1].int ?? 0)
            }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
            for (id, _) in shared {
                result.append(id)
                if result.count >= limit { break }
            }
        }
        return result
    }

    /// Blocks up to this size are taken whole (as in `InMemoryIdentityIndex`).
    static let smallBlock = 64

    /// A `PatientIndex` holding the candidate identities and their patients (`~<id>`), with every
    /// record of those patients: the engine's R14 check covers the whole patient
    /// (`PatientIndex.holdsOtherIdentifier`), not only the records that are candidates.
    func loadIndex(_ ids: [String], in tx: any SQLTransaction) async throws -> PatientIndex<InMemoryIdentityIndex> {
        var index = PatientIndex(identityIndex: InMemoryIdentityIndex())
        guard !ids.isEmpty else { return index }
        let rows = try await tx.query("""
            SELECT id, patient_id, record_json FROM identity_records WHERE patient_id IN
                (SELECT patient_id FROM identity_records WHERE id IN (\(placeholderList(ids.count)))) ORDER BY id
            """, ids.map(SQLValue.text))
        let metadata = EventMetadata(actor: "store", date: Date(timeIntervalSince1970: 0), reason: "load")
        var patients = Set<String>()
        for row in rows {
            let (record, normalized) = try identityCache.comparable(id: row[0].string ?? "", json: row[2].string)
            let patient = PatientID(rawValue: "~" + (row[1].string ?? ""))
            let change: IndexChange = patients.insert(patient.rawValue).inserted
                ? .recordCreatedPatient(record: record, patient: patient) : .recordLinked(record: record, patient: patient)
            do {
                try index.apply(IndexEvent(sequence: index.history.count + 1, change: change, metadata: metadata), normalized: normalized)
            } catch {
                throw StoreError.corrupt(what: "identity record \(record.id)", detail: "\(error)")
            }
        }
        return index
    }

    /// Inserts an identity record with its indexed columns and blocking keys.
    /// `prepared`, when given, holds the normalized traits and blocking keys of the same record
    /// (with another id: neither depends on it).
    func insertIdentity(_ record: IdentityRecord, natural: String, patient: PatientID, prepared: PreparedIdentity? = nil,
                        in tx: any SQLTransaction) async throws
    {
        let identity = prepared?.identity.withRecordID(record.id) ?? ComparableIdentity(record)
        let stamp = now()
        let json = try StoreCoding.orderedJSON(record)
        try await tx.run("""
            INSERT INTO identity_records (id, natural_key, patient_id, source, local_authority, local_value, ins, ins_oid,
                ins_valid, status, birth_name_key, used_name_key, given_name_key, birth_date, sex, record_json, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, record.id.rawValue, natural, patient.rawValue, record.source, record.localIdentifier?.authority,
            record.localIdentifier?.value, Self.normalizedINS(record.ins), record.insOID, identity.usableINS != nil,
            record.status?.rawValue, identity.birthName?.key, identity.usedName?.key, identity.firstGivenName?.key,
            identity.birthDate?.compact, identity.sex.rawValue, json, stamp, stamp)
        let keys = prepared?.blockingKeys ?? Blocking.keys(identity).map(\.rawValue)
        driver.changeTracker?.touch([Self.trackedKey(patient: patient.rawValue)])
        try await insertBlockingKeys(keys, of: record.id, in: tx)
        identityCache.remember(id: record.id.rawValue, json: json, record: record, comparable: identity)
    }

    /// Inserts the blocking keys of an identity record, stamping them changed (``ChangeTracker``).
    func insertBlockingKeys(_ keys: [String], of id: IdentityRecordID, in tx: any SQLTransaction) async throws {
        guard !keys.isEmpty else { return }
        driver.changeTracker?.touch(Self.trackedKeys(blocking: keys))
        let values = Array(repeating: "(?, ?)", count: keys.count).joined(separator: ", ")
        try await tx.execute("INSERT INTO blocking_keys (key, identity_id) VALUES \(values) ON CONFLICT DO NOTHING",
            keys.flatMap { [SQLValue.text($0), .text(id.rawValue)] })
    }

    /// The INS as stored and searched: without spaces, upper case.
    static func normalizedINS(_ text: String?) -> String? {
        guard let text else { return nil }
        let value = text.uppercased().filter { !$0.isWhitespace }
        return value.isEmpty ? nil : value
    }

    /// A trait-free one-line reason for a review item: rule and flags.
    static func reviewReason(_ explanation: MatchExplanation) -> String {
        let flags = explanation.flags.map(\.rawValue).sorted().joined(separator: ",")
        return "rule \(explanation.rule.rawValue)" + (flags.isEmpty ? "" : "; flags \(flags)")
    }

    /// Appends a link-history event.
    func appendEvent(_ change: IndexChange, _ metadata: EventMetadata, in tx: any SQLTransaction) async throws {
        let columns = try await eventColumns(change, in: tx)
        try await tx.run("""
            INSERT INTO link_events (kind, patient_id, other_patient_id, identity_id, review_id, actor, at, reason, score, change_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, columns.kind, columns.patient?.rawValue, columns.other?.rawValue, columns.identity?.rawValue,
            columns.review?.rawValue, metadata.actor, StoreClock.text(metadata.date), metadata.reason, metadata.score,
            try StoreCoding.json(change))
    }

    private func eventColumns(_ change: IndexChange, in tx: any SQLTransaction) async throws
        -> (kind: String, patient: PatientID?, other: PatientID?, identity: IdentityRecordID?, review: ReviewID?)
    {
        switch change {
        case .recordCreatedPatient(let record, let patient): return ("record-created-patient", patient, nil, record.id, nil)
        case .recordLinked(let record, let patient): return ("record-linked", patient, nil, record.id, nil)
        case .reviewOpened(let item):
            let own = try await tx.row("SELECT patient_id FROM identity_records WHERE id = ?", item.record.rawValue)?[0].string
            return ("review-opened", own.map(PatientID.init(rawValue:)), item.candidatePatient, item.record, item.id)
        case .reviewAccepted(let id), .reviewRejected(let id):
            let row = try await tx.row("""
                SELECT r.identity_id, a.patient_id, b.patient_id FROM review_items r
                JOIN identity_records a ON a.id = r.identity_id JOIN identity_records b ON b.id = r.candidate_identity
                WHERE r.id = ?
                """, id.rawValue)
            let kind = if case .reviewAccepted = change { "review-accepted" } else { "review-rejected" }
            return (kind, row?[1].string.map(PatientID.init(rawValue:)), row?[2].string.map(PatientID.init(rawValue:)),
                row?[0].string.map(IdentityRecordID.init(rawValue:)), id)
        case .patientsMerged(let survivor, let absorbed): return ("patients-merged", survivor, absorbed, nil, nil)
        case .recordUnmerged(let record, let newPatient):
            // Appended before the record moves: its current patient is the one it leaves.
            let old = try await tx.row("SELECT patient_id FROM identity_records WHERE id = ?", record.rawValue)?[0].string
            return ("record-unmerged", old.map(PatientID.init(rawValue:)), newPatient, record, nil)
        case .recordUpdated(let record): return ("record-updated", nil, nil, record.id, nil)
        }
    }
}

