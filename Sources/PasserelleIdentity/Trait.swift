/// A compared trait. Traits are grouped by how they may be used as evidence.
public enum Trait: String, Sendable, Hashable, Codable, CaseIterable {
    /// INS (valid, consistent with the traits).
    case ins
    /// A weak identifier (NSS of the insured person, a foreign number...).
    case weakIdentifier
    /// Family names: birth name, and used names crosswise (R2).
    case familyName
    /// First birth given name against the other's given names (R2, R3).
    case givenName
    /// Birth date (R4).
    case birthDate
    /// Sex (R5).
    case sex
    /// Birthplace COG code.
    case birthplace
    /// Address.
    case address
    /// Postal code.
    case postcode
    /// City.
    case city
    /// Telephone.
    case phone

    /// How a trait may count as evidence.
    public enum Group: String, Sendable, Codable {
        /// Identifiers: strong evidence on their own.
        case identifier
        /// Strict INS traits (first given name, birth date, sex, birthplace): a disagreement is a
        /// strong counter-evidence and blocks an automatic link.
        case strict
        /// Traits shared by a household (family name, address, postcode, city, phone): correlated,
        /// combined with diminishing returns and capped, never stacked as independent evidence.
        case household
    }

    /// The trait's group.
    public var group: Group {
        switch self {
        case .ins, .weakIdentifier: .identifier
        case .givenName, .birthDate, .sex, .birthplace: .strict
        case .familyName, .address, .postcode, .city, .phone: .household
        }
    }

    /// The comparison levels of the trait, best first; the last one is the disagreement.
    public var levels: [ComparisonLevel] { Self.levelTable[index] }

    /// Levels of every trait, computed once (comparisons run millions of times).
    private static let levelTable: [[ComparisonLevel]] = allCases.map(\.computedLevels)

    private var computedLevels: [ComparisonLevel] {
        switch self {
        case .ins, .sex, .phone: [.exact, .disagree]
        case .weakIdentifier, .postcode: [.exact, .oneTypo, .disagree]
        case .familyName: [.exact, .crossName, .phonetic, .fuzzyHigh, .fuzzyLow, .tokenOverlap, .disagree]
        case .givenName: [.exact, .phonetic, .fuzzyHigh, .tokenOverlap, .fuzzyLow, .disagree]
        case .birthDate: [.exact, .placeholderExact, .dayMonthSwap, .oneTypo, .partialAgree, .disagree]
        case .birthplace: [.exact, .sameDepartment, .disagree]
        case .address, .city: [.exact, .fuzzyHigh, .fuzzyLow, .disagree]
        }
    }

    /// Dense index in `allCases`.
    var index: Int {
        switch self {
        case .ins: 0
        case .weakIdentifier: 1
        case .familyName: 2
        case .givenName: 3
        case .birthDate: 4
        case .sex: 5
        case .birthplace: 6
        case .address: 7
        case .postcode: 8
        case .city: 9
        case .phone: 10
        }
    }

    /// Number of traits.
    static let count = 11
}

/// How two values of a trait compare.
public enum ComparisonLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// Same value in comparison form.
    case exact
    /// Birth name of one equals a used name of the other (marriage names, R2).
    case crossName
    /// Same French phonetic key.
    case phonetic
    /// Jaro–Winkler ≥ 0.94, or one edit between names of four letters or more.
    case fuzzyHigh
    /// Jaro–Winkler ≥ 0.88.
    case fuzzyLow
    /// A shared token (compound names, a given name found in the other's list, R2/R3).
    case tokenOverlap
    /// Same completed date but a placeholder or partial one on a side (01/01, 31/12; R4).
    case placeholderExact
    /// Day and month swapped.
    case dayMonthSwap
    /// One digit differs, or two adjacent digits are swapped.
    case oneTypo
    /// Compatible partial dates (same year, and month when both known).
    case partialAgree
    /// Same department (first 2 characters, 3 overseas).
    case sameDepartment
    /// Values differ.
    case disagree
}
