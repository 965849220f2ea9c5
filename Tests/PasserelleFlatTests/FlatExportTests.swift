import Foundation
import PasserelleModel
import Testing
@testable import PasserelleFlat

struct FlatExportTests {
    static func lgcProfile(encoding: TextEncoding = .windows1252, lineEnding: LineEnding = .crlf) throws -> ExportProfile {
        var profile = try FlatFixtures.profile("lgc-semicolon-cp1252.json")
        profile.encoding = encoding
        profile.lineEnding = lineEnding
        return profile
    }

    @Test func windows1252ExportMapsGoodRowsAndRejectsBadOnes() throws {
        let result = try FlatFixtures.read("lgc/lgc-cp1252-crlf.csv", profile: Self.lgcProfile())
        #expect(result.documents.count == 2)
        #expect(result.rejected.count == 3)
        #expect(result.summary.records == 6)
        let first = try #require(result.documents.first?.document)
        let patient = try #require(first.patient)
        #expect(patient.birthFamilyName == "CŒURFICTIF")
        #expect(patient.birthGivenNames == ["Éloïse", "Marie"])
        #expect(patient.firstBirthGivenName == nil, "never derived from the list (R3)")
        #expect(patient.sex == .female)
        #expect(patient.birthDate?.iso8601 == "1979-03-12")
        #expect(patient.ins?.root == IdentifierKind.OID.insNIR)
        #expect(patient.ins?.kind == .insNIR)
        #expect(patient.localIdentifiers.first?.extension == "P000001")
        #expect(patient.localIdentifiers.first?.root == "1.2.3.4.567.8.9.10")
        #expect(first.typeCode?.code == "11488-4")
        #expect(first.creationTime?.iso8601 == "2024-01-05")
        #expect(first.body == .text("TA 13/8 ; traitement poursuivi, l’essai continue."))
        #expect(first.provenance?.format == .flatExport)
        #expect(first.provenance?.records == 2...2)
        #expect(first.provenance?.sha256.count == 64)
    }

    @Test func quotedFieldsKeepDelimitersQuotesAndLineBreaks() throws {
        let result = try FlatFixtures.read("lgc/lgc-cp1252-crlf.csv", profile: Self.lgcProfile())
        let second = try #require(result.documents.dropFirst().first?.document)
        #expect(second.title == "Bilan \"annuel\"; contrôle")
        #expect(second.body == .text("Ligne 1\r\nLigne 2 ; avec point-virgule"))
        #expect(second.patient?.birthGivenNames == ["Jean-Christophe", "Pierre"])
        #expect(second.patient?.ins == nil)
    }

    @Test func rejectedRowsCarryBytesReasonsAndPositions() throws {
        let bytes = try FlatFixtures.bytes("lgc/lgc-cp1252-crlf.csv")
        let result = try FlatFixtures.read("lgc/lgc-cp1252-crlf.csv", profile: Self.lgcProfile())
        let codes = result.rejected.map { $0.diagnostics.map(\.code) }
        #expect(codes == [[.flatDate], [.flatColumnCount], [.flatValue]])
        let badDate = result.rejected[0]
        #expect(badDate.records == 4...4)
        #expect(badDate.lines == 5...5)
        #expect(badDate.diagnostics[0].location == SourceLocation(line: 5, column: 43, record: 4))
        #expect(badDate.diagnostics[0].path == "DATE_CONSULTATION")
        #expect(!badDate.diagnostics[0].message.contains("31/02"), "messages never quote values")
        // Documents and rejections together hold every byte after the header, in order.
        let pieces = (result.documents.map { ($0.document.provenance?.records?.lowerBound ?? 0, $0.originalBytes) }
            + result.rejected.map { ($0.records.lowerBound, $0.originalBytes) }).sorted { $0.0 < $1.0 }
        let joined = pieces.reduce(Data()) { $0 + $1.1 }
        let headerEnd = try #require(bytes.firstIndex(of: 0x0A)) + 1
        #expect(joined == Data(bytes[headerEnd...]))
    }

