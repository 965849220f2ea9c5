/// Administrative sex as coded in the source (CI-SIS JDV_J143: F, M, UN).
public enum AdministrativeSex: String, Sendable, Hashable, Codable, CaseIterable {
    case female = "F"
    case male = "M"
    case undifferentiated = "UN"
    /// Any other code or a null flavor; see `Patient.sexCode` for the raw value.
    case unknown = "U"

    /// Maps a source code, accepting the usual spellings.
    public init(code: String?) {
        switch code?.uppercased() {
        case "F": self = .female
        case "M": self = .male
        case "UN", "I", "O": self = .undifferentiated
        default: self = .unknown
        }
    }
}

/// The patient of a document (`recordTarget/patientRole`) with identity traits kept apart
/// as the RNIV requires (DOMAIN.md §8.1, R1): birth and used names are never merged.
public struct Patient: Sendable, Hashable, Codable {
    /// Every identifier (INS, IPP, ...) with its kind.
    public var identifiers: [Identifier]
    /// All names as written.
    public var names: [PersonName]
    /// Nom de naissance (`family qualifier="BR"`).
    public var birthFamilyName: String?
    /// Nom utilisé (`family qualifier="CL"`, or `SP` in older documents).
    public var usedFamilyName: String?
    /// Premier prénom de naissance (`given qualifier="BR"`).
    public var firstBirthGivenName: String?
    /// Liste des prénoms de naissance: the unqualified `given`, split on spaces.
    public var birthGivenNames: [String]
    /// The unqualified `given` text as written (space-separated list).
    public var birthGivenNamesText: String?
    /// Prénom utilisé (`given qualifier="CL"`).
    public var usedGivenName: String?
    /// Sex.
    public var sex: AdministrativeSex?
    /// The raw `administrativeGenderCode/@code` (or null flavor).
    public var sexCode: String?
    /// Birth date with its precision.
    public var birthDate: Timestamp?
    /// INSEE (COG) code of the birthplace (`birthplace/place/addr/county`).
    public var birthplaceCode: String?
    /// Birthplace city name, when given.
    public var birthplaceCity: String?
    /// Addresses.
    public var addresses: [Address]
    /// Telecoms.
    public var telecoms: [Telecom]
    /// `sdtc:deceasedInd`.
    public var deceased: Bool?
    /// `sdtc:deceasedTime`.
    public var deceasedTime: Timestamp?
    /// `sdtc:multipleBirthInd`.
    public var multipleBirth: Bool?
    /// `sdtc:multipleBirthOrderNumber`.
    public var multipleBirthOrder: Int?
    /// Identity status when the source carries it (PROV, RECUP, VALI, QUAL; FR Core).
    public var identityStatus: String?

    /// Creates a patient.
    public init(
        identifiers: [Identifier] = [], names: [PersonName] = [], birthFamilyName: String? = nil,
        usedFamilyName: String? = nil, firstBirthGivenName: String? = nil, birthGivenNames: [String] = [],
        birthGivenNamesText: String? = nil, usedGivenName: String? = nil, sex: AdministrativeSex? = nil,
        sexCode: String? = nil, birthDate: Timestamp? = nil, birthplaceCode: String? = nil,
        birthplaceCity: String? = nil, addresses: [Address] = [], telecoms: [Telecom] = [],
        deceased: Bool? = nil, deceasedTime: Timestamp? = nil, multipleBirth: Bool? = nil,
        multipleBirthOrder: Int? = nil, identityStatus: String? = nil
    ) {
        self.identifiers = identifiers
        self.names = names
        self.birthFamilyName = birthFamilyName
        self.usedFamilyName = usedFamilyName
        self.firstBirthGivenName = firstBirthGivenName
        self.birthGivenNames = birthGivenNames
        self.birthGivenNamesText = birthGivenNamesText
        self.usedGivenName = usedGivenName
        self.sex = sex
        self.sexCode = sexCode
        self.birthDate = birthDate
        self.birthplaceCode = birthplaceCode
        self.birthplaceCity = birthplaceCity
        self.addresses = addresses
        self.telecoms = telecoms
        self.deceased = deceased
        self.deceasedTime = deceasedTime
        self.multipleBirth = multipleBirth
        self.multipleBirthOrder = multipleBirthOrder
        self.identityStatus = identityStatus
    }

    /// The first identifier that is an INS (any environment), if any.
    public var ins: Identifier? { identifiers.first { $0.kind.isINS } }

    /// Local identifiers (IPP) with their facility OID.
    public var localIdentifiers: [Identifier] { identifiers.filter { $0.kind == .local } }
}
