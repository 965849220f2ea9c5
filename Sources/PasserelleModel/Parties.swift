/// An organisation (represented organisation, custodian, service provider).
public struct Organization: Sendable, Hashable, Codable {
    /// Identifiers (IDNST "1" + FINESS, "3" + SIRET, local OIDs).
    public var identifiers: [Identifier]
    /// Name.
    public var name: String?
    public var telecoms: [Telecom]
    public var addresses: [Address]
    /// `standardIndustryClassCode`: practice setting (JDV_J04).
    public var industryClass: CodedValue?

    /// Creates an organisation.
    public init(
        identifiers: [Identifier] = [], name: String? = nil, telecoms: [Telecom] = [],
        addresses: [Address] = [], industryClass: CodedValue? = nil
    ) {
        self.identifiers = identifiers
        self.name = name
        self.telecoms = telecoms
        self.addresses = addresses
        self.industryClass = industryClass
    }

    /// The FINESS number when an IDNST identifier starts with "1".
    public var finess: String? { structureID(prefix: "1") }
    /// The SIRET number when an IDNST identifier starts with "3".
    public var siret: String? { structureID(prefix: "3") }

    private func structureID(prefix: Character) -> String? {
        for identifier in identifiers where identifier.kind == .structure {
            if let ext = identifier.extension, ext.first == prefix { return String(ext.dropFirst()) }
        }
        return nil
    }
}

/// A health professional or another person acting in the document.
public struct Professional: Sendable, Hashable, Codable {
    /// Identifiers (IDNPS: "8" + RPPS, or ADELI-based).
    public var identifiers: [Identifier]
    /// Names.
    public var names: [PersonName]
    /// Profession / specialty (`code`, JDV_J01).
    public var specialty: CodedValue?
    public var telecoms: [Telecom]
    public var addresses: [Address]
    /// Organisation the person acts for.
    public var organization: Organization?

    /// Creates a professional.
    public init(
        identifiers: [Identifier] = [], names: [PersonName] = [], specialty: CodedValue? = nil,
        telecoms: [Telecom] = [], addresses: [Address] = [], organization: Organization? = nil
    ) {
        self.identifiers = identifiers
        self.names = names
        self.specialty = specialty
        self.telecoms = telecoms
        self.addresses = addresses
        self.organization = organization
    }

    /// The RPPS number when an IDNPS identifier is "8" + 11 digits.
    public var rpps: String? {
        for identifier in identifiers where identifier.kind == .professional {
            if let ext = identifier.extension, ext.count == 12, ext.first == "8" { return String(ext.dropFirst()) }
        }
        return nil
    }
}

/// A software system authoring a document (`assignedAuthoringDevice`).
public struct AuthoringDevice: Sendable, Hashable, Codable {
    public var softwareName: String?
    public var manufacturerModelName: String?

    /// Creates a device.
    public init(softwareName: String? = nil, manufacturerModelName: String? = nil) {
        self.softwareName = softwareName
        self.manufacturerModelName = manufacturerModelName
    }
}

/// A document author: a person or a device, with the authoring time.
public struct Author: Sendable, Hashable, Codable {
    /// Authoring time.
    public var time: Timestamp?
    /// `functionCode` (author role).
    public var function: CodedValue?
    /// The person and their organisation (ids, specialty and organisation are set for devices too).
    public var person: Professional
    /// Set when the author is a device.
    public var device: AuthoringDevice?

    /// Creates an author.
    public init(time: Timestamp? = nil, function: CodedValue? = nil, person: Professional, device: AuthoringDevice? = nil) {
        self.time = time
        self.function = function
        self.person = person
        self.device = device
    }
}

/// The legal authenticator (or another authenticator) of a document.
public struct Authenticator: Sendable, Hashable, Codable {
    public var time: Timestamp?
    /// `signatureCode/@code` (`S` signed).
    public var signatureCode: String?
    public var person: Professional

    /// Creates an authenticator.
    public init(time: Timestamp? = nil, signatureCode: String? = nil, person: Professional) {
        self.time = time
        self.signatureCode = signatureCode
        self.person = person
    }
}

/// The encounter the document belongs to (`componentOf/encompassingEncounter`).
public struct Encounter: Sendable, Hashable, Codable {
    public var identifiers: [Identifier]
    public var code: CodedValue?
    public var period: Period?
    /// `location/healthCareFacility/code` (JDV_J02).
    public var facilityType: CodedValue?
    /// Facility or service provider organisation.
    public var facility: Organization?

    /// Creates an encounter.
    public init(
        identifiers: [Identifier] = [], code: CodedValue? = nil, period: Period? = nil,
        facilityType: CodedValue? = nil, facility: Organization? = nil
    ) {
        self.identifiers = identifiers
        self.code = code
        self.period = period
        self.facilityType = facilityType
        self.facility = facility
    }
}

/// A documented act (`documentationOf/serviceEvent`).
public struct ServiceEvent: Sendable, Hashable, Codable {
    public var code: CodedValue?
    public var period: Period?
    /// Performers of the act.
    public var performers: [Professional]

    /// Creates a service event.
    public init(code: CodedValue? = nil, period: Period? = nil, performers: [Professional] = []) {
        self.code = code
        self.period = period
        self.performers = performers
    }
}

/// A link to another document (`relatedDocument`), e.g. the version this one replaces (RPLC).
public struct RelatedDocument: Sendable, Hashable, Codable {
    /// `typeCode`: RPLC, APND, XFRM.
    public var typeCode: String
    /// `parentDocument/id` values.
    public var parentIdentifiers: [Identifier]
    /// `parentDocument/setId`.
    public var parentSetID: Identifier?
    /// `parentDocument/versionNumber`.
    public var parentVersionNumber: Int?

    /// Creates a relation.
    public init(typeCode: String, parentIdentifiers: [Identifier] = [], parentSetID: Identifier? = nil, parentVersionNumber: Int? = nil) {
        self.typeCode = typeCode
        self.parentIdentifiers = parentIdentifiers
        self.parentSetID = parentSetID
        self.parentVersionNumber = parentVersionNumber
    }
}
