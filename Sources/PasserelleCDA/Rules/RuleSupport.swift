import PasserelleXML

/// Shorthands used by the CI-SIS header rules: HL7 v3 children and header traversal.
extension XMLTree.Element {
    /// The first child in the HL7 v3 namespace with this name.
    func v3(_ name: StaticString) -> XMLTree.Element? { child(name, in: CDANamespace.hl7) }

    /// Every child in the HL7 v3 namespace with this name.
    func v3All(_ name: StaticString) -> [XMLTree.Element] { children(name, in: CDANamespace.hl7) }

    /// Follows a path of HL7 v3 child names (first match at each step).
    func v3Path(_ path: [StaticString]) -> XMLTree.Element? { descendant(path, in: CDANamespace.hl7) }

    /// Whether the element carries a `nullFlavor`.
    var isNullFlavored: Bool { attribute("nullFlavor") != nil }

    /// Whether the element is in the HL7 v3 namespace.
    var isHL7: Bool { namespaceURI == "urn:hl7-org:v3" }

    /// The first HL7 v3 child with this name that has no `nullFlavor`.
    func v3Present(_ name: StaticString) -> XMLTree.Element? {
        v3All(name).first { !$0.isNullFlavored }
    }
}

/// Traversal of the CDA header: everything under `ClinicalDocument` except the body
/// (`ClinicalDocument/component`).
enum Header {
    /// Visits every header element below `document` in document order, never entering the body.
    static func walk(_ document: XMLTree.Element, visit: (XMLTree.Element) -> Void) {
        for child in document.children where !child.is("component", in: CDANamespace.hl7) {
            visitTree(child, visit: visit)
        }
    }

    private static func visitTree(_ element: XMLTree.Element, visit: (XMLTree.Element) -> Void) {
        visit(element)
        for child in element.children { visitTree(child, visit: visit) }
    }

    /// Every header element with this HL7 local name.
    static func elements(named name: StaticString, in document: XMLTree.Element) -> [XMLTree.Element] {
        var found: [XMLTree.Element] = []
        walk(document) { if $0.is(name, in: CDANamespace.hl7) { found.append($0) } }
        return found
    }

    /// The patient's `patientRole`, when present.
    static func patientRole(_ document: XMLTree.Element) -> XMLTree.Element? {
        document.v3Path(["recordTarget", "patientRole"])
    }

    /// Every `name` of the patient.
    static func patientNames(_ document: XMLTree.Element) -> [XMLTree.Element] {
        patientRole(document)?.v3("patient")?.v3All("name") ?? []
    }

    /// Splits a coded attribute such as `use="H WP"` into its tokens.
    static func tokens(_ value: String) -> [Substring] {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
    }
}

/// OIDs of patient identifiers (DOMAIN.md §1.5).
enum PatientOID {
    /// INS-NIR, INS-NIA, INS-NIR test, INS-NIR demo.
    static let ins: Set<String> = ["1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11"]
    /// Legacy calculated INS (INS-C).
    static let legacyINSC = "1.2.250.1.213.1.4.2"
    /// Social-security numbers (NSS-NIR, NSS-NIA): not patient identifiers.
    static let nss: Set<String> = ["1.2.250.1.213.1.4.13", "1.2.250.1.213.1.4.14"]

    /// The patient's INS identifiers (`patientRole/id` with an INS OID and an extension).
    static func insIdentifiers(_ document: XMLTree.Element) -> [(element: XMLTree.Element, number: String)] {
        (Header.patientRole(document)?.v3All("id") ?? []).compactMap { id in
            guard let root = id.attribute("root"), ins.contains(root), let number = id.attribute("extension"),
                !number.isEmpty
            else { return nil }
            return (id, number)
        }
    }
}
