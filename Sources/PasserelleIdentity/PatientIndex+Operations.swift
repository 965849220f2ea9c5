public import PasserelleModel

/// The outcome of resolving one incoming record against a ``PatientIndex``.
public struct Resolution: Sendable, Hashable {
    /// Link, review or new.
    public var decision: MatchDecision
    /// The patient the record now belongs to (its own new patient for review and new).
    public var patient: PatientID
    /// The best candidate's explanation, when there was a candidate.
    public var explanation: MatchExplanation?
    /// The review item opened, if any.
    public var review: ReviewID?
    /// Diagnostics from normalization (invalid INS, unreadable date...).
    public var diagnostics: [Diagnostic]
}

/// The best evaluation of an incoming identity against one candidate patient.
public struct PatientCandidate: Sendable, Hashable {
    /// The patient.
    public var patient: PatientID
    /// Its record that scored best.
    public var record: IdentityRecordID
    /// The explanation, downgraded to review when another record of the patient forbids a link.
    public var explanation: MatchExplanation
}

extension PatientIndex {
    /// Evaluates `identity` against every candidate patient (best record per patient). A patient
    /// cannot be linked when any of its records forbids it (different INS, strict conflict,
    /// possible twins...) or a reviewer declared one of its records a different person.
    public func candidates(for identity: ComparableIdentity, matcher: PairMatcher) -> [PatientCandidate] {
        let others = identityIndex.candidates(for: Blocking.keys(identity), limit: matcher.configuration.maxCandidates)
        var best: [PatientID: PatientCandidate] = [:]
        var vetoed: Set<PatientID> = []
        for other in others where other.record.id != identity.record.id {
            let id = other.record.id
            let forbidden = !cannotLink.isEmpty && cannotLink.contains(RecordPair(identity.record.id, id))
            let vector = Comparator.compare(identity, other)
            if !forbidden, matcher.isCertainlyNew(identity, other, vector: vector) { continue }
            guard let patient = patientOf[id] else { continue }
            let explanation = matcher.evaluate(identity, other, vector: vector)
            if forbidden || explanation.flags.contains(where: \.forbidsLink) {
                vetoed.insert(patient)
            }
            if explanation.decision == .new, explanation.rule != .sameLocalIdentifier { continue }
            if let current = best[patient], current.explanation.score >= explanation.score { continue }
            best[patient] = PatientCandidate(patient: patient, record: id, explanation: explanation)
        }
        for patient in vetoed where best[patient]?.explanation.decision == .link
            && best[patient]?.explanation.rule != .sameLocalIdentifier
        {
            best[patient]?.explanation.decision = .review
            best[patient]?.explanation.flags.insert(.possibleCollision)
        }
        // R14 over the whole patient, not only the records retrieved as candidates, and whatever
        // rule linked: a patient holding another INS of the kind, or another IPP of the facility
        // and not this one, is not linked automatically.
        for (patient, candidate) in best where candidate.explanation.decision == .link
            && holdsOtherIdentifier(patient, than: identity)
        {
            best[patient]?.explanation.decision = .review
            best[patient]?.explanation.flags.insert(.possibleCollision)
        }
        return best.values.sorted { ($0.explanation.score, $1.patient) > ($1.explanation.score, $0.patient) }
    }

    /// Whether `patient` holds usable INS numbers of the kind of `identity`'s and not its number, or
    /// IPPs of its facility and not its IPP (R14: never linked automatically, whatever the
    /// traits). A patient a reviewer merged may hold several of a kind: matching one is enough.
    func holdsOtherIdentifier(_ patient: PatientID, than identity: ComparableIdentity) -> Bool {
        let mine = ExclusiveIdentifier.of(identity)
        guard !mine.isEmpty, let members = patients[patient]?.records else { return false }
        let held = members.filter { $0 != identity.record.id }.flatMap { member in
            (identityIndex.identity(member) ?? records[member].map { ComparableIdentity($0) }).map(ExclusiveIdentifier.of) ?? []
        }
        return ExclusiveIdentifier.conflict(mine, held)
    }

