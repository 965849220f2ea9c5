import Foundation
import PasserelleModel

/// One delimited record scanned but not yet mapped.
struct PendingRecord: Sendable {
    var span: RecordSpan
    /// Index of the record's first field in the batch's span storage (`FlatExportParser.batchFields`).
    var firstField: Int
    var fieldCount: Int
    var record: Int
    var lines: ClosedRange<Int>
    var errors: [Diagnostic]
    var warnings: [Diagnostic]
}

/// Work queued in source order: records to map, or outputs already final (file-level diagnostics).
enum BatchItem: Sendable {
    case record(PendingRecord)
    case output(FlatOutput)
}

extension FlatExportParser {
    /// Records per batch: bounded so that memory stays flat. Small enough that the outputs of
    /// the batches in flight (emitted, being released, mapped, queued) fit in the cores' caches:
    /// the allocator then hands the worker memory it touched recently (with larger batches,
    /// cache misses in `malloc` reading freed blocks cost two threads more CPU). With two
    /// batches in flight (`BatchWorkers.depth`), 512 measured best: 2,048 and 1,024 gave 19 % and
    /// 11 % fewer rows per second, 256 alike.
    static let batchSize = 512
    /// Records per unit of parallel work inside a batch.
    static let chunkSize = 64
    /// Most worker threads per parser, whatever `jobs` asks.
    static let maxWorkers = 64

    /// Whether records can be mapped in parallel: one row per document, no preview.
    var batching: Bool {
        guard scanner != nil, mapper != nil, previewLimit == 0, case .row = profile.grouping else { return false }
        return true
    }

    /// Sends the queued records to be mapped and built, then emits the batch sent before, in
    /// source order. With worker threads (`jobs` > 1) the new batch queues behind the one being
    /// mapped, so the workers go from one to the other without waiting, while this thread emits
    /// the one before and scans the next; with one job it is mapped here and emitted at once.
    /// Every batch sent must be finished (`drainBatches`) while `bytes`, the buffer its spans
    /// point into, is alive.
    mutating func dispatchBatch(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (FlatOutput) throws -> Void) throws {
        guard !batch.isEmpty, let mapper, let builder else { return }
        let threads = min(jobs, Self.maxWorkers)
        let parallel = threads > 1 && batch.count >= 2 * Self.chunkSize
        if parallel, workers?.count != threads {
            try finishInFlight(emit)
            workers = BatchWorkers(count: threads)
            workerTools = (0..<threads).map { _ in WorkerTools(mapper: mapper, builder: builder, decoder: decoder) }
        }
        // The queued arrays are handed over whole (no copy of the records); the next batch
        // starts in fresh ones.
        var items: [BatchItem] = []
        items.reserveCapacity(Self.batchSize)
        swap(&items, &batch)
        var fields: [FieldSpan] = []
        fields.reserveCapacity(batchFields.capacity)
        swap(&fields, &batchFields)
        let run = BatchRun(items: items, fields: fields)
        let context = RecordWork(
            buffer: bytes, fields: UnsafeBufferPointer(start: nil, count: 0), mapper: mapper, builder: builder, decoder: decoder,
            sourceName: sourceName, escape: scanner?.escape ?? .doubled, quote: scanner?.quote)
        // Small chunks handed out dynamically: when the machine is busy and one worker is
        // descheduled, the others take the remaining chunks instead of waiting for it.
        let chunks = parallel ? (run.items.count + Self.chunkSize - 1) / Self.chunkSize : 1
        let job = BatchJob(
            run: run, context: context, workerTools: parallel ? workerTools : [], perChunk: (run.items.count + chunks - 1) / chunks,
            chunkCount: chunks)
        if parallel, let workers {
            // Sent before the previous batch is done (at most two in flight): `BatchWorkers.Slot`
            // relies on the batch before the previous one having been emitted by now.
            run.generation = workers.start(job)
            let previous = inFlight
            inFlight = run
            if let previous {
                workers.wait(previous.generation)
                try emitBatch(previous, emit)
            }
        } else {
            try finishInFlight(emit)
            job.runAll(worker: Int(BatchJob.noWorker))
            try emitBatch(run, emit)
        }
    }

