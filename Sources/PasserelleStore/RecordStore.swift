public import Foundation
public import PasserelleIdentity

/// The record store: canonical patients and their identity records, the link history and the
/// review queue, documents with their original bytes and versions, the quarantine, the audit
/// log and the ingest journal.
///
/// Every write is one transaction. Adapters: SQLite (GRDB, the embedded default) and PostgreSQL
/// (postgres-nio); open one with ``openStore(_:configuration:)``.
public protocol RecordStore: Sendable {
    /// The adapter in use (`sqlite` or `postgres`).
    var adapter: StoreAdapter { get }

    /// The schema version (the highest applied migration).
    func schemaVersion() async throws -> Int
    /// Counts for summaries.
    func statistics() async throws -> StoreStatistics
    /// Closes the connections; the store is unusable afterwards.
    func close() async throws

    // MARK: Documents

    /// Stores a document and resolves its patient, in one transaction: `.stored`, `.duplicate`
    /// (same id and bytes: nothing changes), `.conflict` (same id, other bytes: nothing changes),
    /// `.newVersion` (same setId: the previous version is superseded). When `journal` is given,
    /// the journal entry is written in the same transaction.
    func storeDocument(_ incoming: IncomingDocument, actor: String, journal: JournalKey?) async throws -> DocumentIngestResult
    /// A document's metadata, model and attachments' metadata.
    func document(_ id: DocumentID) async throws -> StoredDocument?
    /// The document with this key (`root^extension` of its id).
    func document(key: String) async throws -> DocumentSummary?
    /// The original bytes, byte-exact.
    func originalBytes(_ id: DocumentID) async throws -> Data?
    /// An attachment's bytes.
    func attachmentBytes(document: DocumentID, ordinal: Int) async throws -> Data?
    /// A patient's documents, superseded versions included, by creation time.
    func documents(patient: PatientID) async throws -> [DocumentSummary]
    /// Every version of a set (setId key `root^extension`), oldest first.
    func versions(setKey: String) async throws -> [DocumentSummary]

    // MARK: Identity

    /// Resolves an identity in its own transaction: a known record (same facility OID + IPP)
    /// returns its patient; otherwise the identity engine links it, opens a review item, or
    /// creates a patient. The record's `id` is ignored: the store assigns `I<n>`.
    func resolveIdentity(_ record: IdentityRecord, actor: String) async throws -> IdentityResolution
    /// Patients matching identifiers or normalized traits.
    func searchPatients(_ query: PatientQuery) async throws -> [PatientSummary]
    /// A patient with identities, documents and history (a merged-away patient too, with `mergedInto`).
    func patient(_ id: PatientID) async throws -> PatientDetail?
    /// An identity record.
    func identity(_ id: IdentityRecordID) async throws -> StoredIdentity?
    /// Merges `absorbed` into `survivor`: identities and documents move; `absorbed` keeps a row
    /// pointing to `survivor`.
    func mergePatients(survivor: PatientID, absorbed: PatientID, actor: String, reason: String) async throws
    /// Splits an identity record out of its patient into a new patient (documents of that identity
    /// follow); the pair becomes a cannot-link. Returns the new patient.
    func unmerge(identity: IdentityRecordID, actor: String, reason: String) async throws -> PatientID
    /// The whole link history, oldest first, renumbered from 1: replaying it with
    /// `PatientIndex.replay` rebuilds the current state.
    func linkHistory() async throws -> [IndexEvent]

    // MARK: Review queue

    /// Review items in a state (all when nil), oldest first.
    func reviewItems(state: ReviewItem.State?) async throws -> [ReviewItem]
    /// A review item with both identities.
    func review(_ id: ReviewID) async throws -> ReviewDetail?
    /// Accepts: the identity's patient is merged into the candidate patient.
    func acceptReview(_ id: ReviewID, actor: String, reason: String) async throws
    /// Rejects: the pair may never be linked automatically.
    func rejectReview(_ id: ReviewID, actor: String, reason: String) async throws

    // MARK: Quarantine

    /// Adds an input to the quarantine (with its journal entry when `journal` is given).
    func addQuarantine(_ input: QuarantineInput, actor: String, journal: JournalKey?) async throws -> QuarantineID
    /// Adds an input to the quarantine unless the same bytes (SHA-256) are already there in an
    /// open item: then no new item is created, the existing one is returned with
    /// `alreadyOpen`, and the journal entry (when given) points at it.
    func addQuarantineOnce(_ input: QuarantineInput, actor: String, journal: JournalKey?) async throws -> QuarantineAddition
    /// Items in a state (all when nil), oldest first.
    func quarantineItems(state: QuarantineState?) async throws -> [QuarantineItem]
    /// One item.
    func quarantineItem(_ id: QuarantineID) async throws -> QuarantineItem?
    /// An item's original bytes.
    func quarantineBytes(_ id: QuarantineID) async throws -> Data?
    /// Marks an item retried, linked to the document it became.
    func markQuarantineRetried(_ id: QuarantineID, document: DocumentID, actor: String) async throws
    /// Closes an item by hand.
    func markQuarantineResolved(_ id: QuarantineID, actor: String, note: String) async throws

    // MARK: Audit

    /// Appends an audit entry.
    func appendAudit(actor: String, action: String, target: AuditTarget, detail: String) async throws
    /// Audit entries, newest first.
    func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry]

    // MARK: API tokens (HTTP service)

    /// Creates a token from the SHA-256 (lower-case hex) of its secret; names are unique.
    func createToken(name: String, scope: TokenScope, secretSHA256: String, actor: String) async throws -> APIToken
    /// The token whose secret hashes to `secretSHA256` (revoked ones too: check `isActive`).
    func token(secretSHA256: String) async throws -> APIToken?
    /// Every token, revoked ones included, by id.
    func tokens() async throws -> [APIToken]
    /// Revokes a token by name.
    func revokeToken(name: String, actor: String) async throws

    // MARK: Ingest journal

    /// The journal entry of a source in a run.
    func journalEntry(run: String, source: String) async throws -> JournalEntry?
    /// Whether the run has no journal entry at all (a new run).
    func journalIsEmpty(run: String) async throws -> Bool
    /// Records (or replaces) a journal entry.
    func recordJournal(_ entry: JournalEntry) async throws
    /// Every entry of a run, by source.
    func journalEntries(run: String) async throws -> [JournalEntry]
}

extension RecordStore {
    /// Default for stores without deduplication: always a new item.
    public func addQuarantineOnce(_ input: QuarantineInput, actor: String, journal: JournalKey?) async throws -> QuarantineAddition {
        QuarantineAddition(id: try await addQuarantine(input, actor: actor, journal: journal), alreadyOpen: false)
    }

    /// Stores a document without a journal entry.
    public func storeDocument(_ incoming: IncomingDocument, actor: String) async throws -> DocumentIngestResult {
        try await storeDocument(incoming, actor: actor, journal: nil)
    }

    /// Adds an input to the quarantine without a journal entry.
    public func addQuarantine(_ input: QuarantineInput, actor: String) async throws -> QuarantineID {
        try await addQuarantine(input, actor: actor, journal: nil)
    }

    /// Appends an audit entry without detail.
    public func appendAudit(actor: String, action: String, target: AuditTarget) async throws {
        try await appendAudit(actor: actor, action: action, target: target, detail: "")
    }
}

/// The adapter behind a store.
public enum StoreAdapter: String, Sendable, Hashable, Codable {
    /// SQLite through GRDB.
    case sqlite
    /// PostgreSQL through postgres-nio.
    case postgres
}
