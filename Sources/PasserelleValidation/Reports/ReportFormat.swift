public import Foundation
import PasserelleModel

/// Output formats of `passerelle validate`.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// `file:line:col: severity: [code] message` lines and a summary.
    case text
    /// One JSON object with every document report.
    case json
    /// JUnit XML: one test case per document.
    case junit
    /// SARIF 2.1.0 (GitHub code scanning).
    case sarif

    /// Renders reports in this format, whole, in memory (`passerelle validate` renders them
    /// input by input instead: ``RenderedReports``, ``ReportWriter``).
    public func render(_ reports: [DocumentReport], toolVersion: String) throws -> Data {
        var rendered = RenderedReports(format: self, spool: nil)
        for report in reports { try rendered.append(report) }
        try rendered.finish(head: [], share: 0)
        var data = Data()
        try ReportWriter(format: self, toolVersion: toolVersion).write([rendered]) { data.append(contentsOf: $0) }
        return data
    }

    /// What goes between two elements of the report's list of documents (or SARIF results).
    var elementSeparator: [UInt8] { self == .json || self == .sarif ? Array(",\n".utf8) : [] }
}

/// A JSON document with a summary and every report, as `JSONEncoder` writes it pretty-printed
/// with sorted keys — `{"documents", "failed", "passed", "reports": [...], "tool", "version"}` —
/// written piece by piece: the head with the counts, one element per report, the end.
enum JSONReport {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func head(_ totals: ReportTotals) -> [UInt8] {
        Array("{\n  \"documents\" : \(totals.documents),\n  \"failed\" : \(totals.failed),\n  \"passed\" : \(totals.passed),\n  \"reports\" : [\n".utf8)
    }

    static func end(toolVersion: String) throws -> [UInt8] {
        Array("\n  ],\n  \"tool\" : \"passerelle\",\n  \"version\" : ".utf8) + (try scalar(toolVersion)) + Array("\n}\n".utf8)
    }

    /// A scalar as the encoder writes it inside the document.
    static func scalar(_ value: some Encodable) throws -> [UInt8] {
        Array(try encoder().encode(value))
    }

    /// A report as an element of `reports` (indented by four spaces, no separator); without its
    /// time when `timed` is false, in two pieces around where it goes.
    /// - Parameter rows: the template of the input's passing rows, made from the first one and
    ///   used for the next ones of the same shape (see ``JSONRowTemplate``).
    static func element(_ report: DocumentReport, timed: Bool, rows: inout JSONRowTemplate?) throws -> ReportFragment {
        if !timed, let template = rows, let fragment = template.fragment(for: report) { return fragment }
        let fragment = try element(report, timed: timed)
        if !timed, rows == nil { rows = JSONRowTemplate(report, rendered: fragment) }
        return fragment
    }

    static func element(_ report: DocumentReport, timed: Bool) throws -> ReportFragment {
        let encoded = Array(try encoder().encode(report))
        guard !timed else { return .complete(JSONText.indented(encoded[...], by: 4)) }
        let key = Array("\n  \"seconds\" : ".utf8)
        guard let start = JSONText.find(key, in: encoded) else { throw ReportRenderingError.timeNotFound }
        let value = start + key.count
        let end = encoded[value...].firstIndex { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\n") } ?? encoded.endIndex
        return .aroundTime(JSONText.indented(encoded[..<value], by: 4), JSONText.indented(encoded[end...], by: 4, first: false))
    }
}

/// Byte-level helpers for JSON text written by `JSONEncoder` (pretty-printed: a line break only
/// between tokens, never raw inside a string).
package enum JSONText {
    /// `json` `spaces` further in: every line that is not empty, the first one only when `first`
    /// (a piece that starts a line).
    package static func indented(_ json: ArraySlice<UInt8>, by spaces: Int, first: Bool = true) -> [UInt8] {
        let pad = [UInt8](repeating: UInt8(ascii: " "), count: spaces)
        var result: [UInt8] = []
        result.reserveCapacity(json.count + json.count / 8)
        var lineStart = first
        for byte in json {
            if lineStart, byte != UInt8(ascii: "\n") { result.append(contentsOf: pad) }
            result.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
        }
        return result
    }

    /// Where `needle` first occurs in `haystack`.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return start }
        }
        return nil
    }
}

