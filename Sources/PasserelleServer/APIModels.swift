public import Foundation
public import PasserelleIdentity
public import PasserelleModel
public import PasserellePipeline
public import PasserelleStore

/// What happened to one document of a posted input (`POST /v1/documents`, quarantine retry, jobs).
public struct IngestedPart: Codable, Sendable, Hashable {
    /// `stored`, `duplicate`, `new-version`, `stored-superseded`, `conflict`, `quarantined`, `failed`.
    public var outcome: String
    /// Readable name (source, and rows or records for one part of a multi-document input).
    public var name: String
    /// SHA-256 of the document's original bytes.
    public var sha256: String
    /// Size of the original bytes.
    public var size: Int
    /// The stored document (or the existing one, for duplicates and conflicts).
    public var documentId: String?
    /// The previous version it supersedes.
    public var supersedes: String?
    /// The canonical patient.
    public var patientId: String?
    /// The identity record.
    public var identityId: String?
    /// `linked`, `review`, `new` or `known`.
    public var decision: String?
    /// The review item opened for a `review` decision.
    public var reviewId: String?
    /// The quarantine item, when rejected.
    public var quarantineId: String?
    /// Why it was rejected.
    public var reason: String?
    /// Diagnostics (warnings for accepted documents, errors for rejected ones).
    public var diagnostics: [Diagnostic]

    /// The API form of a pipeline result.
    public init(_ result: DocumentResult) {
        outcome = result.outcome.kind
        name = result.name
        sha256 = result.sha256
        size = result.size
        diagnostics = result.diagnostics
        switch result.outcome {
        case .stored(let id), .duplicate(let id): documentId = id
        case .newVersion(let id, let previous):
            documentId = id
            supersedes = previous
        case .storedSuperseded(let id, _): documentId = id
        case .conflict(let id, _, _): documentId = id
        case .quarantined(let item, let why):
            quarantineId = item
            reason = why
        case .failed(let why): reason = why
        case .converted, .resumed: break
        }
        patientId = result.identity?.patient
        identityId = result.identity?.identity
        decision = result.identity?.decision
        reviewId = result.identity?.review
    }
}

/// Body of `201`/`200` answers to `POST /v1/documents` and quarantine retries.
public struct IngestResponse: Codable, Sendable, Hashable {
    /// The overall outcome: `stored` (something new stored), `duplicate` (everything already there).
    public var outcome: String
    /// The first document's id, canonical patient and identity decision (the common single-document case).
    public var documentId: String?
    /// Canonical patient of the first document.
    public var patientId: String?
    /// Identity decision of the first document.
    public var decision: String?
    /// Every document of the input, in source order.
    public var documents: [IngestedPart]
}

/// State of an asynchronous ingest (`?async=true`).
public struct JobStatus: Codable, Sendable, Hashable {
    /// Job id.
    public var id: String
    /// `queued`, `running`, `done` or `failed`.
    public var state: String
    /// When it was accepted.
    public var submittedAt: Date
    /// When it finished.
    public var finishedAt: Date?
    /// The HTTP status the synchronous call would have answered.
    public var httpStatus: Int?
    /// The result, when done.
    public var result: IngestResponse?
    /// The problem, when it failed or was rejected.
    public var problem: ProblemSummary?
}

/// A problem inside a job status.
public struct ProblemSummary: Codable, Sendable, Hashable {
    /// Stable code.
    public var code: String
    /// What happened.
    public var detail: String
    /// Quarantine item, when rejected.
    public var quarantineId: String?
    /// Diagnostics.
    public var diagnostics: [Diagnostic]?
}

/// An identity record as the API shows it.
public struct IdentityView: Codable, Sendable, Hashable {
    /// `I<n>`.
    public var id: String
    /// Its canonical patient.
    public var patientId: String
    /// The record's traits and identifiers.
    public var record: IdentityRecord
    /// When it was stored.
    public var createdAt: Date

    init(_ stored: StoredIdentity) {
        id = stored.id.rawValue
        patientId = stored.patient.rawValue
        record = stored.record
        createdAt = stored.createdAt
    }
}

