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
        let streamed = try #require(try DocumentReport.streamedReports(contentsOf: url, sourceName: export, profile: profile))
        #expect(!streamed.isEmpty)
        let whole = try Self.wholeReports(url, name: export, profile: profile)
        #expect(Self.comparable(streamed) == Self.comparable(whole))
        // Text and SARIF carry no times: rendered row by row from the stream, the same bytes as from the whole reading.
        for format in [ReportFormat.text, .sarif] {
            var input = RenderedReports(format: format, spool: ReportSpool(), memoryLimit: 64)
            let head = try #require(try DocumentReport.streamReports(contentsOf: url, sourceName: export, profile: profile) {
                try input.appendSharingTime($0)
            })
            try input.finish(head: head.reports, share: head.share)
            var written = Data()
            try ReportWriter(format: format, toolVersion: "t").write([input]) { written.append(contentsOf: $0) }
            #expect(written == (try format.render(whole, toolVersion: "t")))
        }
    }

    @Test("a file refused whole (its header lacks a mapped column) gives one report naming the file, with its SHA-256")
    func fileLevelError() throws {
        var profile = try ProfileLoader.load(contentsOf: TestPaths.fixture("profiles/lgc-semicolon-cp1252.json"))
        profile.fields.append(FieldMapping(target: .authorFamilyName, source: .column(.name("MEDECIN"))))
        let url = TestPaths.fixture("lgc/lgc-cp1252-crlf.csv")
        let streamed = try #require(try DocumentReport.streamedReports(contentsOf: url, sourceName: "export.csv", profile: profile))
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
