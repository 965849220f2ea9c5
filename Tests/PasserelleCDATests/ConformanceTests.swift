import Foundation
import PasserelleCDA
import PasserelleModel
import PasserelleTestSupport
import PasserelleXML
import Testing

/// The three schema entry points of the shared corpus, with the MANIFEST's valid counts.
enum CorpusSchema: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case ciSIS = "ci-sis/infrastructure/cda/CDA_extended.xsd"
    case hl7 = "cda-r2/CDA.xsd"
    case sdtc = "cda-r2/sdtc/infrastructure/cda/CDA_SDTC.xsd"

    /// Documents valid against this schema according to MANIFEST.md (43 fr + 24 intl).
    var manifestValidCount: Int {
        switch self {
        case .ciSIS: 55
        case .hl7: 35
        case .sdtc: 42
        }
    }

    var url: URL? { TestPaths.corpus?.appendingPathComponent("schemas/\(rawValue)") }
    var testDescription: String { rawValue }
}

/// Conformance on the shared corpus (`PASSERELLE_CORPUS`): reading, XSD verdicts compared
/// with xmllint file by file, and header facts of the French documents read by hand.
@Suite("Shared corpus conformance")
struct ConformanceTests {
    static let corpusEnabled = ConditionTrait.enabled(
        if: TestPaths.corpus != nil, "shared corpus not found: set PASSERELLE_CORPUS")

    /// Corpus documents as paths relative to `cda/` (`fr/...`, `intl/...`).
    static let documents: [String] = TestPaths.corpusDocuments().map { url in
        "\(url.deletingLastPathComponent().lastPathComponent)/\(url.lastPathComponent)"
    }
    static let namespacelessFragment = "intl/ccda-examples_US_Realm_Header_V3_Example.xml"
    static let strayTextDocument = "intl/ccda-examples_Consult_Document_Closing_Referral_C-CDAR2.1_.xml"
    /// Documents whose body is an inline base64 PDF (`nonXMLBody`).
    static let nonXMLPDFDocuments =
        FrenchCorpus.documents.filter { $0.bodyKind == "nonXML" }.map { "fr/\($0.file)" }
        + ["intl/ccda-examples_Unstructured_Document_embed.xml", "intl/ccda-examples_CDA_with_Embedded_PDF.xml"]

    static func url(_ relativePath: String) throws -> URL {
        let corpus = try #require(TestPaths.corpus)
        return corpus.appendingPathComponent("cda/\(relativePath)")
    }

    static func read(_ relativePath: String) throws -> ParsedCDA {
        let url = try url(relativePath)
        return CDAReader().read(try Data(contentsOf: url), sourceName: relativePath)
    }

    // MARK: - Reading

    @Test("the corpus holds the 67 documents of the MANIFEST", corpusEnabled)
    func corpusInventory() {
        #expect(Self.documents.count == 67)
        #expect(Self.documents.filter { $0.hasPrefix("fr/") }.count == 43)
        #expect(Self.documents.contains(Self.namespacelessFragment))
        #expect(Self.documents.contains(Self.strayTextDocument))
    }

    @Test("every corpus document is read into a model", corpusEnabled, arguments: documents)
    func readsDocument(_ relativePath: String) throws {
        let parsed = try Self.read(relativePath)
        #expect(parsed.tree != nil, "well-formed XML must give a tree")
        let codes = Set(parsed.diagnostics.map(\.code))
        if relativePath == Self.namespacelessFragment {
            #expect(parsed.document == nil)
            #expect(codes.contains(.cdaNamespace))
            #expect(parsed.diagnostics.containsErrors)
            return
        }
        let document = try #require(parsed.document)
        #expect(parsed.clinicalDocument != nil)
        #expect(!codes.contains(.cdaNamespace) && !codes.contains(.cdaRoot))
        #expect(document.id != nil, "every corpus document has an id")
        #expect(document.patient != nil, "every corpus document has a recordTarget")
        let provenance = try #require(document.provenance)
        #expect(provenance.size == (try Data(contentsOf: Self.url(relativePath))).count)
        #expect(provenance.sha256.count == 64)
    }

