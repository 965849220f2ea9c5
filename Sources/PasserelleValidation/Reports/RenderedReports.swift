import Foundation
import PasserelleModel

/// The counts a report states: in its summary line (text), at its head (JSON, JUnit).
public struct ReportTotals: Sendable, Equatable {
    /// Documents checked.
    public var documents = 0
    /// Documents with at least one error.
    public var failed = 0
    /// Error diagnostics.
    public var errors = 0
    /// Warning diagnostics.
    public var warnings = 0
    /// Time spent on the documents, in seconds (the sum of their reports' times).
    public var seconds = 0.0

    /// Documents that passed.
    public var passed: Int { documents - failed }

    /// No counts.
    public init() {}

    /// Counts one more document: `report`'s (its time aside).
    public mutating func count(_ report: DocumentReport) {
        documents += 1
        if !report.passed { failed += 1 }
        errors += report.count(.error)
        warnings += report.count(.warning)
    }

    static func + (lhs: ReportTotals, rhs: ReportTotals) -> ReportTotals {
        var sum = lhs
        sum.documents += rhs.documents
        sum.failed += rhs.failed
        sum.errors += rhs.errors
        sum.warnings += rhs.warnings
        sum.seconds += rhs.seconds
        return sum
    }
}

/// The reports of one input rendered for a text, JSON or JUnit report as they come, so that a
/// multi-million-row export is reported without holding a report per row: each report is
/// rendered at once and only its bytes are kept, in memory up to `memoryLimit` and beyond it in
/// the run's ``ReportSpool``. ``ReportWriter`` then writes the inputs in order under the totals
/// they add up to.
///
/// A report read from a stream may not know its time yet (`validate` gives each row of an export
/// an even share of the time spent on the file, known at its end): it is kept in two pieces
/// around its time, which ``finish(head:share:)`` supplies.
public struct RenderedReports: Sendable {
    /// The format rendered (text, JSON or JUnit; SARIF is rendered whole).
    public let format: ReportFormat
    /// The counts of the reports appended so far.
    public private(set) var totals = ReportTotals()
    /// Bytes kept in memory before they go to the spool.
    public let memoryLimit: Int

    private let spool: ReportSpool?
    private var head: [UInt8] = []
    private var pending: [UInt8] = []
    private var segments: [Range<Int64>] = []
    private var awaitingTime = 0
    private var share: Double?

    /// Reports rendered in `format`, beyond `memoryLimit` bytes to `spool` (`nil`: all in memory).
    public init(format: ReportFormat, spool: ReportSpool?, memoryLimit: Int = 1 << 20) {
        precondition(format != .sarif, "SARIF reports are rendered whole")
        self.format = format
        self.spool = spool
        self.memoryLimit = memoryLimit
    }

    /// Appends a report with its own time.
    public mutating func append(_ report: DocumentReport) throws {
        totals.count(report)
        totals.seconds += report.seconds
        try Self.encode(format.fragment(of: report, timed: true), into: &pending)
        try overflow()
    }

    /// Appends a report whose time is the share ``finish(head:share:)`` will give.
    public mutating func appendSharingTime(_ report: DocumentReport) throws {
        precondition(share == nil, "appended after finish")
        totals.count(report)
        awaitingTime += 1
        try Self.encode(format.fragment(of: report, timed: false), into: &pending)
        try overflow()
    }

    /// Ends the input: `head` (with their own times) go before every report appended, and
    /// `share` is the time of each report appended with ``appendSharingTime(_:)``.
    public mutating func finish(head reports: [DocumentReport], share: Double) throws {
        precondition(self.share == nil, "finished twice")
        self.share = share
        var headTotals = ReportTotals()
        for report in reports {
            headTotals.count(report)
            headTotals.seconds += report.seconds
            try Self.encode(format.fragment(of: report, timed: true), into: &head)
        }
        var tail = totals
        for _ in 0..<awaitingTime { tail.seconds += share }
        totals = headTotals + tail
    }

    /// Writes the reports in order: the head, then the appended ones.
    func write(to output: inout ReportOutput) throws {
        guard let share else { preconditionFailure("written before finish(head:share:)") }
        let time = try format.timeText(share)
        try Self.decode(head, time: time, into: &output)
        for segment in segments {
            guard let spool else { preconditionFailure("a segment without a spool") }
            try Self.decode(try spool.read(segment), time: time, into: &output)
        }
        try Self.decode(pending, time: time, into: &output)
    }

    private mutating func overflow() throws {
        guard let spool, pending.count >= memoryLimit else { return }
        segments.append(try spool.append(pending))
        pending.removeAll(keepingCapacity: true)
    }

    // Entries: a tag byte, then one piece (0: complete) or two pieces around the time (1), each
    // a 32-bit little-endian length and its bytes. An empty fragment (a text report's document
    // without diagnostics) is not kept.

    private static func encode(_ fragment: ReportFragment, into buffer: inout [UInt8]) throws {
        switch fragment {
        case .complete(let bytes):
            guard !bytes.isEmpty else { return }
            buffer.append(0)
            try piece(bytes, into: &buffer)
        case .aroundTime(let before, let after):
            buffer.append(1)
            try piece(before, into: &buffer)
            try piece(after, into: &buffer)
        }
    }

