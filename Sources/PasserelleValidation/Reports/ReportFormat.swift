public import Foundation

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

    /// Whether this format can be rendered without the reports of documents that passed without
    /// any diagnostic (after the first of each file): the text report prints nothing for them but
    /// their number, SARIF lists results, and a file's artifact comes from its first report. JSON
    /// and JUnit list every document.
    public var omitsSilentPasses: Bool { self == .text || self == .sarif }

    /// Renders reports in this format, whole, in memory (`passerelle validate` renders them
    /// input by input instead: ``RenderedReports``, ``ReportWriter``). `omittedPasses`:
    /// documents that passed without any diagnostic and whose reports were not kept (see
    /// ``omitsSilentPasses``; the text report counts them in its summary).
    public func render(_ reports: [DocumentReport], toolVersion: String, omittedPasses: Int = 0) throws -> Data {
        precondition(omittedPasses == 0 || omitsSilentPasses, "\(rawValue) reports list every document")
        var rendered = RenderedReports(format: self, spool: nil)
        for report in reports { try rendered.append(report) }
        try rendered.finish(head: [], share: 0)
        var data = Data()
        try ReportWriter(format: self, toolVersion: toolVersion).write([rendered], omittedPasses: omittedPasses) { data.append(contentsOf: $0) }
        return data
    }
}

/// The classic compiler-style text report: a line per diagnostic (``ReportFormat/fragment(of:timed:)``), then a summary.
enum TextReport {
    static func summary(_ totals: ReportTotals) -> String {
        let (total, failed, errors, warnings) = (totals.documents, totals.failed, totals.errors, totals.warnings)
        return "\(total) document\(total == 1 ? "" : "s") checked: \(total - failed) passed, \(failed) failed "
            + "(\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"))\n"
    }
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
enum JSONText {
    /// `json` `spaces` further in: every line that is not empty, the first one only when `first`
    /// (a piece that starts a line).
    static func indented(_ json: ArraySlice<UInt8>, by spaces: Int, first: Bool = true) -> [UInt8] {
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