/// The JSON element of an export's passing row (no diagnostic, its rows and lines known, its time
/// its share), made from the element `JSONEncoder` wrote for the input's first such row with the
/// row's own numbers and digest put in: the rows of one export differ only there, and encoding
/// each one costs several times reading it. Used only for a row whose every other field equals
/// the first one's; the numbers are written as `JSONEncoder` writes integers, the digest is
/// lower-case hexadecimal (nothing to escape); anything else is encoded whole.
struct JSONRowTemplate: Sendable {
    private let source: String
    private let format: SourceFormat?
    private let rules: String
    private let schemaValidated: Bool
    /// Text around the line range, the record range (before the time), the digest and the size
    /// (after it).
    private let before: [[UInt8]]
    private let after: [[UInt8]]

    /// The template of `report`'s shape, from its rendering; `nil` when the report is not a passing
    /// row or its rendering is not laid out as expected.
    init?(_ report: DocumentReport, rendered: ReportFragment) {
        guard report.diagnostics.isEmpty, let lines = report.lines, let records = report.records, Self.isDigest(report.sha256),
            rendered.holes.count == 1, case .time = rendered.holes[0]
        else { return nil }
        let (head, tail) = (rendered.pieces[0], rendered.pieces[1])
        guard
            let before = Self.split(head, at: [
                ("\"lines\" : [\n", "\(lines.lowerBound)"), (",\n", "\(lines.upperBound)"),
                ("\"records\" : [\n", "\(records.lowerBound)"), (",\n", "\(records.upperBound)"),
            ]),
            let after = Self.split(tail, at: [("\"sha256\" : \"", report.sha256), ("\"size\" : ", "\(report.size)")])
        else { return nil }
        (source, format, rules, schemaValidated) = (report.source, report.format, report.rules, report.schemaValidated)
        (self.before, self.after) = (before, after)
    }

    /// `report`'s element, when it has the template's shape.
    func fragment(for report: DocumentReport) -> ReportFragment? {
        guard report.diagnostics.isEmpty, let lines = report.lines, let records = report.records, report.source == source,
            report.format == format, report.rules == rules, report.schemaValidated == schemaValidated, Self.isDigest(report.sha256)
        else { return nil }
        return .aroundTime(
            Self.join(before, ["\(lines.lowerBound)", "\(lines.upperBound)", "\(records.lowerBound)", "\(records.upperBound)"]),
            Self.join(after, [report.sha256, "\(report.size)"]))
    }

    /// `text` cut around each value, found in order after its marker (and the indentation that
    /// follows it); `nil` unless each value is there.
    private static func split(_ text: [UInt8], at values: [(marker: String, value: String)]) -> [[UInt8]]? {
        var pieces: [[UInt8]] = []
        var from = 0
        for (marker, value) in values {
            let markerBytes = Array(marker.utf8)
            guard let found = JSONText.find(markerBytes, in: Array(text[from...])) else { return nil }
            var start = from + found + markerBytes.count
            while start < text.count, text[start] == UInt8(ascii: " ") { start += 1 }
            let valueBytes = Array(value.utf8)
            guard start + valueBytes.count <= text.count, text[start..<start + valueBytes.count].elementsEqual(valueBytes) else { return nil }
            pieces.append(Array(text[from..<start]))
            from = start + valueBytes.count
        }
        pieces.append(Array(text[from...]))
        return pieces
    }

    private static func join(_ pieces: [[UInt8]], _ values: [String]) -> [UInt8] {
        var result = pieces[0]
        for (value, piece) in zip(values, pieces.dropFirst()) {
            result.append(contentsOf: value.utf8)
            result.append(contentsOf: piece)
        }
        return result
    }

    private static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
