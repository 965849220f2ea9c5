import Foundation
import PasserelleModel
import PasserelleTestSupport
import Testing
@testable import PasserelleFlat

/// Reads a 200 MB export generated on the fly (never held in memory) and checks that the
/// resident memory of this process grows by less than 100 MB while doing it.
struct MemoryTests {
    @Test(.enabled(if: ProcessMemory.residentBytes() != nil))
    func twoHundredMegabytesInBoundedMemory() throws {
        let profile = try FlatExportTests.lgcProfile()
        var parser = FlatExportParser(profile: profile, sourceName: "generated.csv")
        let header = Array("NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n".utf8)
        let observation = String(repeating: "Observation fictive; suivi \"\"habituel\"\" sans particularité. ", count: 60)
        let row = Array("ESSAI;ESSAI;Noé;01/01/1950;M;;P1;06/01/2024;Motif;\"\(observation)\r\nfin\"\r\n".utf8)
        let rowsPerChunk = max(1, (1 << 20) / row.count)
        var chunk: [UInt8] = []
        for _ in 0..<rowsPerChunk { chunk += row }
        let target = 200_000_000
        let baseline = try #require(ProcessMemory.residentBytes())
        var peak = baseline
        var documents = 0
        var written = 0
        try header.withUnsafeBytes { try parser.consume($0) { _ in } }
        while written < target {
            try chunk.withUnsafeBytes { bytes in
                try parser.consume(bytes) { output in
                    if case .document = output { documents += 1 }
                }
            }
            written += chunk.count
            peak = max(peak, ProcessMemory.residentBytes() ?? 0)
        }
        try parser.finish { output in if case .document = output { documents += 1 } }
        #expect(documents == (written / row.count))
        #expect(peak - baseline < 100_000_000, "resident memory grew by \((peak - baseline) / 1_000_000) MB")
    }
}
