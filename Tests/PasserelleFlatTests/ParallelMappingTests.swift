import Foundation
import PasserelleModel
import PasserelleTestSupport
import Testing
@testable import PasserelleFlat

/// One-row-per-document exports are mapped in batches, on `jobs` threads, reusing the previous
/// row's values and patient (`RowCache`, `DocumentBuilder.PatientCache`). Whatever the number of
/// jobs and the chunk boundaries, the outputs must be exactly those of the plain path (one row
/// at a time, nothing reused), diagnostics, rejected bytes and their order included.
struct ParallelMappingTests {
    static let header = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"

    /// Bytes of `text` in UTF-8 or Windows-1252 (Latin-1 characters, plus Œ and €).
    static func encode(_ text: String, utf8: Bool) -> [UInt8] {
        if utf8 { return Array(text.utf8) }
        return text.unicodeScalars.map { scalar in
            switch scalar {
            case "Œ": 0x8C
            case "€": 0x80
            default: UInt8(truncatingIfNeeded: scalar.value)
            }
        }
    }

    /// A seeded export mixing repeated and alternating patients, quoted fields with delimiters,
    /// doubled quotes and line breaks, bad dates, unmapped sex codes, missing required values,
    /// undecodable bytes, ragged rows, text after a closing quote and empty lines.
    static func export(seed: UInt64, rows: Int, utf8: Bool) -> [UInt8] {
        var generator = SeededGenerator(state: seed)
        let patients = [
            ["DUPONT", "DUPONT", "Jean Paul", "12/03/1979", "M", "179031234567890", "P1"],
            ["LEFÈVRE", "MARTIN", "Hélène", "01/01/1950", "F", "", "P2"],
            ["ŒUVRE", "ŒUVRE", "Zoé,Anne", "29/02/2000", "2", "200021234567891", "P3"],
            ["DUPONT", "DUPONT", "Jean Paul", "12/03/1979", "F", "179031234567890", "P1"],
            [" petit ", "PETIT", "  Léa  ", "31/12/1999", "1", "", "P5"],
        ]
        var bytes = encode(header, utf8: utf8)
        var patient = 0
        for row in 0..<rows {
            if Int.random(in: 0..<10, using: &generator) < 3 { patient = Int.random(in: 0..<patients.count, using: &generator) }
            var fields = patients[patient]
            fields.append(String(format: "%02d/%02d/2024", 1 + row % 28, 1 + row % 12))
            fields.append(["Bilan", "Douleur lombaire", "Contrôle", "Suivi €"][row % 4])
            fields.append("Observation \(row) très détaillée.")
            var line: String?
            switch Int.random(in: 0..<100, using: &generator) {
            case 0..<5: fields[7] = "31/02/2024"
            case 5..<8: fields[6] = ""
            case 8..<11: fields[4] = "X"
            case 11..<14: fields[3] = "1979-03-12"
            case 14..<20: fields[9] = "\"TA : 13/8; FC 72\r\n\"\"Traitement\"\" poursuivi.\""
            case 20..<23: fields[0] = "\"\(fields[0])\""
            case 23..<25: fields.removeLast()
            case 25..<27: fields.append("extra")
            case 27..<29: line = ""
            case 29..<30: fields[8] = "\"Bilan\"x"
            default: break
            }
            var encoded = encode((line ?? fields.joined(separator: ";")) + "\r\n", utf8: utf8)
            if Int.random(in: 0..<100, using: &generator) < 3, let at = encoded.firstIndex(of: UInt8(ascii: "B")) {
                // Undecodable: 0x81 is unassigned in Windows-1252, 0xFF never appears in UTF-8.
                encoded.insert(utf8 ? 0xFF : 0x81, at: at)
            }
            bytes += encoded
        }
        return bytes
    }

    /// Reads through the parser; `plain` disables batching, parallel mapping and every reuse.
    static func read(
        _ bytes: [UInt8], profile: ExportProfile, jobs: Int, chunk: Int, plain: Bool
    ) throws -> FlatReadResult {
        try FlatFixtures.feed(bytes, profile: profile, cuts: FlatFixtures.cuts(every: chunk, count: bytes.count), jobs: jobs,
            plain: plain, sourceName: "parallel.csv")
    }

    @Test(arguments: [(1, 1 << 20), (2, 1 << 20), (4, 1 << 20), (2, 4096), (3, 4093)] as [(Int, Int)])
    func batchedParallelMappingEqualsThePlainPath(jobs: Int, chunk: Int) throws {
        for utf8 in [false, true] {
            let profile = try FlatExportTests.lgcProfile(encoding: utf8 ? .utf8 : .windows1252)
            let bytes = Self.export(seed: 42 + UInt64(jobs), rows: 3000, utf8: utf8)
            let plain = try Self.read(bytes, profile: profile, jobs: 1, chunk: 1 << 20, plain: true)
            let fast = try Self.read(bytes, profile: profile, jobs: jobs, chunk: chunk, plain: false)
            #expect(plain.documents.count > 2000)
            #expect(plain.rejected.count > 300)
            #expect(fast.documents.count == plain.documents.count)
            #expect(fast.rejected.count == plain.rejected.count)
            for (index, (a, b)) in zip(fast.documents, plain.documents).enumerated() where a != b {
                Issue.record("document \(index) (lines \(String(describing: b.lines))) differs, utf8: \(utf8)")
                break
            }
            #expect(fast.rejected == plain.rejected)
            #expect(fast.diagnostics == plain.diagnostics)
            #expect(fast.summary == plain.summary)
        }
    }