/// A link-history entry.
public struct HistoryView: Codable, Sendable, Hashable {
    /// Store sequence number.
    public var sequence: Int64
    /// `created`, `linked`, `review-opened`, `review-accepted`, `review-rejected`, `merged`, `unmerged`, `updated`.
    public var event: String
    /// Readable description (ids only).
    public var description: String
    /// Who.
    public var actor: String
    /// When.
    public var date: Date
    /// Why.
    public var reason: String
    /// Score, for engine decisions.
    public var score: Double?

    init(_ entry: HistoryEntry) {
        sequence = entry.sequence
        event = entry.change.kind
        description = entry.change.summary
        actor = entry.metadata.actor
        date = entry.metadata.date
        reason = entry.metadata.reason
        score = entry.metadata.score
    }
}

/// A canonical patient with identities, documents and history (`GET /v1/patients/{id}`).
public struct PatientView: Codable, Sendable, Hashable {
    /// `P<n>`.
    public var id: String
    /// When it was created.
    public var createdAt: Date
    /// The patient it was merged into.
    public var mergedInto: String?
    /// Its identity records.
    public var identities: [IdentityView]
    /// Its documents (metadata only).
    public var documents: [DocumentSummary]
    /// Link history mentioning it.
    public var history: [HistoryView]

    init(_ detail: PatientDetail) {
        id = detail.id.rawValue
        createdAt = detail.createdAt
        mergedInto = detail.mergedInto?.rawValue
        identities = detail.identities.map(IdentityView.init)
        documents = detail.documents
        history = detail.history.map(HistoryView.init)
    }
}

/// A patient in search results.
public struct PatientSummaryView: Codable, Sendable, Hashable {
    /// `P<n>`.
    public var id: String
    /// Its identity records.
    public var identities: [IdentityView]
}

/// A review item with both identities (`GET /v1/review/{id}`).
public struct ReviewView: Codable, Sendable, Hashable {
    /// The item: ids, state and the engine's explanation (each trait's level and weight).
    public var item: ReviewItem
    /// The identity under review.
    public var record: IdentityRecord?
    /// The candidate patient's best-matching record.
    public var candidateRecord: IdentityRecord?
    /// Why it went to review.
    public var reason: String?
    /// When it was opened.
    public var createdAt: Date?
    /// When it was decided.
    public var decidedAt: Date?
    /// Who decided.
    public var decidedBy: String?
}

/// A quarantine item (`GET /v1/quarantine`).
public struct QuarantineView: Codable, Sendable, Hashable {
    /// Item id.
    public var id: String
    /// Source name as received.
    public var source: String
    /// SHA-256 of the original bytes.
    public var sha256: String
    /// Size of the original bytes.
    public var size: Int
    /// One-line reason.
    public var reason: String
    /// `open`, `retried` or `resolved`.
    public var state: String
    /// When it was received.
    public var receivedAt: Date
    /// Last change.
    public var updatedAt: Date
    /// The document it became after a retry.
    public var documentId: String?
    /// Diagnostics (on `GET /v1/quarantine/{id}`).
    public var diagnostics: [Diagnostic]?

    init(_ item: QuarantineItem, withDiagnostics: Bool) {
        id = item.id.description
        source = item.sourceName
        sha256 = item.sha256
        size = item.size
        reason = item.reason
        state = item.state.rawValue
        receivedAt = item.receivedAt
        updatedAt = item.updatedAt
        documentId = item.document?.description
        diagnostics = withDiagnostics ? item.diagnostics : nil
    }
}

/// Body of `POST /v1/patients/{id}/merge`.
public struct MergeRequest: Codable, Sendable {
    /// The patient merged into the one of the path.
    public var absorb: String
    /// Why (kept in the link history).
    public var reason: String
}

/// Body of `POST /v1/patients/{id}/unmerge`.
public struct UnmergeRequest: Codable, Sendable {
    /// The identity record split out of the patient.
    public var identity: String
    /// Why.
    public var reason: String
}

/// Body of `POST /v1/review/{id}/accept|reject`.
public struct DecisionRequest: Codable, Sendable {
    /// Why.
    public var reason: String
}
