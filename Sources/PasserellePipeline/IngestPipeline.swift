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

    /// Reads one envelope and hands every document or rejected part to the sink; returns their
    /// results in source order.
    public func process(_ envelope: Envelope) async throws -> [DocumentResult] {
        let collector = ResultCollector()
        try await process(envelope, parsing: nil, delivery: .collect(collector))
        return collector.ordered()
    }

    /// `process`, with the parse stage gated by `parsing` (at most `jobs` inputs parsed at once);
    /// results go to `delivery`.
    func process(_ envelope: Envelope, parsing: AsyncSemaphore?, delivery: Delivery) async throws {
        let size = envelope.bytes.count
        if let previous = try await sink.previousOutcome(source: envelope.sourceName, sha256: envelope.sha256) {
            delivery.finish([(0, DocumentResult(source: envelope.sourceName, name: envelope.sourceName, sha256: envelope.sha256,
                size: size, outcome: .resumed(previous: previous)))], bytes: size)
            return
        }
        let whole = WholeInput.envelope(envelope)
        if let profile = configuration.profile, DocumentSource.detect(envelope.bytes, hasProfile: true) == .flatExport {
            // A flat export is read row by row on a thread of its own while the sink takes the
            // documents already read: memory holds a bounded window of them, not the whole file's.
            try await deliverStreamed(whole, sha256: envelope.sha256, parsing: parsing, delivery: delivery) { emit in
                _ = try DocumentSource.streamFlatExport(
                    bytes: envelope.bytes, sourceName: envelope.sourceName, profile: profile, receivedAt: envelope.receivedAt,
                    jobs: 1, emit)
            }
            return
        }
        await parsing?.wait()
        let read = DocumentSource.readDocuments(
            bytes: envelope.bytes, sourceName: envelope.sourceName, profile: configuration.profile,
            validator: configuration.validator, receivedAt: envelope.receivedAt, sha256: envelope.sha256)
        parsing?.signal()
        let parts = PartChannel<StreamedPart>(capacity: read.diagnostics.count + read.documents.count)
        try read.diagnostics.forEach { try parts.send(.fileDiagnostic($0)) }
        try read.documents.forEach { try parts.send(.document($0)) }
        parts.finish()
        let multiPart = read.documents.count > 1 || read.documents.contains { $0.records != nil }
        let delivered = try await deliver(parts, of: whole, multiPart: multiPart, delivery: delivery)
        try await conclude(whole, sha256: envelope.sha256, delivered: delivered, multiPart: multiPart, delivery: delivery)
    }

    /// Streams a file or archive member too large to hold in memory: a flat export is read row by
    /// row from its file or inflated piece by piece (hashed first, so that a resumed run can skip
    /// it whole); anything else is refused.
    func process(_ file: LargeFile, parsing: AsyncSemaphore?, delivery: Delivery) async throws {
        let whole = WholeInput.file(file)
        func refuse(_ reason: String) async throws {
            delivery.finish([(0, try await sink.unreadable(source: file.name, reason: reason))], bytes: 0)
        }
        let tooLarge = "[INPUT-TOO-LARGE] \(file.size) bytes, above the limit of \(file.limit) "
            + "(only CSV and fixed-width exports read through a profile are streamed)"
        guard let profile = configuration.profile else { return try await refuse(tooLarge) }
        let sha256: String
        do {
            let prefix = try await BackgroundThread.run(name: "passerelle-detect") { try file.prefix(1 << 20) }
            guard DocumentSource.detect(prefix, hasProfile: true) == .flatExport else { return try await refuse(tooLarge) }
            sha256 = try await BackgroundThread.run(name: "passerelle-hash") { try file.sha256() }
        } catch let error as InflateError {
            return try await refuse(error.description)
        } catch {
            return try await refuse("[INPUT-IO] cannot read the file (\(error))")
        }
        if let previous = try await sink.previousOutcome(source: file.name, sha256: sha256) {
            delivery.finish([(0, DocumentResult(source: file.name, name: file.name, sha256: sha256, size: file.size,
                outcome: .resumed(previous: previous)))], bytes: file.size)
            return
        }
        try await deliverStreamed(whole, sha256: sha256, parsing: parsing, delivery: delivery) { emit in
            _ = try file.streamFlat(profile: profile, emit)
        }
    }

    /// Runs `produce` on a thread of its own (holding a parse permit while it reads) and hands
    /// what it reads to the sink as it comes; waits for the reader to stop in every case.
    private func deliverStreamed(
        _ whole: WholeInput, sha256: String, parsing: AsyncSemaphore?, delivery: Delivery,
        produce: @escaping @Sendable ((StreamedPart) throws -> Void) throws -> Void
    ) async throws {
        let parts = PartChannel<StreamedPart>(capacity: Self.streamWindow)
        await parsing?.wait()
        async let production: Void = BackgroundThread.run(name: "passerelle-read") {
            do {
                try produce { try parts.send($0) }
                parts.finish()
            } catch {
                parts.finish(throwing: error)
            }
        }
        let delivered: Delivered
        do {
            delivered = try await deliver(parts, of: whole, multiPart: true, delivery: delivery)
        } catch {
            parts.cancel()
            try? await production
            parsing?.signal()
            throw error
        }
        try? await production
        parsing?.signal()
        try await conclude(whole, sha256: sha256, delivered: delivered, multiPart: true, delivery: delivery)
    }

    /// Documents read ahead of the sink at most when an input is streamed, and results reported
    /// together. (Up to `queueDepth` parts are handed to the sink at once: the SQLite writer
    /// commits up to 32 together, and one part at a time would make each wait for its own commit.)
    static var streamWindow: Int { 256 }

    /// What ``deliver(_:of:multiPart:delivery:)`` saw.
    struct Delivered {
        /// Parts handed to the sink (resumed ones included).
        var parts = 0
        /// File-level diagnostics not attached to any part (all of them when there was none).
        var unattached: [Diagnostic] = []
        /// The reader's error, when it stopped before the end of the input.
        var failure: FlatReadError?
        /// Bytes of the parts already reported (the last report has the rest of the input's size).
        var bytesReported = 0
    }

    /// Hands every part in `parts` to the sink, up to `queueDepth` at once; results go to
    /// `delivery` in batches as they come. File-level notes go with the next part; file-level
    /// errors reject every part after them.
    private func deliver(
        _ parts: PartChannel<StreamedPart>, of whole: WholeInput, multiPart: Bool, delivery: Delivery
    ) async throws -> Delivered {
        var delivered = Delivered()
        var notes: [Diagnostic] = []
        var errors: [Diagnostic] = []
        let window = max(1, configuration.queueDepth)
        try await withThrowingTaskGroup(of: (Int, DocumentResult).self) { group in
            var inFlight = 0
            var done: [(Int, DocumentResult)] = []
            func report() {
                let bytes = done.reduce(0) { $0 + $1.1.size }
                delivered.bytesReported += bytes
                delivery.partial(done, bytes: bytes)
                done.removeAll(keepingCapacity: true)
            }
            func take(_ result: (Int, DocumentResult)) {
                inFlight -= 1
                done.append(result)
                if done.count >= Self.streamWindow { report() }
            }
            while true {
                let next: StreamedPart?
                do {
                    next = try await parts.next()
                } catch let failure as FlatReadError {
                    delivered.failure = failure
                    break
                }
                guard let next else { break }
                switch next {
                case .fileDiagnostic(let diagnostic):
                    if diagnostic.severity == .error { errors.append(diagnostic) } else { notes.append(diagnostic) }
                case .document(let part):
                    while inFlight >= window, let finished = try await group.next() { take(finished) }
                    let index = delivered.parts
                    delivered.parts += 1
                    let fileLevel = errors + notes
                    notes.removeAll()
                    group.addTask {
                        (index, try await self.handle(part, of: whole, multiPart: multiPart, fileLevel: fileLevel))
                    }
                    inFlight += 1
                }
            }
            while let finished = try await group.next() { take(finished) }
            if !done.isEmpty { report() }
        }
        delivered.unattached = delivered.parts == 0 ? errors + notes : notes
        return delivered
    }

    /// Hands one part to the sink: accepted when it passed and no file-level error stands,
    /// rejected (with its exact bytes and every reason) otherwise; skipped when an interrupted
    /// run already handled it.
    private func handle(_ part: ReadDocument, of whole: WholeInput, multiPart: Bool, fileLevel: [Diagnostic]) async throws -> DocumentResult {
        let source = Self.sourceKey(part, multiPart: multiPart)
        let receivedAt = whole.receivedAt
        if multiPart, let previous = try await sink.previousOutcome(part: source, of: whole.name, sha256: part.sha256) {
            return DocumentResult(source: source, name: part.name, sha256: part.sha256, size: part.originalBytes.count,
                outcome: .resumed(previous: previous))
        }
        if part.passed && !fileLevel.containsErrors {
            var result = try await sink.accept(part, source: source, receivedAt: receivedAt)
            result.diagnostics = fileLevel + result.diagnostics
            return result
        }
        let diagnostics = fileLevel + part.diagnostics
        return try await sink.reject(Rejection(
            source: source, name: part.name, bytes: part.originalBytes, sha256: part.sha256,
            reason: Rejection.reason(for: diagnostics), diagnostics: diagnostics, receivedAt: receivedAt))
    }

    /// Ends an input once its parts were handled: an input that gave no part at all is rejected
    /// whole (an envelope goes to quarantine with its bytes; a file too large to keep is
    /// reported unreadable); a reader that stopped half-way is reported, and the input is not
    /// marked complete so that a rerun reads the rest; otherwise a multi-part input is journaled
    /// as complete.
    private func conclude(_ whole: WholeInput, sha256: String, delivered: Delivered, multiPart: Bool, delivery: Delivery) async throws {
        var last: [(Int, DocumentResult)] = []
        let index = delivered.parts
        let failure = delivered.failure.map { [$0.diagnostic(file: whole.name)] } ?? []
        if delivered.parts == 0 {
            let diagnostics = delivered.unattached + failure
            switch whole {
            case .envelope(let envelope):
                last.append((index, try await sink.reject(Rejection(
                    source: envelope.sourceName, name: envelope.sourceName, bytes: envelope.bytes, sha256: sha256,
                    reason: Rejection.reason(for: diagnostics), diagnostics: diagnostics, receivedAt: envelope.receivedAt))))
            case .file(let file):
                let reason = diagnostics.containsErrors ? Rejection.reason(for: diagnostics) : "[INPUT-EMPTY] no row could be read"
                last.append((index, try await sink.unreadable(source: file.name, reason: reason)))
            }
        } else if let error = delivered.failure {
            let reason = "[\(error.code.rawValue)] \(error.message); the \(delivered.parts) documents read before were handled, "
                + "run the command again to read the rest"
            last.append((index, try await sink.unreadable(source: whole.name, reason: reason)))
        } else if case .file(let file) = whole, !file.isUnchanged() {
            let reason = "[INPUT-CHANGED] the file changed while it was read; the \(delivered.parts) documents read were handled, "
                + "run the command again once it is complete"
            last.append((index, try await sink.unreadable(source: file.name, reason: reason)))
        } else if multiPart {
            try await sink.sourceComplete(source: whole.name, sha256: sha256, parts: delivered.parts)
        }
        delivery.finish(last, bytes: max(0, whole.size - delivered.bytesReported))
    }

    /// Runs every input: the inputs are read one at a time (lazily), at most `jobs` of them are
    /// parsed and validated at once, and the sink takes their documents as they come (the store
    /// serializes its writes, each document atomic). At most `queueDepth` inputs and
    /// `maxBytesInFlight` bytes are in flight (bounded memory and backpressure: reading waits
    /// for the slowest stage). A flat export is streamed: its documents go to the sink as they
    /// are read, `queueDepth` at once, and a file of any size is read within bounded memory.
    /// `observe` is called serially (never twice at once), after the sink has taken the results
    /// it gets (for the store: committed): with each input's results, in batches for a
    /// multi-document input, the last one marked as finishing the input.
    public func run(
        _ inputs: InputSource, observe: @escaping @Sendable (PipelineProgress) -> Void = { _ in }
    ) async throws -> PipelineSummary {
        let clock = ContinuousClock()
        let start = clock.now
        let relay = ProgressRelay(observe)
        var iterator = inputs.makeIterator()
        let parsing = AsyncSemaphore(value: configuration.jobs)
        try await withThrowingTaskGroup(of: Int.self) { group in
            var inFlight = 0
            var bytesInFlight = 0
            while let event = iterator.next() {
                let size = event.size
                while inFlight > 0, inFlight >= configuration.queueDepth || bytesInFlight + size > configuration.maxBytesInFlight,
                    let finished = try await group.next()
                {
                    inFlight -= 1
                    bytesInFlight -= finished
                }
                let delivery = Delivery.report(relay)
                switch event {
                case .envelope(let envelope):
                    group.addTask {
                        try await self.process(envelope, parsing: parsing, delivery: delivery)
                        return size
                    }
                case .largeFile(let file):
                    group.addTask {
                        try await self.process(file, parsing: parsing, delivery: delivery)
                        return size
                    }
                case .unreadable(let source, let reason):
                    group.addTask {
                        delivery.finish([(0, try await self.sink.unreadable(source: source, reason: reason))], bytes: 0)
                        return size
                    }
                }
                inFlight += 1
                bytesInFlight += size
            }
            while try await group.next() != nil {}
        }
        var summary = relay.summary
        let elapsed = start.duration(to: clock.now)
        summary.seconds = elapsed.inSeconds
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
    /// The bytes this event holds in memory (a large file is read in chunks, its own bounded window).
    var size: Int {
        switch self {
        case .envelope(let envelope): envelope.bytes.count
        case .largeFile, .unreadable: 0
        }
    }
}

