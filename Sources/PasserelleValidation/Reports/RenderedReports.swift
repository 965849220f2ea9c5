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

    /// `N documents checked: P passed, F failed (E errors, W warnings)`: the text report's last
    /// line, and what `validate` prints on standard error when the report goes to a file.
    public var summary: String {
        "\(documents) document\(documents == 1 ? "" : "s") checked: \(passed) passed, \(failed) failed "
            + "(\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"))"
    }

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

/// The reports of one input rendered as they come, so that a multi-million-row export is
/// reported without holding a report per row: each report is rendered at once and only its bytes
/// are kept, in memory up to `memoryLimit` and beyond it in the run's ``ReportSpool``.
/// ``ReportWriter`` then writes the inputs in order under the totals they add up to.
///
/// What a report does not know yet is left as a hole between two pieces of its text, filled when
/// the report is written: its time, for a row read from a stream (`validate` gives each row of an
/// export an even share of the time spent on the file, known at its end); in SARIF, the indexes
/// of its rules and artifact in the whole run (this input's first ones are numbered here).
public struct RenderedReports: Sendable {
    /// The format rendered.
    public let format: ReportFormat
    /// The counts of the reports appended so far.
    public private(set) var totals = ReportTotals()
    /// Bytes kept in memory before they go to the spool.
    public let memoryLimit: Int

    private let spool: ReportSpool?
    private var head = Part()
    private var tail = Part()
    private var segments: [Range<Int64>] = []
    private var awaitingTime = 0
    private var share: Double?

    /// Rendered reports and what rendering them keeps: for SARIF, the rules and artifacts they
    /// name, numbered in order of appearance.
    struct Part: Sendable {
        var bytes: [UInt8] = []
        var state = RenderingState()
    }

    /// Reports rendered in `format`, beyond `memoryLimit` bytes to `spool` (`nil`: all in memory).
    public init(format: ReportFormat, spool: ReportSpool?, memoryLimit: Int = 1 << 20) {
        self.format = format
        self.spool = spool
        self.memoryLimit = memoryLimit
    }

    /// Appends a report with its own time.
    public mutating func append(_ report: DocumentReport) throws {
        precondition(share == nil, "appended after finish")
        totals.count(report)
        totals.seconds += report.seconds
        try Self.render(report, timed: true, format: format, into: &tail)
        try overflow()
    }

    /// Appends a report whose time is the share ``finish(head:share:)`` will give.
    public mutating func appendSharingTime(_ report: DocumentReport) throws {
        precondition(share == nil, "appended after finish")
        totals.count(report)
        awaitingTime += 1
        try Self.render(report, timed: false, format: format, into: &tail)
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
            try Self.render(report, timed: true, format: format, into: &head)
        }
        var tailTotals = totals
        // Added one by one, as the times of reports rendered whole are summed (JUnit's total then
        // reads the same either way; a product can differ in its last digit).
        for _ in 0..<awaitingTime { tailTotals.seconds += share }
        totals = headTotals + tailTotals
    }

    /// The SARIF rules and artifacts of the head, then of the appended reports.
    var tables: (head: SARIFTables, tail: SARIFTables) { (head.state.sarif, tail.state.sarif) }

    /// Writes the reports in order, the head then the appended ones; `numbering` gives the
    /// run-wide SARIF indexes of the head's and the tail's rules and artifacts.
    func write(to output: inout ReportOutput, numbering: (head: SARIFNumbering, tail: SARIFNumbering)) throws {
        guard let share else { preconditionFailure("written before finish(head:share:)") }
        let time = try format.timeText(share)
        try Self.decode(head.bytes, time: time, numbering: numbering.head, into: &output)
        for segment in segments {
            guard let spool else { preconditionFailure("a segment without a spool") }
            try Self.decode(try spool.read(segment), time: time, numbering: numbering.tail, into: &output)
        }
        try Self.decode(tail.bytes, time: time, numbering: numbering.tail, into: &output)
    }

    private mutating func overflow() throws {
        guard let spool, tail.bytes.count >= memoryLimit else { return }
        segments.append(try spool.append(tail.bytes))
        tail.bytes.removeAll(keepingCapacity: true)
    }

    private static func render(_ report: DocumentReport, timed: Bool, format: ReportFormat, into part: inout Part) throws {
        for fragment in try format.fragments(of: report, timed: timed, state: &part.state) {
            try encode(fragment, into: &part.bytes)
        }
    }

    // Entries: the number of holes (a byte), the first piece, then for each hole its kind (a
    // byte), its value (32 bits) and the piece after it; a piece is a 32-bit length and its bytes
    // (lengths and values little-endian). An empty fragment (a text report's document without
    // diagnostics) is not kept.

    private static func encode(_ fragment: ReportFragment, into buffer: inout [UInt8]) throws {
        guard fragment.holes.count > 0 || !fragment.pieces[0].isEmpty else { return }
        buffer.append(UInt8(fragment.holes.count))
        try piece(fragment.pieces[0], into: &buffer)
        for (hole, text) in zip(fragment.holes, fragment.pieces.dropFirst()) {
            switch hole {
            case .time: buffer.append(0); number(0, into: &buffer)
            case .ruleIndex(let index): buffer.append(1); number(UInt32(index), into: &buffer)
            case .artifactIndex(let index): buffer.append(2); number(UInt32(index), into: &buffer)
            }
            try piece(text, into: &buffer)
        }
    }

    private static func number(_ value: UInt32, into buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    private static func piece(_ bytes: [UInt8], into buffer: inout [UInt8]) throws {
        guard let count = UInt32(exactly: bytes.count) else { throw ReportRenderingError.reportTooLarge(bytes.count) }
        number(count, into: &buffer)
        buffer.append(contentsOf: bytes)
    }

    private static func decode(_ buffer: [UInt8], time: [UInt8], numbering: SARIFNumbering, into output: inout ReportOutput) throws {
        var offset = 0
        func number() -> Int {
            defer { offset += 4 }
            return buffer[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | Int($1) }
        }
        func piece() -> ArraySlice<UInt8> {
            let count = number()
            defer { offset += count }
            return buffer[offset..<offset + count]
        }
        while offset < buffer.count {
            let holes = Int(buffer[offset])
            offset += 1
            try output.beginElement()
            try output.write(piece())
            for _ in 0..<holes {
                let kind = buffer[offset]
                offset += 1
                let value = number()
                switch kind {
                case 0: try output.write(time[...])
                case 1: try output.write(Array(String(numbering.rules[value]).utf8)[...])
                default: try output.write(Array(String(numbering.artifacts[value]).utf8)[...])
                }
                try output.write(piece())
            }
        }
    }
}

