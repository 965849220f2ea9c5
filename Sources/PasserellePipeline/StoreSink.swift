public import Foundation
import PasserelleIdentity
import PasserelleModel
public import PasserelleStore
public import PasserelleValidation

/// Sends documents to the record store: `storeDocument` (each document atomic, identity
/// resolved inside it) and `addQuarantine`, each with its ingest-journal entry in the same
/// transaction when a run is given.
public struct StoreSink: DocumentSink {
    /// Source key of the entry that marks a run as finished.
    public static let runCompleteSource = "#run-complete"

    /// The store.
    public let store: any RecordStore
    /// Who ingests (written to the audit log).
    public let actor: String
    /// The journal run; `nil` writes no journal (quarantine retries).
    public let run: String?
    /// Whether rejected documents go to quarantine; `false` only reports them (retries).
    public let quarantines: Bool
    /// Which journal lookups can be skipped (see ``prepareRun()``).
    let probe = JournalProbe()

    /// Creates a sink.
    public init(store: any RecordStore, actor: String, run: String?, quarantines: Bool = true) {
        self.store = store
        self.actor = actor
        self.run = run
        self.quarantines = quarantines
    }

    /// Checks once whether the run already has journal entries. When it has none (a new run,
    /// the usual case), ``previousOutcome(source:sha256:)`` skips the per-source journal query
    /// for sources not yet seen by this process: nothing can be journaled for them. A source
    /// seen before in this process (the same path named twice...) is still looked up, so the
    /// outcomes are the same as with a query per source. An interrupted run being resumed
    /// queries for every source, as before.
    public func prepareRun() async throws {
        guard let run else { return }
        probe.setFresh(try await store.journalIsEmpty(run: run))
    }

    /// The run to use for a command whose inputs and options hash to `base`: the first
    /// `base-<n>` not marked finished. An interrupted run is therefore resumed, and a finished
    /// one is followed by a new run (where everything already stored is a duplicate).
    public static func openRun(store: any RecordStore, base: String) async throws -> String {
        var number = 1
        while true {
            let run = "\(base)-\(number)"
            let finished = try await store.journalEntry(run: run, source: runCompleteSource)
            if finished == nil { return run }
            number += 1
        }
    }

    /// Marks the run finished (call after every input was handled).
    public func finishRun(_ summary: PipelineSummary) async throws {
        guard let run else { return }
        try await store.recordJournal(JournalEntry(
            key: JournalKey(run: run, source: Self.runCompleteSource, sha256: ""), outcome: .skipped,
            detail: "run complete: \(summary.documents) documents"))
    }

    public func previousOutcome(source: String, sha256: String) async throws -> String? {
        guard run != nil, !probe.firstSightingInFreshRun(source) else { return nil }
        return try await journaledOutcome(source, sha256: sha256)
    }

    /// In a fresh run, the parts of an input seen once are not looked up (nor remembered, so
    /// that the memory of a run does not grow with the rows of an export): they are journaled
    /// under the input's own key, and nothing was journaled under it before it was first seen.
    public func previousOutcome(part: String, of source: String, sha256: String) async throws -> String? {
        guard run != nil, !probe.partsAreNew(of: source) else { return nil }
        return try await journaledOutcome(part, sha256: sha256)
    }

    /// The outcome journaled in this run for `key` with the same bytes (`sha256`), if any.
    private func journaledOutcome(_ key: String, sha256: String) async throws -> String? {
        guard let run, let entry = try await store.journalEntry(run: run, source: key), entry.key.sha256 == sha256 else { return nil }
        return entry.outcome.rawValue
    }

