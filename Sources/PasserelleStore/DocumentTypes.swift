public import Foundation
public import PasserelleIdentity
public import PasserelleModel

/// A document to store: the normalized model and the bytes exactly as received.
public struct IncomingDocument: Sendable {
    /// The model read from `original`.
    public var document: ClinicalDocument
    /// The original bytes, stored byte-exact.
    public var original: Data
    /// Where it came from (file path relative to the input root, archive member...).
    public var sourceName: String
    /// The format it was read as.
    public var format: SourceFormat?
    /// When it was received.
    public var receivedAt: Date
    /// The lower-case hex SHA-256 of `original`, when the caller already computed it (the
    /// pipeline's readers do); the store computes it otherwise.
    public var originalSHA256: String?

    /// Creates an incoming document; `format` and `receivedAt` default to the model's provenance.
    public init(
        document: ClinicalDocument, original: Data, sourceName: String, format: SourceFormat? = nil, receivedAt: Date? = nil,
        originalSHA256: String? = nil
    ) {
        self.document = document
        self.original = original
        self.sourceName = sourceName
        self.format = format ?? document.provenance?.format
        self.receivedAt = receivedAt ?? document.provenance?.receivedAt ?? Date()
        self.originalSHA256 = originalSHA256
    }
}

/// What storing a document did. Each outcome is the result of one transaction.
public enum DocumentOutcome: Sendable, Hashable {
    /// A new document (or a new set), stored as current.
    case stored(DocumentID)
    /// The same document id with the same bytes is already stored: nothing changed.
    case duplicate(DocumentID)
    /// The same document id with different bytes is already stored: nothing changed, never an
    /// overwrite.
    case conflict(DocumentID, existingSHA256: String, newSHA256: String)
    /// A new version of a set: stored as current, the previous current version is now superseded
    /// (and stays queryable).
    case newVersion(DocumentID, supersedes: DocumentID)
    /// An older version of a set arrived after a newer one: stored, already superseded.
    case storedSuperseded(DocumentID, supersededBy: DocumentID)

    /// The document the outcome is about.
    public var document: DocumentID {
        switch self {
        case .stored(let id), .duplicate(let id), .conflict(let id, _, _), .newVersion(let id, _), .storedSuperseded(let id, _): id
        }
    }

    /// The journal outcome for this store outcome.
    public var journalOutcome: JournalOutcome {
        switch self {
        case .stored: .stored
        case .duplicate: .duplicate
        case .conflict: .conflict
        case .newVersion: .newVersion
        case .storedSuperseded: .stored
        }
    }
}

/// The result of ``RecordStore/storeDocument(_:actor:journal:)``.
public struct DocumentIngestResult: Sendable, Hashable {
    /// What happened to the document.
    public var outcome: DocumentOutcome
    /// The patient resolution (nil for duplicates, conflicts and documents without a patient).
    public var identity: IdentityResolution?
}

/// Current or superseded.
public enum DocumentStatus: String, Sendable, Hashable, Codable {
    /// The current version of its set.
    case current
    /// Replaced by a newer version; still stored and queryable.
    case superseded
}

/// A stored document's metadata (the indexed columns).
public struct DocumentSummary: Sendable, Hashable, Codable {
    /// Store id.
    public var id: DocumentID
    /// The document key: `root^extension` of the CDA id (or `sha256:<hex>` without an id).
    public var documentKey: String
    /// The CDA id root.
    public var root: String?
    /// The CDA id extension.
    public var `extension`: String?
    /// The setId key (`root^extension`).
    public var setKey: String?
    /// Version number.
    public var versionNumber: Int?
    /// Type code (LOINC mostly) and its code system.
    public var typeCode: String?
    /// Code system of the type code.
    public var typeSystem: String?
    /// Title.
    public var title: String?
    /// Creation time (ISO 8601 as in the document, with its offset).
    public var creationTime: String?
    /// Canonical patient.
    public var patient: PatientID?
    /// The identity record the document's patient resolved to.
    public var identity: IdentityRecordID?
    /// Source name.
    public var sourceName: String
    /// Format read as.
    public var format: String?
    /// Size of the original bytes.
    public var size: Int
    /// Lower-case hex SHA-256 of the original bytes.
    public var sha256: String
    /// Reception time.
    public var receivedAt: Date
    /// Current or superseded.
    public var status: DocumentStatus
    /// The version that superseded it.
    public var supersededBy: DocumentID?
}

/// An extracted attachment's metadata.
public struct StoredAttachment: Sendable, Hashable, Codable {
    /// Position in the document (0-based, body order).
    public var ordinal: Int
    /// Media type.
    public var mediaType: String?
    /// Size in bytes.
    public var size: Int
    /// Lower-case hex SHA-256 of the bytes.
    public var sha256: String
}

/// A stored document: metadata, the normalized model and the attachments' metadata.
public struct StoredDocument: Sendable, Hashable {
    /// Metadata.
    public var summary: DocumentSummary
    /// The normalized model.
    public var model: ClinicalDocument
    /// Extracted attachments (bytes through ``RecordStore/attachmentBytes(document:ordinal:)``).
    public var attachments: [StoredAttachment]
}
