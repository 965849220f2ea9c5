/// Decides whether two identities are the same person: deterministic rules first, then
/// Fellegi–Sunter scoring with safety rules that turn would-be links into reviews.
///
/// Collision safety (R13): a link requires the score, enough individual (non-household)
/// evidence, and no flag that forbids it (strict disagreement, possible twins, different INS,
/// douteuse/homonyme/fictive, INS contradicting the traits).
public struct PairMatcher: Sendable {
    /// The scorer (model + configuration).
    public let scorer: Scorer

    /// Creates a matcher.
    public init(model: MatchModel = .builtIn, configuration: MatchConfiguration = MatchConfiguration()) {
        self.scorer = Scorer(model: model, configuration: configuration)
    }

    /// The configuration in use.
    public var configuration: MatchConfiguration { scorer.configuration }

    /// Evaluates a pair and explains the decision.
    public func evaluate(_ a: ComparableIdentity, _ b: ComparableIdentity) -> MatchExplanation {
        let vector = Comparator.compare(a, b)
        return evaluate(a, b, vector: vector)
    }

    /// Evaluates a pair whose comparison vector is already known.
    public func evaluate(_ a: ComparableIdentity, _ b: ComparableIdentity, vector: ComparisonVector) -> MatchExplanation {
        let scored = scorer.score(vector, a, b)
        var explanation = MatchExplanation(
            decision: .new, rule: .probabilistic, score: scored.total, flags: [],
            contributions: scored.contributions, householdWeight: scored.household)
        if vector.namesSwapped { explanation.flags.insert(.namesSwapped) }
        let config = configuration
        // Deterministic rule: same facility + IPP is the same identity record.
        if let x = a.record.localIdentifier, let y = b.record.localIdentifier, x.authority == y.authority {
            if x.value == y.value {
                explanation.rule = .sameLocalIdentifier
                explanation.decision = .link
                return explanation
            }
            explanation.flags.insert(.sameAuthorityDifferentLocalIdentifier)  // R14
        }
        // R11: a fictitious identity never links.
        if a.record.attributes.contains(.fictitious) || b.record.attributes.contains(.fictitious) {
            explanation.flags.insert(.fictitiousIdentity)
            explanation.rule = .fictitiousIdentity
            return explanation
        }
        if a.record.attributes.contains(.doubtful) || b.record.attributes.contains(.doubtful) {
            explanation.flags.insert(.doubtfulIdentity)
        }
        if a.record.attributes.contains(.homonym) || b.record.attributes.contains(.homonym) {
            explanation.flags.insert(.homonymIdentity)
        }
        addStrictFlags(vector, scored: scored, into: &explanation)
        // INS rules (R6, R7, R14).
        if let x = a.ins, let y = b.ins, x.isComparable(with: y) {
            if x.value != y.value, a.usableINS != nil, b.usableINS != nil {
                explanation.flags.insert(.differentINS)
                explanation.rule = .differentINS
                return explanation
            }
            if x.value == y.value, a.usableINS == nil || b.usableINS == nil {
                explanation.flags.formUnion([.insTraitMismatch, .possibleCollision])
            }
            if x.value == y.value, a.usableINS != nil, b.usableINS != nil,
                a.record.status == .qualified || b.record.status == .qualified
            {
                explanation.rule = .sameQualifiedINS
                let blocking = explanation.flags.filter(\.forbidsLink)
                if blocking.isEmpty || blocking == [.householdEvidenceOnly] {
                    explanation.flags.remove(.householdEvidenceOnly)
                    explanation.decision = .link
                } else {
                    explanation.flags.insert(.possibleCollision)
                    explanation.decision = .review
                }
                return explanation
            }
        }
        explanation.decision = decide(explanation, config)
        return explanation
    }

    private func addStrictFlags(
        _ vector: ComparisonVector, scored: (total: Double, individual: Double, household: Double, contributions: [TraitContribution]),
        into explanation: inout MatchExplanation
    ) {
        let config = configuration
        let strictDisagreement = Trait.allCases.contains { $0.group == .strict && vector[$0] == .disagree }
        if strictDisagreement { explanation.flags.insert(.strictConflict) }
        let dateSame = vector[.birthDate] == .exact || vector[.birthDate] == .placeholderExact
        let familySame = vector[.familyName].map { $0 != .disagree } ?? false
        if dateSame, familySame, vector[.givenName] == .disagree || vector[.givenName] == .fuzzyLow {
            explanation.flags.insert(.possibleTwins)
        }
        if vector[.birthDate] == .placeholderExact || vector[.birthDate] == .partialAgree {
            let dateWeight = scored.contributions.first { $0.trait == .birthDate }?.weight ?? 0
            if scored.total - dateWeight < config.linkThreshold { explanation.flags.insert(.placeholderBirthDate) }
        }
        if scored.individual < config.minimumIndividualEvidence { explanation.flags.insert(.householdEvidenceOnly) }
    }

    private func decide(_ explanation: MatchExplanation, _ config: MatchConfiguration) -> MatchDecision {
        let score = explanation.score
        let forbidden = explanation.flags.contains(where: \.forbidsLink)
        if score >= config.linkThreshold { return forbidden ? .review : .link }
        let conflict = explanation.flags.contains(.strictConflict) || explanation.flags.contains(.possibleTwins)
        if score >= config.reviewThreshold, !conflict { return .review }
        return .new
    }
}