    /// An undecodable byte inside a field with doubled quotes is located at its own place in
    /// the source, after the escapes before it (which the decoded text no longer has).
    @Test func undecodableByteAfterEscapedQuotesIsLocatedInTheSource() throws {
        let header = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
        let good = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan;Obs\r\n"
        // Line 3: the 0x81 (unassigned in Windows-1252) follows two doubled quotes and a line break.
        let prefix = Array("DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;\"Bilan \"\"annuel\"\"\r\nsuite ".utf8)
        let bytes = Array((header + good).utf8) + prefix + [0x81] + Array("x\";Obs\r\n".utf8) + Array(good.utf8)
        for jobs in [1, 2] {
            let result = try FlatFixtures.feed(bytes, profile: Self.lgcProfile(), cuts: [], jobs: jobs)
            #expect(result.documents.count == 2)
            let rejected = try #require(result.rejected.first)
            let diagnostic = try #require(rejected.diagnostics.first)
            #expect(diagnostic.code == .flatEncoding)
            #expect(diagnostic.path == "MOTIF")
            // Second physical line of the record, after "suite ".
            #expect(diagnostic.location == SourceLocation(line: 4, column: 7, record: 3))
        }
    }

    @Test func everyOutputGivesItsDiagnostics() throws {
        let result = try FlatFixtures.read("lgc/lgc-cp1252-crlf.csv", profile: Self.lgcProfile())
        let rejected = try #require(result.rejected.first)
        #expect(FlatOutput.rejected(rejected).diagnostics == rejected.diagnostics)
        let document = try #require(result.documents.first)
        #expect(FlatOutput.document(document).diagnostics == document.diagnostics)
        let note = Diagnostic(code: .flatEmptyRecord, severity: .note, message: "1 empty line(s) skipped", file: "x.csv")
        #expect(FlatOutput.diagnostic(note).diagnostics == [note])
    }