    /// Sends what is queued and emits every batch sent.
    mutating func drainBatches(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (FlatOutput) throws -> Void) throws {
        try dispatchBatch(bytes, emit)
        try finishInFlight(emit)
    }

    /// Waits for the batch the workers are mapping, if any, and emits it.
    mutating func finishInFlight(_ emit: (FlatOutput) throws -> Void) throws {
        guard let run = inFlight else { return }
        workers?.wait(run.generation)
        inFlight = nil
        try emitBatch(run, emit)
    }

    /// Waits for the workers without emitting (the source is abandoned after an error).
    mutating func abandonInFlight() {
        guard inFlight != nil else { return }
        workers?.waitAll()
        inFlight = nil
    }

    /// Counts and emits a mapped batch in source order, and hands each output back to the worker
    /// that built it (see `BatchWorkers`).
    private mutating func emitBatch(_ run: BatchRun, _ emit: (FlatOutput) throws -> Void) throws {
        guard let base = run.outputs.baseAddress else { return }
        for index in run.outputs.indices {
            // Moved out, not copied: a copy would retain the document's storage, diagnostics and
            // bytes, objects another thread just wrote, and release them again.
            guard let output = (base + index).move() else {
                (base + index).initialize(to: nil)
                continue
            }
            (base + index).initialize(to: nil)
            summary.tally(output)
            try emit(output)
            let producer = run.producers[index]
            if producer != BatchJob.noWorker, let workers {
                workers.retire(output, builtBy: Int(producer), generation: run.generation)
            }
        }
    }
}

extension FlatReadSummary {
    /// Counts an output of a batch (its records were counted when scanned).
    mutating func tally(_ output: borrowing FlatOutput) {
        switch output {
        case .document(let document):
            documents += 1
            if !document.diagnostics.isEmpty { count(document.diagnostics) }
        case .rejected(let record):
            rejected += 1
            rejectedRecords += 1
            count(record.diagnostics)
        case .diagnostic:
            break
        }
    }
}

/// A batch of records on its way through the workers: owns the records, their field spans and
/// the outputs (at fixed addresses, written by the workers at disjoint indices) until emitted.
final class BatchRun: @unchecked Sendable {
    // The workers write `outputs` and `producers` during the job; the parser reads them after `wait`.
    /// The records, read-only once the run exists.
    let items: [BatchItem]
    /// Field spans of the records (`PendingRecord.firstField`), read-only once the run exists.
    let fields: [FieldSpan]
    let outputs: UnsafeMutableBufferPointer<FlatOutput?>
    /// Per output, the worker that built it (`BatchJob.noWorker`: the parser's thread, or none).
    let producers: UnsafeMutableBufferPointer<UInt8>
    /// The workers' generation of the job (see `BatchWorkers.retire`).
    var generation = 0

    init(items: [BatchItem], fields: [FieldSpan]) {
        self.items = items
        self.fields = fields
        outputs = .allocate(capacity: items.count)
        outputs.initialize(repeating: nil)
        producers = .allocate(capacity: items.count)
        producers.initialize(repeating: BatchJob.noWorker)
    }

    deinit {
        outputs.deinitialize().deallocate()
        producers.deallocate()
    }
}

/// One batch split into chunks; the worker running a chunk writes only that chunk's slice of
/// the run's `outputs` and `producers`.
struct BatchJob: ChunkedJob, @unchecked Sendable {
    /// `producers` value of outputs built on the parser's thread (or not built: final outputs).
    static let noWorker: UInt8 = .max
    let run: BatchRun
    let context: RecordWork
    /// Each worker's own tools; empty: use `context`'s.
    let workerTools: [WorkerTools]
    let perChunk: Int
    /// Chunks of `perChunk` records (the last one may be shorter).
    let chunkCount: Int

    /// Runs every chunk on the calling thread, noting `worker` as the producer of what it builds.
    func runAll(worker: Int) {
        for chunk in 0..<chunkCount { run(chunk: chunk, worker: UInt8(truncatingIfNeeded: worker)) }
    }

