import Foundation
import PasserelleModel
import PasserelleXML
import Testing

/// `XMLSchemaSet`: compile once, validate, redact values, never fetch remote imports.
@Suite struct SchemaTests {
    static let schema = """
        <?xml version="1.0" encoding="UTF-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:passerelle:test"
          xmlns="urn:passerelle:test" elementFormDefault="qualified">
          <xs:include schemaLocation="types.xsd"/>
          <xs:element name="patient">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="name" type="Name"/>
                <xs:element name="birthDate" type="xs:date"/>
              </xs:sequence>
              <xs:attribute name="sex" type="Sex" use="required"/>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """
    static let types = """
        <?xml version="1.0" encoding="UTF-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:passerelle:test"
          xmlns="urn:passerelle:test" elementFormDefault="qualified">
          <xs:simpleType name="Name"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]+"/></xs:restriction></xs:simpleType>
          <xs:simpleType name="Sex">
            <xs:restriction base="xs:string"><xs:enumeration value="F"/><xs:enumeration value="M"/></xs:restriction>
          </xs:simpleType>
        </xs:schema>
        """

    static func document(name: String, birthDate: String, sex: String) -> Data {
        Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <patient xmlns="urn:passerelle:test" sex="\(sex)">
              <name>\(name)</name>
              <birthDate>\(birthDate)</birthDate>
            </patient>
            """.utf8)
    }

    static func compile(_ directory: TemporaryDirectory) throws -> XMLSchemaSet {
        try directory.write(types, to: "types.xsd")
        return try XMLSchemaSet(contentsOf: try directory.write(schema, to: "patient.xsd"))
    }

    /// The two ways of validating: streaming, during the parse (compact trees, the default),
    /// and afterwards on libxml2's DOM.
    enum Mode: String, CaseIterable, Sendable {
        case whileParsing, domAfterParse
    }

    static func validate(_ bytes: Data, with schemaSet: XMLSchemaSet, mode: Mode = .whileParsing) throws -> [Diagnostic] {
        switch mode {
        case .whileParsing:
            let parsed = SafeXMLParser().parse(bytes, sourceName: "patient.xml", validatingAgainst: schemaSet)
            #expect(parsed.diagnostics.isEmpty)
            #expect(parsed.tree != nil)
            return try #require(parsed.schemaDiagnostics)
        case .domAfterParse:
            let parsed = SafeXMLParser(treeKind: .libxml2).parse(bytes, sourceName: "patient.xml")
            #expect(parsed.diagnostics.isEmpty)
            return schemaSet.validate(try #require(parsed.tree))
        }
    }

    @Test(arguments: Mode.allCases)
    func validDocumentHasNoDiagnostics(mode: Mode) throws {
        let directory = try TemporaryDirectory()
        let schemaSet = try Self.compile(directory)
        #expect(schemaSet.compileWarnings.isEmpty)
        #expect(try Self.validate(Self.document(name: "DUPONT", birthDate: "1970-01-31", sex: "F"), with: schemaSet, mode: mode).isEmpty)
    }

    @Test func compactTreeCannotBeValidatedAfterTheParse() throws {
        let directory = try TemporaryDirectory()
        let schemaSet = try Self.compile(directory)
        let tree = try #require(SafeXMLParser().parse(Self.document(name: "DUPONT", birthDate: "1970-01-31", sex: "F")).tree)
        #expect(tree.kind == .compact)
        #expect(schemaSet.validate(tree).map(\.code) == [.xsdSchemaError])
    }

    @Test(arguments: Mode.allCases)
    func invalidDocumentIsReportedWithLocationsAndNoValues(mode: Mode) throws {
        let directory = try TemporaryDirectory()
        let schemaSet = try Self.compile(directory)
        let bytes = Self.document(name: "O'Secretname", birthDate: "31/01/1970", sex: "Q")
        let diagnostics = try Self.validate(bytes, with: schemaSet, mode: mode)
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.allSatisfy { $0.code == .xsdInvalid && $0.severity == .error && $0.file == "patient.xml" })
        let lines = diagnostics.compactMap { $0.location?.line }
        #expect(lines.contains(3), "name error on line 3: \(diagnostics)")
        #expect(lines.contains(4), "birthDate error on line 4: \(diagnostics)")
        #expect(diagnostics.contains { $0.message.contains("The value '…'") })
        for secret in ["Secretname", "31/01/1970", "'Q'"] {
            #expect(!diagnostics.contains { $0.description.contains(secret) }, "value \(secret) leaked: \(diagnostics.map(\.description))")
        }
        // Names of elements and of schema types stay readable.
        #expect(diagnostics.contains { $0.message.contains("'{urn:passerelle:test}name'") || $0.message.contains("name") })
    }

    @Test func oneSchemaSetServesConcurrentValidations() async throws {
        let directory = try TemporaryDirectory()
        let schemaSet = try Self.compile(directory)
        let verdicts = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<40 {
                group.addTask {
                    let good = index.isMultiple(of: 2)
                    let bytes = Self.document(name: good ? "MARTIN" : "martin", birthDate: "2001-02-03", sex: "M")
                    if index % 4 < 2 {
                        guard let tree = SafeXMLParser(treeKind: .libxml2).parse(bytes).tree else { return (index, false) }
                        return (index, schemaSet.validate(tree).isEmpty == good)
                    }
                    let parsed = SafeXMLParser().parse(bytes, validatingAgainst: schemaSet)
                    return (index, parsed.schemaDiagnostics?.isEmpty == good)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(verdicts.count == 40)
        #expect(verdicts.allSatisfy { $0.1 })
    }

    @Test func remoteImportIsSkippedWithAWarningAndNoConnection() throws {
        let listener = try LoopbackListener()
        let directory = try TemporaryDirectory()
        let url = try directory.write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:passerelle:test">
              <xs:import namespace="urn:passerelle:remote" schemaLocation="\(listener.url("remote.xsd"))"/>
              <xs:element name="doc" type="xs:string"/>
            </xs:schema>
            """, to: "remote-import.xsd")
        let clock = ContinuousClock()
        let start = clock.now
        let schemaSet = try XMLSchemaSet(contentsOf: url)
        #expect(clock.now - start < XMLTestSupport.timeBound)
        #expect(schemaSet.compileWarnings.contains { $0.code == .xsdSchemaWarning && $0.severity == .warning })
        #expect(listener.drainConnections() == 0)
    }

    @Test func missingSchemaThrowsCompileError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-\(UUID().uuidString).xsd")
        let error = try #require(throws: XMLSchemaSet.CompileError.self) { try XMLSchemaSet(contentsOf: missing) }
        #expect(error.entryURL == missing)
        #expect(error.diagnostics.first?.code == .xsdSchemaError)
        #expect(error.description.contains(missing.path))
    }

    @Test func brokenSchemaThrowsCompileErrorWithLocation() throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write("""
            <?xml version="1.0"?>
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
              <xs:element name="doc" type="undefinedType"/>
            </xs:schema>
            """, to: "broken.xsd")
        let error = try #require(throws: XMLSchemaSet.CompileError.self) { try XMLSchemaSet(contentsOf: url) }
        let first = try #require(error.diagnostics.first { $0.severity == .error })
        #expect(first.code == .xsdSchemaError)
        #expect(first.location?.line == 3)
    }

    /// A document cannot smuggle an entity value past validation: its DOCTYPE is refused first.
    @Test func doctypeIsRefusedBeforeValidation() throws {
        let hostile = Data("""
            <!DOCTYPE patient [<!ENTITY n "DUPONT">]>
            <patient xmlns="urn:passerelle:test" sex="F"><name>&n;</name><birthDate>1970-01-01</birthDate></patient>
            """.utf8)
        let parsed = SafeXMLParser().parse(hostile)
        #expect(parsed.tree == nil)
        #expect(XMLTestSupport.firstError(parsed)?.code == .xmlDTDForbidden)
    }
}
