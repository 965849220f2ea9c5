import Foundation
import PasserelleModel

/// JUnit XML as CI servers read it: one `testcase` per document, a `failure` listing the
/// errors of a failed one, warnings in `system-out`.
enum JUnitReport {
    static func render(_ reports: [DocumentReport]) -> String {
        let failures = reports.filter { !$0.passed }.count
        let total = reports.reduce(0) { $0 + $1.seconds }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"passerelle validate\" tests=\"\(reports.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(format(total))\">\n"
        xml += "  <testsuite name=\"passerelle.validate\" tests=\"\(reports.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" time=\"\(format(total))\">\n"
        for report in reports {
            xml += "    <testcase classname=\"passerelle.validate\" name=\"\(escape(report.name))\" time=\"\(format(report.seconds))\""
            let errors = report.diagnostics.filter { $0.severity == .error }
            let others = report.diagnostics.filter { $0.severity != .error }
            if errors.isEmpty && others.isEmpty {
                xml += "/>\n"
                continue
            }
            xml += ">\n"
            if !errors.isEmpty {
                let first = errors[0]
                xml += "      <failure type=\"\(escape(first.code.rawValue))\" message=\"\(escape("\(errors.count) error(s); first: [\(first.code)] \(first.message)"))\">"
                xml += escape(errors.map(\.description).joined(separator: "\n"))
                xml += "</failure>\n"
            }
            if !others.isEmpty {
                xml += "      <system-out>\(escape(others.map(\.description).joined(separator: "\n")))</system-out>\n"
            }
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    private static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

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
