import Foundation
import PasserelleModel
import PasserelleTestSupport
import Testing
@testable import PasserelleFlat

struct RobustnessTests {
    /// Random bytes biased towards the characters that drive the readers.
    static func noise(seed: UInt64, count: Int) -> [UInt8] {
        var generator = SeededGenerator(state: seed)
        let alphabet = Array("ab;,|\t\"\\\r\n0123456789/HPOBXACL~^&*éŒ".utf8) + [0x81, 0xE9, 0x92, 0xC3, 0xFF]
        return (0..<count).map { _ in
            Bool.random(using: &generator) ? alphabet.randomElement(using: &generator) ?? 0 : UInt8.random(in: 0...255, using: &generator)
        }
    }

    static let seeds: [UInt64] = Array(1...40)

    @Test(arguments: seeds)
    func flatExportReaderAlwaysAccountsForEveryRecord(seed: UInt64) throws {
        let profile = try FlatExportTests.lgcProfile(encoding: seed % 2 == 0 ? .utf8 : .windows1252, lineEnding: .auto)
        var bytes = Array("NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\n".utf8)
        bytes += Self.noise(seed: seed, count: 2000 + Int(seed) * 50)
        let result = try FlatExportReader(profile: profile, chunkSize: 4096).read(bytes: bytes, sourceName: "noise.csv")
        let accounted = result.documents.count + result.summary.rejectedRecords
        let empties = result.diagnostics.filter { $0.code == .flatEmptyRecord }.count
        #expect(accounted + 1 <= result.summary.records)
        #expect(empties > 0 || accounted + 1 == result.summary.records)
        #expect(result.rejected.allSatisfy { $0.diagnostics.containsErrors })
    }

    @Test(arguments: seeds)
    func hprimReadersNeverCrash(seed: UInt64) {
        var sante = Array("H|~^\\&|F|1|LAB~Lab||ORU|||CAB~Cab||P|H2.2~C|20240101\r\n".utf8)
        sante += Self.noise(seed: seed, count: 1500)
        let santeResult = HPRIMSanteReader().read(bytes: sante, sourceName: "noise.hpr")
        #expect(santeResult.documents.count + santeResult.rejected.count >= 1 || !santeResult.diagnostics.isEmpty)
        let net = HPRIMNetReader().read(bytes: Self.noise(seed: seed &+ 1000, count: 1500), sourceName: "noise.hpr")
        #expect(net.documents.count + net.rejected.count == 1)
        _ = FlatFormatDetector.detect(Self.noise(seed: seed &+ 2000, count: 3000))
    }

    @Test(arguments: [1, 7, 4096, 65_537] as [Int])
    func resultsDoNotDependOnChunkBoundaries(chunk: Int) throws {
        let profile = try FlatExportTests.lgcProfile()
        let file = try FlatFixtures.bytes("lgc/lgc-cp1252-crlf.csv")
        let body = file[(try #require(file.firstIndex(of: 0x0A)) + 1)...]
        var bytes = Array(file)
        for _ in 0..<400 { bytes += body }
        func read(chunk: Int) throws -> FlatReadResult {
            try FlatFixtures.feed(bytes, profile: profile, cuts: FlatFixtures.cuts(every: chunk, count: bytes.count),
                sourceName: "big.csv")
        }
        let whole = try read(chunk: bytes.count)
        let pieces = try read(chunk: chunk)
        #expect(whole.documents.count == 802)
        #expect(pieces.documents == whole.documents)
        #expect(pieces.rejected == whole.rejected)
    }

    @Test func aRecordLargerThanTheLimitIsRejectedAndReadingResumes() throws {
        var profile = try FlatExportTests.lgcProfile(encoding: .utf8)
        profile.maxRecordBytes = 4096
        var text = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
        text += "A;A;B;01/01/1950;M;;P1;06/01/2024;\"never closed\r\n" + String(repeating: "filler line\r\n", count: 20_000)
        let result = try FlatExportReader(profile: profile, chunkSize: 4096).read(bytes: Array(text.utf8), sourceName: "big.csv")
        #expect(result.rejected.first?.diagnostics.first?.code == .flatRecordTooLarge)
        #expect(result.rejected.first?.records == 2...2)
        #expect(result.summary.records > 10_000, "reading resumed line by line")
    }
}