    @Test(arguments: [(1, 4096), (2, 4096), (2, 200_000)] as [(Int, Int)])
    func aFileReadInPiecesGivesWhatItsBytesGive(jobs: Int, chunkSize: Int) throws {
        // The reader reads the file straight into the parser's buffer, reused between reads:
        // 4 KiB reads cut records, quoted line breaks and doubled quotes everywhere; with a
        // 200,000-byte limit the reads grow (64 KiB, 128 KiB) and are then capped.
        let profile = try FlatExportTests.lgcProfile()
        let bytes = Self.export(seed: 7, rows: 2500, utf8: false)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-pieces-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let reader = FlatExportReader(profile: profile, chunkSize: chunkSize, jobs: jobs)
        let fromFile = try reader.read(contentsOf: url, sourceName: "parallel.csv", receivedAt: Date(timeIntervalSince1970: 0))
        let plain = try Self.read(bytes, profile: profile, jobs: 1, chunk: 1 << 20, plain: true)
        #expect(plain.documents.count > 1500)
        #expect(bytes.count > 3 << 16)
        #expect(fromFile.summary.bytes == bytes.count)
        #expect(fromFile.documents == plain.documents)
        #expect(fromFile.rejected == plain.rejected)
        #expect(fromFile.diagnostics == plain.diagnostics)
        #expect(fromFile.summary == plain.summary)
    }

    @Test func patientIsRebuiltAfterARejectedRowOfAnotherPatient() throws {
        let profile = try FlatExportTests.lgcProfile()
        let first = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan;Obs\r\n"
        // Another patient, rejected for its consultation date.
        let other = "MARTIN;MARTIN;Léa;01/01/1950;F;;P2;31/02/2024;Bilan;Obs\r\n"
        // The same patient as the other one, accepted.
        let otherGood = "MARTIN;MARTIN;Léa;01/01/1950;F;;P2;01/02/2024;Bilan;Obs\r\n"
        let rows = [first, other, first, other, otherGood, first]
        let bytes = Self.encode(Self.header + rows.joined(), utf8: false)
        for jobs in [1, 2] {
            let fast = try Self.read(bytes, profile: profile, jobs: jobs, chunk: 1 << 20, plain: false)
            let plain = try Self.read(bytes, profile: profile, jobs: 1, chunk: 1 << 20, plain: true)
            #expect(fast.documents == plain.documents)
            #expect(fast.rejected == plain.rejected)
            #expect(fast.documents.map { $0.document.patient?.birthFamilyName } == ["DUPONT", "DUPONT", "MARTIN", "DUPONT"])
            #expect(fast.rejected.map(\.records) == [3...3, 5...5])
        }
    }

    @Test func aConstantOutsideItsValueMapRejectsEveryRow() throws {
        var profile = try FlatExportTests.lgcProfile()
        let index = try #require(profile.fields.firstIndex { $0.target == .documentTypeDisplayName })
        profile.fields[index].valueMap = ["other": "x"]
        let row = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan;Obs\r\n"
        let bytes = Self.encode(Self.header + String(repeating: row, count: 300), utf8: false)
        let fast = try Self.read(bytes, profile: profile, jobs: 2, chunk: 1 << 20, plain: false)
        #expect(fast.documents.isEmpty)
        #expect(fast.rejected.count == 300)
        #expect(fast.rejected.allSatisfy { $0.diagnostics.first?.code == .flatValue })
        #expect(fast.rejected.map { $0.diagnostics.first?.location?.line } == Array(2...301))
    }

    @Test func aMultiByteCharacterSplitAcrossReadsIsDecodedWhole() throws {
        let profile = try FlatExportTests.lgcProfile(encoding: .utf8)
        let row = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan;Hélène écrit \"€\"\r\n"
        let bytes = Self.encode(Self.header + String(repeating: row, count: 400), utf8: true)
        // Every read boundary of a 7-byte or 4,093-byte chunking falls somewhere else in the rows,
        // inside two- and three-byte sequences among others.
        let whole = try Self.read(bytes, profile: profile, jobs: 2, chunk: bytes.count, plain: false)
        #expect(whole.documents.count == 400)
        #expect(whole.documents.allSatisfy { $0.document.body == .text("Hélène écrit \"€\"") })
        for chunk in [1, 7, 4093] {
            let pieces = try Self.read(bytes, profile: profile, jobs: 2, chunk: chunk, plain: false)
            #expect(pieces.documents == whole.documents, "chunk \(chunk)")
            #expect(pieces.rejected.isEmpty)
        }
    }