    public func accept(_ read: ReadDocument, source: String, receivedAt: Date) async throws -> DocumentResult {
        guard let document = read.document else { preconditionFailure("accept is only called with a document") }
        let incoming = IncomingDocument(
            document: document, original: read.originalBytes, sourceName: read.name,
            format: document.provenance?.format ?? read.format.sourceFormat,
            receivedAt: receivedAt, originalSHA256: read.sha256)
        let result = try await store.storeDocument(incoming, actor: actor, journal: journalKey(source, read.sha256))
        let outcome: PipelineOutcome
        switch result.outcome {
        case .stored(let id): outcome = .stored(document: id.description)
        case .duplicate(let id): outcome = .duplicate(document: id.description)
        case .newVersion(let id, let previous): outcome = .newVersion(document: id.description, supersedes: previous.description)
        case .storedSuperseded(let id, let newer): outcome = .storedSuperseded(document: id.description, supersededBy: newer.description)
        case .conflict(let id, let existing, let new): outcome = .conflict(document: id.description, existingSHA256: existing, newSHA256: new)
        }
        return DocumentResult(
            source: source, name: read.name, sha256: read.sha256, size: read.originalBytes.count, outcome: outcome,
            identity: result.identity.map {
                IdentityOutcome(decision: $0.decision.rawValue, patient: $0.patient.rawValue, identity: $0.identity.rawValue,
                    review: $0.review?.rawValue)
            },
            diagnostics: read.diagnostics)
    }

    public func reject(_ rejection: Rejection) async throws -> DocumentResult {
        var outcome = PipelineOutcome.failed(reason: rejection.reason)
        var repeated = false
        if quarantines {
            // The same rejected bytes already waiting in quarantine are not added twice.
            let addition = try await store.addQuarantineOnce(
                QuarantineInput(sourceName: rejection.name, original: rejection.bytes, reason: rejection.reason,
                    diagnostics: rejection.diagnostics, receivedAt: rejection.receivedAt),
                actor: actor, journal: journalKey(rejection.source, rejection.sha256))
            outcome = .quarantined(item: addition.id.description, reason: rejection.reason)
            repeated = addition.alreadyOpen
        }
        var result = DocumentResult(source: rejection.source, name: rejection.name, sha256: rejection.sha256,
            size: rejection.bytes.count, outcome: outcome, diagnostics: rejection.diagnostics)
        result.alreadyQuarantined = repeated
        return result
    }

    public func unreadable(source: String, reason: String) async throws -> DocumentResult {
        if let run {
            try await store.recordJournal(JournalEntry(key: JournalKey(run: run, source: source, sha256: ""), outcome: .skipped, detail: reason))
        }
        return DocumentResult(source: source, name: source, sha256: "", size: 0, outcome: .failed(reason: reason))
    }

    public func sourceComplete(source: String, sha256: String, parts: Int) async throws {
        guard let run else { return }
        try await store.recordJournal(JournalEntry(
            key: JournalKey(run: run, source: source, sha256: sha256), outcome: .skipped, detail: "all \(parts) parts handled"))
    }

    func journalKey(_ source: String, _ sha256: String) -> JournalKey? {
        run.map { JournalKey(run: $0, source: source, sha256: sha256) }
    }
}

/// The sources this process has handed to a run that had no journal entry when it started.
final class JournalProbe: @unchecked Sendable {
    private let mutex = NSLock()
    private var fresh = false
    /// Hashes of the source keys seen (8 bytes each: ~1 MB per 100,000 sources). A collision
    /// only costs a journal query.
    private var seen = Set<Int>()

    func setFresh(_ value: Bool) {
        mutex.lock()
        fresh = value
        mutex.unlock()
    }

    /// Sources seen more than once (a path named twice): their parts are looked up.
    private var repeated = Set<Int>()

    /// `true` when the run was fresh and `source` was never seen: no journal entry can exist.
    func firstSightingInFreshRun(_ source: String) -> Bool {
        mutex.lock()
        defer { mutex.unlock() }
        guard fresh else { return false }
        let key = source.hashValue
        if seen.insert(key).inserted { return true }
        repeated.insert(key)
        return false
    }

    /// `true` when the run was fresh and `source` was seen exactly once: none of its parts can
    /// have a journal entry.
    func partsAreNew(of source: String) -> Bool {
        mutex.lock()
        defer { mutex.unlock() }
        guard fresh else { return false }
        let key = source.hashValue
        return seen.contains(key) && !repeated.contains(key)
    }
}
