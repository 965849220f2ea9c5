/// What an identifier designates, derived from its authority OID (`root`).
///
/// OIDs: INS (FR Core `FRCorePatientINSProfile`), national professional and structure ids
/// (CI-SIS). A patient identifier whose root is not a known national OID is a local
/// identifier (IPP) assigned by the facility that owns the OID.
public enum IdentifierKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// INS built on the NIR, production (1.2.250.1.213.1.4.8).
    case insNIR = "INS-NIR"
    /// INS built on a NIA (temporary number), production (1.2.250.1.213.1.4.9).
    case insNIA = "INS-NIA"
    /// INS-NIR test OID (1.2.250.1.213.1.4.10), used by the ANS examples.
    case insNIRTest = "INS-NIR-TEST"
    /// INS-NIR demonstration OID (1.2.250.1.213.1.4.11).
    case insNIRDemo = "INS-NIR-DEMO"
    /// Legacy calculated INS (INS-C, 1.2.250.1.213.1.4.2), no longer valid as an INS.
    case insC = "INS-C"
    /// Social-security number of the insured person (NSS-NIR, 1.2.250.1.213.1.4.13): not a patient identifier.
    case nssNIR = "NSS-NIR"
    /// Social-security number built on a NIA (1.2.250.1.213.1.4.14).
    case nssNIA = "NSS-NIA"
    /// National health-professional id (IDNPS, root 1.2.250.1.71.4.2.1): "8" + RPPS, or ADELI-based.
    case professional = "IDNPS"
    /// National structure id (IDNST, root 1.2.250.1.71.4.2.2): "1" + FINESS, "3" + SIRET, ...
    case structure = "IDNST"
    /// Local identifier assigned by a facility (IPP for a patient), root = facility OID.
    case local = "LOCAL"
    /// Anything else (a UUID document id, an OID without extension, ...).
    case other = "OTHER"

    /// Well-known OIDs.
    public enum OID {
        public static let insNIR = "1.2.250.1.213.1.4.8"
        public static let insNIA = "1.2.250.1.213.1.4.9"
        public static let insNIRTest = "1.2.250.1.213.1.4.10"
        public static let insNIRDemo = "1.2.250.1.213.1.4.11"
        public static let insC = "1.2.250.1.213.1.4.2"
        public static let nssNIR = "1.2.250.1.213.1.4.13"
        public static let nssNIA = "1.2.250.1.213.1.4.14"
        public static let professional = "1.2.250.1.71.4.2.1"
        public static let structure = "1.2.250.1.71.4.2.2"
        public static let patientProducedDocumentsHost = "1.2.250.1.213.4.1"
    }

    /// Classifies an identifier of a patient from its root OID.
    public static func forPatient(root: String?, extension ext: String?) -> IdentifierKind {
        switch root {
        case OID.insNIR?: return .insNIR
        case OID.insNIA?: return .insNIA
        case OID.insNIRTest?: return .insNIRTest
        case OID.insNIRDemo?: return .insNIRDemo
        case OID.insC?: return .insC
        case OID.nssNIR?: return .nssNIR
        case OID.nssNIA?: return .nssNIA
        default: return ext == nil ? .other : .local
        }
    }

    /// Classifies the identifier of a professional or an organisation from its root OID.
    public static func forParty(root: String?, extension ext: String?) -> IdentifierKind {
        switch root {
        case OID.professional?: return .professional
        case OID.structure?: return .structure
        default: return ext == nil ? .other : .local
        }
    }

    /// Whether this kind is an INS (any environment), excluding the legacy INS-C.
    public var isINS: Bool {
        switch self {
        case .insNIR, .insNIA, .insNIRTest, .insNIRDemo: true
        default: false
        }
    }
}

/// An HL7 instance identifier (II): `root` (an OID or UUID) and optional `extension`.
public struct Identifier: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Authority (OID or UUID), or the whole id when there is no extension.
    public var root: String?
    /// Identifier within the authority.
    public var `extension`: String?
    /// Name of the assigning authority, when given.
    public var assigningAuthorityName: String?
    /// Why the identifier is absent, when it is.
    public var nullFlavor: NullFlavor?
    /// What it designates.
    public var kind: IdentifierKind

    /// Creates an identifier.
    public init(
        root: String?, extension ext: String? = nil, kind: IdentifierKind = .other,
        assigningAuthorityName: String? = nil, nullFlavor: NullFlavor? = nil
    ) {
        self.root = root
        self.extension = ext
        self.kind = kind
        self.assigningAuthorityName = assigningAuthorityName
        self.nullFlavor = nullFlavor
    }

    /// `root^extension`, or `root` alone (the XDS uniqueId form).
    public var description: String {
        switch (root, self.extension) {
        case let (root?, ext?): "\(root)^\(ext)"
        case let (root?, nil): root
        case let (nil, ext?): "^\(ext)"
        case (nil, nil): nullFlavor.map { "nullFlavor=\($0.rawValue)" } ?? "(empty)"
        }
    }
}

/// A CDA `templateId`: conformance profile declared by the document or a section.
public struct TemplateID: Sendable, Hashable, Codable {
    /// Template OID.
    public var root: String
    /// Template version (e.g. `2022.01`), when given.
    public var `extension`: String?

    /// Creates a template id.
    public init(root: String, extension ext: String? = nil) {
        self.root = root
        self.extension = ext
    }
}
