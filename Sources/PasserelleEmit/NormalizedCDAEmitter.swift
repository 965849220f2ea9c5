public import Foundation
import PasserelleModel
public import PasserelleXML

/// Writes the normalized CDA: the original document with the gateway's canonical patient id
/// added as one more `<id root="GATEWAY-OID" extension="PATIENT-ID"/>` in
/// `recordTarget/patientRole`, after the existing ids. Nothing else is rewritten: the declared
/// encoding is kept, as are white space, comments and attribute order (the serialization is
/// libxml2's; see `XMLTree.serialized()` for the few lexical differences).
public struct NormalizedCDAEmitter: Sendable {
    /// OID of the gateway (the `root` of the added id).
    public var gatewayOID: String
    /// Safety limits of the parse of the original.
    public var limits: XMLParserLimits

    /// Creates an emitter.
    public init(gatewayOID: String = FHIREmitterConfiguration.defaultGatewayOID, limits: XMLParserLimits = .default) {
        self.gatewayOID = gatewayOID
        self.limits = limits
    }

    private static let hl7 = "urn:hl7-org:v3"

    /// The normalized document bytes.
    public func normalize(original: Data, canonicalPatientID: String, sourceName: String? = nil) throws(EmitError) -> Data {
        guard !canonicalPatientID.isEmpty, !gatewayOID.isEmpty else {
            throw EmitError(code: .emitArgument, message: "the canonical patient id and the gateway OID must not be empty", sourceName: sourceName)
        }
        // libxml2's DOM: the only tree kind that can be edited and serialized.
        let parsed = SafeXMLParser(limits: limits, treeKind: .libxml2).parse(original, sourceName: sourceName)
        guard let tree = parsed.tree, let root = tree.root else {
            let reason = parsed.diagnostics.first.map { "[\($0.code.rawValue)] \($0.message)" } ?? "not well-formed"
            throw EmitError(code: .emitNotCDA, message: "the input is not a readable XML document: \(reason)", sourceName: sourceName)
        }
        guard let clinicalDocument = Self.clinicalDocument(in: root, depthLeft: 8) else {
            throw EmitError(
                code: .emitNotCDA, message: "no ClinicalDocument element in namespace \(Self.hl7)", sourceName: sourceName,
                location: root.location)
        }
        guard let recordTarget = clinicalDocument.child("recordTarget", in: "urn:hl7-org:v3"),
            let patientRole = recordTarget.child("patientRole", in: "urn:hl7-org:v3")
        else {
            throw EmitError(
                code: .emitNoPatientRole, message: "the document has no recordTarget/patientRole", sourceName: sourceName,
                location: clinicalDocument.location)
        }
        do {
            try tree.insertElement(
                named: "id", attributes: [(name: "root", value: gatewayOID), (name: "extension", value: canonicalPatientID)],
                into: patientRole, afterLastChildNamed: "id")
            return try tree.serialized()
        } catch {
            throw EmitError(code: .emitXML, message: error.description, sourceName: sourceName, location: patientRole.location)
        }
    }

    /// The `ClinicalDocument` element: the root, or nested in an auto-présentable stylesheet.
    private static func clinicalDocument(in element: XMLTree.Element, depthLeft: Int) -> XMLTree.Element? {
        if element.is("ClinicalDocument", in: "urn:hl7-org:v3") { return element }
        guard depthLeft > 0 else { return nil }
        for child in element.children {
            if let found = clinicalDocument(in: child, depthLeft: depthLeft - 1) { return found }
        }
        return nil
    }
}