/// What rendering the reports of one input keeps from one report to the next.
struct RenderingState: Sendable {
    /// SARIF: the rules and artifacts named so far.
    var sarif = SARIFTables()
    /// JSON: the element of the input's first passing row, to make the next ones from.
    var jsonRow: JSONRowTemplate?
}

/// One rendered element of a report's list (a document's report; in SARIF, one result):
/// pieces of text with, between two of them, a value known only when the report is written.
struct ReportFragment {
    /// One more than `holes`.
    var pieces: [[UInt8]]
    var holes: [ReportHole]

    static func complete(_ bytes: [UInt8]) -> ReportFragment { ReportFragment(pieces: [bytes], holes: []) }

    static func aroundTime(_ before: [UInt8], _ after: [UInt8]) -> ReportFragment {
        ReportFragment(pieces: [before, after], holes: [.time])
    }
}

/// A value filled in when the report is written.
enum ReportHole {
    /// The document's time.
    case time
    /// The run-wide index of the input's n-th rule (SARIF).
    case ruleIndex(Int)
    /// The run-wide index of the input's n-th artifact (SARIF).
    case artifactIndex(Int)
}

/// A report could not be rendered.
public enum ReportRenderingError: Error, CustomStringConvertible {
    /// One document's report exceeds 4 GiB.
    case reportTooLarge(Int)
    /// The JSON encoder's output lacked the time.
    case timeNotFound
    /// The JSON encoder's output lacked a key where a value is filled in later.
    case holeNotFound(String)

    public var description: String {
        switch self {
        case .reportTooLarge(let size): "a document report of \(size) bytes is too large to render"
        case .timeNotFound: "a JSON document report without its time"
        case .holeNotFound(let key): "a rendered report without \(key)"
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

/// Writes a whole report from inputs rendered one by one (``RenderedReports``): the head with
/// the totals (and, for SARIF, the artifacts), every input's reports in order, the end (for
/// SARIF, the rules).
public struct ReportWriter: Sendable {
    /// The format written.
    public let format: ReportFormat
    /// The version the JSON and SARIF reports name.
    public let toolVersion: String

    /// A writer for `format`.
    public init(format: ReportFormat, toolVersion: String) {
        self.format = format
        self.toolVersion = toolVersion
    }

    /// Writes the report of `inputs` (in order) to `sink`, in pieces of about `bufferSize` bytes.
    /// - Returns: the totals the report states.
    @discardableResult
    public func write(_ inputs: [RenderedReports], bufferSize: Int = 1 << 20, to sink: @escaping ([UInt8]) throws -> Void) throws
        -> ReportTotals
    {
        let totals = inputs.reduce(ReportTotals()) { $0 + $1.totals }
        var output = ReportOutput(separator: format.elementSeparator, bufferSize: bufferSize, sink: sink)
        // SARIF: the run-wide numbers of each input's rules and artifacts (no tables elsewhere).
        var run = SARIFTables()
        let numberings = inputs.map { input in (head: run.absorb(input.tables.head), tail: run.absorb(input.tables.tail)) }
        let (head, end) = try format.envelope(totals, sarif: run, toolVersion: toolVersion)
        try output.write(head[...])
        for (input, numbering) in zip(inputs, numberings) {
            precondition(input.format == format, "an input rendered in another format")
            try input.write(to: &output, numbering: numbering)
        }
        try output.write(end[...])
        try output.flush()
        return totals
    }
}

extension ReportFormat {
    /// One report as this format renders it in its list: one element (none for a text report's
    /// document without diagnostics), or in SARIF one result per diagnostic; `timed: false`
    /// leaves its time as a hole. SARIF numbers the rules and artifact in `state`; JSON keeps there
    /// the shape of an export's passing rows.
    func fragments(of report: DocumentReport, timed: Bool, state: inout RenderingState) throws -> [ReportFragment] {
        switch self {
        case .text: [.complete(Array(report.diagnostics.map { $0.description + "\n" }.joined().utf8))]
        case .json: [try JSONReport.element(report, timed: timed, rows: &state.jsonRow)]
        case .junit: [JUnitReport.testcase(report, timed: timed)]
        case .sarif: try SARIFReport.results(of: report, tables: &state.sarif)
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

    /// What goes before and after the documents.
    func envelope(_ totals: ReportTotals, sarif: SARIFTables, toolVersion: String) throws -> (head: [UInt8], end: [UInt8]) {
        switch self {
        case .text: ([], Array((totals.summary + "\n").utf8))
        case .json: (JSONReport.head(totals), try JSONReport.end(toolVersion: toolVersion))
        case .junit: (JUnitReport.head(totals), Array(JUnitReport.end.utf8))
        case .sarif: try SARIFReport.envelope(sarif, toolVersion: toolVersion)
        }
    }
}
