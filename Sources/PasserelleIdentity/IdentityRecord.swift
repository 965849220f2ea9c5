/// The identifier of one identity record (a row, a document's patient, an ADT message...).
public struct IdentityRecordID: RawRepresentable, Sendable, Hashable, Codable, Comparable,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    /// The identifier text (a row id, never an identity trait).
    public var rawValue: String
    /// Creates an identifier.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates an identifier from a literal.
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A local patient identifier: the facility (assigning authority OID) and its IPP.
public struct LocalIdentifier: Sendable, Hashable, Codable {
    /// The assigning authority (facility OID or source name).
    public var authority: String
    /// The IPP within that authority.
    public var value: String

    /// Creates a local identifier.
    public init(authority: String, value: String) {
        self.authority = authority
        self.value = value
    }
}

/// One identity as received from one source, with its traits kept separately and as written (R1).
///
/// This is the input of the engine; ``ComparableIdentity`` is its comparison form.
public struct IdentityRecord: Sendable, Hashable, Codable {
    /// Record identifier (unique in a batch or an index).
    public var id: IdentityRecordID
    /// Source or facility the record comes from.
    public var source: String?
    /// Local identifier (facility OID + IPP).
    public var localIdentifier: LocalIdentifier?
    /// INS matricule + key as received (checked before use, R6).
    public var ins: String?
    /// OID the INS was received under.
    public var insOID: String?
    /// Nom de naissance.
    public var birthFamilyName: String?
    /// Nom utilisé (never filled from the birth name, R2).
    public var usedFamilyName: String?
    /// Premier prénom de naissance, when given separately.
    public var firstBirthGivenName: String?
    /// Liste des prénoms de naissance, as one text.
    public var birthGivenNames: String?
    /// Prénom utilisé.
    public var usedGivenName: String?
    /// Birth date text (`YYYYMMDD`, `YYYY-MM-DD`, `DD/MM/YYYY`; `00` for unknown parts).
    public var birthDate: String?
    /// Sex code as received.
    public var sex: String?
    /// INSEE (COG) code of the birthplace.
    public var birthplaceCode: String?
    /// Address lines joined.
    public var address: String?
    /// Postal code.
    public var postcode: String?
    /// City.
    public var city: String?
    /// Telephone.
    public var phone: String?
    /// A secondary number that is not an INS (NSS of the insured person, a foreign id...): weak
    /// evidence only, never a deterministic link (R6).
    public var weakIdentifier: String?
    /// Identity status from the source (R10).
    public var status: IdentityStatus?
    /// Identity attributes from the source (R11).
    public var attributes: IdentityAttributes

    /// Creates a record.
    public init(
        id: IdentityRecordID, source: String? = nil, localIdentifier: LocalIdentifier? = nil,
        ins: String? = nil, insOID: String? = nil, birthFamilyName: String? = nil,
        usedFamilyName: String? = nil, firstBirthGivenName: String? = nil, birthGivenNames: String? = nil,
        usedGivenName: String? = nil, birthDate: String? = nil, sex: String? = nil,
        birthplaceCode: String? = nil, address: String? = nil, postcode: String? = nil,
        city: String? = nil, phone: String? = nil, weakIdentifier: String? = nil,
        status: IdentityStatus? = nil, attributes: IdentityAttributes = []
    ) {
        self.id = id
        self.source = source
        self.localIdentifier = localIdentifier
        self.ins = ins
        self.insOID = insOID
        self.birthFamilyName = birthFamilyName
        self.usedFamilyName = usedFamilyName
        self.firstBirthGivenName = firstBirthGivenName
        self.birthGivenNames = birthGivenNames
        self.usedGivenName = usedGivenName
        self.birthDate = birthDate
        self.sex = sex
        self.birthplaceCode = birthplaceCode
        self.address = address
        self.postcode = postcode
        self.city = city
        self.phone = phone
        self.weakIdentifier = weakIdentifier
        self.status = status
        self.attributes = attributes
    }
}