    /// Resolves an incoming record: links it to one patient, opens a review item (the record
    /// gets its own patient meanwhile), or creates a new patient. Several linkable patients make
    /// the case ambiguous: review. Every change is recorded in the history.
    ///
    /// `normalized`, when given, is the record's comparison form computed beforehand (used only
    /// when it is of exactly this record).
    public mutating func resolve(
        _ record: IdentityRecord, normalized: ComparableIdentity? = nil, matcher: PairMatcher, metadata: EventMetadata
    ) throws(PatientIndexError) -> Resolution {
        guard records[record.id] == nil else { throw .duplicateRecord(record.id) }
        let identity = Self.comparable(record, normalized)
        let found = candidates(for: identity, matcher: matcher)
        let links = found.filter { $0.explanation.decision == .link }
        var meta = metadata
        if links.count == 1, let chosen = links.first {
            meta.score = chosen.explanation.score
            meta.reason = "\(metadata.reason); rule \(chosen.explanation.rule.rawValue)"
            try append(.recordLinked(record: record, patient: chosen.patient), meta, normalized: identity)
            return Resolution(decision: .link, patient: chosen.patient, explanation: chosen.explanation,
                review: nil, diagnostics: identity.diagnostics)
        }
        let patient = nextPatientID()
        try append(.recordCreatedPatient(record: record, patient: patient), metadata, normalized: identity)
        guard var top = found.first(where: { $0.explanation.decision != .new }) else {
            return Resolution(decision: .new, patient: patient, explanation: found.first?.explanation,
                review: nil, diagnostics: identity.diagnostics)
        }
        if links.count > 1 { top.explanation.flags.insert(.possibleCollision) }
        top.explanation.decision = .review
        let item = ReviewItem(id: nextReviewID(), record: record.id, candidatePatient: top.patient,
            candidateRecord: top.record, explanation: top.explanation, state: .open)
        meta.score = top.explanation.score
        try append(.reviewOpened(item), meta)
        return Resolution(decision: .review, patient: patient, explanation: top.explanation,
            review: item.id, diagnostics: identity.diagnostics)
    }

    /// Merges `absorbed` into `survivor` (a confirmed doublon, or a merge announced by a source, R15).
    public mutating func merge(_ absorbed: PatientID, into survivor: PatientID, metadata: EventMetadata) throws(PatientIndexError) {
        try append(.patientsMerged(survivor: survivor, absorbed: absorbed), metadata)
    }

    /// Splits a record out of its patient into a new patient (undoing a wrong merge, R13).
    @discardableResult
    public mutating func unmerge(_ record: IdentityRecordID, metadata: EventMetadata) throws(PatientIndexError) -> PatientID {
        let patient = nextPatientID()
        try append(.recordUnmerged(record: record, newPatient: patient), metadata)
        return patient
    }

    /// Accepts a review item: the record's patient is merged into the candidate patient.
    public mutating func acceptReview(_ id: ReviewID, metadata: EventMetadata) throws(PatientIndexError) {
        try append(.reviewAccepted(id), metadata)
    }

    /// Rejects a review item: the pair becomes a cannot-link.
    public mutating func rejectReview(_ id: ReviewID, metadata: EventMetadata) throws(PatientIndexError) {
        try append(.reviewRejected(id), metadata)
    }

    /// Records new traits for a known record (R12). Returns the record's current candidates so
    /// that the caller can re-evaluate its links.
    public mutating func update(
        _ record: IdentityRecord, matcher: PairMatcher, metadata: EventMetadata
    ) throws(PatientIndexError) -> [PatientCandidate] {
        let identity = ComparableIdentity(record)
        try append(.recordUpdated(record), metadata, normalized: identity)
        return candidates(for: identity, matcher: matcher)
    }

    private mutating func append(
        _ change: IndexChange, _ metadata: EventMetadata, normalized: ComparableIdentity? = nil
    ) throws(PatientIndexError) {
        try apply(IndexEvent(sequence: history.count + 1, change: change, metadata: metadata), normalized: normalized)
    }
}