    @Test("the compact tree and libxml2's DOM read the same model, diagnostics and rule results", corpusEnabled, arguments: documents)
    func compactAndDOMTreesAgree(_ relativePath: String) throws {
        let bytes = try Data(contentsOf: Self.url(relativePath))
        let received = Date(timeIntervalSince1970: 1_800_000_000)
        let compact = CDAReader().read(bytes, sourceName: relativePath, receivedAt: received)
        let dom = CDAReader(parser: SafeXMLParser(treeKind: .libxml2)).read(bytes, sourceName: relativePath, receivedAt: received)
        #expect(compact.tree?.kind == .compact)
        #expect(dom.tree?.kind == .libxml2)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.userInfo[.includeAttachmentPayloads] = true
        #expect(try encoder.encode(compact.document) == encoder.encode(dom.document), "\(relativePath): the models differ")
        #expect(compact.diagnostics == dom.diagnostics)
        if let compactDocument = compact.document, let compactElement = compact.clinicalDocument,
            let domDocument = dom.document, let domElement = dom.clinicalDocument
        {
            let fromCompact = RuleSet.ciSIS.check(compactDocument, element: compactElement, sourceName: relativePath)
            let fromDOM = RuleSet.ciSIS.check(domDocument, element: domElement, sourceName: relativePath)
            #expect(fromCompact == fromDOM, "\(relativePath): rule results differ")
        }
    }

    @Test("stray text under ClinicalDocument is read; only the schemas reject it", corpusEnabled)
    func strayTextIsReadable() throws {
        let parsed = try Self.read(Self.strayTextDocument)
        #expect(parsed.document != nil)
        #expect(!parsed.diagnostics.containsErrors)
    }

    // MARK: - XSD verdicts against xmllint

    @Test("XSD verdicts equal xmllint's, file by file", corpusEnabled, arguments: CorpusSchema.allCases)
    func xsdVerdictsMatchXmllint(_ schema: CorpusSchema) throws {
        let schemaURL = try #require(schema.url)
        let schemaSet = try XMLSchemaSet(contentsOf: schemaURL)
        let files = try Self.documents.map(Self.url)
        let reference = try ReferenceTools.verdicts(schema: schemaURL, files: files)
        #expect(reference.count == Self.documents.count, "xmllint must give one verdict per document")
        #expect(reference.values.filter { $0 }.count == schema.manifestValidCount, "xmllint disagrees with MANIFEST.md")
        var validCount = 0
        for (relativePath, file) in zip(Self.documents, files) {
            let bytes = try Data(contentsOf: file)
            // Streaming validation during the parse (what `passerelle validate` does)...
            let streamed = SafeXMLParser().parse(bytes, sourceName: relativePath, validatingAgainst: schemaSet)
            let ours = streamed.schemaDiagnostics.map { !$0.containsErrors } ?? false
            if ours { validCount += 1 }
            #expect(ours == reference[file.path], "\(relativePath): Passerelle says \(ours ? "valid" : "invalid")")
            // ...and validation of libxml2's DOM afterwards must agree.
            let dom = SafeXMLParser(treeKind: .libxml2).parse(bytes, sourceName: relativePath)
            let domVerdict = dom.tree.map { !schemaSet.validate($0).containsErrors } ?? false
            #expect(domVerdict == ours, "\(relativePath): DOM validation says \(domVerdict ? "valid" : "invalid")")
        }
        #expect(validCount == schema.manifestValidCount)
    }

    // MARK: - French documents

    @Test("the expectation table covers every French document", corpusEnabled)
    func tableCoversFrenchCorpus() {
        let onDisk = Set(Self.documents.filter { $0.hasPrefix("fr/") }.map { String($0.dropFirst(3)) })
        let table = FrenchCorpus.documents.map(\.file)
        #expect(table.count == 43)
        #expect(Set(table).count == table.count, "duplicate rows")
        #expect(Set(table) == onDisk)
    }

    @Test("French header and body facts", corpusEnabled, arguments: FrenchCorpus.documents)
    func frenchDocument(_ expected: FrenchDocumentExpectation) throws {
        let document = try #require(try Self.read("fr/\(expected.file)").document)
        let patient = try #require(document.patient)
        let ins = try #require(patient.ins)
        #expect(ins.extension == expected.patient.ins)
        #expect(ins.kind == expected.patient.insKind)
        #expect(patient.localIdentifiers.first?.root == expected.patient.ippRoot)
        #expect(patient.birthFamilyName == expected.patient.birthFamilyName)
        #expect(patient.firstBirthGivenName == expected.patient.firstBirthGivenName)
        #expect(patient.birthDate?.raw == expected.patient.birthDate)
        #expect(patient.sexCode == expected.patient.sex)
        #expect(document.typeCode?.code == expected.typeCode)
        #expect(document.versionNumber == expected.version)
        #expect((document.setID != nil) == expected.hasSetID)
        #expect(document.body.kind == expected.bodyKind)
        #expect(document.body.attachments.filter { $0.mediaType == "application/pdf" }.count == expected.pdfCount)
        #expect(document.provenance?.format == (expected.autoPresentable ? .cdaSelfPresenting : .cda))
        #expect(document.replacedDocumentID?.description == expected.replaces)
    }