/// The whole input a part comes from.
enum WholeInput: Sendable {
    /// Read into memory.
    case envelope(Envelope)
    /// Read from its file as a stream.
    case file(LargeFile)

    var name: String {
        switch self {
        case .envelope(let envelope): envelope.sourceName
        case .file(let file): file.name
        }
    }

    var size: Int {
        switch self {
        case .envelope(let envelope): envelope.bytes.count
        case .file(let file): file.size
        }
    }

    var receivedAt: Date {
        switch self {
        case .envelope(let envelope): envelope.receivedAt
        case .file(let file): file.modified
        }
    }
}

/// What the pipeline reports as inputs are handled (see ``IngestPipeline/run(_:observe:)``).
public struct PipelineProgress: Sendable {
    /// Results handed to the sink since the last report for this input.
    public var results: [DocumentResult]
    /// Bytes of the input these results account for: the size of their parts, and on the
    /// input's last report the rest of its size (the reports of an input add up to its size).
    public var bytes: Int
    /// Whether this is the input's last report.
    public var finishesInput: Bool

    /// Creates a report.
    public init(results: [DocumentResult], bytes: Int, finishesInput: Bool) {
        self.results = results
        self.bytes = bytes
        self.finishesInput = finishesInput
    }
}

/// Totals the reports of a run and passes them on, one at a time.
final class ProgressRelay: @unchecked Sendable {
    private let mutex = NSLock()
    private let observe: @Sendable (PipelineProgress) -> Void
    private var total = PipelineSummary()

