import Crypto
public import Foundation
public import PasserelleModel
public import PasserelleXML

/// A CDA document read from bytes: the model, the diagnostics, and the parsed tree (kept
/// for further checks such as XSD validation and header rules).
public struct ParsedCDA {
    /// The document model, or `nil` when the input is not a readable CDA document.
    public var document: ClinicalDocument?
    /// Diagnostics from parsing and reading.
    public var diagnostics: [Diagnostic]
    /// The parsed tree, when the input was well-formed XML.
    public var tree: XMLTree?
    /// The `ClinicalDocument` element (nested inside the stylesheet for auto-présentable documents).
    public var clinicalDocument: XMLTree.Element?
    /// XSD diagnostics when the read validated against a schema set (empty: valid); `nil` when
    /// no schema was given or the input is not well-formed XML.
    public var schemaDiagnostics: [Diagnostic]? = nil
}

/// Reads HL7 CDA R2 documents (CI-SIS flavour included) into the common model.
///
/// It never crashes on any input: whatever it cannot read becomes a diagnostic with
/// line:column and a stable code. Sources of the mapping: CDA R2, CI-SIS structuration
/// minimale and DocCore (DOMAIN.md §1).
public struct CDAReader: Sendable {
    /// The underlying safe XML parser.
    public var parser: SafeXMLParser

    /// Creates a reader.
    public init(parser: SafeXMLParser = SafeXMLParser()) {
        self.parser = parser
    }

    /// Parses and reads `bytes`. `sourceName` names the input in diagnostics and provenance.
    /// With `schema`, the document is validated against it in the same pass (see
    /// ``ParsedCDA/schemaDiagnostics``). `sha256`, when given, is the lower-case hex SHA-256 of
    /// `bytes` the caller already computed (it goes to the provenance instead of a second hash).
    public func read(
        _ bytes: Data, sourceName: String, receivedAt: Date = Date(), validatingAgainst schema: XMLSchemaSet? = nil,
        sha256: String? = nil
    ) -> ParsedCDA {
        let parsed = parser.parse(bytes, sourceName: sourceName, validatingAgainst: schema)
        guard let tree = parsed.tree, let root = tree.root else {
            return ParsedCDA(document: nil, diagnostics: parsed.diagnostics, tree: nil, clinicalDocument: nil)
        }
        let context = ReadContext(sourceName: sourceName)
        guard let (element, format) = locateClinicalDocument(root, context: context) else {
            return ParsedCDA(
                document: nil, diagnostics: parsed.diagnostics + context.diagnostics, tree: tree, clinicalDocument: nil,
                schemaDiagnostics: parsed.schemaDiagnostics)
        }
        var document = readDocument(element, context: context)
        document.provenance = Provenance(
            sourceName: sourceName, size: bytes.count, sha256: sha256 ?? Hex.lowercase(SHA256.hash(data: bytes)), format: format,
            receivedAt: receivedAt)
        return ParsedCDA(
            document: document, diagnostics: parsed.diagnostics + context.diagnostics, tree: tree, clinicalDocument: element,
            schemaDiagnostics: parsed.schemaDiagnostics)
    }

    /// Finds `ClinicalDocument`: the root, or, for CI-SIS auto-présentable documents, inside
    /// the `xsl:stylesheet` root (DOMAIN.md §1.8).
    private func locateClinicalDocument(_ root: XMLTree.Element, context: ReadContext) -> (XMLTree.Element, SourceFormat)? {
        if root.is("ClinicalDocument", in: CDANamespace.hl7) { return (root, .cda) }
        if root.localName == "ClinicalDocument" {
            context.report(
                .cdaNamespace, .error,
                "ClinicalDocument is in namespace '\(root.namespaceURI ?? "(none)")', expected 'urn:hl7-org:v3'", at: root)
            return nil
        }
        if root.is("stylesheet", in: CDANamespace.xslt) || root.is("transform", in: CDANamespace.xslt) {
            if let nested = firstClinicalDocument(under: root, depthLeft: 8) { return (nested, .cdaSelfPresenting) }
            context.report(.cdaRoot, .error, "the stylesheet holds no ClinicalDocument (urn:hl7-org:v3)", at: root)
            return nil
        }
        context.report(
            .cdaRoot, .error,
            "the root element is '\(root.localName)' (namespace '\(root.namespaceURI ?? "(none)")'), expected ClinicalDocument",
            at: root)
        return nil
    }

    private func firstClinicalDocument(under element: XMLTree.Element, depthLeft: Int) -> XMLTree.Element? {
        guard depthLeft > 0 else { return nil }
        for child in element.children {
            if child.is("ClinicalDocument", in: CDANamespace.hl7) { return child }
            if let found = firstClinicalDocument(under: child, depthLeft: depthLeft - 1) { return found }
        }
        return nil
    }

    private func readDocument(_ element: XMLTree.Element, context: ReadContext) -> ClinicalDocument {
        let v3 = CDANamespace.hl7
        let types = DatatypeReader(context: context)
        let parties = ParticipantReader(types: types)
        let typeID = element.child("typeId", in: v3).map {
            Identifier(root: $0.attribute("root"), extension: $0.attribute("extension"))
        }
        return ClinicalDocument(
            id: types.documentIdentifier(element.child("id", in: v3)),
            setID: types.documentIdentifier(element.child("setId", in: v3)),
            versionNumber: types.integer(element.child("versionNumber", in: v3)),
            relatedDocuments: element.children("relatedDocument", in: v3).map(parties.relatedDocument),
            realmCode: element.child("realmCode", in: v3)?.attribute("code"), typeID: typeID,
            templates: types.templates(of: element), typeCode: types.code(element.child("code", in: v3)),
            title: element.child("title", in: v3)?.normalizedText,
            creationTime: types.timestamp(element.child("effectiveTime", in: v3)),
            confidentiality: types.code(element.child("confidentialityCode", in: v3)),
            language: element.child("languageCode", in: v3)?.attribute("code"),
            patient: element.descendant(["recordTarget", "patientRole"], in: v3).map(parties.patient),
            authors: element.children("author", in: v3).map(parties.author),
            custodian: parties.organization(
                element.descendant(["custodian", "assignedCustodian", "representedCustodianOrganization"], in: v3)),
            legalAuthenticator: parties.authenticator(element.child("legalAuthenticator", in: v3)),
            authenticators: element.children("authenticator", in: v3).compactMap(parties.authenticator),
            encounter: parties.encounter(element.descendant(["componentOf", "encompassingEncounter"], in: v3)),
            serviceEvents: element.children("documentationOf", in: v3).compactMap { $0.child("serviceEvent", in: v3) }
                .map(parties.serviceEvent),
            body: BodyReader(types: types).body(of: element))
    }
}
