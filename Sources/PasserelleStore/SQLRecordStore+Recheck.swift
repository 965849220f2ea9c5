internal import Foundation
internal import PasserelleIdentity
internal import PasserelleModel

/// Re-check of a known identity record (same facility OID + IPP) against the traits of a new
/// document (DOMAIN.md R12–R14): compatible changes update the record with a `recordUpdated`
/// history event; a contradiction on a strict trait never attaches silently — the incoming
/// traits become an identity record of their own (a new patient) and a review item flagged
/// `possible-collision` is opened against the known record.
extension SQLRecordStore {
    /// Resolves `input` whose natural key is already stored as `row` (`id`, `patient_id`,
    /// `record_json`).
    /// `prepared`, when given, holds the normalized traits of `input` (they do not depend on its id).
    func recheckKnown(_ input: IdentityRecord, row: SQLRow, natural: String, prepared: PreparedIdentity? = nil, actor: String,
                      reason: String, in tx: any SQLTransaction) async throws -> IdentityResolution
    {
        let storedID = IdentityRecordID(rawValue: row[0].string ?? "")
        let patient = PatientID(rawValue: row[1].string ?? "")
        let (stored, storedIdentity) = try identityCache.comparable(id: storedID.rawValue, json: row[2].string)
        var incoming = input
        incoming.id = storedID
        let incomingIdentity = prepared?.identity.withRecordID(storedID) ?? ComparableIdentity(incoming)
        let contradictions = StrictTraits.contradictions(storedIdentity, incomingIdentity)
        guard contradictions.isEmpty else {
            return try await openCollision(input, known: storedIdentity, knownPatient: patient, contradictions: contradictions,
                natural: natural, actor: actor, in: tx)
        }
        let merged = StrictTraits.merged(stored: stored, incoming: incoming)
        var resolution = IdentityResolution(identity: storedID, patient: patient, decision: .known, review: nil, explanation: nil,
            diagnostics: incomingIdentity.diagnostics)
        guard merged != stored else { return resolution }
        try await updateIdentity(merged, in: tx)
        try await appendEvent(.recordUpdated(merged),
            EventMetadata(actor: actor, date: configuration.clock(), reason: reason + "; compatible trait update"), in: tx)
        resolution.traitsUpdated = true
        return resolution
    }

    /// Stores the contradicting traits as their own identity record and patient, and opens a
    /// review item against the known record. The same contradicting traits arriving again find
    /// that record (its natural key is derived from the IPP's and the traits').
    private func openCollision(_ input: IdentityRecord, known: ComparableIdentity, knownPatient: PatientID,
                               contradictions: [String], natural: String, actor: String,
                               in tx: any SQLTransaction) async throws -> IdentityResolution
    {
        var content = input
        content.id = IdentityRecordID(rawValue: "")
        let collisionKey = natural + "#" + StoreCoding.sha256(try StoreCoding.json(content))
        if let row = try await tx.row("SELECT id, patient_id FROM identity_records WHERE natural_key = ?", collisionKey) {
            return IdentityResolution(
                identity: IdentityRecordID(rawValue: row[0].string ?? ""), patient: PatientID(rawValue: row[1].string ?? ""),
                decision: .known, review: nil, explanation: nil, diagnostics: ComparableIdentity(input).diagnostics)
        }
        var record = input
        record.id = IdentityRecordID(rawValue: "I\(try await tx.nextValue("identity"))")
        let identity = ComparableIdentity(record)
        let patient = PatientID(rawValue: "P\(try await tx.nextValue("patient"))")
        let date = configuration.clock()
        let why = "same local identifier, strict traits contradict: " + contradictions.joined(separator: ",")
        try await tx.run("INSERT INTO patients (id, created_at) VALUES (?, ?)", patient.rawValue, StoreClock.text(date))
        try await insertIdentity(record, natural: collisionKey, patient: patient, in: tx)
        try await appendEvent(.recordCreatedPatient(record: record, patient: patient),
            EventMetadata(actor: actor, date: date, reason: why), in: tx)
        var explanation = matcher.evaluate(identity, known)
        explanation.decision = .review
        explanation.rule = .sameLocalIdentifier
        explanation.flags.formUnion([.possibleCollision, .strictConflict])
        let reviewID = ReviewID(rawValue: "R\(try await tx.nextValue("review"))")
        let fields = ReviewItemFields(id: reviewID, record: record.id, candidatePatient: knownPatient,
            candidateRecord: known.record.id, explanation: explanation, state: .open)
        let item = try StoreCoding.decode(ReviewItem.self, try StoreCoding.json(fields), what: "review item \(reviewID)")
        try await tx.run("""
            INSERT INTO review_items (id, identity_id, candidate_patient, candidate_identity, score, reason,
                explanation_json, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)
            """, item.id.rawValue, item.record.rawValue, item.candidatePatient.rawValue, item.candidateRecord.rawValue,
            explanation.score, Self.reviewReason(explanation) + "; contradicts " + contradictions.joined(separator: ","),
            try StoreCoding.orderedJSON(explanation), StoreClock.text(date))
        try await appendEvent(.reviewOpened(item), EventMetadata(actor: actor, date: date, reason: why, score: explanation.score), in: tx)
        return IdentityResolution(identity: record.id, patient: patient, decision: .review, review: item.id,
            explanation: explanation, diagnostics: identity.diagnostics)
    }