    @Test("Microbiologie V2 replaces a parent id that is not V1's id (corpus quirk)", corpusEnabled)
    func microbiologyVersionQuirk() throws {
        let v1 = try #require(try Self.read("fr/BIO-CR-BIO_2024.01_Microbiologie_V1.xml").document)
        let v2 = try #require(try Self.read("fr/BIO-CR-BIO_2024.01_Microbiologie_V2.xml").document)
        #expect(v1.id?.root == "1.2.250.1.213.1.1.1.55.2024.8.1")
        #expect(v2.id?.root == "1.2.250.1.213.1.1.1.55.2024.8.2")
        #expect(v1.setID != nil && v1.setID == v2.setID)
        #expect(v1.versionNumber == 1)
        #expect(v2.versionNumber == 2)
        #expect(v1.replacedDocumentID == nil)
        let parent = try #require(v2.replacedDocumentID)
        #expect(parent.root == "1.2.250.1.213.1.1.1.55.12345.13")
        #expect(parent != v1.id)
    }

    // MARK: - Attachment bytes

    @Test("nonXMLBody PDFs decode to the exact PDF bytes", corpusEnabled, arguments: nonXMLPDFDocuments)
    func nonXMLBodyPDF(_ relativePath: String) throws {
        let document = try #require(try Self.read(relativePath).document)
        guard case .nonXML(let attachment) = document.body else {
            Issue.record("\(relativePath): expected a nonXMLBody, got \(document.body.kind)")
            return
        }
        #expect(attachment.mediaType == "application/pdf")
        #expect(attachment.representation == "B64")
        let data = try #require(attachment.data)
        #expect(data.starts(with: Data("%PDF-".utf8)))
        #expect(attachment.size == data.count)
        let sha256 = try #require(attachment.sha256)
        #expect(sha256.count == 64 && sha256.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(sha256 == (try ReferenceTools.sha256sum(data)), "sha256 must be that of the decoded bytes")
    }

    @Test(
        "PDFs embedded in structured bodies decode to PDF bytes", corpusEnabled,
        arguments: FrenchCorpus.documents.filter { $0.bodyKind == "structured" && $0.pdfCount > 0 })
    func structuredBodyPDFs(_ expected: FrenchDocumentExpectation) throws {
        let document = try #require(try Self.read("fr/\(expected.file)").document)
        let pdfs = document.body.attachments.filter { $0.mediaType == "application/pdf" }
        #expect(pdfs.count == expected.pdfCount)
        for pdf in pdfs {
            let data = try #require(pdf.data)
            #expect(data.starts(with: Data("%PDF-".utf8)))
            #expect(pdf.size == data.count)
            #expect(pdf.sha256?.count == 64)
        }
    }
}

/// Reference tools run as subprocesses: xmllint (installed by `make deps`) and sha256sum.
enum ReferenceTools {
    /// xmllint's verdict (`true` = valid) for each file, keyed by path.
    static func verdicts(schema: URL, files: [URL]) throws -> [String: Bool] {
        let output = try run(["xmllint", "--noout", "--nonet", "--schema", schema.path] + files.map(\.path))
        var verdicts: [String: Bool] = [:]
        for line in output.stderr.split(separator: "\n").map(String.init) {
            if line.hasSuffix(" validates") {
                verdicts[String(line.dropLast(" validates".count))] = true
            } else if line.hasSuffix(" fails to validate") {
                verdicts[String(line.dropLast(" fails to validate".count))] = false
            }
        }
        return verdicts
    }

    /// Lower-case hex SHA-256 computed by coreutils.
    static func sha256sum(_ data: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-sha-\(UUID().uuidString)")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try run(["sha256sum", file.path])
        return String(output.stdout.prefix { $0 != " " })
    }

    struct ToolError: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a tool found on `PATH`; outputs go through files so that large outputs cannot block.
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw ToolError(description: "\(arguments[0]) not found on PATH (run `make deps`)")
        }
        return (
            process.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }
}
