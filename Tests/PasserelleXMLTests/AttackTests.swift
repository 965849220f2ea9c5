import Foundation
import PasserelleModel
import PasserelleTestSupport
import PasserelleXML
import Testing

/// One hostile fixture and the diagnostic that must stop it.
struct AttackCase: Sendable, CustomTestStringConvertible {
    let file: String
    let code: DiagnosticCode
    /// Expected location of the first error; `nil` for whole-input problems.
    let line: Int?
    let column: Int?

    var testDescription: String { "\(file) → \(code)" }

    /// Columns of DTD refusals point at the `[` or `>` that ends the DOCTYPE's name and external id.
    static let all: [AttackCase] = [
        AttackCase(file: "xxe-file.xml", code: .xmlDTDForbidden, line: 2, column: 28),
        AttackCase(file: "xxe-network.xml", code: .xmlDTDForbidden, line: 2, column: 28),
        AttackCase(file: "parameter-entity.xml", code: .xmlDTDForbidden, line: 2, column: 28),
        AttackCase(file: "external-dtd.xml", code: .xmlDTDForbidden, line: 2, column: 60),
        AttackCase(file: "billion-laughs.xml", code: .xmlDTDForbidden, line: 2, column: 16),
        AttackCase(file: "quadratic-blowup.xml", code: .xmlDTDForbidden, line: 2, column: 18),
        AttackCase(file: "xinclude.xml", code: .xmlXIncludeForbidden, line: 4, column: 3),
        AttackCase(file: "undeclared-entity.xml", code: .xmlEntityForbidden, line: 3, column: 16),
        AttackCase(file: "invalid-utf8.xml", code: .xmlEncoding, line: 3, column: 13),
        AttackCase(file: "truncated-text.xml", code: .xmlTruncated, line: 3, column: 18),
        AttackCase(file: "binary.bin", code: .xmlNotXML, line: 1, column: 1),
        AttackCase(file: "zip-header.bin", code: .xmlNotXML, line: 1, column: 1),
        AttackCase(file: "empty.xml", code: .xmlEmpty, line: nil, column: nil),
    ]
}

@Suite struct AttackTests {
    @Test(arguments: AttackCase.all)
    func hostileInputIsRejectedWithAStableCode(_ attack: AttackCase) throws {
        let bytes = try XMLTestSupport.attack(attack.file)
        let (result, elapsed) = XMLTestSupport.timedParse(bytes, sourceName: attack.file)
        #expect(result.tree == nil)
        #expect(elapsed < XMLTestSupport.timeBound)
        let error = try #require(XMLTestSupport.firstError(result))
        #expect(error.code == attack.code)
        #expect(error.file == attack.file)
        #expect(error.location?.line == attack.line)
        #expect(error.location?.column == attack.column)
        #expect(error.description.contains("[\(attack.code.rawValue)]"))
    }

    @Test func entityPayloadsNeverReachTheTree() throws {
        for file in ["xxe-file.xml", "billion-laughs.xml", "quadratic-blowup.xml"] {
            let result = SafeXMLParser().parse(try XMLTestSupport.attack(file))
            let visible = XMLTestSupport.visibleText(result)
            #expect(!visible.contains("root:"), "\(file): /etc/passwd content leaked")
            #expect(!visible.contains("lollol"), "\(file): entity expanded")
            #expect(!visible.contains("AAAAAAAAAA"), "\(file): entity expanded")
        }
    }

    @Test func truncatedInsideAStartTagReportsTruncation() throws {
        let result = SafeXMLParser().parse(try XMLTestSupport.attack("truncated-tag.xml"))
        #expect(result.tree == nil)
        let codes = result.diagnostics.filter { $0.severity == .error }.map(\.code)
        #expect(codes.contains(.xmlTruncated))
        #expect(result.diagnostics.allSatisfy { $0.location?.line == 4 })
    }

    @Test func cutAtEveryPositionNeverYieldsATree() throws {
        let whole = Data(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1.2.3" extension="é"/><title>T&amp;C</title></ClinicalDocument>
            """.utf8)
        #expect(SafeXMLParser().parse(whole).tree != nil)
        for length in 1..<whole.count {
            let result = SafeXMLParser().parse(whole.prefix(length))
            #expect(result.tree == nil, "prefix of \(length) bytes accepted")
            #expect(result.diagnostics.containsErrors)
        }
    }

    /// Well-formed documents whose root is not a CDA `ClinicalDocument` parse at the XML layer;
    /// the CDA reader rejects them (`CDA-ROOT`, `CDA-NAMESPACE`).
    @Test(arguments: [
        ("wrong-root.xml", "Patient", "http://hl7.org/fhir"),
        ("no-namespace.xml", "ClinicalDocument", nil),
        ("wrong-namespace.xml", "ClinicalDocument", "urn:hl7-org:v2"),
    ] as [(String, String, String?)])
    func wellFormedButNotCDA(file: String, localName: String, namespace: String?) throws {
        let result = SafeXMLParser().parse(try XMLTestSupport.attack(file))
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.tree?.root)
        #expect(root.localName == localName)
        #expect(root.namespaceURI == namespace)
        #expect(!root.is("ClinicalDocument", in: "urn:hl7-org:v3"))
        #expect(root.location == PasserelleModel.SourceLocation(line: 2, column: 1))
    }

    @Test func nonXMLBytesOfEveryValueNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = Data((0..<Int.random(in: 1...512, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let result = SafeXMLParser().parse(bytes)
            #expect(result.tree == nil)
            #expect(result.diagnostics.containsErrors)
        }
    }
}
