public import Foundation
public import PasserelleIdentity
public import PasserelleModel

/// The outcome of resolving one identity against the store's patients.
public struct IdentityResolution: Sendable, Hashable {
    /// How the identity was resolved.
    public enum Decision: String, Sendable, Hashable, Codable {
        /// Linked to an existing patient by the engine (deterministic rule or score).
        case linked
        /// Close to an existing patient but not certain: a review item was opened and the
        /// identity got its own patient meanwhile.
        case review
        /// A new canonical patient.
        case new
        /// The identity record was already known (same facility OID + IPP, or the same record
        /// without IPP) and its strict traits agree: its patient is returned (compatible changes
        /// update the record, ``IdentityResolution/traitsUpdated``). A known IPP whose strict
        /// traits contradict the stored ones is a ``review`` (possible collision), never `known`.
        case known
    }

    /// The stored identity record.
    public var identity: IdentityRecordID
    /// Its canonical patient.
    public var patient: PatientID
    /// The decision.
    public var decision: Decision
    /// The review item opened, for ``Decision/review``.
    public var review: ReviewID?
    /// The best candidate's explanation, when there was a candidate.
    public var explanation: MatchExplanation?
    /// Normalization diagnostics (invalid INS, unreadable date...), trait-free.
    public var diagnostics: [Diagnostic]
    /// A known record's traits were updated by compatible changes (a `recordUpdated` event).
    public var traitsUpdated: Bool = false
}

/// A stored identity record.
public struct StoredIdentity: Sendable, Hashable {
    /// Its id (`I<n>`).
    public var id: IdentityRecordID
    /// Its patient.
    public var patient: PatientID
    /// The record as received (its `id` is the stored id).
    public var record: IdentityRecord
    /// When it was first stored.
    public var createdAt: Date
}

/// A canonical patient with its identities, documents and link history.
public struct PatientDetail: Sendable, Hashable {
    /// Its id (`P<n>`).
    public var id: PatientID
    /// When it was created.
    public var createdAt: Date
    /// The patient it was merged into, when it no longer exists on its own.
    public var mergedInto: PatientID?
    /// Its identity records.
    public var identities: [StoredIdentity]
    /// Its documents, superseded versions included, oldest first.
    public var documents: [DocumentSummary]
    /// The link-history events that mention it, oldest first.
    public var history: [HistoryEntry]
}

/// A patient found by a search.
public struct PatientSummary: Sendable, Hashable {
    /// Its id.
    public var id: PatientID
    /// Its identity records.
    public var identities: [StoredIdentity]
}

/// Search criteria: identifiers, or normalized traits (birth name, first given name, birth date);
/// given criteria are combined with AND.
public struct PatientQuery: Sendable, Hashable {
    /// INS (matricule + key).
    public var ins: String?
    /// IPP.
    public var ipp: String?
    /// Facility OID of the IPP (any facility when nil).
    public var ippAuthority: String?
    /// Birth (or used) family name, compared in normalized form.
    public var familyName: String?
    /// First given name, compared in normalized form.
    public var givenName: String?
    /// Birth date (`YYYYMMDD`, `YYYY-MM-DD` or `DD/MM/YYYY`).
    public var birthDate: String?
    /// Maximum patients returned.
    public var limit: Int

    /// Creates a query.
    public init(ins: String? = nil, ipp: String? = nil, ippAuthority: String? = nil, familyName: String? = nil,
        givenName: String? = nil, birthDate: String? = nil, limit: Int = 50)
    {
        self.ins = ins
        self.ipp = ipp
        self.ippAuthority = ippAuthority
        self.familyName = familyName
        self.givenName = givenName
        self.birthDate = birthDate
        self.limit = limit
    }
}

/// One entry of the append-only link history.
public struct HistoryEntry: Sendable, Hashable {
    /// Store sequence number (increasing; may have gaps on PostgreSQL).
    public var sequence: Int64
    /// The change, in the identity engine's own terms.
    public var change: IndexChange
    /// Who, when, why, score.
    public var metadata: EventMetadata
}

/// A review item with both identities.
public struct ReviewDetail: Sendable, Hashable {
    /// The item (state, explanation, ids).
    public var item: ReviewItem
    /// The identity under review.
    public var record: IdentityRecord
    /// The candidate patient's record that matched best.
    public var candidateRecord: IdentityRecord
    /// Why it went to review (rule and flags, no traits).
    public var reason: String
    /// When it was opened.
    public var createdAt: Date
    /// When it was decided.
    public var decidedAt: Date?
    /// Who decided.
    public var decidedBy: String?
}
