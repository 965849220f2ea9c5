public import Foundation
import PasserelleModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Push parser for flat exports: feed it chunks, it emits documents, rejected records and
/// file-level diagnostics as soon as they are complete. Memory stays bounded by the largest
/// record (see `ExportProfile.maxRecordBytes`) plus one group, whatever the file size.
///
/// Parsing does no I/O; `FlatExportReader` drives it from a file.
public struct FlatExportParser: Sendable {
    /// The profile in use.
    public let profile: ExportProfile
    /// Source name written into diagnostics and provenance.
    public let sourceName: String
    /// Reception time written into provenance.
    public let receivedAt: Date
    /// Counters so far.
    public internal(set) var summary: FlatReadSummary
    /// Threads mapping rows into documents (one row per document only). 1: all on the calling
    /// thread; more: that many worker threads map one batch while the calling thread scans the
    /// next and emits the previous (see `BatchWorkers`). Outputs come in source order whatever
    /// the number.
    public var jobs: Int = FlatExportParser.defaultJobs

    /// The default for `jobs`: the active processor count, at most 4.
    public static var defaultJobs: Int { min(max(1, ProcessInfo.processInfo.activeProcessorCount), 4) }

    var buffer: [UInt8] = []
    var started = false
    var finished = false
    var decoder = TextDecoder(.utf8)
    let scanner: DelimitedScanner?
    var mapper: RowMapper?
    var builder: DocumentBuilder?
    var expectedColumns: Int?
    var nextRecord = 1
    var nextLine = 1
    var group = PendingGroup()
    var spans: [FieldSpan] = []
    var keyColumns: [Int] = []
    /// Rows to collect for a preview (0: no preview).
    var previewLimit = 0
    var previewRows: [PreviewRow] = []
    /// Records waiting to be mapped in parallel (see `dispatchBatch`).
    var batch: [BatchItem] = []
    /// Field spans of the records in `batch`, one flat array (no allocation per record).
    var batchFields: [FieldSpan] = []
    /// Threads mapping batches when `jobs` > 1, started at the first batch.
    var workers: BatchWorkers?
    /// Each worker's own mapper, builder and decoder, made with `workers`.
    var workerTools: [WorkerTools] = []
    /// The batch the workers are mapping, emitted when the next one is sent (see `dispatchBatch`).
    var inFlight: BatchRun?
    var lineEndingWarned = false
    var emptyRecords = 0
    var firstEmptyLine = 0

    /// Creates a parser.
    public init(profile: ExportProfile, sourceName: String, receivedAt: Date = Date()) {
        self.profile = profile
        self.sourceName = sourceName
        self.receivedAt = receivedAt
        summary = FlatReadSummary(sourceName: sourceName)
        if case .delimited(let layout) = profile.layout {
            scanner = DelimitedScanner(layout: layout, lineEnding: profile.lineEnding)
        } else {
            scanner = nil
        }
    }

