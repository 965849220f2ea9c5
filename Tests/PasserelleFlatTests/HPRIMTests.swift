import Foundation
import PasserelleModel
import Testing
@testable import PasserelleFlat

struct HPRIMSanteTests {
    func read(_ name: String) throws -> FlatReadResult {
        try HPRIMSanteReader().read(bytes: FlatFixtures.bytes("hprim/\(name)"), sourceName: name)
    }

    func structured(_ document: ClinicalDocument) -> ([Section], [ResultEntry]) {
        if case .structured(let sections, let results) = document.body { return (sections, results) }
        return ([], [])
    }

    @Test func twoPatientsBecomeTwoLabReports() throws {
        let result = try read("sante-two-patients.hpr")
        #expect(result.documents.count == 2)
        #expect(result.rejected.isEmpty)
        #expect(result.summary.encoding?.encoding == .windows1252)
        let first = try #require(result.documents.first?.document)
        #expect(first.typeCode?.code == "11502-2")
        #expect(first.creationTime?.iso8601 == "2024-01-05T14:30:00")
        #expect(first.authors.first?.person.organization?.name == "Laboratoire Fictif d'Essai")
        let patient = try #require(first.patient)
        #expect(patient.usedFamilyName == "ŒUVREFICTIVE")
        #expect(patient.usedGivenName == "Zoé")
        #expect(patient.birthFamilyName == "CŒURFICTIF")
        #expect(patient.birthDate?.iso8601 == "1979-03-12")
        #expect(patient.sex == .female)
        #expect(patient.identifiers.map(\.extension) == ["PAT0001", "L00001"])
        #expect(patient.identifiers.map(\.assigningAuthorityName) == ["CAB001", "LAB001"])
        #expect(patient.addresses.first?.streetAddressLines == ["12 rue de l’Essai"])
        #expect(patient.addresses.first?.city == "Fictiville")
        #expect(patient.addresses.first?.postalCode == "63000")
        #expect(first.provenance?.format == .hprimSante)
    }

    /// Each report keeps the exact bytes of its patient block, and its provenance their digest.
    @Test func eachReportCarriesTheDigestOfItsOwnBytes() throws {
        let result = try read("sante-two-patients.hpr")
        try #require(result.documents.count == 2)
        for flat in result.documents {
            let bytes = Array(flat.originalBytes)
            #expect(flat.document.provenance?.sha256 == Hashing.sha256(bytes).hex)
            #expect(flat.document.provenance?.size == bytes.count)
        }
        #expect(result.documents[0].document.provenance?.sha256 != result.documents[1].document.provenance?.sha256)
    }

    @Test func resultsComponentsAndRepetitionsUseTheDeclaredDelimiters() throws {
        let first = try #require(try read("sante-two-patients.hpr").documents.first?.document)
        let (sections, results) = structured(first)
        #expect(results.count == 4)
        #expect(results[0].code == CodedValue(code: "GLY", codeSystemName: "L", displayName: "Glycémie à jeun"))
        #expect(results[0].value == "5,4")
        #expect(results[0].referenceLow == "3,9")
        #expect(results[0].referenceHigh == "6,1")
        #expect(results[1].referenceLow == "3.5")
        #expect(results[1].referenceHigh == "5.0")
        #expect(results[1].abnormalFlag == "H")
        #expect(results[1].status == "F")
        #expect(sections.map(\.title) == ["Commentaires", "Glycémie, Potassium", "Hémoglobine"])
        #expect(sections[1].identifier?.extension == "D24000001")
        #expect(sections[1].text?.contains("# Hémolyse légère ~ à contrôler") == true, "\\S\\ is the component delimiter")
        #expect(sections[0].text == "Patiente à jeun")
    }

    @Test func continuationLinesAreJoined() throws {
        let first = try #require(try read("sante-two-patients.hpr").documents.first?.document)
        let (_, results) = structured(first)
        #expect(results[3].value == "Frottis : pas d'anomalie morphologique notable ; contrôle à 3 mois.")
        #expect(results[3].status == "F")
        #expect(results[3].location?.line == 10)
    }

    @Test func secondPatientKeepsItsOwnResultsAndWarnings() throws {
        let result = try read("sante-two-patients.hpr")
        let second = try #require(result.documents.last)
        let (sections, results) = structured(second.document)
        #expect(second.document.patient?.usedFamilyName == "ESSAI")
        #expect(results.map(\.value) == ["<5", "12"])
        #expect(results[0].referenceHigh == "5")
        #expect(second.diagnostics.map(\.code) == [.hprimRange])
        #expect(sections.last?.text?.contains("[reference: normale selon l'âge]") == true)
        #expect(second.document.provenance?.records == 11...15)
        #expect(result.documents[0].document.provenance?.records == 1...10)
        // The two documents' bytes tile the whole file.
        let bytes = try FlatFixtures.bytes("hprim/sante-two-patients.hpr")
        #expect(result.documents[0].originalBytes + second.originalBytes == Data(bytes))
    }