    init(_ observe: @escaping @Sendable (PipelineProgress) -> Void) { self.observe = observe }

    func report(_ progress: PipelineProgress) {
        mutex.lock()
        defer { mutex.unlock() }
        if progress.finishesInput { total.inputs += 1 }
        total.bytes += progress.bytes
        progress.results.forEach { total.add($0) }
        observe(progress)
    }

    var summary: PipelineSummary {
        mutex.lock()
        defer { mutex.unlock() }
        return total
    }
}

/// Results of ``IngestPipeline/process(_:)``, put back in source order at the end.
final class ResultCollector: @unchecked Sendable {
    private let mutex = NSLock()
    private var results: [(Int, DocumentResult)] = []

    func add(_ batch: [(Int, DocumentResult)]) {
        mutex.lock()
        results += batch
        mutex.unlock()
    }

    func ordered() -> [DocumentResult] {
        mutex.lock()
        defer { mutex.unlock() }
        return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// Where the results of one input go: reported as they come (a run) or collected (one envelope).
enum Delivery: Sendable {
    case report(ProgressRelay)
    case collect(ResultCollector)

    /// Results of parts handled, numbered in source order, and the bytes of their parts.
    func partial(_ results: [(Int, DocumentResult)], bytes: Int) {
        switch self {
        case .report(let relay):
            relay.report(PipelineProgress(results: results.sorted { $0.0 < $1.0 }.map(\.1), bytes: bytes, finishesInput: false))
        case .collect(let collector): collector.add(results)
        }
    }

    /// The input's last results; it is done.
    func finish(_ results: [(Int, DocumentResult)], bytes: Int) {
        switch self {
        case .report(let relay):
            relay.report(PipelineProgress(results: results.map(\.1), bytes: bytes, finishesInput: true))
        case .collect(let collector): collector.add(results)
        }
    }
}
