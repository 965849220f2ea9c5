import Foundation
import PasserelleModel
import Testing
@testable import PasserelleFlat

/// A flat document keeps its original bytes exactly, in the same box as the document; copies
/// share the box until one of them changes (copy on write), and a change never reaches another copy.
struct FlatDocumentTests {
    static let bytes = Data("DUPONT;Jean;12/03/1979;\"Bilan \"\"annuel\"\"\";Obs\r\n".utf8)

    static func sample() -> FlatDocument {
        var document = ClinicalDocument()
        document.title = "Bilan"
        return FlatDocument(document: document, diagnostics: [], originalBytes: bytes, lines: 2...2)
    }

    @Test func originalBytesComeBackExactlyInPlaceAndAsData() {
        let flat = Self.sample()
        #expect(flat.originalBytes == Self.bytes)
        #expect(flat.withOriginalBytes { Data($0) } == Self.bytes)
        #expect(flat.withOriginalBytes(\.count) == Self.bytes.count)
        let empty = FlatDocument(document: ClinicalDocument(), diagnostics: [], originalBytes: Data())
        #expect(empty.originalBytes.isEmpty)
    }

    @Test func changingOneCopyLeavesTheOtherAlone() {
        let original = Self.sample()
        var copy = original
        copy.document.title = "Autre"
        #expect(original.document.title == "Bilan")
        #expect(copy.document.title == "Autre")
        #expect(copy.originalBytes == Self.bytes, "the bytes follow the document into its new box")
        var replaced = original
        replaced.originalBytes = Data("X;Y\n".utf8)
        #expect(replaced.originalBytes == Data("X;Y\n".utf8))
        #expect(replaced.document.title == "Bilan")
        #expect(original.originalBytes == Self.bytes)
    }

    @Test func equalityAndHashingCoverTheBytes() {
        let one = Self.sample(), two = Self.sample()
        #expect(one == two)
        #expect(one.hashValue == two.hashValue)
        var other = Self.sample()
        other.originalBytes = Data("DUPONT;Jean;12/03/1979;\"Bilan\";Obs\r\n".utf8)
        #expect(one != other)
        var retitled = Self.sample()
        retitled.document.title = "Autre"
        #expect(one != retitled)
    }

    /// Consecutive rows of one patient share one patient box; the next patient gets its own.
    @Test func rowsOfOnePatientShareOnePatientBox() throws {
        let profile = try FlatExportTests.lgcProfile()
        let first = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan;Obs\r\n"
        let again = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;06/01/2024;Suivi;Obs\r\n"
        let other = "MARTIN;MARTIN;Paul;01/02/1980;M;;P2;07/01/2024;Bilan;Obs\r\n"
        let bytes = Array((ParallelMappingTests.header + first + again + other).utf8)
        for jobs in [1, 2] {
            var documents: [ClinicalDocument] = []
            _ = try FlatFixtures.stream(bytes, profile: profile, cuts: [], jobs: jobs, sourceName: "rows.csv") { output in
                if case .document(let document) = output { documents.append(document.document) }
            }
            try #require(documents.count == 3)
            #expect(documents[0].$patient.sharesStorage(with: documents[1].$patient))
            #expect(!documents[1].$patient.sharesStorage(with: documents[2].$patient))
            #expect(documents[0].patient?.birthFamilyName == "DUPONT")
            #expect(documents[2].patient?.birthFamilyName == "MARTIN")
            var changed = documents[1]
            changed.patient?.birthFamilyName = "DURAND"
            #expect(documents[0].patient?.birthFamilyName == "DUPONT")
        }
    }

    @Test func aParsedRowKeepsItsBytesAndTheirDigest() throws {
        let profile = try FlatExportTests.lgcProfile()
        let row = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan;\"Obs\r\nsur deux lignes\"\r\n"
        let bytes = Array((ParallelMappingTests.header + String(repeating: row, count: 300)).utf8)
        for jobs in [1, 2] {
            var documents: [FlatDocument] = []
            _ = try FlatFixtures.stream(bytes, profile: profile, cuts: [], jobs: jobs, sourceName: "rows.csv") { output in
                if case .document(let document) = output { documents.append(document) }
            }
            try #require(documents.count == 300)
            for document in documents {
                #expect(document.originalBytes == Data(row.utf8))
                #expect(document.document.provenance?.sha256 == Hashing.sha256(Array(row.utf8)).hex)
            }
        }
    }
}