    /// Rewrites an identity record's indexed columns, JSON and blocking keys.
    /// The keys it leaves and the keys it gets are both stamped changed (``ChangeTracker``): the
    /// record stops or starts being a candidate of records holding them.
    func updateIdentity(_ record: IdentityRecord, in tx: any SQLTransaction) async throws {
        let identity = ComparableIdentity(record)
        let json = try StoreCoding.orderedJSON(record)
        let patients = try await tx.rows("""
            UPDATE identity_records SET ins = ?, ins_oid = ?, ins_valid = ?, status = ?, birth_name_key = ?, used_name_key = ?,
                given_name_key = ?, birth_date = ?, sex = ?, record_json = ?, updated_at = ? WHERE id = ? RETURNING patient_id
            """, Self.normalizedINS(record.ins), record.insOID, identity.usableINS != nil, record.status?.rawValue,
            identity.birthName?.key, identity.usedName?.key, identity.firstGivenName?.key, identity.birthDate?.compact,
            identity.sex.rawValue, json, now(), record.id.rawValue)
        // The patient's identifiers may have changed (its INS): candidates read ahead are read again.
        driver.changeTracker?.touch(patients.compactMap { $0[0].string }.map(Self.trackedKey(patient:)))
        let previousKeys = try await tx.rows("DELETE FROM blocking_keys WHERE identity_id = ? RETURNING key", record.id.rawValue)
            .compactMap { $0[0].string }
        driver.changeTracker?.touch(Self.trackedKeys(blocking: previousKeys))
        try await insertBlockingKeys(Blocking.keys(identity).map(\.rawValue), of: record.id, in: tx)
        identityCache.remember(id: record.id.rawValue, json: json, record: record, comparable: identity)
    }
}

/// The strict-trait comparison of two versions of one identity record (same facility + IPP).
enum StrictTraits {
    /// The names of the strict traits on which `a` and `b` contradict each other (both known and
    /// incompatible), in a fixed order. Trait names only, never values. Compatible: equal after
    /// normalization (case, accents, punctuation), one side missing, a partial birth date that the
    /// other completes, a first given name that starts the other (R3: `JEAN` / `JEAN MARC`).
    static func contradictions(_ a: ComparableIdentity, _ b: ComparableIdentity) -> [String] {
        var result: [String] = []
        if let x = a.ins, let y = b.ins, x.value != y.value { result.append("ins") }
        if let x = a.birthName, let y = b.birthName, x.key != y.key, x.fullKey != y.fullKey { result.append("birth-name") }
        if let x = a.firstGivenName, let y = b.firstGivenName, !startsEitherOther(x.tokens, y.tokens) {
            result.append("first-given-name")
        }
        if let x = a.birthDate, let y = b.birthDate, !compatible(x, y) { result.append("birth-date") }
        if a.sex.isDetermined, b.sex.isDetermined, a.sex != b.sex { result.append("sex") }
        if let x = a.birthplaceCode, let y = b.birthplaceCode, x != y { result.append("birthplace") }
        return result
    }

    /// Whether one token list starts the other.
    private static func startsEitherOther(_ x: [String], _ y: [String]) -> Bool {
        x.count <= y.count ? Array(y.prefix(x.count)) == x : Array(x.prefix(y.count)) == y
    }

    /// Same year, and same month and day wherever both sides have them.
    private static func compatible(_ x: BirthDate, _ y: BirthDate) -> Bool {
        guard x.year == y.year else { return false }
        if let m = x.month, let n = y.month, m != n { return false }
        if let d = x.day, let e = y.day, d != e { return false }
        return true
    }

    /// The stored record updated with the incoming one: every field the incoming record carries
    /// replaces the stored value (a used name added, an accent fixed); fields it lacks keep the
    /// stored value. Attributes and status are the source's latest.
    static func merged(stored: IdentityRecord, incoming: IdentityRecord) -> IdentityRecord {
        var result = stored
        result.source = incoming.source ?? stored.source
        result.ins = incoming.ins ?? stored.ins
        result.insOID = incoming.ins != nil ? incoming.insOID : stored.insOID
        result.birthFamilyName = incoming.birthFamilyName ?? stored.birthFamilyName
        result.usedFamilyName = incoming.usedFamilyName ?? stored.usedFamilyName
        result.firstBirthGivenName = incoming.firstBirthGivenName ?? stored.firstBirthGivenName
        result.birthGivenNames = incoming.birthGivenNames ?? stored.birthGivenNames
        result.usedGivenName = incoming.usedGivenName ?? stored.usedGivenName
        // A partial or missing incoming birth date never replaces a complete one; an
        // undetermined sex never replaces M or F.
        let incomingDate = incoming.birthDate.flatMap { BirthDate(text: $0) }
        let storedDate = stored.birthDate.flatMap { BirthDate(text: $0) }
        if incomingDate != nil, !(incomingDate?.isPartial == true && storedDate?.isPartial == false) {
            result.birthDate = incoming.birthDate
        }
        if Sex(code: incoming.sex).isDetermined || !Sex(code: stored.sex).isDetermined {
            result.sex = incoming.sex ?? stored.sex
        }
        result.birthplaceCode = incoming.birthplaceCode ?? stored.birthplaceCode
        result.address = incoming.address ?? stored.address
        result.postcode = incoming.postcode ?? stored.postcode
        result.city = incoming.city ?? stored.city
        result.phone = incoming.phone ?? stored.phone
        result.weakIdentifier = incoming.weakIdentifier ?? stored.weakIdentifier
        result.status = incoming.status ?? stored.status
        result.attributes = incoming.attributes
        return result
    }
}