    /// Maps the records of `chunk`; writes only that chunk's slice of the run's outputs.
    func run(chunk: Int, worker: UInt8) {
        let outputs = run.outputs, producers = run.producers
        let start = chunk * perChunk
        let end = min(run.items.count, start + perChunk)
        guard start < end else { return }
        run.items.withUnsafeBufferPointer { items in
            run.fields.withUnsafeBufferPointer { fields in
                var context = context
                context.fields = fields
                if Int(worker) < workerTools.count { workerTools[Int(worker)].install(in: &context) }
                // Per chunk, over consecutive records of this batch's buffer: reuse of the previous row's values and patient.
                var rowCache = RowCache(enabled: true)
                var patientCache = DocumentBuilder.PatientCache()
                for index in start..<end {
                    switch items[index] {
                    case .output(let output): outputs[index] = output
                    case .record(let pending):
                        outputs[index] = context.output(for: pending, rowCache: &rowCache, patientCache: &patientCache)
                        producers[index] = worker
                    }
                }
            }
        }
    }
}

/// One worker's own copies of what maps a record (see `RowMapper.forWorker`): nothing it retains
/// for every row is shared with another worker.
struct WorkerTools: Sendable {
    let mapper: RowMapper
    let builder: DocumentBuilder
    let decoder: TextDecoder

    /// Copies of the parser's tools for one worker.
    init(mapper: RowMapper, builder: DocumentBuilder, decoder: TextDecoder) {
        self.mapper = mapper.forWorker()
        self.builder = builder.forWorker()
        self.decoder = decoder.forWorker()
    }

    /// Makes `context` use these tools.
    func install(in context: inout RecordWork) {
        context.mapper = mapper
        context.builder = builder
        context.decoder = decoder
    }
}

/// Everything needed to turn one pending record into an output, shared read-only by the workers.
struct RecordWork: @unchecked Sendable {
    // The buffers are only read, and outlive the batch's mapping (see `dispatchBatch` and `drainBatches`).
    let buffer: UnsafeBufferPointer<UInt8>
    /// Field spans of the batch (set per chunk, while the run's array is borrowed).
    var fields: UnsafeBufferPointer<FieldSpan>
    var mapper: RowMapper
    var builder: DocumentBuilder
    var decoder: TextDecoder
    let sourceName: String
    let escape: EscapeStyle
    let quote: UInt8?

    func output(
        for pending: PendingRecord, rowCache: inout RowCache, patientCache: inout DocumentBuilder.PatientCache
    ) -> FlatOutput {
        let columns = DelimitedColumns(
            buffer: buffer, fields: UnsafeBufferPointer(rebasing: fields[pending.firstField..<pending.firstField + pending.fieldCount]),
            recordStart: pending.span.start, recordNumber: pending.record,
            line: pending.lines.lowerBound, decoder: decoder, escape: escape, quote: quote)
        let mapped = mapper.mapRow(
            columns, record: pending.record, firstLine: pending.lines.lowerBound, lastLine: pending.lines.upperBound, warnings: [],
            cache: &rowCache)
        if rowCache.patientChanged { patientCache.valid = false }
        let errors = pending.errors.isEmpty ? mapped.errors : pending.errors + mapped.errors
        let warnings = pending.warnings.isEmpty ? mapped.warnings : pending.warnings + mapped.warnings
        let slice = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[pending.span.start..<pending.span.next]))
        let digest = Hashing.sha256(slice)
        guard errors.isEmpty else {
            return .rejected(RejectedRecord(
                sourceName: sourceName, records: pending.record...pending.record, lines: pending.lines,
                originalBytes: Data(slice), sha256: digest.hex, diagnostics: errors + warnings))
        }
        return .document(FlatDocument(
            diagnostics: warnings, originalBytes: slice, lines: pending.lines, prototype: builder.emptyDocument
        ) { document in
            builder.fill(&document, CollectionOfOne(rowCache.row), size: slice.count, sha256: digest, patientCache: &patientCache)
        })
    }
}
