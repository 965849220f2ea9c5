import Foundation
public import PasserelleFlat
import PasserelleModel
import PasserelleStore
public import PasserelleValidation

/// What the pipeline reads and validates.
public struct PipelineConfiguration: Sendable {
    /// The validation level for CDA: `DocumentValidator(rules: .none)` without a schema checks
    /// well-formedness and the safety limits only; `rules` adds the CI-SIS header rules;
    /// `schema` adds XSD. A document with an error at the chosen level is rejected.
    public var validator: DocumentValidator
    /// Profile for CSV / fixed-width exports (CDA and HPRIM are recognised without one).
    public var profile: ExportProfile?
    /// Inputs parsed and validated at the same time (the CPU-bound stage of ``IngestPipeline/run(_:observe:)``).
    public var jobs: Int
    /// Inputs in flight at most in ``IngestPipeline/run(_:observe:)``: parsing, waiting for the
    /// sink (the store's single writer) or being written. Default `16 × jobs`, at least 64: the
    /// SQLite writer takes the documents queued for it in one transaction (up to 32) and they
    /// all wait for its commit, so the window must hold a group and keep the parse workers
    /// busy meanwhile (at 8, the workers were idle a quarter of the time).
    public var queueDepth: Int
    /// Bytes of inputs in flight at most (a bound on memory whatever the archive size; one
    /// input larger than this is still read, alone). Default 64 MiB.
    public var maxBytesInFlight: Int

    /// Creates a configuration.
    public init(
        validator: DocumentValidator = DocumentValidator(rules: .auto), profile: ExportProfile? = nil, jobs: Int = 2,
        queueDepth: Int? = nil, maxBytesInFlight: Int = 64 << 20
    ) {
        self.validator = validator
        self.profile = profile
        self.jobs = max(1, jobs)
        self.queueDepth = max(self.jobs, queueDepth ?? max(64, 16 * self.jobs))
        self.maxBytesInFlight = max(1, maxBytesInFlight)
    }
}

/// Envelope → detect format → parse → validate → sink (store or files), one document at a time.
///
/// Each document is handed to the sink on its own (for the store: one transaction per
/// document, identity resolved inside it). A document that cannot be read, or fails the chosen
/// validation level, is rejected with its reasons and exact bytes, and the run goes on.
public struct IngestPipeline<Sink: DocumentSink>: Sendable {
    /// Settings.
    public var configuration: PipelineConfiguration
    /// Destination.
    public var sink: Sink

    /// Creates a pipeline.
    public init(configuration: PipelineConfiguration, sink: Sink) {
        self.configuration = configuration
        self.sink = sink
    }

    /// Reads one envelope and hands every document or rejected part to the sink, in source order.
    public func process(_ envelope: Envelope) async throws -> [DocumentResult] {
        try await process(envelope, parsing: nil)
    }

