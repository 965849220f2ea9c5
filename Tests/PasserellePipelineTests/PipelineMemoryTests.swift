import Foundation
import PasserelleFlat
import PasserelleModel
import PasserelleTestSupport
import PasserelleValidation
import Testing

@testable import PasserellePipeline

/// Streams a 100 MB export (above the 64 MiB input limit) through the pipeline into a sink that
/// keeps nothing, and checks that the resident memory of this process grows by less than 48 MB:
/// the export is read from disk row by row, never whole. Runs alone (`make test` filters
/// `MemoryTests` into a serial run of their own).
struct PipelineMemoryTests {
    /// Accepts everything at once, keeps nothing, and samples the peak resident memory.
    final class SamplingSink: DocumentSink, @unchecked Sendable {
        private let mutex = NSLock()
        private var handled = 0
        private(set) var peak = 0

        private func sample() {
            mutex.lock()
            handled += 1
            if handled % 500 == 0 { peak = max(peak, ProcessMemory.residentBytes() ?? 0) }
            mutex.unlock()
        }

        var count: Int {
            mutex.lock()
            defer { mutex.unlock() }
            return handled
        }

        func previousOutcome(source: String, sha256: String) async throws -> String? { nil }

        func accept(_ read: ReadDocument, source: String, receivedAt: Date) async throws -> DocumentResult {
            sample()
            return DocumentResult(source: source, name: read.name, sha256: read.sha256, size: read.originalBytes.count,
                outcome: .converted(output: source))
        }

        func reject(_ rejection: Rejection) async throws -> DocumentResult {
            sample()
            return DocumentResult(source: rejection.source, name: rejection.name, sha256: rejection.sha256, size: rejection.bytes.count,
                outcome: .failed(reason: rejection.reason))
        }

        func unreadable(source: String, reason: String) async throws -> DocumentResult {
            DocumentResult(source: source, name: source, sha256: "", size: 0, outcome: .failed(reason: reason))
        }

        func sourceComplete(source: String, sha256: String, parts: Int) async throws {}
    }

    @Test(.enabled(if: ProcessMemory.residentBytes() != nil))
    func hundredMegabyteExportStreamedInBoundedMemory() async throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("large.csv")
        let observation = String(repeating: "Observation fictive; suivi \"\"habituel\"\" sans particularite. ", count: 30)
        let row = Data("ESSAI;ESSAI;Noe;01/01/1950;M;;P1;06/01/2024;Motif;\"\(observation)\r\nfin\"\r\n".utf8)
        var chunk = Data(StreamedIngestTests.header.utf8)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        var rows = 0
        var written = 0
        while written < 100_000_000 {
            while chunk.count < 1 << 20 {
                chunk.append(row)
                rows += 1
            }
            try handle.write(contentsOf: chunk)
            written += chunk.count
            chunk.removeAll(keepingCapacity: true)
        }
        try handle.close()
        let sink = SamplingSink()
        let inputs = InputSource(paths: [url.path], extensions: ["csv"])
        let baseline = try #require(ProcessMemory.residentBytes())
        let summary = try await IngestPipeline(configuration: try StreamedIngestTests.configuration(), sink: sink).run(inputs)
        #expect(summary.inputs == 1)
        #expect(summary.converted == rows)
        #expect(summary.bytes == written)
        #expect(sink.peak - baseline < 48_000_000, "resident memory grew by \((sink.peak - baseline) / 1_000_000) MB for a \(written / 1_000_000) MB export")
    }
}
