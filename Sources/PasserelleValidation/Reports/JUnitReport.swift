import Foundation
import PasserelleModel

/// JUnit XML as CI servers read it: one `testcase` per document, a `failure` listing the
/// errors of a failed one, warnings in `system-out`.
enum JUnitReport {
    static func head(_ totals: ReportTotals) -> [UInt8] {
        let (tests, failures, time) = (totals.documents, totals.failed, format(totals.seconds))
        return Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"passerelle validate\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" time=\"\(time)\">\n"
            + "  <testsuite name=\"passerelle.validate\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" time=\"\(time)\">\n").utf8)
    }

    static let end = "  </testsuite>\n</testsuites>\n"

    /// A report's `testcase`; without its time when `timed` is false, in two pieces around it.
    static func testcase(_ report: DocumentReport, timed: Bool) -> ReportFragment {
        let before = "    <testcase classname=\"passerelle.validate\" name=\"\(escape(report.name))\" time=\""
        var after = "\""
        let errors = report.diagnostics.filter { $0.severity == .error }
        let others = report.diagnostics.filter { $0.severity != .error }
        if errors.isEmpty && others.isEmpty {
            after += "/>\n"
        } else {
            after += ">\n"
            if !errors.isEmpty {
                let first = errors[0]
                after += "      <failure type=\"\(escape(first.code.rawValue))\" message=\"\(escape("\(errors.count) error(s); first: [\(first.code)] \(first.message)"))\">"
                after += escape(errors.map(\.description).joined(separator: "\n"))
                after += "</failure>\n"
            }
            if !others.isEmpty {
                after += "      <system-out>\(escape(others.map(\.description).joined(separator: "\n")))</system-out>\n"
            }
            after += "    </testcase>\n"
        }
        return timed
            ? .complete(Array((before + format(report.seconds) + after).utf8)) : .aroundTime(Array(before.utf8), Array(after.utf8))
    }

    static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    /// Escapes XML special characters and drops characters XML 1.0 cannot carry.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
