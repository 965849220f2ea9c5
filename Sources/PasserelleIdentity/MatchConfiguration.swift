/// Thresholds and safety settings of the matcher. Weights are in bits (log2 Bayes factors).
public struct MatchConfiguration: Sendable, Hashable, Codable {
    /// Score at or above which a pair is linked automatically (when no safety rule objects).
    public var linkThreshold: Double
    /// Score at or above which a pair goes to review; below it the record is a new patient.
    public var reviewThreshold: Double
    /// Maximum total positive weight of the household traits (R13: correlated evidence).
    public var householdCap: Double
    /// Each further agreeing household trait counts this fraction of the previous one.
    public var householdDecay: Double
    /// Largest negative weight one household trait may give (people move and marry).
    public var householdMaxPenalty: Double
    /// Minimum penalty of an outright disagreement on each strict trait.
    public var strictDisagreementPenalty: [Trait: Double]
    /// Largest weight of an exact match on a placeholder or completed birth date (R4).
    public var placeholderDateMaxWeight: Double
    /// Minimum weight the strict traits and identifiers must bring for an automatic link, so that
    /// household agreement alone never links two records.
    public var minimumIndividualEvidence: Double
    /// Blocks bigger than this are skipped in batch (placeholder-heavy keys).
    public var maxBlockSize: Int
    /// Maximum candidate records examined for one incremental match.
    public var maxCandidates: Int
    /// Minimum weight of an exact birthplace for it to corroborate a link on its own, that is to
    /// rule out homonyms born the same day. Default `.infinity` (never): the birthplace weight is
    /// a random-pair frequency, while homonyms sharing name and birth date share the birthplace
    /// far more often (regional names, regional maternity wards; 10 false links on the 100k French
    /// set at 3.5 bits). Lower it only with weights learned on pairs that agree on name and date.
    public var corroboratingBirthplaceWeight: Double
    /// What the weak identifier designates (see ``WeakIdentifierScope``).
    public var weakIdentifierScope: WeakIdentifierScope

    /// Creates a configuration; defaults are the tuned values documented in `Docs/identity.md`.
    public init(
        linkThreshold: Double = 14, reviewThreshold: Double = 6, householdCap: Double = 12,
        householdDecay: Double = 0.5, householdMaxPenalty: Double = 4,
        strictDisagreementPenalty: [Trait: Double] = [.givenName: 10, .birthDate: 10, .sex: 12, .birthplace: 6],
        placeholderDateMaxWeight: Double = 3, minimumIndividualEvidence: Double = 8,
        maxBlockSize: Int = 2_000, maxCandidates: Int = 500, weakIdentifierScope: WeakIdentifierScope = .household
    ) {
        self.linkThreshold = linkThreshold
        self.reviewThreshold = reviewThreshold
        self.householdCap = householdCap
        self.householdDecay = householdDecay
        self.householdMaxPenalty = householdMaxPenalty
        self.strictDisagreementPenalty = strictDisagreementPenalty
        self.placeholderDateMaxWeight = placeholderDateMaxWeight
        self.minimumIndividualEvidence = minimumIndividualEvidence
        self.maxBlockSize = maxBlockSize
        self.maxCandidates = maxCandidates
        self.weakIdentifierScope = weakIdentifierScope
        self.corroboratingBirthplaceWeight = .infinity
    }

    /// Checks the thresholds.
    public func validated() throws(MatchConfigurationError) -> MatchConfiguration {
        guard linkThreshold.isFinite, reviewThreshold.isFinite else { throw .notFinite }
        guard reviewThreshold <= linkThreshold else { throw .reviewAboveLink }
        return self
    }
}

/// What a weak (non-INS) identifier designates.
public enum WeakIdentifierScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// A number a household may share, such as the NSS of the insured person (ouvrant droit)
    /// found in practice-software exports (DOMAIN.md §3.3): counted in the household group.
    case household
    /// A number proper to the person (a national id of another country, a registry number):
    /// identifier evidence, and an exact match may outweigh one strict-trait disagreement.
    case personal
}

/// An invalid configuration.
public enum MatchConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A threshold is NaN or infinite.
    case notFinite
    /// The review threshold is above the link threshold.
    case reviewAboveLink

    public var description: String {
        switch self {
        case .notFinite: "thresholds must be finite numbers"
        case .reviewAboveLink: "the review threshold must not exceed the link threshold"
        }
    }
}