    @Test func malformedHeaderRejectsTheFile() throws {
        let result = try read("sante-bad-header.hpr")
        #expect(result.documents.isEmpty)
        #expect(result.rejected.first?.diagnostics.filter { $0.severity == .error }.map(\.code) == [.hprimHeader])
    }

    @Test func resultWithoutPatientRejectsTheFile() throws {
        let result = try read("sante-orphan-obx.hpr")
        #expect(result.documents.isEmpty)
        #expect(result.rejected.first?.diagnostics.map(\.code).contains(.hprimStructure) == true)
    }

    @Test func unknownRecordsAreReportedWithoutTheirText() throws {
        var lines = try FlatFixtures.bytes("hprim/sante-two-patients.hpr").split(separator: 0x0A, omittingEmptySubsequences: false)
        lines.insert(ArraySlice(Array("ZZ|1|segment\r".utf8)), at: 5)
        lines.insert(ArraySlice(Array("DUPONT Marie 12/03/1979\r".utf8)), at: 6)
        // And free text after the end record.
        lines.append(ArraySlice(Array("MARTIN Paul 01/02/1960\r".utf8)))
        let bytes = Array(lines.joined(separator: [0x0A]))
        let result = try HPRIMSanteReader().read(bytes: bytes, sourceName: "x.hpr")
        #expect(result.documents.count == 2)
        let unknown = result.allDiagnostics.filter { $0.code == .hprimUnknownRecord }
        #expect(unknown.map(\.location?.line) == [6, 7, 20])
        #expect(unknown.first?.message.contains("record type ZZ") == true)
        let all = result.allDiagnostics.map { $0.description + ($0.path ?? "") }.joined(separator: "\n")
        for trait in ["DUPONT", "1979", "MARTIN", "1960"] { #expect(!all.contains(trait), "\(all)") }
        // Nothing is lost: the report keeps the lines it did not read in its original bytes.
        let original = try #require(result.documents.first?.originalBytes)
        #expect(String(decoding: original, as: UTF8.self).contains("DUPONT Marie 12/03/1979"))
    }

    @Test func linesOfTwoEncodingsAreEachReadInTheirOwn() throws {
        // The Windows-1252 fixture turned into UTF-8, except line 3 (a comment) left in Windows-1252:
        // two systems' files joined.
        let legacy = try FlatFixtures.bytes("hprim/sante-two-patients.hpr")
        let text = try #require(String(bytes: legacy, encoding: .windowsCP1252))
        var lines = text.components(separatedBy: "\r\n").map { Array($0.utf8) }
        lines[2] = Array(legacy.split(separator: 0x0A, omittingEmptySubsequences: false)[2].dropLast())
        let mixed = Array(lines.joined(separator: [0x0D, 0x0A]))
        #expect(String(bytes: mixed, encoding: .utf8) == nil, "line 3 is not UTF-8")
        let result = try HPRIMSanteReader().read(bytes: mixed, sourceName: "mixed.hpr")
        #expect(result.documents.count == 2)
        let mixedNotes = result.allDiagnostics.filter { $0.code == .flatEncodingMixed }
        #expect(mixedNotes.map(\.location?.line) == [3, 3])
        #expect(mixedNotes.first?.message.hasSuffix("1 windows-1252: each line is read in its own encoding") == true)
        // Every label reads as written, on the UTF-8 lines and on the Windows-1252 one.
        let json = String(decoding: try JSONEncoder().encode(result.documents.map(\.document)), as: UTF8.self)
        #expect(json.contains("Glycémie à jeun") && json.contains("Patiente à jeun"))
        #expect(!json.contains("Ã"))
        // A file in one encoding has no such warning.
        #expect(try read("sante-two-patients.hpr").allDiagnostics.allSatisfy { $0.code != .flatEncodingMixed })
    }

    @Test func delimitersAreReadFromTheHeader() {
        let delimiters = HPRIMDelimiters(headerLine: "H|~^\\&|X")
        #expect(delimiters?.component == "~")
        #expect(delimiters?.repetition == "^")
        #expect(HPRIMDelimiters(headerLine: "H|~~\\&|X") == nil)
        #expect(HPRIMDelimiters(headerLine: "P|1|2") == nil)
    }
}

struct HPRIMNetTests {
    func read(_ name: String) throws -> FlatReadResult {
        try HPRIMNetReader().read(bytes: FlatFixtures.bytes("hprim/\(name)"), sourceName: name)
    }

    /// The report keeps the file's exact bytes, and its provenance their digest.
    @Test func theReportCarriesTheDigestOfTheFile() throws {
        let bytes = try FlatFixtures.bytes("hprim/net-report.hpr")
        let flat = try #require(try read("net-report.hpr").documents.first)
        #expect(Array(flat.originalBytes) == bytes)
        #expect(flat.document.provenance?.sha256 == Hashing.sha256(bytes).hex)
        #expect(flat.document.provenance?.sha256Hash != nil)
    }