    @Test func aFileThatCannotBeReadIsAnIOErrorNamingIt() throws {
        // A directory opens but every read fails (EISDIR).
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: FlatReadError.self) {
            try FlatExportReader(profile: Self.lgcProfile()).read(contentsOf: directory, sourceName: "export.csv") { _ in }
        }
        #expect(error?.code == "FLAT-IO")
        #expect(error?.file == "export.csv")
        #expect(error?.message.hasPrefix("read error after 0 bytes") == true)
    }

    @Test func utf8WithBOMAndLF() throws {
        let result = try FlatFixtures.read("lgc/lgc-utf8-bom-lf.csv", profile: Self.lgcProfile(encoding: .utf8, lineEnding: .lf))
        #expect(result.documents.count == 2)
        #expect(result.allDiagnostics.isEmpty)
        #expect(result.summary.encoding?.hasBOM == true)
        #expect(result.documents[0].document.patient?.birthFamilyName == "CŒURFICTIF")
    }

    @Test func lineEndingMismatchIsReportedOnce() throws {
        let result = try FlatFixtures.read("lgc/lgc-utf8-bom-lf.csv", profile: Self.lgcProfile(encoding: .utf8, lineEnding: .crlf))
        #expect(result.diagnostics.map(\.code) == [.flatLineEnding])
    }

    @Test func mojibakeIsReportedWithRowAndColumnNeverReplaced() throws {
        let result = try FlatFixtures.read("lgc/lgc-mojibake-utf8.csv", profile: Self.lgcProfile(encoding: .utf8, lineEnding: .auto))
        #expect(result.documents.count == 1)
        let rejected = try #require(result.rejected.first)
        #expect(rejected.diagnostics.map(\.code) == [.flatEncoding])
        #expect(rejected.diagnostics[0].location == SourceLocation(line: 3, column: 15, record: 3))
        #expect(rejected.diagnostics[0].message.contains("0xE9"))
        #expect(!result.documents.contains { $0.document.patient?.birthGivenNames.joined().contains("\u{FFFD}") == true })
    }

    @Test func autoEncodingChoosesWindows1252AndSaysSo() throws {
        let result = try FlatFixtures.read("lgc/lgc-cp1252-crlf.csv", profile: Self.lgcProfile(encoding: .auto))
        #expect(result.summary.encoding?.encoding == .windows1252)
        #expect(result.diagnostics.first?.code == .flatEncodingDetected)
        #expect(result.documents.first?.document.patient?.birthFamilyName == "CŒURFICTIF")
    }

    @Test func autoEncodingIsChosenFromTheSameWindowHoweverTheFileIsRead() throws {
        // 200 KB of ASCII rows, then one Windows-1252 row: inside the 1 MiB window, so the choice
        // is Windows-1252 whether the file is read in growing reads, fed in 4 KiB pieces or whole.
        let profile = try Self.lgcProfile(encoding: .auto)
        let ascii = "DUPONT;DUPONT;Jean;12/03/1979;M;;P1;05/01/2024;Bilan;Observation sans accent\r\n"
        let accented = "MARTIN;MARTIN;H\u{E9}l\u{E8}ne;01/01/1950;F;;P2;05/01/2024;Bilan;R\u{E9}sultats\r\n"
        let rows = String(repeating: ascii, count: 3000) + accented
        let bytes = (ParallelMappingTests.header + rows).unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        #expect(bytes.count > 3 << 16)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-auto-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let reads = [
            try FlatExportReader(profile: profile).read(contentsOf: url, sourceName: "auto.csv"),
            try FlatFixtures.feed(bytes, profile: profile, cuts: FlatFixtures.cuts(every: 4096, count: bytes.count)),
            try FlatFixtures.feed(bytes, profile: profile, cuts: []),
        ]
        for result in reads {
            #expect(result.summary.encoding?.encoding == .windows1252)
            #expect(result.rejected.isEmpty)
            #expect(result.documents.count == 3001)
            #expect(result.documents.last?.document.patient?.birthGivenNames == ["Hélène"])
        }
    }

    @Test func autoEncodingReadsTheUTF8RowsOfAWindows1252FileAsUTF8AndSaysSo() throws {
        // Two systems' exports joined: a Windows-1252 row first (so `auto` chooses Windows-1252),
        // then rows in UTF-8. Both kinds of names come out as written, never as mojibake.
        let profile = try Self.lgcProfile(encoding: .auto)
        let legacy: [UInt8] = Array("MARTIN;MARTIN;H".utf8) + [0xE9] + Array("l".utf8) + [0xE8]
            + Array("ne;01/01/1950;F;;P1;05/01/2024;Bilan;R".utf8) + [0xE9] + Array("sultats\r\n".utf8)
        let modern = Array("LEFÈVRE;LEFÈVRE;Chloé;02/09/1991;F;;P2;05/01/2024;Bilan;Résultats normaux\r\n".utf8)
        let bytes = Array(ParallelMappingTests.header.utf8) + legacy + modern + modern
        let result = try FlatFixtures.feed(bytes, profile: profile, cuts: [])
        #expect(result.summary.encoding?.encoding == .windows1252)
        #expect(result.rejected.isEmpty)
        #expect(result.documents.map { $0.document.patient?.birthGivenNames ?? [] } == [["Hélène"], ["Chloé"], ["Chloé"]])
        #expect(result.documents[1].document.patient?.birthFamilyName == "LEFÈVRE")
        let mixed = result.documents[1].diagnostics.filter { $0.code == .flatEncodingMixed }
        // NOM, NOM_NAISSANCE, PRENOMS mapped; OBSERVATION too: each named, the row's values never quoted.
        #expect(Set(mixed.compactMap(\.path)) == ["NOM", "NOM_NAISSANCE", "PRENOMS", "OBSERVATION"])
        #expect(mixed.allSatisfy { $0.location?.record == 3 && !$0.message.contains("LEF") && !$0.message.contains("Chlo") })
        #expect(result.documents[0].diagnostics.allSatisfy { $0.code != .flatEncodingMixed })
        // A declared encoding stays strict: the same bytes declared Windows-1252 are read as Windows-1252.
        let declared = try FlatFixtures.feed(bytes, profile: Self.lgcProfile(encoding: .windows1252), cuts: [])
        #expect(declared.documents[1].document.patient?.birthGivenNames == ["ChloÃ©"])
        #expect(declared.allDiagnostics.allSatisfy { $0.code != .flatEncodingMixed })
    }

    @Test func undefinedWindows1252ByteRejectsTheRow() throws {
        let result = try FlatFixtures.read("lgc/lgc-cp1252-undefined.csv", profile: Self.lgcProfile())
        #expect(result.documents.isEmpty)
        #expect(result.rejected.first?.diagnostics.first?.location == SourceLocation(line: 2, column: 18, record: 2))
        #expect(result.rejected.first?.diagnostics.first?.message.contains("0x81") == true)
    }

    @Test func tabSeparatedLatin1WithoutHeader() throws {
        let fields: [FieldMapping] = [
            FieldMapping(target: .patientUsedFamilyName, source: .column(.index(1))),
            FieldMapping(target: .patientBirthFamilyName, source: .column(.index(2))),
            FieldMapping(target: .patientBirthGivenNames, source: .column(.index(3))),
            FieldMapping(target: .patientBirthDate, source: .column(.index(4))),
            FieldMapping(target: .patientSex, source: .column(.index(5))),
            FieldMapping(target: .patientLocalID, source: .column(.index(6)), oid: "1.2.3.4"),
            FieldMapping(target: .documentDate, source: .column(.index(7))),
            FieldMapping(target: .documentTitle, source: .column(.index(8))),
            FieldMapping(target: .documentBody, source: .column(.index(9))),
        ]
        let profile = ExportProfile(
            name: "tsv", layout: .delimited(DelimitedLayout(delimiter: 0x09)), hasHeader: false, encoding: .iso88591,
            lineEnding: .lf, dateFormats: [try #require(DatePattern("yyyyMMdd"))], fields: fields)
        let result = try FlatFixtures.read("lgc/lgc-iso88591-tab.tsv", profile: profile)
        #expect(result.documents.count == 2)
        #expect(result.documents.map { $0.document.patient?.birthGivenNamesText } == ["Léa", "Noël"])
        #expect(result.documents[1].document.provenance?.records == 2...2)
    }

    @Test func pipeSeparatedLatin9WithoutQuoting() throws {
        let profile = ExportProfile(
            name: "pipe", layout: .delimited(DelimitedLayout(delimiter: UInt8(ascii: "|"), quote: nil)), hasHeader: true,
            encoding: .iso885915, lineEnding: .crlf, dateFormats: [try #require(DatePattern("dd/MM/yyyy"))],
            facilityOID: "1.2.3.4",
            fields: [
                FieldMapping(target: .patientLocalID, source: .column(.name("IPP")), required: true),
                FieldMapping(target: .patientBirthFamilyName, source: .column(.name("NOM"))),
                FieldMapping(target: .patientBirthDate, source: .column(.name("NAISSANCE"))),
                FieldMapping(target: .documentBody, source: .column(.name("TEXTE"))),
            ])
        let result = try FlatFixtures.read("lgc/lgc-iso885915-pipe.txt", profile: profile)
        #expect(result.documents.count == 2)
        #expect(result.documents[0].document.body == .text("Honoraires 25 € ; sœur présente"))
        #expect(result.allDiagnostics.isEmpty)
    }

    @Test func colibriYAMLProfile() throws {
        let result = try FlatFixtures.read("lgc/colibri-utf8.csv", profile: FlatFixtures.profile("colibri-comma-quoted.yaml"))
        #expect(result.documents.count == 1)
        #expect(result.rejected.map { $0.diagnostics.map(\.code) } == [[.flatDate]])
        let patient = try #require(result.documents.first?.document.patient)
        #expect(patient.usedFamilyName == "FICTIF")
        #expect(patient.usedGivenName == "Éloïse")
        #expect(patient.telecoms.map(\.value) == ["tel:0400000000", "mailto:essai@example.invalid"])
        #expect(patient.addresses.first?.postalCode == "63000")
        #expect(result.documents.first?.document.body == .text("Allergie, pénicilline"))
    }

    @Test func fixedWidthGroupsResultsIntoLabReports() throws {
        let result = try FlatFixtures.read("lgc/fixed-width-lab-iso885915.txt", profile: FlatFixtures.profile("fixed-width-lab-iso885915.json"))
        #expect(result.documents.count == 3)
        #expect(result.rejected.map { $0.diagnostics.map(\.code) } == [[.flatDate]])
        let report = try #require(result.documents.first)
        #expect(report.document.provenance?.records == 1...2)
        #expect(report.document.patient?.birthFamilyName == "ŒUVREFICTIVE")
        #expect(report.document.patient?.sex == .female)
        #expect(report.document.id?.extension == "D24000001")
        guard case .structured(let sections, let results) = report.document.body else {
            Issue.record("expected a structured body")
            return
        }
        #expect(results.map(\.value) == ["5.4", "5.9"])
        #expect(results.map(\.abnormalFlag) == ["N", "H"])
        #expect(results[0].code?.displayName == "Glycémie à jeun")
        #expect(results[0].referenceLow == "3,9")
        #expect(sections.first?.text?.contains("Potassium (K): 5.9 mmol/L") == true)
        let short = try #require(result.documents.last)
        #expect(short.diagnostics.map(\.code) == [.flatColumnCount])
        #expect(short.diagnostics.first?.severity == .warning)
    }

    @Test func groupConflictsRejectTheWholeGroup() throws {
        var profile = try FlatFixtures.profile("fixed-width-lab-iso885915.json")
        profile.grouping = .key(columns: [.name("DEMANDE")], maxRows: 10)
        let text = try FlatFixtures.bytes("lgc/fixed-width-lab-iso885915.txt")
        var lines = text.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        lines[1].replaceSubrange(8..<13, with: Array("AUTRE".utf8))
        let bytes = lines.joined(separator: [0x0A]).map { $0 }
        let result = try FlatExportReader(profile: profile).read(bytes: Array(bytes), sourceName: "conflict.txt")
        #expect(result.rejected.first?.records == 1...2)
        #expect(result.rejected.first?.diagnostics.map(\.code) == [.flatGroupConflict])
    }

    @Test func unterminatedQuoteRejectsOneLineAndReadingResumes() throws {
        let header = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
        let good = "ESSAI;ESSAI;Noé;01/01/1950;M;;P1;06/01/2024;Motif;Texte\r\n"
        let text = header + "ESSAI;ESSAI;Noé;01/01/1950;M;;P2;06/01/2024;\"Motif jamais fermé;Texte\r\n" + good + good
        let result = try FlatExportReader(profile: Self.lgcProfile(encoding: .utf8)).read(bytes: Array(text.utf8), sourceName: "q.csv")
        #expect(result.rejected.map { $0.diagnostics.map(\.code) } == [[.flatQuote]])
        #expect(result.documents.count == 2)
        #expect(result.documents.map { $0.document.provenance?.records } == [3...3, 4...4])
    }

    @Test func headerWithoutAMappedColumnIsFatal() throws {
        var profile = try Self.lgcProfile()
        profile.fields.append(FieldMapping(target: .authorFamilyName, source: .column(.name("MEDECIN"))))
        #expect(throws: FlatReadError.self) {
            try FlatFixtures.read("lgc/lgc-cp1252-crlf.csv", profile: profile)
        }
    }

    @Test func headerNameDifferingOnlyInCaseIsNamedInTheError() throws {
        let text = "Nom;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
        let error = try #require(throws: FlatReadError.self) {
            try FlatExportReader(profile: Self.lgcProfile(encoding: .utf8)).read(bytes: Array(text.utf8), sourceName: "h.csv")
        }
        #expect(error.code == .flatHeader)
        #expect(error.message.contains("no column named 'NOM'") && error.message.contains("the file has 'Nom' for 'NOM'"))
        #expect(error.description.hasPrefix("h.csv:1:1: error: [FLAT-HEADER]"))
    }

    @Test func mappedColumnNamedTwiceInTheHeaderIsFatal() throws {
        let header = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION;NOM\r\n"
        let text = header + "MARTIN;DUPONT;Marie;15/03/1980;F;;P1;01/02/2024;Suivi;RAS;AUTRE\r\n"
        let error = try #require(throws: FlatReadError.self) {
            try FlatExportReader(profile: Self.lgcProfile(encoding: .utf8)).read(bytes: Array(text.utf8), sourceName: "h.csv")
        }
        #expect(error.message.contains("several columns named 'NOM' (columns 1, 11)"))
        #expect(error.location?.line == 1 && error.location?.column == header.utf8.count - 4)
        #expect(error.diagnostic().location == error.location)
        // By position, the same export reads.
        var profile = try Self.lgcProfile(encoding: .utf8)
        let index = try #require(profile.fields.firstIndex { $0.target == .patientUsedFamilyName })
        profile.fields[index].source = .column(.index(11))
        let result = try FlatExportReader(profile: profile).read(bytes: Array(text.utf8), sourceName: "h.csv")
        #expect(result.documents.first?.document.patient?.usedFamilyName == "AUTRE")
    }

    @Test func previewShowsColumnFieldAndValue() throws {
        let preview = try ProfilePreview.make(
            profile: Self.lgcProfile(), contentsOf: FlatFixtures.url("lgc/lgc-cp1252-crlf.csv"), rows: 3)
        #expect(preview.rows.count == 3)
        let cell = try #require(preview.rows[0].cells.first { $0.target == "patient.birthDate" })
        #expect(cell.column == "DATE_NAISSANCE")
        #expect(cell.raw == "12/03/1979")
        #expect(cell.value == "1979-03-12")
        #expect(preview.rows[2].accepted == false)
        #expect(preview.rendered().contains("DATE_NAISSANCE    → patient.birthDate"))
    }
}
