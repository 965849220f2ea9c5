public import Foundation
public import PasserelleModel

/// The key of an ingest-journal entry: a run and one of its sources, with the bytes' SHA-256.
public struct JournalKey: Sendable, Hashable, Codable {
    /// The run id (chosen by the caller, e.g. a hash of the command line).
    public var run: String
    /// The source (file path, `archive.zip!member`, ...).
    public var source: String
    /// Lower-case hex SHA-256 of the source bytes.
    public var sha256: String

    /// Creates a key.
    public init(run: String, source: String, sha256: String) {
        self.run = run
        self.source = source
        self.sha256 = sha256
    }
}

/// What happened to one source of a run.
public enum JournalOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// Stored (new document or set).
    case stored
    /// Already stored with the same bytes.
    case duplicate
    /// Same id, different bytes: refused.
    case conflict
    /// Stored as a new version.
    case newVersion = "new-version"
    /// Sent to quarantine.
    case quarantined
    /// Skipped on purpose (not a document, filtered out...).
    case skipped
}

/// One ingest-journal entry.
public struct JournalEntry: Sendable, Hashable, Codable {
    /// Run, source and bytes' hash.
    public var key: JournalKey
    /// The outcome.
    public var outcome: JournalOutcome
    /// The stored document, when there is one.
    public var document: DocumentID?
    /// The quarantine item, when there is one.
    public var quarantine: QuarantineID?
    /// Free text (no identity traits).
    public var detail: String
    /// When it was recorded.
    public var recordedAt: Date

    /// Creates an entry.
    public init(key: JournalKey, outcome: JournalOutcome, document: DocumentID? = nil, quarantine: QuarantineID? = nil,
        detail: String = "", recordedAt: Date = Date())
    {
        self.key = key
        self.outcome = outcome
        self.document = document
        self.quarantine = quarantine
        self.detail = detail
        self.recordedAt = recordedAt
    }
}

/// An input that could not be read or validated.
public struct QuarantineInput: Sendable {
    /// Where it came from.
    public var sourceName: String
    /// The bytes exactly as received.
    public var original: Data
    /// A one-line reason (no identity traits).
    public var reason: String
    /// The diagnostics that sent it here.
    public var diagnostics: [Diagnostic]
    /// When it was received.
    public var receivedAt: Date

    /// Creates an input.
    public init(sourceName: String, original: Data, reason: String, diagnostics: [Diagnostic], receivedAt: Date = Date()) {
        self.sourceName = sourceName
        self.original = original
        self.reason = reason
        self.diagnostics = diagnostics
        self.receivedAt = receivedAt
    }
}

/// The result of ``RecordStore/addQuarantineOnce(_:actor:journal:)``.
public struct QuarantineAddition: Sendable, Hashable {
    /// The item holding the bytes.
    public var id: QuarantineID
    /// The same bytes were already in an open item (`id`): nothing new was created.
    public var alreadyOpen: Bool

    /// Creates a result.
    public init(id: QuarantineID, alreadyOpen: Bool) {
        self.id = id
        self.alreadyOpen = alreadyOpen
    }
}

/// Quarantine state.
public enum QuarantineState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for a fix.
    case open
    /// Retried successfully: linked to the document it became.
    case retried
    /// Closed by hand (not a document, sent back to the source...).
    case resolved
}

/// A quarantine item (bytes through ``RecordStore/quarantineBytes(_:)``).
public struct QuarantineItem: Sendable, Hashable {
    /// Its id.
    public var id: QuarantineID
    /// Where it came from.
    public var sourceName: String
    /// Lower-case hex SHA-256 of the bytes.
    public var sha256: String
    /// Size of the bytes.
    public var size: Int
    /// The one-line reason.
    public var reason: String
    /// The diagnostics.
    public var diagnostics: [Diagnostic]
    /// When it was received.
    public var receivedAt: Date
    /// Its state.
    public var state: QuarantineState
    /// The document it became after a retry.
    public var document: DocumentID?
    /// Last state change.
    public var updatedAt: Date
}

/// The object an audit entry is about.
public struct AuditTarget: Sendable, Hashable, Codable {
    /// `patient`, `document`, `review`, `quarantine`, `identity`, `store`...
    public var type: String
    /// Its id.
    public var id: String

    /// Creates a target.
    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }
}

/// An audit-log entry.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Sequence number (increasing).
    public var sequence: Int64
    /// When.
    public var date: Date
    /// Who.
    public var actor: String
    /// What (`document.store`, `patient.merge`, `document.get`...).
    public var action: String
    /// On what.
    public var target: AuditTarget
    /// Details (ids, outcomes; no identity traits).
    public var detail: String
}

/// Audit-log query criteria (combined with AND), newest first.
public struct AuditFilter: Sendable, Hashable {
    /// Only this actor.
    public var actor: String?
    /// Only this action.
    public var action: String?
    /// Only this target type.
    public var targetType: String?
    /// Only this target id (with `targetType`).
    public var targetID: String?
    /// Only entries at or after this time.
    public var since: Date?
    /// Maximum entries.
    public var limit: Int

    /// Creates a filter.
    public init(actor: String? = nil, action: String? = nil, targetType: String? = nil, targetID: String? = nil,
        since: Date? = nil, limit: Int = 100)
    {
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.since = since
        self.limit = limit
    }
}

/// Counts for summaries.
public struct StoreStatistics: Sendable, Hashable, Codable {
    /// Canonical patients (merged-away patients excluded).
    public var patients: Int
    /// Identity records.
    public var identities: Int
    /// Documents (all versions).
    public var documents: Int
    /// Current documents.
    public var currentDocuments: Int
    /// Open review items.
    public var openReviews: Int
    /// Open quarantine items.
    public var openQuarantine: Int
}
