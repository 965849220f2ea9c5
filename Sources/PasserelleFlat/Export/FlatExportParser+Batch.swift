import Dispatch
import Foundation
import PasserelleModel

/// One delimited record scanned but not yet mapped.
struct PendingRecord: Sendable {
    var span: RecordSpan
    var fields: [FieldSpan]
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

    /// Whether records can be mapped in parallel: one row per document, no preview.
    var batching: Bool {
        guard scanner != nil, mapper != nil, previewLimit == 0, case .row = profile.grouping else { return false }
        return true
    }

    /// Maps and builds the queued records on the available cores, then emits in source order.
    /// Must run while `bytes` (the buffer the spans point into) is alive.
    mutating func runBatch(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (FlatOutput) throws -> Void) throws {
        guard !batch.isEmpty, let mapper, let builder else { return }
        let items = batch
        batch.removeAll(keepingCapacity: true)
        let outputs = UnsafeMutableBufferPointer<FlatOutput?>.allocate(capacity: items.count)
        outputs.initialize(repeating: nil)
        defer {
            _ = outputs.deinitialize()
            outputs.deallocate()
        }
        let context = RecordWork(
            buffer: bytes, mapper: mapper, builder: builder, decoder: decoder, sourceName: sourceName,
            escape: scanner?.escape ?? .doubled, quote: scanner?.quote)
        let workers = min(max(1, ProcessInfo.processInfo.activeProcessorCount), 4, max(1, items.count / 64))
        let job = BatchJob(items: items, outputs: outputs, context: context, perWorker: (items.count + workers - 1) / workers)
        if workers == 1 {
            job.run(worker: 0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { job.run(worker: $0) }
        }
        for output in outputs {
            guard let output else { continue }
            switch output {
            case .document(let document):
                summary.documents += 1
                summary.count(document.diagnostics)
            case .rejected(let record):
                summary.rejected += 1
                summary.rejectedRecords += 1
                summary.count(record.diagnostics)
            case .diagnostic:
                break
            }
            try emit(output)
        }
    }
}

/// One batch split between workers; each worker writes only its own slice of `outputs`.
struct BatchJob: @unchecked Sendable {
    // `outputs` is written at disjoint indices by the workers and read after they all finished.
    let items: [BatchItem]
    let outputs: UnsafeMutableBufferPointer<FlatOutput?>
    let context: RecordWork
    let perWorker: Int

    func run(worker: Int) {
        let start = worker * perWorker
        let end = min(items.count, start + perWorker)
        guard start < end else { return }
        for index in start..<end {
            switch items[index] {
            case .output(let output): outputs[index] = output
            case .record(let pending): outputs[index] = context.output(for: pending)
            }
        }
    }
}

/// Everything needed to turn one pending record into an output, shared read-only by the workers.
struct RecordWork: @unchecked Sendable {
    // The buffer is only read, and outlives the parallel section (see `runBatch`).
    let buffer: UnsafeBufferPointer<UInt8>
    let mapper: RowMapper
    let builder: DocumentBuilder
    let decoder: TextDecoder
    let sourceName: String
    let escape: EscapeStyle
    let quote: UInt8?

    func output(for pending: PendingRecord) -> FlatOutput {
        let columns = DelimitedColumns(
            buffer: buffer, fields: pending.fields, recordStart: pending.span.start, recordNumber: pending.record,
            line: pending.lines.lowerBound, decoder: decoder, escape: escape, quote: quote)
        let mapped = mapper.map(
            columns, record: pending.record, firstLine: pending.lines.lowerBound, lastLine: pending.lines.upperBound, warnings: [])
        let errors = pending.errors + mapped.errors
        let warnings = pending.warnings + mapped.warnings
        let slice = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[pending.span.start..<pending.span.next]))
        let sha = Hashing.sha256Hex(slice)
        guard errors.isEmpty, let row = mapped.row else {
            return .rejected(RejectedRecord(
                sourceName: sourceName, records: pending.record...pending.record, lines: pending.lines,
                originalBytes: Data(slice), sha256: sha, diagnostics: errors + warnings))
        }
        return .document(FlatDocument(diagnostics: warnings, originalBytes: Data(slice), lines: pending.lines) { document in
            builder.fill(&document, [row], size: slice.count, sha256: sha)
        })
    }
}