    /// Feeds the next chunk of the source.
    /// - Throws: `FlatReadError` when the source cannot be read with this profile (header
    ///   mismatch), or whatever `emit` throws.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer, _ emit: (FlatOutput) throws -> Void) throws {
        precondition(!finished, "consume after finish")
        buffer.append(contentsOf: chunk)
        try appended(chunk.count, emit)
    }

    /// Reads up to `count` bytes of `file` straight into the parser's buffer (no intermediate
    /// copy, no new allocation once the buffer has grown) and processes them.
    /// - Returns: the number of bytes read; 0 at the end of the file.
    /// - Throws: `FlatReadError` (`FLAT-IO`, naming the source) when the read fails, or what
    ///   `consume` throws.
    mutating func consume(reading file: FileHandle, upTo count: Int, _ emit: (FlatOutput) throws -> Void) throws -> Int {
        precondition(!finished, "consume after finish")
        let kept = buffer.count
        // Zero-filling reused capacity is far cheaper than a fresh buffer and a copy.
        buffer.append(contentsOf: repeatElement(0, count: count))
        let (received, errorNumber) = buffer.withUnsafeMutableBytes { bytes in
            Self.readSome(file.fileDescriptor, into: UnsafeMutableRawBufferPointer(rebasing: bytes[kept...]))
        }
        buffer.removeLast(count - max(0, received))
        guard received >= 0 else {
            let reason = String(cString: strerror(errorNumber))
            throw FlatReadError(code: "FLAT-IO", file: sourceName, message: "read error after \(summary.bytes) bytes (\(reason))")
        }
        if received > 0 { try appended(received, emit) }
        return received
    }

    /// Bytes an `auto` encoding is chosen from: the first 1 MiB (or the whole input when shorter),
    /// however the input is cut into chunks, so that the choice does not depend on read sizes.
    static let encodingWindow = 1 << 20

    /// Counts `count` bytes just added to the buffer and scans the complete records, once enough
    /// has arrived to choose the encoding: `encodingWindow` for `auto`, room for a byte-order
    /// mark otherwise (or the whole input, at `finish`).
    private mutating func appended(_ count: Int, _ emit: (FlatOutput) throws -> Void) throws {
        summary.bytes += count
        if !started, buffer.count < (profile.encoding == .auto ? Self.encodingWindow : 3) { return }
        try process(atEnd: false, emit)
    }

    /// One `read(2)`, retried when interrupted: bytes read (0 at the end), or -1 and the `errno`
    /// taken right after the call.
    private static func readSome(
        _ descriptor: Int32, into target: UnsafeMutableRawBufferPointer
    ) -> (received: Int, errorNumber: Int32) {
        while true {
            let received = read(descriptor, target.baseAddress, target.count)
            if received >= 0 { return (received, 0) }
            let errorNumber = errno
            if errorNumber != EINTR { return (-1, errorNumber) }
        }
    }

    /// Feeds a whole chunk given as an array.
    public mutating func consume(_ chunk: [UInt8], _ emit: (FlatOutput) throws -> Void) throws {
        try chunk.withUnsafeBytes { try consume($0, emit) }
    }

    /// Signals the end of the source: emits the last record and group and the file-level notes.
    public mutating func finish(_ emit: (FlatOutput) throws -> Void) throws {
        guard !finished else { return }
        try process(atEnd: true, emit)
        finished = true
        try flushGroup(emit)
        if emptyRecords > 0 {
            try report(
                Diagnostic(
                    code: .flatEmptyRecord, severity: .note,
                    message: "\(emptyRecords) empty line(s) skipped, the first at line \(firstEmptyLine)",
                    file: sourceName, location: SourceLocation(line: firstEmptyLine, column: 1)), emit)
        }
        if profile.hasHeader, mapper == nil, summary.bytes > 0, scanner != nil {
            throw FlatReadError(code: .flatHeader, file: sourceName, message: "the file ends before its header row")
        }
    }

    mutating func report(_ diagnostic: Diagnostic, _ emit: (FlatOutput) throws -> Void) throws {
        summary.count([diagnostic])
        if !batch.isEmpty || inFlight != nil {
            batch.append(.output(.diagnostic(diagnostic)))
            return
        }
        try emit(.diagnostic(diagnostic))
    }

    /// Chooses the encoding from the first bytes and skips a BOM.
    private mutating func start(atEnd: Bool, _ emit: (FlatOutput) throws -> Void) throws -> Int {
        started = true
        // Two bytes per character: every byte would be read wrong (a NUL between letters), so
        // the file is refused whole rather than row by row.
        if ByteScan.startsWithUTF16ByteOrderMark(buffer) {
            throw FlatReadError(
                code: .flatEncoding, file: sourceName, location: SourceLocation(line: 1, column: 1, record: 1),
                message: "the file starts with a UTF-16 byte-order mark; exports are read in UTF-8, Windows-1252, "
                    + "ISO-8859-1 or ISO-8859-15: convert it (e.g. iconv -f UTF-16 -t UTF-8) and declare that encoding")
        }
        let choice = buffer.withUnsafeBufferPointer { bytes in
            EncodingDetector.choose(
                declared: profile.encoding, prefix: UnsafeBufferPointer(rebasing: bytes.prefix(Self.encodingWindow)),
                isWholeInput: atEnd && bytes.count <= Self.encodingWindow)
        }
        summary.encoding = choice
        // `auto` settled on Windows-1252 because some byte is not UTF-8: values that are UTF-8
        // beyond ASCII are still read as UTF-8, each with a warning (files of two systems joined).
        decoder = TextDecoder(choice.encoding, utf8WhereValid: choice.detected && choice.encoding == .windows1252)
        if choice.detected {
            try report(
                Diagnostic(
                    code: .flatEncodingDetected, severity: .note, message: "encoding auto: chose \(choice.encoding.rawValue) (\(choice.reason))",
                    file: sourceName), emit)
        }
        if choice.hasBOM, choice.encoding != .utf8 {
            try report(
                Diagnostic(
                    code: .flatEncodingSuspect, severity: .warning,
                    message: "the file starts with a UTF-8 byte-order mark but the profile declares \(choice.encoding.rawValue)",
                    file: sourceName, location: SourceLocation(line: 1, column: 1)), emit)
        }
        if mapper == nil, !profile.hasHeader || scanner == nil { try compile(header: nil) }
        return choice.hasBOM ? 3 : 0
    }

    /// Scans every complete record in the buffer.
    private mutating func process(atEnd: Bool, _ emit: (FlatOutput) throws -> Void) throws {
        var position = started ? 0 : try start(atEnd: atEnd, emit)
        var localBuffer: [UInt8] = []
        swap(&localBuffer, &buffer)
        defer {
            if position > 0 { localBuffer.removeSubrange(0..<min(position, localBuffer.count)) }
            swap(&localBuffer, &buffer)
        }
        try localBuffer.withUnsafeBufferPointer { bytes in
            // The workers read `bytes`: no batch may outlive this call, even when `emit` throws.
            defer { abandonInFlight() }
            while position < bytes.count {
                guard let next = try step(bytes, from: position, atEnd: atEnd, emit) else { break }
                position = next
                if batch.count >= Self.batchSize { try dispatchBatch(bytes, emit) }
            }
            try drainBatches(bytes, emit)
        }
    }

    /// Handles one record at `position`; returns where the next one starts, `nil` to wait for input.
    private mutating func step(
        _ bytes: UnsafeBufferPointer<UInt8>, from position: Int, atEnd: Bool, _ emit: (FlatOutput) throws -> Void
    ) throws -> Int? {
        if let scanner {
            var fields: [FieldSpan] = []
            swap(&fields, &spans)
            defer { swap(&fields, &spans) }
            switch scanner.scan(bytes, from: position, atEnd: atEnd, fields: &fields) {
            case .needMoreInput:
                guard bytes.count - position > profile.maxRecordBytes else { return nil }
                return try recoverLine(bytes, from: position, code: .flatRecordTooLarge, emit)
            case .record(let span):
                if span.problem?.kind == .unterminated {
                    return try recoverLine(bytes, from: position, code: .flatQuote, emit)
                }
                try handleDelimited(bytes, span: span, fields: fields, emit)
                return span.next
            }
        }
        guard let (end, next, terminator) = Self.lineEnd(bytes, from: position, cr: profile.lineEnding == .cr, atEnd: atEnd) else {
            guard bytes.count - position > profile.maxRecordBytes else { return nil }
            return try recoverLine(bytes, from: position, code: .flatRecordTooLarge, emit)
        }
        try handleFixedWidth(bytes, start: position, end: end, next: next, terminator: terminator, emit)
        return next
    }

    /// End of the physical line starting at `start`: (content end, next start, terminator).
    static func lineEnd(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, cr: Bool, atEnd: Bool
    ) -> (Int, Int, RecordTerminator)? {
        let target: UInt8 = cr ? 0x0D : 0x0A
        var index = start
        while index < bytes.count {
            if bytes[index] == target {
                if !cr, index > start, bytes[index - 1] == 0x0D { return (index - 1, index + 1, .crlf) }
                return (index, index + 1, cr ? .cr : .lf)
            }
            index += 1
        }
        return atEnd ? (bytes.count, bytes.count, .endOfInput) : nil
    }
}
