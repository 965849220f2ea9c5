public import Foundation

/// Who, when and why for an index change (R16).
public struct EventMetadata: Sendable, Hashable, Codable {
    /// User or process that made the change.
    public var actor: String
    /// When.
    public var date: Date
    /// Why (rule name, reviewer comment, source merge message...). No identity traits.
    public var reason: String
    /// The match score behind the change, when there is one.
    public var score: Double?

    /// Creates metadata.
    public init(actor: String, date: Date, reason: String, score: Double? = nil) {
        self.actor = actor
        self.date = date
        self.reason = reason
        self.score = score
    }
}

/// Identifier of a review item.
public struct ReviewID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The identifier text.
    public var rawValue: String
    /// Creates an identifier.
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A pair a human must decide on: the incoming record, the candidate patient and record, and
/// the explanation (levels and weights, no traits in its text).
public struct ReviewItem: Sendable, Hashable, Codable {
    /// Its identifier.
    public var id: ReviewID
    /// The record under review.
    public var record: IdentityRecordID
    /// The candidate patient it may belong to.
    public var candidatePatient: PatientID
    /// The candidate's record that matched best.
    public var candidateRecord: IdentityRecordID
    /// Why it went to review.
    public var explanation: MatchExplanation
    /// Open, accepted or rejected.
    public var state: State

    /// Creates a review item (the store adapters open items outside ``PatientIndex``).
    public init(
        id: ReviewID, record: IdentityRecordID, candidatePatient: PatientID, candidateRecord: IdentityRecordID,
        explanation: MatchExplanation, state: State
    ) {
        self.id = id
        self.record = record
        self.candidatePatient = candidatePatient
        self.candidateRecord = candidateRecord
        self.explanation = explanation
        self.state = state
    }

    /// Review state.
    public enum State: String, Sendable, Hashable, Codable {
        /// Waiting for a decision.
        case open
        /// Same person: the record's patient was merged into the candidate.
        case accepted
        /// Different persons: the pair is now a cannot-link.
        case rejected
    }
}

/// One change of a ``PatientIndex``; the index state is the replay of its events (R16).
public enum IndexChange: Sendable, Hashable, Codable {
    /// A record became a new canonical patient.
    case recordCreatedPatient(record: IdentityRecord, patient: PatientID)
    /// A record was linked to an existing patient (rule and score in the metadata).
    case recordLinked(record: IdentityRecord, patient: PatientID)
    /// A review item was opened.
    case reviewOpened(ReviewItem)
    /// A reviewer accepted: the record's patient is merged into the candidate patient.
    case reviewAccepted(ReviewID)
    /// A reviewer rejected: the pair may never be linked automatically.
    case reviewRejected(ReviewID)
    /// Two patients were merged; `absorbed` disappears (R13, R15).
    case patientsMerged(survivor: PatientID, absorbed: PatientID)
    /// A record was split out of its patient into a new one (reversal of a wrong merge, R13).
    case recordUnmerged(record: IdentityRecordID, newPatient: PatientID)
    /// A record's traits changed: the record is re-evaluated by the caller (R12).
    case recordUpdated(IdentityRecord)
}

extension IndexChange {
    /// A short name of the kind of change (`created`, `linked`, `review-opened`, `review-accepted`,
    /// `review-rejected`, `merged`, `unmerged`, `updated`), as the CLI and the HTTP API show it.
    public var kind: String {
        switch self {
        case .recordCreatedPatient: "created"
        case .recordLinked: "linked"
        case .reviewOpened: "review-opened"
        case .reviewAccepted: "review-accepted"
        case .reviewRejected: "review-rejected"
        case .patientsMerged: "merged"
        case .recordUnmerged: "unmerged"
        case .recordUpdated: "updated"
        }
    }

    /// A one-line description naming identifiers only, never identity traits (safe to show in
    /// listings and logs).
    public var summary: String {
        switch self {
        case .recordCreatedPatient(let record, let patient): "identity \(record.id) created patient \(patient)"
        case .recordLinked(let record, let patient): "identity \(record.id) linked to patient \(patient)"
        case .reviewOpened(let item):
            "review \(item.id) opened: identity \(item.record) vs patient \(item.candidatePatient) (\(item.candidateRecord))"
        case .reviewAccepted(let id): "review \(id) accepted"
        case .reviewRejected(let id): "review \(id) rejected"
        case .patientsMerged(let survivor, let absorbed): "patient \(absorbed) merged into \(survivor)"
        case .recordUnmerged(let record, let patient): "identity \(record) unmerged to new patient \(patient)"
        case .recordUpdated(let record): "identity \(record.id) updated"
        }
    }
}

/// An entry of the append-only history.
public struct IndexEvent: Sendable, Hashable, Codable {
    /// Position in the history, from 1.
    public var sequence: Int
    /// The change.
    public var change: IndexChange
    /// Who, when, why.
    public var metadata: EventMetadata

    /// Creates an event (for replays and bulk loads; operations build their own).
    public init(sequence: Int, change: IndexChange, metadata: EventMetadata) {
        self.sequence = sequence
        self.change = change
        self.metadata = metadata
    }
}

/// A canonical patient and its identity records.
public struct CanonicalPatient: Sendable, Hashable, Codable {
    /// Its identifier.
    public var id: PatientID
    /// Linked records, in link order.
    public var records: [IdentityRecordID]
}

/// Why an index operation was refused. Descriptions carry ids only, never traits.
public enum PatientIndexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No such patient.
    case unknownPatient(PatientID)
    /// No such record.
    case unknownRecord(IdentityRecordID)
    /// No such review item.
    case unknownReview(ReviewID)
    /// The review item is already decided.
    case reviewClosed(ReviewID)
    /// The record id is already in the index.
    case duplicateRecord(IdentityRecordID)
    /// Both records already belong to one patient.
    case samePatient(PatientID)
    /// The record is its patient's only record.
    case singleRecord(IdentityRecordID)
    /// The history is not a valid sequence (replay).
    case outOfSequence(Int)

    public var description: String {
        switch self {
        case .unknownPatient(let id): "unknown patient \(id)"
        case .unknownRecord(let id): "unknown identity record \(id)"
        case .unknownReview(let id): "unknown review item \(id)"
        case .reviewClosed(let id): "review item \(id) is already decided"
        case .duplicateRecord(let id): "identity record \(id) is already indexed"
        case .samePatient(let id): "both sides already belong to patient \(id)"
        case .singleRecord(let id): "identity record \(id) is the only record of its patient"
        case .outOfSequence(let n): "history event \(n) is out of sequence"
        }
    }
}