    @Test func readerPassesJobsToTheParser() throws {
        let profile = try FlatExportTests.lgcProfile()
        #expect(FlatExportReader(profile: profile, jobs: 0).jobs == 1)
        #expect(FlatExportReader(profile: profile, jobs: 2).jobs == 2)
        let bytes = Self.export(seed: 7, rows: 500, utf8: false)
        let one = try FlatExportReader(profile: profile, jobs: 1).read(bytes: bytes, sourceName: "parallel.csv")
        let two = try FlatExportReader(profile: profile, jobs: 2).read(bytes: bytes, sourceName: "parallel.csv")
        #expect(one.documents.map(\.originalBytes) == two.documents.map(\.originalBytes))
        #expect(one.rejected == two.rejected)
    }

    /// One line per output in emission order: its kind and where it comes from.
    static func sequence(
        _ bytes: [UInt8], profile: ExportProfile, jobs: Int, chunk: Int, plain: Bool
    ) throws -> [String] {
        var emitted: [String] = []
        try FlatFixtures.stream(
            bytes, profile: profile, cuts: FlatFixtures.cuts(every: chunk, count: bytes.count), jobs: jobs, plain: plain,
            sourceName: "order.csv"
        ) { output in
            switch output {
            case .document(let document): emitted.append("document \(String(describing: document.lines))")
            case .rejected(let record): emitted.append("rejected \(record.records)")
            case .diagnostic(let diagnostic): emitted.append("note \(diagnostic.code.rawValue) \(String(describing: diagnostic.location))")
            }
        }
        return emitted
    }

    /// Several batches are in flight one after the other (the workers map one while the parser
    /// scans the next): documents, rejections and file-level notes found while a batch is being
    /// mapped (a line-ending change right after a batch left, a quote never closed) must still
    /// come out in source order.
    @Test(arguments: [(2, 1 << 20), (3, 65_536), (2, 10_007)] as [(Int, Int)])
    func outputsKeepTheSourceOrderAcrossBatchesInFlight(jobs: Int, chunk: Int) throws {
        let profile = try FlatExportTests.lgcProfile()
        var bytes = Self.export(seed: 11, rows: 9000, utf8: false)
        // From the first line of the first record after the first batch (`batchSize` records) on,
        // LF instead of CRLF: the one warning is found just after that batch went to the workers.
        let original = try Self.read(bytes, profile: profile, jobs: 1, chunk: 1 << 20, plain: true)
        let firstLines = (original.documents.compactMap { $0.lines?.lowerBound } + original.rejected.map(\.lines.lowerBound)).sorted()
        let boundaryLine = firstLines[FlatExportParser.batchSize]
        var lineStart = 0
        for _ in 1..<boundaryLine { lineStart = try #require(bytes[lineStart...].firstIndex(of: 0x0A)) + 1 }
        var tail: [UInt8] = []
        for (index, byte) in bytes[lineStart...].enumerated() where !(byte == 0x0D && lineStart + index + 1 < bytes.count && bytes[lineStart + index + 1] == 0x0A) {
            tail.append(byte)
        }
        bytes = Array(bytes[..<lineStart]) + tail
        // A quote never closed near the end: its line is rejected after the batches are drained.
        let quoteAt = try #require(bytes[(bytes.count * 5 / 6)...].firstIndex(of: 0x0A)) + 1
        bytes.insert(contentsOf: Array("\"DUPONT;never closed\n".utf8), at: quoteAt)
        let plain = try Self.sequence(bytes, profile: profile, jobs: 1, chunk: 1 << 20, plain: true)
        let fast = try Self.sequence(bytes, profile: profile, jobs: jobs, chunk: chunk, plain: false)
        #expect(plain.count > 8500)
        #expect(plain.contains { $0.hasPrefix("note FLAT-LINE-ENDING") })
        #expect(fast.count == plain.count)
        if let index = fast.indices.first(where: { $0 < plain.count && fast[$0] != plain[$0] }) {
            Issue.record("output \(index) differs: \(fast[index]) instead of \(plain[index])")
        }
    }

    struct Stop: Error {}

    /// When the consumer fails, the parser stops with its error and no worker is left reading
    /// the buffer; the next reads of the same export are complete and equal.
    @Test func aThrowingConsumerStopsTheReadCleanly() throws {
        let profile = try FlatExportTests.lgcProfile()
        let bytes = Self.export(seed: 5, rows: 6000, utf8: false)
        // Around the first batch boundaries, wherever `batchSize` puts them, and a few fixed places.
        let size = FlatExportParser.batchSize
        for limit in Set([1, size - 1, size, size + 1, 2 * size + 1, 2047, 2049, 4500]).sorted() {
            var seen = 0
            #expect(throws: Stop.self) {
                try FlatFixtures.stream(bytes, profile: profile, cuts: [], jobs: 2, sourceName: "stop.csv") { _ in
                    seen += 1
                    if seen == limit { throw Stop() }
                }
            }
            #expect(seen == limit)
        }
        let first = try Self.read(bytes, profile: profile, jobs: 2, chunk: 1 << 20, plain: false)
        let again = try Self.read(bytes, profile: profile, jobs: 2, chunk: 1 << 20, plain: false)
        #expect(first.documents.count + first.rejected.count > 5000)
        #expect(first.documents == again.documents)
    }
}
