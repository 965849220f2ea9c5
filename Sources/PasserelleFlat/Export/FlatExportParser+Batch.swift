import Dispatch
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
    /// Records per batch: bounded so that memory stays flat.
    static let batchSize = 2048
    /// Records per unit of parallel work inside a batch.
    static let chunkSize = 64

    /// Whether records can be mapped in parallel: one row per document, no preview.
    var batching: Bool {
        guard scanner != nil, mapper != nil, previewLimit == 0, case .row = profile.grouping else { return false }
        return true
    }

    /// Maps and builds the queued records on the available cores, then emits in source order.
    /// Must run while `bytes` (the buffer the spans point into) is alive.
    ///
    /// The outputs of the previous batch are released by the workers of this one, in parallel:
    /// when the consumer keeps nothing, freeing the documents would otherwise be serial work.
    mutating func runBatch(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (FlatOutput) throws -> Void) throws {
        guard !batch.isEmpty, let mapper, let builder else { return }
        var items: [BatchItem] = []
        swap(&items, &batch)
        var spans: [FieldSpan] = []
        swap(&spans, &batchFields)
        var outputs = [FlatOutput?](repeating: nil, count: items.count)
        var retiring: [FlatOutput?] = []
        swap(&retiring, &retired)
        // Small chunks handed out dynamically to `jobs` threads: when the machine is busy and one
        // thread is descheduled, the others take the remaining chunks instead of waiting for its half.
        let workers = max(1, jobs)
        let chunks = workers == 1 || items.count < 2 * Self.chunkSize ? 1 : (items.count + Self.chunkSize - 1) / Self.chunkSize
        items.withUnsafeBufferPointer { items in
            spans.withUnsafeBufferPointer { spans in
                outputs.withUnsafeMutableBufferPointer { outputs in
                    retiring.withUnsafeMutableBufferPointer { retiring in
                        let context = RecordWork(
                            buffer: bytes, fields: spans, mapper: mapper, builder: builder, decoder: decoder,
                            sourceName: sourceName, escape: scanner?.escape ?? .doubled, quote: scanner?.quote)
                        let job = BatchJob(
                            items: items, outputs: outputs, retiring: retiring, context: context,
                            perChunk: (items.count + chunks - 1) / chunks, chunks: chunks)
                        if chunks == 1 {
                            job.run(chunk: 0)
                        } else {
                            let counter = ChunkCounter(limit: chunks)
                            DispatchQueue.concurrentPerform(iterations: min(workers, chunks)) { _ in
                                while let chunk = counter.next() { job.run(chunk: chunk) }
                            }
                        }
                    }
                }
            }
        }
        retiring.removeAll(keepingCapacity: true)
        for output in outputs {
            guard let output else { continue }
            switch output {
            case .document(let document):
                summary.documents += 1
                if !document.diagnostics.isEmpty { summary.count(document.diagnostics) }
            case .rejected(let record):
                summary.rejected += 1
                summary.rejectedRecords += 1
                summary.count(record.diagnostics)
            case .diagnostic:
                break
            }
            try emit(output)
        }
        // Keep this batch's outputs for the next batch's workers to release; reuse the storage.
        retired = outputs
        items.removeAll(keepingCapacity: true)
        swap(&items, &batch)
        spans.removeAll(keepingCapacity: true)
        swap(&spans, &batchFields)
    }
}

/// Hands out chunk numbers `0..<limit` once each, to whichever worker asks first.
final class ChunkCounter: @unchecked Sendable {
    // `value` is only read and written under `lock`.
    private let lock = NSLock()
    private var value = 0
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The next chunk number, or `nil` when all were handed out.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// One batch split into chunks; the worker running a chunk writes only that chunk's slice of
/// `outputs`, and releases its share of `retiring` (the previous batch's outputs).
struct BatchJob: @unchecked Sendable {
    // `outputs` and `retiring` are written at disjoint indices by the workers and read after they all finished.
    let items: UnsafeBufferPointer<BatchItem>
    let outputs: UnsafeMutableBufferPointer<FlatOutput?>
    let retiring: UnsafeMutableBufferPointer<FlatOutput?>
    let context: RecordWork
    let perChunk: Int
    let chunks: Int

    func run(chunk: Int) {
        let retireEach = (retiring.count + chunks - 1) / chunks
        let retireStart = min(retiring.count, chunk * retireEach)
        for index in retireStart..<min(retiring.count, retireStart + retireEach) { retiring[index] = nil }
        let start = chunk * perChunk
        let end = min(items.count, start + perChunk)
        guard start < end else { return }
        // Per chunk, over consecutive records of this batch's buffer: reuse of the previous row's values and patient.
        var rowCache = RowCache(enabled: true)
        var patientCache = DocumentBuilder.PatientCache()
        for index in start..<end {
            switch items[index] {
            case .output(let output): outputs[index] = output
            case .record(let pending):
                outputs[index] = context.output(for: pending, rowCache: &rowCache, patientCache: &patientCache)
            }
        }
    }
}

/// Everything needed to turn one pending record into an output, shared read-only by the workers.
struct RecordWork: @unchecked Sendable {
    // The buffers are only read, and outlive the parallel section (see `runBatch`).
    let buffer: UnsafeBufferPointer<UInt8>
    let fields: UnsafeBufferPointer<FieldSpan>
    let mapper: RowMapper
    let builder: DocumentBuilder
    let decoder: TextDecoder
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
        let sha = Hashing.sha256Hex(slice)
        guard errors.isEmpty else {
            return .rejected(RejectedRecord(
                sourceName: sourceName, records: pending.record...pending.record, lines: pending.lines,
                originalBytes: Data(slice), sha256: sha, diagnostics: errors + warnings))
        }
        return .document(FlatDocument(
            diagnostics: warnings, originalBytes: Data(slice), lines: pending.lines, prototype: builder.emptyDocument
        ) { document in
            builder.fill(&document, CollectionOfOne(rowCache.row), size: slice.count, sha256: sha, patientCache: &patientCache)
        })
    }
}
