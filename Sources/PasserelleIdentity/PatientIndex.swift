/// The patient index as a value: canonical patients with their identity records, review items,
/// cannot-link pairs, and the append-only history from which all of it can be rebuilt (R13, R16).
///
/// Every operation validates, builds an ``IndexEvent`` and applies it through ``apply(_:)``, the
/// only state transition; ``replay(_:index:)`` folds a history into the same state.
public struct PatientIndex<Index: IdentityIndex>: Sendable {
    /// Candidate retrieval over every indexed record.
    public private(set) var identityIndex: Index
    /// Records by id.
    public private(set) var records: [IdentityRecordID: IdentityRecord] = [:]
    /// Patient of each record.
    public private(set) var patientOf: [IdentityRecordID: PatientID] = [:]
    /// Canonical patients.
    public private(set) var patients: [PatientID: CanonicalPatient] = [:]
    /// Review items.
    public private(set) var reviews: [ReviewID: ReviewItem] = [:]
    /// Record pairs a reviewer declared different persons.
    public private(set) var cannotLink: Set<RecordPair> = []
    /// The history, oldest first.
    public private(set) var history: [IndexEvent] = []
    private var patientCounter = 0
    private var reviewCounter = 0

    /// Creates an empty index over `identityIndex` (which should be empty).
    public init(identityIndex: Index) { self.identityIndex = identityIndex }

    /// Rebuilds an index by replaying a history.
    public static func replay(_ events: [IndexEvent], index: Index) throws(PatientIndexError) -> PatientIndex {
        var state = PatientIndex(identityIndex: index)
        for event in events { try state.apply(event) }
        return state
    }

    /// The open review items.
    public var openReviews: [ReviewItem] { reviews.values.filter { $0.state == .open }.sorted { $0.id < $1.id } }

    /// A new patient id (deterministic, so that replays agree).
    mutating func nextPatientID() -> PatientID {
        PatientID(rawValue: "P\(patientCounter + 1)")
    }

    /// A new review id.
    func nextReviewID() -> ReviewID { ReviewID(rawValue: "R\(reviewCounter + 1)") }

    /// Appends an event after validating it against the current state.
    public mutating func apply(_ event: IndexEvent) throws(PatientIndexError) {
        try apply(event, normalized: nil)
    }

    /// ``apply(_:)``, reusing `normalized` as the comparison form of the event's record when the
    /// caller already has it (a store loading candidates it keeps normalized). It is used only
    /// when its record is exactly the event's record; otherwise the record is normalized here.
    public mutating func apply(_ event: IndexEvent, normalized: ComparableIdentity?) throws(PatientIndexError) {
        guard event.sequence == history.count + 1 else { throw .outOfSequence(event.sequence) }
        switch event.change {
        case .recordCreatedPatient(let record, let patient):
            guard records[record.id] == nil else { throw .duplicateRecord(record.id) }
            add(record, to: patient, normalized: normalized)
            patientCounter += 1
        case .recordLinked(let record, let patient):
            guard records[record.id] == nil else { throw .duplicateRecord(record.id) }
            guard patients[patient] != nil else { throw .unknownPatient(patient) }
            add(record, to: patient, normalized: normalized)
        case .reviewOpened(let item):
            guard records[item.record] != nil else { throw .unknownRecord(item.record) }
            reviews[item.id] = item
            reviewCounter += 1
        case .reviewAccepted(let id):
            let item = try openReview(id)
            guard let own = patientOf[item.record] else { throw .unknownRecord(item.record) }
            reviews[id]?.state = .accepted
            if own != item.candidatePatient { try merge(survivor: item.candidatePatient, absorbed: own) }
        case .reviewRejected(let id):
            let item = try openReview(id)
            reviews[id]?.state = .rejected
            cannotLink.insert(RecordPair(item.record, item.candidateRecord))
        case .patientsMerged(let survivor, let absorbed):
            try merge(survivor: survivor, absorbed: absorbed)
        case .recordUnmerged(let record, let newPatient):
            guard let patient = patientOf[record] else { throw .unknownRecord(record) }
            guard let members = patients[patient]?.records, members.count > 1 else { throw .singleRecord(record) }
            patients[patient]?.records = members.filter { $0 != record }
            patients[newPatient] = CanonicalPatient(id: newPatient, records: [record])
            patientOf[record] = newPatient
            patientCounter += 1
            for other in members where other != record { cannotLink.insert(RecordPair(record, other)) }
        case .recordUpdated(let record):
            guard records[record.id] != nil else { throw .unknownRecord(record.id) }
            records[record.id] = record
            identityIndex.insert(Self.comparable(record, normalized))
        }
        history.append(event)
    }

    private mutating func add(_ record: IdentityRecord, to patient: PatientID, normalized: ComparableIdentity?) {
        records[record.id] = record
        patientOf[record.id] = patient
        patients[patient, default: CanonicalPatient(id: patient, records: [])].records.append(record.id)
        identityIndex.insert(Self.comparable(record, normalized))
    }

    /// `normalized` when it is the comparison form of exactly `record`, else `record` normalized.
    static func comparable(_ record: IdentityRecord, _ normalized: ComparableIdentity?) -> ComparableIdentity {
        if let normalized, normalized.record == record { return normalized }
        return ComparableIdentity(record)
    }

    private mutating func merge(survivor: PatientID, absorbed: PatientID) throws(PatientIndexError) {
        guard survivor != absorbed else { throw .samePatient(survivor) }
        guard let moved = patients[absorbed]?.records else { throw .unknownPatient(absorbed) }
        guard patients[survivor] != nil else { throw .unknownPatient(survivor) }
        patients[survivor]?.records.append(contentsOf: moved)
        patients[absorbed] = nil
        for record in moved { patientOf[record] = survivor }
    }

    private func openReview(_ id: ReviewID) throws(PatientIndexError) -> ReviewItem {
        guard let item = reviews[id] else { throw .unknownReview(id) }
        guard item.state == .open else { throw .reviewClosed(id) }
        return item
    }
}

/// An unordered pair of record ids.
public struct RecordPair: Sendable, Hashable, Codable {
    /// The smaller id.
    public let first: IdentityRecordID
    /// The larger id.
    public let second: IdentityRecordID

    /// Creates a pair (order does not matter).
    public init(_ a: IdentityRecordID, _ b: IdentityRecordID) {
        (first, second) = a < b ? (a, b) : (b, a)
    }
}
