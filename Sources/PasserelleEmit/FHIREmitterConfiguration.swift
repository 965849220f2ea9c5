public import PasserelleModel

/// Settings of the FHIR emitter.
public struct FHIREmitterConfiguration: Sendable, Hashable {
    /// Placeholder OID of the gateway (fictitious arc used by the project's fixtures): set the
    /// platform's own OID in production.
    public static let defaultGatewayOID = "1.2.250.1.999.9.1"

    /// OID of the gateway: `Patient.identifier.system` of the canonical patient id is
    /// `urn:oid:<gatewayOID>`.
    public var gatewayOID: String
    /// Base URL of Passerelle's own extensions (`<base>/attachment-sha256`).
    public var extensionBaseURL: String
    /// Indent the JSON (keys are sorted either way).
    public var prettyPrinted: Bool
    /// XDS classCode (DocumentReference.category) by document type code (`typeCode.code`).
    public var classCodes: [String: CodedValue]
    /// Leave the INS out of `Patient.identifier` when the source gives an identity status other
    /// than QUAL (DOMAIN.md §8.2 R8: only a qualified identity may carry the INS). When the
    /// source gives no status (CDA headers do not), the INS is emitted.
    public var withholdINSUnlessQualified: Bool

    /// Creates a configuration.
    public init(
        gatewayOID: String = FHIREmitterConfiguration.defaultGatewayOID,
        extensionBaseURL: String = FHIREmitterConfiguration.defaultExtensionBaseURL,
        prettyPrinted: Bool = false, classCodes: [String: CodedValue] = FHIREmitterConfiguration.defaultClassCodes,
        withholdINSUnlessQualified: Bool = true
    ) {
        self.gatewayOID = gatewayOID
        self.extensionBaseURL = extensionBaseURL
        self.prettyPrinted = prettyPrinted
        self.classCodes = classCodes
        self.withholdINSUnlessQualified = withholdINSUnlessQualified
    }

    /// Default base of Passerelle's extension URLs.
    public static let defaultExtensionBaseURL = "https://passerelle.invalid/fhir/StructureDefinition"

    /// The DMP class code system (JDV_J57 ClassCode DMP, DOMAIN.md §2).
    public static let classCodeSystem = "1.2.250.1.213.1.1.4.1"

    /// Default classCode table: only the two classes DOMAIN.md §2 names (10 comptes rendus,
    /// 11 synthèses), for the document types of §1.9 that are plainly reports or summaries.
    /// The ANS table ASS_X04 is not in the project's sources: extend this table from it.
    public static let defaultClassCodes: [String: CodedValue] = {
        let report = CodedValue(code: "10", codeSystem: classCodeSystem, displayName: "Compte rendu")
        let summary = CodedValue(code: "11", codeSystem: classCodeSystem, displayName: "Synthèse")
        var table: [String: CodedValue] = [:]
        for code in ["11502-2", "18748-4", "11488-4", "34112-3", "34874-8", "15507-7", "85208-7"] { table[code] = report }
        for code in ["34133-9", "60591-5", "SYNTH"] { table[code] = summary }
        return table
    }()
}

/// `DocumentReference.status`: whether this version is the current one.
public enum DocumentReferenceStatus: String, Sendable, Hashable, CaseIterable {
    /// The current version.
    case current
    /// A newer version with the same setId exists.
    case superseded
}
