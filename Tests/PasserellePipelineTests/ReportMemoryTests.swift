import Foundation
import PasserelleFlat
import PasserelleModel
import PasserelleTestSupport
import PasserelleValidation
import Testing

/// `validate --format json` of a 150,000-row export: the report (about 67 MB of JSON) is
/// rendered row by row and spooled, so the resident memory of this process grows by less than
/// 48 MB; the same rendering kept in memory grows by the report's size, which the bound catches.
/// Runs alone (`make test` filters `MemoryTests` into a serial run of their own).
struct ReportMemoryTests {
    /// Renders the export's JSON report; returns the bytes written and the peak resident memory.
    static func render(_ url: URL, profile: ExportProfile, spool: ReportSpool?) throws -> (bytes: Int, documents: Int, peak: Int) {
        var input = RenderedReports(format: .json, spool: spool, memoryLimit: spool == nil ? .max : 1 << 20)
        var peak = 0
        var rows = 0
        let head = try #require(try DocumentReport.streamReports(contentsOf: url, sourceName: "export.csv", profile: profile) { report in
            try input.appendSharingTime(report)
            rows += 1
            if rows % 2_000 == 0 { peak = max(peak, ProcessMemory.residentBytes() ?? 0) }
        })
        try input.finish(head: head.reports, share: head.share)
        var bytes = 0
        let totals = try ReportWriter(format: .json, toolVersion: "t").write([input]) { chunk in
            bytes += chunk.count
            peak = max(peak, ProcessMemory.residentBytes() ?? 0)
        }
        return (bytes, totals.documents, peak)
    }

    @Test(.enabled(if: ProcessMemory.residentBytes() != nil))
    func jsonReportOfALargeExportInBoundedMemory() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("export.csv")
        var text = StreamedIngestTests.header
        let rows = 150_000
        for row in 0..<rows {
            text += "ESSAI;ESSAI;Anne;01/02/1970;F;;P\(row);03/04/2024;Suivi;Observation \(row) sans particularite\r\n"
        }
        try Data(text.utf8).write(to: url)
        text = ""
        let profile = try ProfileLoader.load(contentsOf: TestPaths.fixture("profiles/lgc-semicolon-cp1252.json"))

        let baseline = try #require(ProcessMemory.residentBytes())
        let spool = ReportSpool(directory: scratch.url)
        let spooled = try Self.render(url, profile: profile, spool: spool)
        #expect(spooled.documents == rows)
        #expect(spooled.bytes > 60_000_000, "a JSON report of \(spooled.bytes / 1_000_000) MB")
        #expect(spool.size > 60_000_000)
        #expect(spooled.peak - baseline < 48_000_000, "resident memory grew by \((spooled.peak - baseline) / 1_000_000) MB")

        let kept = try Self.render(url, profile: profile, spool: nil)
        #expect(kept.documents == rows)
        #expect(kept.peak - baseline >= 48_000_000, "kept in memory, the rendering grows with the report (the bound is not loose)")
    }
}
