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
///
/// Copy-on-write: the traits live in one shared storage object, so the copies an index keeps (its
/// record table, its history, the comparison form) cost one pointer each instead of twenty
/// strings (about 1 KB per record in a million-record index).
public struct IdentityRecord: Sendable, Hashable, Codable {
    private var storage: IdentityRecordStorage

    /// Record identifier (unique in a batch or an index).
    public var id: IdentityRecordID {
        get { storage.values.id }
        set { uniqueStorage().values.id = newValue }
    }
    /// Source or facility the record comes from.
    public var source: String? {
        get { storage.values.source }
        set { uniqueStorage().values.source = newValue }
    }
    /// Local identifier (facility OID + IPP).
    public var localIdentifier: LocalIdentifier? {
        get { storage.values.localIdentifier }
        set { uniqueStorage().values.localIdentifier = newValue }
    }
    /// INS matricule + key as received (checked before use, R6).
    public var ins: String? {
        get { storage.values.ins }
        set { uniqueStorage().values.ins = newValue }
    }
    /// OID the INS was received under.
    public var insOID: String? {
        get { storage.values.insOID }
        set { uniqueStorage().values.insOID = newValue }
    }
    /// Nom de naissance.
    public var birthFamilyName: String? {
        get { storage.values.birthFamilyName }
        set { uniqueStorage().values.birthFamilyName = newValue }
    }
    /// Nom utilisé (never filled from the birth name, R2).
    public var usedFamilyName: String? {
        get { storage.values.usedFamilyName }
        set { uniqueStorage().values.usedFamilyName = newValue }
    }
    /// Premier prénom de naissance, when given separately.
    public var firstBirthGivenName: String? {
        get { storage.values.firstBirthGivenName }
        set { uniqueStorage().values.firstBirthGivenName = newValue }
    }
    /// Liste des prénoms de naissance, as one text.
    public var birthGivenNames: String? {
        get { storage.values.birthGivenNames }
        set { uniqueStorage().values.birthGivenNames = newValue }
    }
    /// Prénom utilisé.
    public var usedGivenName: String? {
        get { storage.values.usedGivenName }
        set { uniqueStorage().values.usedGivenName = newValue }
    }
    /// Birth date text (`YYYYMMDD`, `YYYY-MM-DD`, `DD/MM/YYYY`; `00` for unknown parts).
    public var birthDate: String? {
        get { storage.values.birthDate }
        set { uniqueStorage().values.birthDate = newValue }
    }
    /// Sex code as received.
    public var sex: String? {
        get { storage.values.sex }
        set { uniqueStorage().values.sex = newValue }
    }
    /// INSEE (COG) code of the birthplace.
    public var birthplaceCode: String? {
        get { storage.values.birthplaceCode }
        set { uniqueStorage().values.birthplaceCode = newValue }
    }
    /// Address lines joined.
    public var address: String? {
        get { storage.values.address }
        set { uniqueStorage().values.address = newValue }
    }
    /// Postal code.
    public var postcode: String? {
        get { storage.values.postcode }
        set { uniqueStorage().values.postcode = newValue }
    }
    /// City.
    public var city: String? {
        get { storage.values.city }
        set { uniqueStorage().values.city = newValue }
    }
    /// Telephone.
    public var phone: String? {
        get { storage.values.phone }
        set { uniqueStorage().values.phone = newValue }
    }
    /// A secondary number that is not an INS (NSS of the insured person, a foreign id...): weak
    /// evidence only, never a deterministic link (R6).
    public var weakIdentifier: String? {
        get { storage.values.weakIdentifier }
        set { uniqueStorage().values.weakIdentifier = newValue }
    }
    /// Identity status from the source (R10).
    public var status: IdentityStatus? {
        get { storage.values.status }
        set { uniqueStorage().values.status = newValue }
    }
    /// Identity attributes from the source (R11).
    public var attributes: IdentityAttributes {
        get { storage.values.attributes }
        set { uniqueStorage().values.attributes = newValue }
    }

    /// Creates a record.
    public init(
        id: IdentityRecordID,
        source: String? = nil,
        localIdentifier: LocalIdentifier? = nil,
        ins: String? = nil,
        insOID: String? = nil,
        birthFamilyName: String? = nil,
        usedFamilyName: String? = nil,
        firstBirthGivenName: String? = nil,
        birthGivenNames: String? = nil,
        usedGivenName: String? = nil,
        birthDate: String? = nil,
        sex: String? = nil,
        birthplaceCode: String? = nil,
        address: String? = nil,
        postcode: String? = nil,
        city: String? = nil,
        phone: String? = nil,
        weakIdentifier: String? = nil,
        status: IdentityStatus? = nil,
        attributes: IdentityAttributes = []
    ) {
        storage = IdentityRecordStorage(IdentityRecordValues(
            id: id, source: source, localIdentifier: localIdentifier, ins: ins,
            insOID: insOID, birthFamilyName: birthFamilyName, usedFamilyName: usedFamilyName,
            firstBirthGivenName: firstBirthGivenName, birthGivenNames: birthGivenNames, usedGivenName: usedGivenName,
            birthDate: birthDate, sex: sex, birthplaceCode: birthplaceCode, address: address, postcode: postcode,
            city: city, phone: phone, weakIdentifier: weakIdentifier, status: status, attributes: attributes))
    }

    private mutating func uniqueStorage() -> IdentityRecordStorage {
        if !isKnownUniquelyReferenced(&storage) { storage = IdentityRecordStorage(storage.values) }
        return storage
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.values == rhs.storage.values
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.values) }
}

/// The shared traits of an ``IdentityRecord``; mutated only through a uniquely referenced record
/// (copy-on-write), hence safe to send.
final class IdentityRecordStorage: @unchecked Sendable {
    var values: IdentityRecordValues
    init(_ values: IdentityRecordValues) { self.values = values }
}

/// The traits of an ``IdentityRecord`` as one value.
struct IdentityRecordValues: Hashable {
    var id: IdentityRecordID
    var source: String?
    var localIdentifier: LocalIdentifier?
    var ins: String?
    var insOID: String?
    var birthFamilyName: String?
    var usedFamilyName: String?
    var firstBirthGivenName: String?
    var birthGivenNames: String?
    var usedGivenName: String?
    var birthDate: String?
    var sex: String?
    var birthplaceCode: String?
    var address: String?
    var postcode: String?
    var city: String?
    var phone: String?
    var weakIdentifier: String?
    var status: IdentityStatus?
    var attributes: IdentityAttributes
}
