import Foundation
import PasserelleModel
import Testing
@testable import PasserelleFlat

/// Consecutive rows with the same bytes in a column reuse the previous row's value and patient
/// (`RowCache`, `DocumentBuilder.PatientCache`): the outputs must be exactly those of rows read
/// one by one, diagnostics included.
struct RowReuseTests {
    static let header = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"

    static func read(_ rows: [String], encoding: TextEncoding) throws -> FlatReadResult {
        let profile = try FlatExportTests.lgcProfile(encoding: encoding)
        let bytes = Array(header.utf8) + rows.flatMap { $0.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
        return try FlatExportReader(profile: profile).read(bytes: bytes, sourceName: "reuse.csv")
    }

    @Test func repeatedValuesWithAWarningWarnOnEveryRow() throws {
        // 0x92 is a C1 control in ISO-8859-1: a warning per row, at that row's line.
        let row = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan\u{92};Obs\r\n"
        let result = try Self.read([row, row, row], encoding: .iso88591)
        #expect(result.documents.count == 3)
        let warnings = result.documents.map { $0.diagnostics.filter { $0.code == .flatEncodingSuspect } }
        #expect(warnings.map(\.count) == [1, 1, 1])
        #expect(warnings.map { $0.first?.location?.line } == [2, 3, 4])
        #expect(warnings.map { $0.first?.location?.record } == [2, 3, 4])
        #expect(result.documents.allSatisfy { $0.document.title == "Bilan\u{92}" })
    }

    @Test func repeatedBadValuesAreRejectedOnEveryRow() throws {
        let bad = "DUPONT;DUPONT;Jean;31/02/1979;M;;P1;05/01/2024;Bilan;Obs\r\n"
        let good = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;06/01/2024;Bilan;Obs\r\n"
        let result = try Self.read([good, bad, bad, good, good], encoding: .windows1252)
        #expect(result.documents.count == 3)
        #expect(result.rejected.map(\.records) == [3...3, 4...4])
        #expect(result.rejected.map { $0.diagnostics.first?.code } == [.flatDate, .flatDate])
        #expect(result.rejected.map { $0.diagnostics.first?.location?.line } == [3, 4])
        #expect(result.rejected.map { String(decoding: $0.originalBytes, as: UTF8.self) } == [bad, bad])
    }

    @Test func documentsOfConsecutiveRowsEqualDocumentsReadAlone() throws {
        let rows = [
            "DUPONT;DUPONT;Jean Paul;12/03/1979;M;179031234567890;P1;05/01/2024;Bilan;Première\r\n",
            "DUPONT;DUPONT;Jean Paul;12/03/1979;M;179031234567890;P1;06/01/2024;Bilan;Deuxième\r\n",
            // Same bytes except the quoting: the same values.
            "\"DUPONT\";DUPONT;Jean Paul;12/03/1979;M;179031234567890;P1;06/01/2024;\"Bilan\";Troisième\r\n",
            // Another patient with the same birth date and IPP bytes.
            "MARTIN;MARTIN;Jean Paul;12/03/1979;F;;P1;06/01/2024;Bilan;Quatrième\r\n",
        ]
        let together = try Self.read(rows, encoding: .windows1252)
        #expect(together.documents.count == 4)
        for (index, row) in rows.enumerated() {
            let alone = try Self.read([row], encoding: .windows1252)
            let expected = try #require(alone.documents.first?.document)
            var actual = together.documents[index].document
            // Only provenance differs (record numbers): compare the rest.
            #expect(actual.provenance?.sha256 == expected.provenance?.sha256)
            actual.provenance = expected.provenance
            #expect(actual == expected, "row \(index + 1)")
        }
        #expect(together.documents[3].document.patient?.sex == .female)
        #expect(together.documents[3].document.patient?.ins == nil)
        #expect(together.documents[1].document.body == .text("Deuxième"))
    }
}
