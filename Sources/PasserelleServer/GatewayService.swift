public import Foundation
public import Logging
import PasserelleFlat
import PasserelleIdentity
import PasserelleModel
public import PasserellePipeline
public import PasserelleStore
import PasserelleValidation
import PasserelleXML
import Hummingbird

/// The state shared by every request of one server: the store, the pipeline settings, the
/// security and backpressure machinery, the metrics and the asynchronous jobs.
public final class GatewayService: Sendable {
    /// The record store.
    public let store: any RecordStore
    /// Settings.
    public let configuration: ServerConfiguration
    /// Reading and validation settings of the pipeline.
    let pipeline: PipelineConfiguration
    /// Export profiles by name (`?profile=NAME`).
    let profiles: [String: ExportProfile]
    let authenticator: TokenAuthenticator
    let rateLimiter: RateLimiter
    let gate: IngestGate
    let metrics = ServerMetrics()
    let jobs: JobRegistry
    let logger: Logger

    /// Builds the service over an open store; loads the profiles and the schema named in the
    /// configuration.
    public init(store: any RecordStore, configuration: ServerConfiguration, logger: Logger) throws(ServerConfigurationError) {
        try configuration.validate()
        self.store = store
        self.configuration = configuration
        self.logger = logger
        var profiles: [String: ExportProfile] = [:]
        for (name, file) in configuration.profiles {
            do {
                profiles[name] = try ProfileLoader.load(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw ServerConfigurationError(source: file, key: "profiles.\(name)", message: error.description)
            }
        }
        self.profiles = profiles
        var schema: XMLSchemaSet?
        if let file = configuration.schema {
            do {
                schema = try XMLSchemaSet(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw ServerConfigurationError(source: file, key: "schema", message: "\(error)")
            }
        }
        let rules = RuleSelection(rawValue: configuration.rules) ?? .auto
        pipeline = PipelineConfiguration(validator: DocumentValidator(schema: schema, rules: rules), profile: nil, jobs: 1)
        authenticator = TokenAuthenticator(store: store, cacheSeconds: configuration.tokenCacheSeconds)
        rateLimiter = RateLimiter(rate: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst)
        gate = IngestGate(capacity: configuration.maxConcurrentIngests, queueLimit: configuration.maxQueuedIngests,
            timeout: .milliseconds(Int64(configuration.queueTimeoutSeconds * 1_000)))
        jobs = JobRegistry(limit: configuration.maxPendingJobs, retention: configuration.jobRetentionSeconds)
    }

    /// Content types accepted for documents (besides none at all): the format is then recognised by content.
    static let documentContentTypes: Set<String> = [
        "application/xml", "text/xml", "application/hl7-cda+xml", "text/plain", "text/csv", "application/csv",
        "application/octet-stream", "application/x-hprim", "text/x-hprim",
    ]

    /// One input to ingest, after the HTTP layer has read it.
    struct Submission: Sendable {
        var bytes: Data
        var sourceName: String
        var profileName: String?
        var contentType: String?
        var actor: String
    }

    /// Checks a submission before any work (`400` empty, `415` type or unknown format, `400` unknown profile).
    func admit(_ submission: Submission) throws(APIProblem) -> ExportProfile? {
        if let contentType = submission.contentType {
            let base = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard Self.documentContentTypes.contains(base) else {
                throw APIProblem(.unsupportedMediaType, code: "MEDIA-TYPE-UNSUPPORTED", title: "Unsupported media type",
                    detail: "content type '\(base)' is not accepted: send the document as application/xml (CDA), "
                        + "text/plain (HPRIM) or text/csv with ?profile=NAME (LGC export)")
            }
        }
        guard !submission.bytes.isEmpty else {
            throw APIProblem.badRequest("DOCUMENT-EMPTY", "the request body is empty")
        }
        var profile: ExportProfile?
        if let name = submission.profileName {
            guard let found = profiles[name] else {
                throw APIProblem.badRequest("PROFILE-UNKNOWN",
                    "no export profile named '\(name)' (configured: \(profiles.keys.sorted().joined(separator: ", ")))")
            }
            profile = found
        }
        if DocumentSource.detect(submission.bytes, hasProfile: profile != nil) == .unknown {
            throw APIProblem(.unsupportedMediaType, code: "FORMAT-UNKNOWN", title: "Unknown document format",
                detail: "the body is not CDA, HPRIM Santé or HPRIM Net; for a CSV or fixed-width export pass ?profile=NAME")
        }
        return profile
    }

    /// Runs the pipeline on an admitted submission (waiting for a slot unless `patient` is false and
    /// the service is saturated) and maps the outcome to an HTTP status and body, or a problem.
    func ingest(_ submission: Submission, profile: ExportProfile?, waitForSlot: Bool = false) async throws -> (HTTPResponse.Status, IngestResponse) {
        var settings = pipeline
        settings.profile = profile
        let configuration = settings
        let sink = StoreSink(store: store, actor: submission.actor, run: nil)
        let envelope = Envelope(sourceName: submission.sourceName, bytes: submission.bytes)
        let clock = ContinuousClock()
        let start = clock.now
        let results = try await gate.withSlot(waiting: waitForSlot) {
            try await IngestPipeline(configuration: configuration, sink: sink).process(envelope)
        }
        metrics.store(operation: "ingest", duration: start.duration(to: clock.now))
        for result in results {
            metrics.document(outcome: result.outcome.kind)
            if let decision = result.identity?.decision { metrics.identity(decision: decision) }
        }
        return try Self.answer(results)
    }

    /// The status and body for pipeline results, or the problem (`409`, `422`).
    static func answer(_ results: [DocumentResult]) throws(APIProblem) -> (HTTPResponse.Status, IngestResponse) {
        let parts = results.map(IngestedPart.init)
        let kinds = Set(parts.map(\.outcome))
        let accepted = kinds.contains("stored") || kinds.contains("new-version") || kinds.contains("stored-superseded")
        let first = parts.first { $0.documentId != nil } ?? parts.first
        let response = IngestResponse(
            outcome: accepted ? "stored" : "duplicate", documentId: first?.documentId, patientId: first?.patientId,
            decision: first?.decision, documents: parts)
        if accepted { return (.created, response) }
        if !parts.isEmpty && kinds.isSubset(of: ["duplicate"]) { return (.ok, response) }
        if kinds.contains("quarantined") || kinds.contains("failed") || parts.isEmpty {
            let rejected = parts.first { $0.outcome == "quarantined" || $0.outcome == "failed" }
            var problem = APIProblem(.unprocessableContent, code: "DOCUMENT-REJECTED", title: "Document rejected",
                detail: rejected?.reason ?? "the input was rejected")
            problem.quarantineID = rejected?.quarantineId
            problem.diagnostics = rejected?.diagnostics
            if parts.count > 1 { problem.documents = parts }
            throw problem
        }
        let conflict = parts.first { $0.outcome == "conflict" }
        var problem = APIProblem(.conflict, code: "DOCUMENT-CONFLICT", title: "Document id conflict",
            detail: "a document with the same id and other bytes is already stored; nothing was changed")
        problem.documentID = conflict?.documentId
        if parts.count > 1 { problem.documents = parts }
        throw problem
    }

    /// Re-runs the pipeline on a quarantined input's original bytes; the item becomes `retried`
    /// on success and stays open (no new item) on failure.
    func retryQuarantine(_ id: QuarantineID, profileName: String?, actor: String) async throws -> (HTTPResponse.Status, IngestResponse) {
        guard let item = try await store.quarantineItem(id), let bytes = try await store.quarantineBytes(id) else {
            throw APIProblem.notFound("quarantine item", id.description)
        }
        guard item.state == .open else {
            throw APIProblem(.conflict, code: "QUARANTINE-NOT-OPEN", title: "Quarantine item not open",
                detail: "quarantine item \(id) is \(item.state.rawValue)")
        }
        var profile: ExportProfile?
        if let profileName {
            guard let found = profiles[profileName] else {
                throw APIProblem.badRequest("PROFILE-UNKNOWN", "no export profile named '\(profileName)'")
            }
            profile = found
        }
        var settings = pipeline
        settings.profile = profile
        let configuration = settings
        let sink = StoreSink(store: store, actor: actor, run: nil, quarantines: false)
        let results = try await gate.withSlot(waiting: false) {
            try await IngestPipeline(configuration: configuration, sink: sink)
                .process(Envelope(sourceName: item.sourceName, bytes: bytes, receivedAt: item.receivedAt))
        }
        let documents = results.compactMap { result -> DocumentID? in
            switch result.outcome {
            case .stored(let id), .duplicate(let id), .newVersion(let id, _), .storedSuperseded(let id, _): Int64(id).map(DocumentID.init(rawValue:))
            default: nil
            }
        }
        if let document = documents.first, !results.contains(where: { $0.outcome.isError }) {
            try await store.markQuarantineRetried(id, document: document, actor: actor)
            for result in results { metrics.document(outcome: result.outcome.kind) }
            let parts = results.map(IngestedPart.init)
            return (.ok, IngestResponse(outcome: "retried", documentId: document.description, patientId: parts.first?.patientId,
                decision: parts.first?.decision, documents: parts))
        }
        let failed = results.first { $0.outcome.isError }
        var problem = APIProblem(.unprocessableContent, code: "RETRY-FAILED", title: "Retry failed",
            detail: "quarantine item \(id) still fails: \(failed.map { IngestedPart($0).reason ?? $0.outcome.kind } ?? "no document read")")
        problem.quarantineID = id.description
        problem.diagnostics = failed?.diagnostics
        throw problem
    }

    /// The patient a document belongs to now (follows merges).
    func canonicalPatient(_ patient: PatientID?) async throws -> PatientID? {
        guard var current = patient else { return nil }
        for _ in 0..<32 {
            guard let detail = try await store.patient(current), let next = detail.mergedInto, next != current else { return current }
            current = next
        }
        return current
    }
}