    private static func piece(_ bytes: [UInt8], into buffer: inout [UInt8]) throws {
        guard let count = UInt32(exactly: bytes.count) else { throw ReportRenderingError.reportTooLarge(bytes.count) }
        withUnsafeBytes(of: count.littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: bytes)
    }

    private static func decode(_ buffer: [UInt8], time: [UInt8], into output: inout ReportOutput) throws {
        var offset = 0
        func piece() -> ArraySlice<UInt8> {
            let count = buffer[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | Int($1) }
            defer { offset += 4 + count }
            return buffer[offset + 4..<offset + 4 + count]
        }
        while offset < buffer.count {
            let tag = buffer[offset]
            offset += 1
            try output.beginElement()
            try output.write(piece())
            if tag == 1 {
                try output.write(time[...])
                try output.write(piece())
            }
        }
    }
}

/// One report rendered: whole, or in two pieces around its time.
enum ReportFragment {
    case complete([UInt8])
    case aroundTime([UInt8], [UInt8])
}

/// A report could not be rendered.
public enum ReportRenderingError: Error, CustomStringConvertible {
    /// One document's report exceeds 4 GiB.
    case reportTooLarge(Int)
    /// The JSON encoder's output lacked the time.
    case timeNotFound

    public var description: String {
        switch self {
        case .reportTooLarge(let size): "a document report of \(size) bytes is too large to render"
        case .timeNotFound: "a JSON document report without its time"
        }
    }
}

/// The bytes of a report on their way to a file or standard output, written in pieces of
/// `bufferSize`.
public struct ReportOutput {
    private var buffer: [UInt8] = []
    private let bufferSize: Int
    private let separator: [UInt8]
    private let sink: ([UInt8]) throws -> Void
    private var elements = 0

    /// An output handing its bytes to `sink`; `separator` goes between two documents' elements.
    init(separator: [UInt8], bufferSize: Int = 1 << 20, sink: @escaping ([UInt8]) throws -> Void) {
        self.separator = separator
        self.bufferSize = bufferSize
        self.sink = sink
        buffer.reserveCapacity(bufferSize)
    }

    mutating func beginElement() throws {
        if elements > 0, !separator.isEmpty { try write(separator[...]) }
        elements += 1
    }

    mutating func write(_ bytes: ArraySlice<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferSize { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Writes a whole text, JSON or JUnit report from inputs rendered one by one
/// (``RenderedReports``): the head with the totals, every input's reports in order, the end.
public struct ReportWriter: Sendable {
    /// The format written.
    public let format: ReportFormat
    /// The version the JSON report names.
    public let toolVersion: String

    /// A writer for `format` (not SARIF).
    public init(format: ReportFormat, toolVersion: String) {
        precondition(format != .sarif, "SARIF reports are rendered whole")
        self.format = format
        self.toolVersion = toolVersion
    }

    /// Writes the report of `inputs` (in order) to `sink`, in pieces of about `bufferSize` bytes.
    /// - Parameter omittedPasses: documents that passed and were not rendered (text only).
    /// - Returns: the totals the report states.
    @discardableResult
    public func write(
        _ inputs: [RenderedReports], omittedPasses: Int = 0, bufferSize: Int = 1 << 20, to sink: @escaping ([UInt8]) throws -> Void
    ) throws -> ReportTotals {
        var totals = inputs.reduce(ReportTotals()) { $0 + $1.totals }
        totals.documents += omittedPasses
        var output = ReportOutput(separator: format == .json ? Array(",\n".utf8) : [], bufferSize: bufferSize, sink: sink)
        try output.write(try format.reportHead(totals, toolVersion: toolVersion)[...])
        for input in inputs {
            precondition(input.format == format, "an input rendered in another format")
            try input.write(to: &output)
        }
        try output.write(try format.reportEnd(totals, toolVersion: toolVersion)[...])
        try output.flush()
        return totals
    }
}

extension ReportFormat {
    /// One report as this format renders it in the list of documents; `timed: false` leaves its
    /// time out, to be put between the two pieces.
    func fragment(of report: DocumentReport, timed: Bool) throws -> ReportFragment {
        switch self {
        case .text: .complete(Array(report.diagnostics.map { $0.description + "\n" }.joined().utf8))
        case .json: try JSONReport.element(report, timed: timed)
        case .junit: JUnitReport.testcase(report, timed: timed)
        case .sarif: preconditionFailure("SARIF reports are rendered whole")
        }
    }

    /// A time as this format writes it.
    func timeText(_ seconds: Double) throws -> [UInt8] {
        switch self {
        case .json: try JSONReport.scalar(seconds)
        case .junit: Array(JUnitReport.format(seconds).utf8)
        case .text, .sarif: []
        }
    }

    /// What goes before the documents.
    func reportHead(_ totals: ReportTotals, toolVersion: String) throws -> [UInt8] {
        switch self {
        case .json: JSONReport.head(totals)
        case .junit: JUnitReport.head(totals)
        case .text, .sarif: []
        }
    }

    /// What goes after the documents.
    func reportEnd(_ totals: ReportTotals, toolVersion: String) throws -> [UInt8] {
        switch self {
        case .text: Array(TextReport.summary(totals).utf8)
        case .json: try JSONReport.end(toolVersion: toolVersion)
        case .junit: Array(JUnitReport.end.utf8)
        case .sarif: []
        }
    }
}
