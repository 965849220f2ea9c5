import Foundation
import PasserelleFlat
import PasserelleTestSupport
import PasserelleValidation
import Testing

/// `validate` reads a flat export file as a stream, keeping reports and not documents: the reports
/// must be the ones the whole-bytes reading gives.
@Suite("Streamed validation reports of flat exports")
struct StreamedReportsTests {
    /// Everything a report says except its timing (which differs from one reading to the next).
    static func comparable(_ reports: [DocumentReport]) -> [String] {
        reports.map { report in
            let diagnostics = report.diagnostics.map { "\($0.description) \($0.path ?? "")" }.joined(separator: " / ")
            return "\(report.source) \(String(describing: report.format)) \(report.size) \(report.sha256) \(report.rules) "
                + "\(report.schemaValidated) \(String(describing: report.records)) \(String(describing: report.lines)) "
                + "\(report.passed) [\(diagnostics)]"
        }
    }

    static func wholeReports(_ url: URL, name: String, profile: ExportProfile) throws -> [DocumentReport] {
        let bytes = try Data(contentsOf: url)
        return DocumentReport.reports(for: DocumentSource.readDocuments(bytes: bytes, sourceName: name, profile: profile), seconds: 0)
    }

    @Test("rows that pass, rows rejected, file-level notes: the same reports either way", arguments: [
        ("lgc/lgc-cp1252-crlf.csv", "lgc-semicolon-cp1252.json"), ("lgc/colibri-utf8.csv", "colibri-comma-quoted.yaml"),
        ("lgc/fixed-width-lab-iso885915.txt", "fixed-width-lab-iso885915.json"),
    ])
    func sameReports(export: String, profileName: String) throws {
        let profile = try ProfileLoader.load(contentsOf: TestPaths.fixture("profiles/\(profileName)"))
        let url = TestPaths.fixture(export)
        let streamed = try #require(try DocumentReport.streamedReports(contentsOf: url, sourceName: export, profile: profile)).reports
        #expect(!streamed.isEmpty)
        let whole = try Self.wholeReports(url, name: export, profile: profile)
        #expect(Self.comparable(streamed) == Self.comparable(whole))
        // For a text report: the silent passes after the first are counted, every report that says something is kept.
        let lean = try #require(
            try DocumentReport.streamedReports(contentsOf: url, sourceName: export, profile: profile, keepingSilentPasses: false))
        let saying = whole.enumerated().filter { $0.offset == 0 || !$0.element.diagnostics.isEmpty }.map(\.element)
        #expect(Self.comparable(lean.reports) == Self.comparable(saying))
        #expect(lean.reports.count + lean.omittedPasses == whole.count)
        if export == "lgc/lgc-cp1252-crlf.csv" { #expect(lean.omittedPasses == 1, "its row 3 passes without a diagnostic") }
        let text = { (reports: [DocumentReport], omitted: Int) in
            String(decoding: try ReportFormat.text.render(reports, toolVersion: "t", omittedPasses: omitted), as: UTF8.self)
        }
        #expect(try text(lean.reports, lean.omittedPasses) == (try text(whole, 0)))
        // SARIF lists diagnostics, and a file's artifact from its first report: the same log.
        #expect(try ReportFormat.sarif.render(lean.reports, toolVersion: "t", omittedPasses: lean.omittedPasses)
            == (try ReportFormat.sarif.render(whole, toolVersion: "t")))
    }

    @Test("a file refused whole (its header lacks a mapped column) gives one report naming the file, with its SHA-256")
    func fileLevelError() throws {
        var profile = try ProfileLoader.load(contentsOf: TestPaths.fixture("profiles/lgc-semicolon-cp1252.json"))
        profile.fields.append(FieldMapping(target: .authorFamilyName, source: .column(.name("MEDECIN"))))
        let url = TestPaths.fixture("lgc/lgc-cp1252-crlf.csv")
        let streamed = try #require(try DocumentReport.streamedReports(contentsOf: url, sourceName: "export.csv", profile: profile)).reports
        #expect(streamed.count == 1 && streamed[0].passed == false)
        #expect(streamed[0].diagnostics.map(\.code) == [.flatHeader])
        let whole = try Self.wholeReports(url, name: "export.csv", profile: profile)
        #expect(Self.comparable(streamed) == Self.comparable(whole), "\(Self.comparable(streamed))\n\(Self.comparable(whole))")
        #expect(streamed[0].sha256.count == 64)
    }

    @Test("a file that is no flat export (CDA, HPRIM) is not streamed here: nil, the caller reads it whole")
    func otherFormatsAreNotStreamed() throws {
        let profile = try ProfileLoader.load(contentsOf: TestPaths.fixture("profiles/lgc-semicolon-cp1252.json"))
        for fixture in ["hprim/sante-two-patients.hpr", "cda/valid/corsica-born.xml"] {
            #expect(try DocumentReport.streamedReports(contentsOf: TestPaths.fixture(fixture), sourceName: fixture, profile: profile) == nil)
        }
    }
}
