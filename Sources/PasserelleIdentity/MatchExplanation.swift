/// The outcome for a pair (or a record against an index).
public enum MatchDecision: String, Sendable, Hashable, Codable, CaseIterable {
    /// Same person: linked automatically.
    case link
    /// Possibly the same person: a human decides (review queue).
    case review
    /// Not the same person (a new patient when matching against an index).
    case new
}

/// Which rule made the decision.
public enum DecisionRule: String, Sendable, Hashable, Codable {
    /// Same facility and IPP: the same identity record.
    case sameLocalIdentifier = "same-local-identifier"
    /// Same valid INS with a qualified identity on a side.
    case sameQualifiedINS = "same-qualified-ins"
    /// Two different valid INS (R14).
    case differentINS = "different-ins"
    /// A fictitious identity (R11).
    case fictitiousIdentity = "fictitious-identity"
    /// Fellegi–Sunter scoring.
    case probabilistic
}

/// A reason that lowered or qualified a decision. Codes only: no identity traits.
public enum DecisionFlag: String, Sendable, Hashable, Codable, CaseIterable {
    /// Strong agreement but a strict trait contradicts: two people may be mixed (R13).
    case possibleCollision = "possible-collision"
    /// Same birth date and family but different given names: twins look like this.
    case possibleTwins = "possible-twins"
    /// A strict trait disagrees outright.
    case strictConflict = "strict-conflict"
    /// The birth date agrees only as a placeholder or partial value (R4).
    case placeholderBirthDate = "placeholder-birth-date"
    /// The family names disagree outright (birth and used names compared crosswise, R2) and no
    /// identifier agrees: two different people who share a given name, a birth date and a town.
    case familyNameConflict = "family-name-conflict"
    /// A side has no birth date and no identifier agrees: names alone never link.
    case missingBirthDate = "missing-birth-date"
    /// Nothing beyond names, birth date and sex agrees: no INS or identifier, no birthplace, no
    /// address, postcode or phone. Homonyms born the same day look like this.
    case uncorroborated
    /// Too little individual (non-household) evidence for an automatic link.
    case householdEvidenceOnly = "household-evidence-only"
    /// A side is an identité douteuse (R11).
    case doubtfulIdentity = "doubtful-identity"
    /// A side is marked homonyme (R11).
    case homonymIdentity = "homonym-identity"
    /// A side is an identité fictive (R11).
    case fictitiousIdentity = "fictitious-identity"
    /// Different valid INS (R14).
    case differentINS = "different-ins"
    /// Same assigning authority, different IPPs (R14).
    case sameAuthorityDifferentLocalIdentifier = "same-authority-different-ipp"
    /// The INS contradicts a side's traits (R7).
    case insTraitMismatch = "ins-trait-mismatch"
    /// Family and given names matched only after swapping them.
    case namesSwapped = "names-swapped"
    /// One strict trait disagrees but an exact personal identifier outweighs it.
    case strictConflictOutweighed = "strict-conflict-outweighed"
    /// Both records carry one INS that contradicts a side's traits, and the records agree with
    /// each other up to a typo (day/month swap, one digit in the same year): the INS is not used as
    /// evidence and the traits decide (R7).
    case insTraitTypo = "ins-trait-typo"
    /// A batch pair that alone would go to review, whose two records other links already joined in
    /// one cluster: reported as a link so that pairs and clusters agree (batch only).
    case linkedThroughCluster = "linked-through-cluster"

    /// Flags that forbid an automatic link between the two records, whatever the score.
    public var forbidsLink: Bool {
        switch self {
        case .namesSwapped, .strictConflictOutweighed, .insTraitTypo, .linkedThroughCluster: false
        default: true
        }
    }
}

/// The contribution of one trait to a score.
public struct TraitContribution: Sendable, Hashable, Codable {
    /// The trait.
    public var trait: Trait
    /// Its comparison level.
    public var level: ComparisonLevel
    /// Its weight in bits after adjustments (term frequency, caps and penalties).
    public var weight: Double
}

/// Why a pair got its decision: rule, score, flags and every trait's level and weight.
/// Human-readable through `description`, which never quotes identity traits.
public struct MatchExplanation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The decision.
    public var decision: MatchDecision
    /// The rule that decided.
    public var rule: DecisionRule
    /// The total match weight in bits.
    public var score: Double
    /// Qualifying flags.
    public var flags: Set<DecisionFlag>
    /// Per-trait contributions, in trait order.
    public var contributions: [TraitContribution]
    /// Combined weight of the household group (after decay and cap).
    public var householdWeight: Double

    /// A multi-line explanation for a reviewer.
    public var description: String {
        var lines = ["decision: \(decision.rawValue) (rule: \(rule.rawValue), score: \(Self.format(score)))"]
        if !flags.isEmpty { lines.append("flags: " + flags.map(\.rawValue).sorted().joined(separator: ", ")) }
        for item in contributions {
            lines.append("  \(item.trait.rawValue) [\(item.trait.group.rawValue)]: \(item.level.rawValue) \(Self.format(item.weight))")
        }
        lines.append("  household group (capped): \(Self.format(householdWeight))")
        return lines.joined(separator: "\n")
    }

    private enum CodingKeys: String, CodingKey {
        case decision, rule, score, flags, contributions, householdWeight
    }

    /// Encodes the members in declaration order, the flags sorted: the same explanation always
    /// gives the same JSON, with any encoder (a `Set` alone encodes in per-process hash order).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(decision, forKey: .decision)
        try container.encode(rule, forKey: .rule)
        try container.encode(score, forKey: .score)
        try container.encode(flags.sorted { $0.rawValue < $1.rawValue }, forKey: .flags)
        try container.encode(contributions, forKey: .contributions)
        try container.encode(householdWeight, forKey: .householdWeight)
    }

    /// Compact one-line form for CSV files: `trait=level:weight;...`.
    public var compact: String {
        let parts = contributions.map { "\($0.trait.rawValue)=\($0.level.rawValue):\(Self.format($0.weight))" }
        return (flags.map(\.rawValue).sorted() + parts).joined(separator: ";")
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded >= 0 ? "+\(rounded)" : "\(rounded)"
    }
}