    /// `process`, with the parse stage gated by `parsing` (at most `jobs` inputs parsed at once).
    func process(_ envelope: Envelope, parsing: AsyncSemaphore?) async throws -> [DocumentResult] {
        if let previous = try await sink.previousOutcome(source: envelope.sourceName, sha256: envelope.sha256) {
            return [DocumentResult(source: envelope.sourceName, name: envelope.sourceName, sha256: envelope.sha256,
                size: envelope.bytes.count, outcome: .resumed(previous: previous))]
        }
        await parsing?.wait()
        let read = DocumentSource.readDocuments(
            bytes: envelope.bytes, sourceName: envelope.sourceName, profile: configuration.profile,
            validator: configuration.validator, receivedAt: envelope.receivedAt, sha256: envelope.sha256)
        parsing?.signal()
        guard !read.documents.isEmpty else {
            let rejection = Rejection(
                source: envelope.sourceName, name: envelope.sourceName, bytes: envelope.bytes, sha256: envelope.sha256,
                reason: Rejection.reason(for: read.diagnostics), diagnostics: read.diagnostics, receivedAt: envelope.receivedAt)
            return [try await sink.reject(rejection)]
        }
        let multiPart = read.documents.count > 1 || read.documents.contains { $0.records != nil }
        var results: [DocumentResult] = []
        results.reserveCapacity(read.documents.count)
        for (index, part) in read.documents.enumerated() {
            let source = Self.sourceKey(part, multiPart: multiPart)
            if multiPart, let previous = try await sink.previousOutcome(source: source, sha256: part.sha256) {
                results.append(DocumentResult(source: source, name: part.name, sha256: part.sha256, size: part.originalBytes.count,
                    outcome: .resumed(previous: previous)))
                continue
            }
            // File-level errors (a fatal export header...) reject every part; notes go with the first.
            let fileLevel = index == 0 ? read.diagnostics : read.diagnostics.filter { $0.severity == .error }
            if part.passed && !fileLevel.containsErrors {
                var result = try await sink.accept(part, source: source, receivedAt: envelope.receivedAt)
                result.diagnostics = fileLevel + result.diagnostics
                results.append(result)
            } else {
                let diagnostics = fileLevel + part.diagnostics
                results.append(try await sink.reject(Rejection(
                    source: source, name: part.name, bytes: part.originalBytes, sha256: part.sha256,
                    reason: Rejection.reason(for: diagnostics), diagnostics: diagnostics, receivedAt: envelope.receivedAt)))
            }
        }
        if multiPart {
            try await sink.sourceComplete(source: envelope.sourceName, sha256: envelope.sha256, parts: results.count)
        }
        return results
    }

    /// Runs every input: the inputs are read one at a time (lazily), at most `jobs` of them are
    /// parsed and validated at once, and the sink takes their documents as they come (the store
    /// serializes its writes, each document atomic). At most `queueDepth` inputs and
    /// `maxBytesInFlight` bytes are in flight (bounded memory and backpressure: reading waits
    /// for the slowest stage). `observe` is called (serially, in completion order) with each
    /// input's results and its size in bytes, after the sink has taken them (for the store:
    /// committed).
    public func run(
        _ inputs: InputSource, observe: ([DocumentResult], Int) -> Void = { _, _ in }
    ) async throws -> PipelineSummary {
        let clock = ContinuousClock()
        let start = clock.now
        var summary = PipelineSummary()
        var iterator = inputs.makeIterator()
        let parsing = AsyncSemaphore(value: configuration.jobs)
        try await withThrowingTaskGroup(of: ([DocumentResult], Int).self) { group in
            var inFlight = 0
            var bytesInFlight = 0
            func absorb(_ finished: ([DocumentResult], Int)) {
                inFlight -= 1
                bytesInFlight -= finished.1
                summary.inputs += 1
                summary.bytes += finished.1
                finished.0.forEach { summary.add($0) }
                observe(finished.0, finished.1)
            }
            while let event = iterator.next() {
                let size = event.size
                while inFlight > 0, inFlight >= configuration.queueDepth || bytesInFlight + size > configuration.maxBytesInFlight,
                    let finished = try await group.next()
                {
                    absorb(finished)
                }
                switch event {
                case .envelope(let envelope):
                    group.addTask { (try await self.process(envelope, parsing: parsing), envelope.bytes.count) }
                case .unreadable(let source, let reason):
                    group.addTask { ([try await self.sink.unreadable(source: source, reason: reason)], 0) }
                }
                inFlight += 1
                bytesInFlight += size
            }
            while let finished = try await group.next() { absorb(finished) }
        }
        let elapsed = start.duration(to: clock.now)
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// The journal key of one part: the source for a whole-file document, `source#records a-b`
    /// for one document of a multi-document input.
    static func sourceKey(_ part: ReadDocument, multiPart: Bool) -> String {
        guard multiPart else { return part.sourceName }
        guard let records = part.records else { return part.sourceName + "#sha256:" + part.sha256 }
        return part.sourceName + "#records \(records.lowerBound)-\(records.upperBound)"
    }
}

extension InputEvent {
    /// The bytes this event holds in memory.
    var size: Int {
        switch self {
        case .envelope(let envelope): envelope.bytes.count
        case .unreadable: 0
        }
    }
}
