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

    private static let closeDates: Set<ComparisonLevel> = [.exact, .placeholderExact, .dayMonthSwap, .oneTypo]
    private static let weakGiven: Set<ComparisonLevel> = [.disagree, .fuzzyLow, .tokenOverlap]
    private static let conflictFlags: Set<DecisionFlag> = [.strictConflict, .possibleTwins]

    /// Whether the pair is certainly `new` with nothing to record: no deterministic rule applies
    /// and an upper bound of its score stays below the review threshold. Lets batch runs skip
    /// building explanations for the vast majority of blocked pairs.
    public func isCertainlyNew(_ a: ComparableIdentity, _ b: ComparableIdentity, vector: ComparisonVector) -> Bool {
        if let x = a.record.localIdentifier, let y = b.record.localIdentifier, x.authority == y.authority { return false }
        if a.ins != nil, b.ins != nil { return false }  // same INS, or different INS (a veto)
        let bound = scorer.upperBound(vector)
        return bound.total < configuration.reviewThreshold && bound.individual < configuration.linkThreshold
    }

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
        addStrictFlags(vector, a, b, scored: scored, into: &explanation)
        // INS rules (R6, R7, R14).
        if let x = a.ins, let y = b.ins, x.isComparable(with: y) {
            if x.value != y.value, a.usableINS != nil, b.usableINS != nil {
                explanation.flags.insert(.differentINS)
                explanation.rule = .differentINS
                return explanation
            }
            if x.value == y.value, a.usableINS == nil || b.usableINS == nil {
                // R7: one INS carried by records whose traits contradict it: an alert, never a link.
                explanation.flags.formUnion([.insTraitMismatch, .possibleCollision])
                explanation.decision = .review
                return explanation
            }
            if x.value == y.value, a.usableINS != nil, b.usableINS != nil,
                a.record.status == .qualified || b.record.status == .qualified
            {
                explanation.rule = .sameQualifiedINS
                // R7: the birth family name is an INS trait; an outright disagreement (after married
                // names are compared crosswise) contradicts the shared INS like a strict trait.
                // It is accepted (a birth name recorded under a married name) only when the birth
                // date and first given name positively agree.
                let confirmed = vector[.birthDate] == .exact && vector[.givenName] == .exact
                if vector[.familyName] == .disagree || Self.birthNamesDiffer(a, b), !confirmed {
                    explanation.flags.insert(.strictConflict)
                }
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
        let conflict = explanation.flags.contains(.strictConflict) || explanation.flags.contains(.possibleTwins)
        if explanation.decision == .review, explanation.score >= config.linkThreshold, conflict {
            explanation.flags.insert(.possibleCollision)
        }
        return explanation
    }

    private func addStrictFlags(
        _ vector: ComparisonVector, _ a: ComparableIdentity, _ b: ComparableIdentity, scored: (total: Double, individual: Double, household: Double, contributions: [TraitContribution]),
        into explanation: inout MatchExplanation
    ) {
        let config = configuration
        let disagreeing = Trait.allCases.filter { $0.group == .strict && vector[$0] == .disagree }
        let dateSame = vector[.birthDate].map(Self.closeDates.contains) == true
        let familySame = vector[.familyName].map { $0 != .disagree } ?? false
        // Two close but distinct real given names (NOÉ/NOËL) in one family and birth date are twins
        // too: both names are known names of the data set (term frequencies), not a typo.
        let frequent = scorer.model.givenNameFrequencies
        let closeRealNames = vector[.givenName] == .fuzzyHigh
            && [a.firstGivenName, b.firstGivenName].allSatisfy { $0.map { frequent[$0.key] != nil } ?? false }
        let twins = dateSame && familySame && (vector[.givenName].map(Self.weakGiven.contains) == true || closeRealNames)
        // A personal identifier (never the household-shared NSS) may outweigh one strict conflict.
        let personalAgrees = vector[.weakIdentifier] == .exact || vector[.weakIdentifier] == .oneTypo
        let outweighed = config.weakIdentifierScope == .personal && personalAgrees && vector[.sex] != .disagree
        if outweighed, twins || !disagreeing.isEmpty {
            explanation.flags.insert(.strictConflictOutweighed)
        } else {
            if !disagreeing.isEmpty { explanation.flags.insert(.strictConflict) }
            if twins { explanation.flags.insert(.possibleTwins) }
        }
        // R4: a real birth-date agreement (or an agreeing identifier) is required for a link.
        let identifierAgrees = vector[.ins] == .exact || (config.weakIdentifierScope == .personal && personalAgrees)
        // Corroboration beyond the traits a homonym shares (R11, R13): an identifier, the telephone
        // or the street address. The birthplace is an INS trait that homonyms born the same day
        // share far more often than its random-pair frequency says (family names are regional,
        // births concentrate in a region's maternity wards), so its term-frequency weight cannot
        // rule a homonym out; it corroborates only above ``MatchConfiguration/corroboratingBirthplaceWeight``
        // (never, by default).
        let placeWeight = scored.contributions.first { $0.trait == .birthplace && $0.level == .exact }?.weight ?? 0
        let sameArea = vector[.postcode] == .exact || vector[.city] == .exact
        let corroborated = identifierAgrees || vector[.phone] == .exact || vector[.address] == .exact
            || vector[.address] == .fuzzyHigh || (vector[.address] == .fuzzyLow && sameArea)
            || placeWeight >= config.corroboratingBirthplaceWeight
        if !corroborated { explanation.flags.insert(.uncorroborated) }
        // Family names that disagree, or are two distinct known names of the data set at a low
        // similarity (BERNARD / BERTRAND), are two families unless an identifier agrees.
        let families = scorer.model.familyNameFrequencies
        let distinctKnownFamilies = vector[.familyName] == .fuzzyLow
            && [a.birthName ?? a.usedName, b.birthName ?? b.usedName].allSatisfy { $0.map { families[$0.key] != nil } ?? false }
        if vector[.familyName] == .disagree || distinctKnownFamilies, !identifierAgrees, !vector.namesSwapped {
            explanation.flags.insert(.familyNameConflict)
        }
        if !identifierAgrees {
            switch vector[.birthDate] {
            case .placeholderExact?, .partialAgree?: explanation.flags.insert(.placeholderBirthDate)
            case nil: explanation.flags.insert(.missingBirthDate)
            default: break
            }
        }
        if scored.individual < config.minimumIndividualEvidence, !outweighed {
            explanation.flags.insert(.householdEvidenceOnly)
        }
    }

    /// Both birth names known and unrelated (not equal, not phonetic, not close): the INS birth-name
    /// trait differs even when one's used name is the other's birth name (a mother's INS on her
    /// child's record, R7).
    static func birthNamesDiffer(_ a: ComparableIdentity, _ b: ComparableIdentity) -> Bool {
        guard let x = a.birthName, let y = b.birthName, x.key != y.key, x.fullKey != y.fullKey else { return false }
        if !x.phonetic.isEmpty, x.phonetic == y.phonetic { return false }
        return StringSimilarity.jaroWinkler(x.keyBytes, y.keyBytes) < 0.88
    }

    private func decide(_ explanation: MatchExplanation, _ config: MatchConfiguration) -> MatchDecision {
        let score = explanation.score
        let forbidden = explanation.flags.contains(where: \.forbidsLink)
        if score >= config.linkThreshold, explanation.flags.isDisjoint(with: Self.conflictFlags) { return forbidden ? .review : .link }
        // A strict conflict goes to review only when the individual evidence alone reaches the link
        // threshold (a possible collision); household agreement never lifts it (parents, twins).
        let conflict = explanation.flags.contains(.strictConflict) || explanation.flags.contains(.possibleTwins)
        if conflict { return score - explanation.householdWeight >= config.linkThreshold ? .review : .new }
        if score >= config.reviewThreshold { return .review }
        return .new
    }
}
