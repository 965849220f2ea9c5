import Foundation
import PasserelleFlat
import PasserelleModel
import PasserelleTestSupport
import Testing

@testable import PasserelleValidation

/// `validate` renders its reports input by input, spooling what exceeds memory: the report must be
/// the one rendered whole, byte for byte.
@Suite("Reports rendered input by input")
struct RenderedReportsTests {
    /// The JSON report as `JSONEncoder` writes the whole summary: the shape the piecewise
    /// rendering must keep.
    struct WholeJSON: Encodable {
        let tool = "passerelle"
        let version: String
        let documents: Int
        let passed: Int
        let failed: Int
        let reports: [DocumentReport]
    }

    static func wholeJSON(_ reports: [DocumentReport], version: String) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let failed = reports.filter { !$0.passed }.count
        let whole = WholeJSON(version: version, documents: reports.count, passed: reports.count - failed, failed: failed, reports: reports)
        return try encoder.encode(whole) + Data("\n".utf8)
    }

    /// The SARIF log as it was rendered whole, from every report at once: the numbering of rules
    /// and artifacts that the piecewise rendering must keep.
    static func wholeSARIF(_ reports: [DocumentReport], version: String) throws -> Data {
        typealias S = SARIFReport
        var ruleIndex: [String: Int] = [:], artifactIndices: [String: Int] = [:]
        var rules: [S.Rule] = [], results: [S.Result] = [], artifacts: [S.Artifact] = []
        /// The index of `key`, numbered in order of first appearance (`added` runs for a new one).
        func number(_ key: String, in indices: inout [String: Int], added: (Int) -> Void) -> Int {
            if let known = indices[key] { return known }
            let index = indices.count
            indices[key] = index
            added(index)
            return index
        }
        for report in reports {
            let uri = S.relativeURI(report.source)
            let artifactIndex = number(uri, in: &artifactIndices) { index in
                let whole = report.records == nil
                artifacts.append(S.Artifact(location: S.ArtifactLocation(uri: uri, index: index), length: whole ? report.size : nil,
                    hashes: whole ? ["sha-256": report.sha256] : nil))
            }
            for diagnostic in report.diagnostics {
                let id = diagnostic.code.rawValue
                let index = number(id, in: &ruleIndex) { _ in rules.append(S.Rule(id: id, shortDescription: S.Text(text: id))) }
                let region = diagnostic.location.map { S.Region(startLine: max(1, $0.line), startColumn: max(1, $0.column)) }
                let level = switch diagnostic.severity {
                case .error: "error"
                case .warning: "warning"
                case .note: "note"
                }
                results.append(S.Result(ruleId: id, ruleIndex: index, level: level, message: S.Text(text: diagnostic.message),
                    locations: [S.Location(physicalLocation: S.PhysicalLocation(
                        artifactLocation: S.ArtifactLocation(uri: uri, index: artifactIndex), region: region ?? S.Region(startLine: 1, startColumn: 1)))]))
            }
        }
        let log = S.Log(runs: [S.Run(tool: S.Tool(driver: S.Driver(version: version, rules: rules)), results: results, artifacts: artifacts)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(log) + Data("\n".utf8)
    }

    /// Reports of every shape: errors with and without a location, warnings, rows of an export,
    /// a name XML and JSON must escape, no format, a time with many digits.
    static let samples: [DocumentReport] = [
        DocumentReport(
            source: "c good & <odd> \"name\" / é.xml", format: .cda, size: 1200, sha256: String(repeating: "a", count: 64), rules: "ci-sis",
            schemaValidated: true,
            diagnostics: [
                Diagnostic(code: "XML-MALFORMED", severity: .error, message: "tag <b> not closed\n\"here\"", file: "c.xml",
                    location: SourceLocation(line: 3, column: 7), path: "/ClinicalDocument"),
                Diagnostic(code: "CISIS-HEADER", severity: .warning, message: "a warning\u{1}", file: "c.xml"),
            ], seconds: 0.0123456789),
        DocumentReport(
            source: "export.csv", format: .flatExport, size: 124, sha256: String(repeating: "b", count: 64), rules: "none",
            schemaValidated: false, diagnostics: [], seconds: 3.4832809200000004e-06, records: 2...2, lines: 2...4),
        DocumentReport(
            source: "d.xml", format: nil, size: 0, sha256: "", rules: "none", schemaValidated: false,
            diagnostics: [Diagnostic(code: "INPUT-FORMAT-UNKNOWN", severity: .error, message: "not a document", file: "d.xml")],
            seconds: 0),
        DocumentReport(
            source: "export.csv", format: .flatExport, size: 300, sha256: String(repeating: "c", count: 64), rules: "none",
            schemaValidated: false,
            diagnostics: [Diagnostic(code: "FLAT-DATE", severity: .note, message: "a note", file: "export.csv",
                location: SourceLocation(line: 5, column: 2, record: 3))],
            seconds: 0.5, records: 3...3, lines: 5...5),
    ]

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    @Test("JSON and SARIF written piece by piece are what JSONEncoder writes for the whole log, empty included")
    func jsonAsEncoderWritesIt() throws {
        let many = (0..<9).map { Self.samples[($0 * 7) % Self.samples.count] }
        for reports in [Self.samples, [], [Self.samples[1]], Self.samples.reversed(), many] {
            let rendered = try ReportFormat.json.render(reports, toolVersion: "1.2/3")
            #expect(Self.text(rendered) == Self.text(try Self.wholeJSON(reports, version: "1.2/3")))
            let sarif = try ReportFormat.sarif.render(reports, toolVersion: "1.2/3")
            #expect(Self.text(sarif) == Self.text(try Self.wholeSARIF(reports, version: "1.2/3")))
        }
    }

    @Test("spooled beyond the memory limit, over several inputs: the report rendered whole", arguments: ReportFormat.allCases)
    func spooledAsWhole(format: ReportFormat) throws {
        let spool = ReportSpool()
        var inputs: [RenderedReports] = []
        let reports = (0..<40).map { index in
            var report = Self.samples[index % Self.samples.count]
            report.seconds = Double(index % 4) * 0.25
            return report
        }
        for part in stride(from: 0, to: reports.count, by: 15) {
            var input = RenderedReports(format: format, spool: spool, memoryLimit: 300)
            for report in reports[part..<min(part + 15, reports.count)] { try input.append(report) }
            try input.finish(head: [], share: 0)
            inputs.append(input)
        }
        #expect(spool.size > 0, "the reports went beyond 300 bytes per input")
        var written = Data()
        let totals = try ReportWriter(format: format, toolVersion: "t").write(inputs, bufferSize: 64) { written.append(contentsOf: $0) }
        #expect(Self.text(written) == Self.text(try format.render(reports, toolVersion: "t")))
        #expect(totals.documents == 40 && totals.failed == 20 && totals.seconds == 15)
    }

    @Test("reports whose time comes at the end of their input, after a head: as if each had its share", arguments: ReportFormat.allCases)
    func timesGivenAtTheEnd(format: ReportFormat) throws {
        let spool = ReportSpool()
        var input = RenderedReports(format: format, spool: spool, memoryLimit: 200)
        let tail = Array(Self.samples.dropFirst())
        for report in tail { try input.appendSharingTime(report) }
        let head = [Self.samples[0]]
        try input.finish(head: head, share: 0.125)
        var written = Data()
        try ReportWriter(format: format, toolVersion: "t").write([input]) { written.append(contentsOf: $0) }
        let expected = head + tail.map { $0.withSeconds(0.125) }
        #expect(Self.text(written) == Self.text(try format.render(expected, toolVersion: "t")))
    }

    @Test("JSON rows of an export made from the first passing row's element: byte for byte what JSONEncoder writes for each")
    func jsonRowsFromTheFirstRow() throws {
        var random = SeededGenerator(state: 11)
        let sources = ["export.csv", "dir/ex \"port\" é\\.csv"]
        var reports: [DocumentReport] = []
        for index in 0..<400 {
            let row = Int.random(in: 1...(index % 3 == 0 ? 9 : 9_999_999), using: &random)
            let lines = row...(row + Int.random(in: 0...3, using: &random))
            let digest = (0..<64).map { _ in "0123456789abcdef".randomElement(using: &random)! }
            var report = DocumentReport(
                source: sources[index / 200], format: .flatExport, size: Int.random(in: 0...1_000_000, using: &random),
                sha256: String(digest), rules: "none", schemaValidated: false, diagnostics: [], seconds: 0,
                records: row...row, lines: lines)
            switch index % 50 {
            case 7: report.diagnostics = Self.samples[0].diagnostics  // a failing row between passing ones
            case 13: report.rules = "ci-sis"  // another shape: encoded whole
            case 17: report.sha256 = ""  // not a digest: encoded whole
            case 23: report.lines = nil
            default: break
            }
            reports.append(report)
        }
        var input = RenderedReports(format: .json, spool: ReportSpool(), memoryLimit: 4096)
        for report in reports { try input.appendSharingTime(report) }
        try input.finish(head: [], share: 0.015625)
        var written = Data()
        try ReportWriter(format: .json, toolVersion: "t").write([input]) { written.append(contentsOf: $0) }
        let expected = reports.map { $0.withSeconds(0.015625) }
        #expect(Self.text(written) == Self.text(try Self.wholeJSON(expected, version: "t")))
    }

    @Test("the text report prints nothing for a document without diagnostics but counts it, and its totals")
    func textTotals() throws {
        let silent = Array(repeating: Self.samples[1], count: 3)
        let rendered = Self.text(try ReportFormat.text.render(Self.samples + silent, toolVersion: "t"))
        #expect(rendered.hasSuffix("\n7 documents checked: 5 passed, 2 failed (2 errors, 1 warning)\n"))
        #expect(rendered.split(separator: "\n").count == 5 + 1, "a line per diagnostic (the first message holds a line break), the summary")
    }

    @Test("a flat export streamed into a report of each format: the report of its reports rendered whole", arguments: [
        ("lgc/lgc-cp1252-crlf.csv", "lgc-semicolon-cp1252.json"), ("lgc/colibri-utf8.csv", "colibri-comma-quoted.yaml"),
    ])
    func streamedExport(export: String, profileName: String) throws {
        let profile = try ProfileLoader.load(contentsOf: TestPaths.fixture("profiles/\(profileName)"))
        let url = TestPaths.fixture(export)
        for format in ReportFormat.allCases {
            var input = RenderedReports(format: format, spool: ReportSpool(), memoryLimit: 100)
            var tail: [DocumentReport] = []
            let head = try #require(try DocumentReport.streamReports(contentsOf: url, sourceName: export, profile: profile) { report in
                tail.append(report)
                try input.appendSharingTime(report)
            })
            try input.finish(head: head.reports, share: head.share)
            var written = Data()
            try ReportWriter(format: format, toolVersion: "t").write([input]) { written.append(contentsOf: $0) }
            let expected = head.reports + tail.map { $0.withSeconds(head.share) }
            #expect(Self.text(written) == Self.text(try format.render(expected, toolVersion: "t")))
            #expect(input.totals.documents == expected.count)
        }
    }

    @Test("a spool that cannot be created is an error naming its directory, not a lost report")
    func spoolFailure() throws {
        let missing = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)")
        var input = RenderedReports(format: .json, spool: ReportSpool(directory: missing), memoryLimit: 10)
        #expect {
            try input.append(Self.samples[0])
        } throws: { error in
            (error as? ReportSpoolError).map { $0.operation == "create" && "\($0)".contains(missing.path) } ?? false
        }
    }
}
