/// HL7 `EN` part qualifiers used by CI-SIS: birth (BR), spouse/usage (SP), call/used (CL).
public enum NameQualifier: String, Sendable, Hashable, Codable, CaseIterable {
    /// Birth name (nom de naissance / prénom de naissance).
    case birth = "BR"
    /// Spouse name (nom d'usage), found in older documents.
    case spouse = "SP"
    /// Used name (nom utilisé / prénom utilisé).
    case callMe = "CL"
    /// Other HL7 qualifiers, kept as read.
    case initial = "IN"
    case title = "TITLE"
    case academic = "AC"
    case nobility = "NB"
    case professional = "PR"
    case adopted = "AD"
    case legalStatus = "LS"
    case voorvoegsel = "VV"
}

/// One part of a person name (`family`, `given`, `prefix` or `suffix`) with its qualifier.
public struct NamePart: Sendable, Hashable, Codable {
    /// The text as written (whitespace collapsed).
    public var value: String
    /// The `qualifier` attribute, when given and known.
    public var qualifier: NameQualifier?
    /// The raw `qualifier` attribute text (may hold several space-separated tokens).
    public var rawQualifier: String?

    /// Creates a name part.
    public init(value: String, qualifier: NameQualifier? = nil, rawQualifier: String? = nil) {
        self.value = value
        self.qualifier = qualifier
        self.rawQualifier = rawQualifier ?? qualifier?.rawValue
    }
}

/// An HL7 person name (PN).
public struct PersonName: Sendable, Hashable, Codable {
    /// `use` attribute (L legal, P pseudonym, ...).
    public var use: String?
    /// Family name parts.
    public var family: [NamePart]
    /// Given name parts.
    public var given: [NamePart]
    /// Prefixes (e.g. `Dr`).
    public var prefix: [NamePart]
    /// Suffixes.
    public var suffix: [NamePart]
    /// Text not inside any part (unstructured name).
    public var text: String?
    /// Why the name is absent.
    public var nullFlavor: NullFlavor?

    /// Creates a name.
    public init(
        use: String? = nil, family: [NamePart] = [], given: [NamePart] = [], prefix: [NamePart] = [],
        suffix: [NamePart] = [], text: String? = nil, nullFlavor: NullFlavor? = nil
    ) {
        self.use = use
        self.family = family
        self.given = given
        self.prefix = prefix
        self.suffix = suffix
        self.text = text
        self.nullFlavor = nullFlavor
    }

    /// A display form, "Given FAMILY" (never used in logs or diagnostics).
    public var displayName: String {
        ([prefix.first?.value] + [given.first?.value, family.first?.value]).compactMap { $0 }.joined(separator: " ")
    }
}

/// An HL7 address (AD). A CI-SIS address is either structured parts or street lines.
public struct Address: Sendable, Hashable, Codable {
    public var use: String?
    public var streetAddressLines: [String]
    public var houseNumber: String?
    public var streetName: String?
    public var additionalLocator: String?
    public var postalCode: String?
    public var city: String?
    /// `county`: in CI-SIS birthplaces, the INSEE (COG) code of the commune.
    public var county: String?
    public var state: String?
    public var country: String?
    /// Text outside any part.
    public var text: String?
    public var nullFlavor: NullFlavor?

    /// Creates an address.
    public init(
        use: String? = nil, streetAddressLines: [String] = [], houseNumber: String? = nil,
        streetName: String? = nil, additionalLocator: String? = nil, postalCode: String? = nil,
        city: String? = nil, county: String? = nil, state: String? = nil, country: String? = nil,
        text: String? = nil, nullFlavor: NullFlavor? = nil
    ) {
        self.use = use
        self.streetAddressLines = streetAddressLines
        self.houseNumber = houseNumber
        self.streetName = streetName
        self.additionalLocator = additionalLocator
        self.postalCode = postalCode
        self.city = city
        self.county = county
        self.state = state
        self.country = country
        self.text = text
        self.nullFlavor = nullFlavor
    }
}

/// An HL7 telecom (TEL): `tel:`, `fax:`, `mailto:`, `http:`... URL with a use code.
public struct Telecom: Sendable, Hashable, Codable {
    /// `use` attribute (H, HP, WP, MC, ...).
    public var use: String?
    /// The URL value as written.
    public var value: String?
    public var nullFlavor: NullFlavor?

    /// Creates a telecom.
    public init(use: String? = nil, value: String?, nullFlavor: NullFlavor? = nil) {
        self.use = use
        self.value = value
        self.nullFlavor = nullFlavor
    }

    /// The URL scheme (`tel`, `mailto`, ...), lower-cased.
    public var scheme: String? {
        guard let value, let colon = value.firstIndex(of: ":") else { return nil }
        return value[..<colon].lowercased()
    }
}