    @Test func reportWithLabBlock() throws {
        let result = try read("net-report.hpr")
        let flat = try #require(result.documents.first)
        #expect(flat.diagnostics.filter { $0.severity != .note }.isEmpty, "\(flat.diagnostics)")
        let document = flat.document
        let patient = try #require(document.patient)
        #expect(patient.usedFamilyName == "FICTIF")
        #expect(patient.usedGivenName == "Éloïse")
        #expect(patient.birthDate?.iso8601 == "1979-03-12")
        #expect(patient.identifiers.first?.kind == .nssNIR)
        #expect(patient.addresses.first?.postalCode == "63000")
        #expect(patient.addresses.first?.streetAddressLines == ["12 rue de l’Essai", "Bâtiment Œillet"])
        #expect(document.id?.extension == "RES00042")
        #expect(document.creationTime?.iso8601 == "2024-01-05")
        #expect(document.authors.first?.person.organization?.name == "Laboratoire Fictif d'Essai")
        guard case .structured(let sections, let results) = document.body else {
            Issue.record("expected a structured body")
            return
        }
        #expect(results.count == 4)
        #expect(results[0] == ResultEntry(
            code: CodedValue(code: "GLY", displayName: "Glycémie à jeun"), value: "5.4", valueType: "N", unit: "mmol/L",
            referenceLow: "3.9", referenceHigh: "6.1", abnormalFlag: "N", status: "F", location: SourceLocation(line: 18, column: 1),
            secondValue: "0.97", secondUnit: "g/L", secondReferenceLow: "0.70", secondReferenceHigh: "1.10"))
        #expect(results[3].valueType == "A")
        #expect(sections.map(\.title) == ["Compte rendu", "Résultats", "Destinataire"])
        #expect(sections[0].text?.contains("Prélèvement du 05/01/2024") == true)
        #expect(sections[0].text?.contains("Validé par le biologiste") == true)
        #expect(sections[1].text?.contains("(= 0.97 g/L [0.70 - 1.10])") == true)
        #expect(sections[1].text?.hasPrefix("Biochimie\n") == true)
        #expect(sections[2].text == "CAB001 Dr Médecin Fictif")
    }

    @Test func truncatedFileWarns() throws {
        let result = try read("net-truncated.hpr")
        #expect(result.documents.count == 1)
        #expect(result.documents[0].diagnostics.map(\.code).contains(.hprimNetEnd))
    }

    @Test func shortHeaderIsRejected() throws {
        let result = try read("net-short-header.hpr")
        #expect(result.documents.isEmpty)
        #expect(result.rejected.first?.diagnostics.filter { $0.severity == .error }.map(\.code) == [.hprimNetHeader])
    }
}

struct FormatDetectionTests {
    @Test(arguments: [
        ("hprim/sante-two-patients.hpr", SourceFormat.hprimSante),
        ("hprim/sante-orphan-obx.hpr", SourceFormat.hprimSante),
        ("hprim/net-report.hpr", SourceFormat.hprimNet),
        ("hprim/net-truncated.hpr", SourceFormat.hprimNet),
        // A malformed H record is still HPRIM Santé, so that the reader reports HPRIM-HEADER.
        ("hprim/sante-bad-header.hpr", SourceFormat.hprimSante),
    ])
    func recognisesHPRIMFiles(name: String, format: SourceFormat) throws {
        #expect(FlatFormatDetector.detect(try FlatFixtures.bytes(name)) == format)
    }

    @Test(arguments: ["lgc/lgc-cp1252-crlf.csv", "lgc/colibri-utf8.csv", "lgc/fixed-width-lab-iso885915.txt", "hprim/net-short-header.hpr"])
    func doesNotClaimOtherFiles(name: String) throws {
        #expect(FlatFormatDetector.detect(try FlatFixtures.bytes(name)) == nil)
    }

    @Test func xmlIsNotFlat() {
        #expect(FlatFormatDetector.detect(Array("<?xml version=\"1.0\"?><ClinicalDocument/>".utf8)) == nil)
    }
}

struct FlatInputTests {
    @Test func readsByContentOrThroughAProfile() throws {
        let sante = try FlatInput.read(contentsOf: FlatFixtures.url("hprim/sante-two-patients.hpr"))
        #expect(sante.documents.first?.document.provenance?.format == .hprimSante)
        let net = try FlatInput.read(contentsOf: FlatFixtures.url("hprim/net-report.hpr"))
        #expect(net.documents.first?.document.provenance?.format == .hprimNet)
        let export = try FlatInput.read(
            contentsOf: FlatFixtures.url("lgc/lgc-cp1252-crlf.csv"), profile: FlatExportTests.lgcProfile())
        #expect(export.documents.count == 2)
        #expect(throws: FlatReadError.self) { try FlatInput.read(contentsOf: FlatFixtures.url("lgc/lgc-cp1252-crlf.csv")) }
    }
}
