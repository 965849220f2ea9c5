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

    /// Renders reports in this format. `omittedPasses`: documents that passed without any
    /// diagnostic and whose reports were not kept (see ``omitsSilentPasses``; the text report
    /// counts them in its summary).
    public func render(_ reports: [DocumentReport], toolVersion: String, omittedPasses: Int = 0) throws -> Data {
        precondition(omittedPasses == 0 || omitsSilentPasses, "\(rawValue) reports list every document")
        return switch self {
        case .text: Data(TextReport.render(reports, omittedPasses: omittedPasses).utf8)
        case .json: try JSONReport.render(reports, toolVersion: toolVersion)
        case .junit: Data(JUnitReport.render(reports).utf8)
        case .sarif: try SARIFReport.render(reports, toolVersion: toolVersion)
        }
    }
}

/// The classic compiler-style text report.
enum TextReport {
    static func render(_ reports: [DocumentReport], omittedPasses: Int = 0) -> String {
        var lines: [String] = []
        for report in reports {
            for diagnostic in report.diagnostics { lines.append(diagnostic.description) }
        }
        let failed = reports.filter { !$0.passed }.count
        let errors = reports.reduce(0) { $0 + $1.count(.error) }
        let warnings = reports.reduce(0) { $0 + $1.count(.warning) }
        let total = reports.count + omittedPasses
        lines.append(
            "\(total) document\(total == 1 ? "" : "s") checked: \(total - failed) passed, \(failed) failed "
                + "(\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"))")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A JSON document with a summary and every report.
enum JSONReport {
    struct Summary: Encodable {
        let tool: String
        let version: String
        let documents: Int
        let passed: Int
        let failed: Int
        let reports: [DocumentReport]
    }

    static func render(_ reports: [DocumentReport], toolVersion: String) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let failed = reports.filter { !$0.passed }.count
        let summary = Summary(
            tool: "passerelle", version: toolVersion, documents: reports.count, passed: reports.count - failed,
            failed: failed, reports: reports)
        return try encoder.encode(summary) + Data("\n".utf8)
    }
}
