public import PasserelleModel

/// What happened to one document (or one rejected part of an input).
public enum PipelineOutcome: Sendable, Hashable {
    /// A new document (or a new set), stored as current. The store's document id.
    case stored(document: String)
    /// The same id and the same bytes were already stored: nothing changed.
    case duplicate(document: String)
    /// A new version of a set; the previous current version is now superseded.
    case newVersion(document: String, supersedes: String)
    /// An older version arriving after a newer one: stored, already superseded.
    case storedSuperseded(document: String, supersededBy: String)
    /// The same id with other bytes is already stored: refused, nothing changed.
    case conflict(document: String, existingSHA256: String, newSHA256: String)
    /// Failed reading or the chosen validation level: kept in quarantine with its reasons.
    case quarantined(item: String, reason: String)
    /// Converted to a file (`passerelle convert`).
    case converted(output: String)
    /// Could not be converted or read (`convert` failures, unreadable archive entries).
    case failed(reason: String)
    /// Already handled by an earlier, interrupted run of the same command (journal or
    /// manifest entry with the same SHA-256): not processed again.
    case resumed(previous: String)

    /// Short stable name (`stored`, `duplicate`, `new-version`, ...), used in reports and JSON.
    public var kind: String {
        switch self {
        case .stored: "stored"
        case .duplicate: "duplicate"
        case .newVersion: "new-version"
        case .storedSuperseded: "stored-superseded"
        case .conflict: "conflict"
        case .quarantined: "quarantined"
        case .converted: "converted"
        case .failed: "failed"
        case .resumed: "resumed"
        }
    }

    /// Whether the outcome counts as an error in progress lines and exit statuses.
    public var isError: Bool {
        switch self {
        case .conflict, .quarantined, .failed: true
        default: false
        }
    }
}

/// How the document's patient was resolved (store runs only).
public struct IdentityOutcome: Sendable, Hashable, Codable {
    /// `linked`, `review`, `new` or `known`.
    public var decision: String
    /// The canonical patient (`P<n>`).
    public var patient: String
    /// The identity record (`I<n>`).
    public var identity: String
    /// The review item opened, for `review`.
    public var review: String?

    /// Creates an identity outcome.
    public init(decision: String, patient: String, identity: String, review: String? = nil) {
        self.decision = decision
        self.patient = patient
        self.identity = identity
        self.review = review
    }
}

/// The result for one document or rejected part.
public struct DocumentResult: Sendable, Hashable {
    /// The key in the journal / manifest: the source name for whole-file documents,
    /// `source#records a-b` for one part of a multi-document input.
    public var source: String
    /// Readable name (`export.csv rows 3-4 (lines 3-5)`).
    public var name: String
    /// Lower-case hex SHA-256 of the document's original bytes.
    public var sha256: String
    /// Size of the original bytes.
    public var size: Int
    /// What happened.
    public var outcome: PipelineOutcome
    /// The identity decision, when a patient was resolved.
    public var identity: IdentityOutcome?
    /// Diagnostics (errors that sent it to quarantine, warnings otherwise).
    public var diagnostics: [Diagnostic]
    /// For `quarantined`: the same bytes were already in an open quarantine item, which is
    /// reused (no new item).
    public var alreadyQuarantined = false

    /// Creates a result.
    public init(source: String, name: String, sha256: String, size: Int, outcome: PipelineOutcome,
        identity: IdentityOutcome? = nil, diagnostics: [Diagnostic] = [])
    {
        self.source = source
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.outcome = outcome
        self.identity = identity
        self.diagnostics = diagnostics
    }
}

/// Counts over a run.
public struct PipelineSummary: Sendable, Hashable, Codable {
    /// Inputs read (files, archive entries, stdin).
    public var inputs = 0
    /// Bytes read.
    public var bytes = 0
    /// Documents and rejected parts handled.
    public var documents = 0
    /// New documents stored (late older versions included).
    public var stored = 0
    /// Same id and bytes already stored.
    public var duplicates = 0
    /// New versions of a set.
    public var newVersions = 0
    /// Same id, other bytes: refused.
    public var conflicts = 0
    /// Sent to quarantine.
    public var quarantined = 0
    /// Of `quarantined`: bytes already in an open quarantine item (no new item created).
    public var alreadyQuarantined = 0
    /// Converted (`convert`).
    public var converted = 0
    /// Failed (`convert`, unreadable inputs).
    public var failed = 0
    /// Done by an earlier interrupted run, skipped.
    public var resumed = 0
    /// Patients created for a new identity.
    public var patientsCreated = 0
    /// Identities linked to an existing patient.
    public var patientsLinked = 0
    /// Identities sent to the review queue.
    public var patientsInReview = 0
    /// Identities already known.
    public var patientsKnown = 0
    /// Wall-clock seconds.
    public var seconds = 0.0

    /// An empty summary.
    public init() {}

    /// Documents per second.
    public var documentsPerSecond: Double { seconds > 0 ? Double(documents) / seconds : 0 }
    /// Megabytes (10^6) per second.
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }
    /// Conflicts, quarantined and failed.
    public var errors: Int { conflicts + quarantined + failed }

    /// Adds one result.
    public mutating func add(_ result: DocumentResult) {
        documents += 1
        switch result.outcome {
        case .stored, .storedSuperseded: stored += 1
        case .duplicate: duplicates += 1
        case .newVersion: newVersions += 1
        case .conflict: conflicts += 1
        case .quarantined:
            quarantined += 1
            if result.alreadyQuarantined { alreadyQuarantined += 1 }
        case .converted: converted += 1
        case .failed: failed += 1
        case .resumed: resumed += 1
        }
        switch result.identity?.decision {
        case "new": patientsCreated += 1
        case "linked": patientsLinked += 1
        case "review": patientsInReview += 1
        case "known": patientsKnown += 1
        default: break
        }
    }
}
