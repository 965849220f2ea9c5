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
                // One IPP carrying two different valid INS is a collision in that facility's
                // records (an IPP reused, a wrong INS attached): never a link (R14).
                if let p = a.usableINS, let q = b.usableINS, p.isComparable(with: q), p.value != q.value {
                    explanation.flags.formUnion([.differentINS, .possibleCollision])
                    explanation.decision = .review
                    return explanation
                }
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
        // R7: one INS number on both records while it contradicts the traits of one of them (or
        // of both), explained by a typo of one person (see `insMismatchExplained`).
        let insTypo = Self.sameINSNumber(a, b) && (a.usableINS == nil || b.usableINS == nil)
            && Self.insMismatchExplained(vector, a, b)
        addStrictFlags(vector, a, b, scored: scored, insTypo: insTypo, into: &explanation)
        // INS rules (R6, R7, R14).
        if let x = a.ins, let y = b.ins, x.isComparable(with: y) {
            if x.value != y.value, a.usableINS != nil, b.usableINS != nil {
                explanation.flags.insert(.differentINS)
                explanation.rule = .differentINS
                return explanation
            }
            if x.value == y.value, a.usableINS == nil || b.usableINS == nil {
                // R7: one INS carried by records whose traits contradict it: an alert, never a link —
                // unless the two records show one person whose trait typo explains the contradiction;
                // the INS is then no evidence (it is not in the vector) and the traits decide.
                guard insTypo else {
                    explanation.flags.formUnion([.insTraitMismatch, .possibleCollision])
                    explanation.decision = .review
                    return explanation
                }
                explanation.flags.insert(.insTraitTypo)
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
        let insAgrees = vector[.ins] == .exact
        explanation.decision = decide(explanation, config, insAgrees: insAgrees)
        let conflict = explanation.flags.contains(.strictConflict) || explanation.flags.contains(.possibleTwins)
        if explanation.decision == .review, explanation.score >= config.linkThreshold || insAgrees, conflict {
            explanation.flags.insert(.possibleCollision)
        }
        return explanation
    }

    private func addStrictFlags(
        _ vector: ComparisonVector, _ a: ComparableIdentity, _ b: ComparableIdentity, scored: (total: Double, individual: Double, household: Double, contributions: [TraitContribution]),
        insTypo: Bool, into explanation: inout MatchExplanation
    ) {
        let config = configuration
        let disagreeing = Trait.allCases.filter { $0.group == .strict && vector[$0] == .disagree }
        let dateSame = vector[.birthDate].map(Self.closeDates.contains) == true
        let familySame = vector[.familyName].map { $0 != .disagree } ?? false
        // Two close but distinct real given names (NOÉ/NOËL) in one family and birth date are twins
        // too: both names are known names of the data set (term frequencies), not a typo.
        let frequent = scorer.model.givenNameFrequencies
        // (After a swap the name levels say how the crossed names agree, not how two given names
        // compare: a swap is not two close names.)
        let closeRealNames = vector[.givenName] == .fuzzyHigh && !vector.namesSwapped
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
        // One INS number on both records whose contradiction with the traits is a typo of one
        // person (R7, ``insMismatchExplained``): not evidence in the score, but no homonym born the
        // same day carries the same fifteen digits (the number encodes the birthplace and an
        // order number), and a child carrying a parent's number or a twin the other's is not
        // explained as a typo (another generation, another given name).
        let corroborated = identifierAgrees || insTypo || vector[.phone] == .exact || vector[.address] == .exact
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
            case .placeholderExact?, .partialAgree?:
                let sameHome = vector[.phone] == .exact || vector[.address] == .exact || vector[.address] == .fuzzyHigh
                if !Self.partialDateCompatible(vector, a, b, corroborated: sameHome) {
                    explanation.flags.insert(.placeholderBirthDate)
                }
            case nil: explanation.flags.insert(.missingBirthDate)
            default: break
            }
        }
        if scored.individual < config.minimumIndividualEvidence, !outweighed {
            explanation.flags.insert(.householdEvidenceOnly)
        }
    }

    /// R4: a partial birth date whose month is known (`00/06/1965`, `1965-06`) agreeing on year and
    /// month with the other date does not drive a link, but it does not stop one when everything
    /// else shows one person: the same full given-name list, the same family name (birth or used,
    /// R2), the same determined sex, and the same telephone or street address (house number
    /// included), which a homonym does not share. The year and month then only rule out the
    /// household members who share all of that — parents and children (another year) — and twins
    /// have two given-name lists. A 01/01 or 31/12 placeholder, or a year alone, carries no month
    /// and keeps the placeholder flag (R4), whatever else agrees.
    static func partialDateCompatible(
        _ vector: ComparisonVector, _ a: ComparableIdentity, _ b: ComparableIdentity, corroborated: Bool
    ) -> Bool {
        guard corroborated, let x = a.birthDate, let y = b.birthDate, x.year == y.year,
            let month = realMonth(x), month == realMonth(y)
        else { return false }
        return vector[.givenName] == .exact && a.givenListTokens == b.givenListTokens
            && (vector[.familyName] == .exact || vector[.familyName] == .crossName) && vector[.sex] == .exact
    }

    /// The month of a date when the source gave it: `nil` for a year alone and for a 01/01 or
    /// 31/12 placeholder (a completed unknown month, R4).
    static func realMonth(_ date: BirthDate) -> Int? {
        if date.isPartial { return date.month }
        return date.isPlaceholder ? nil : date.month
    }

    /// R7: the same INS on both records while it contradicts the traits of one of them (or of both).
    /// The danger is a child carrying a parent's number (or a twin the other twin's): the holder and
    /// the carrier then differ by a generation, a sex or a given name. The contradiction is a typo of
    /// one record when the two records agree with each other on the person: a birth date that is
    /// the same, day/month swapped, or one digit off within the same year (never across years, so
    /// never a generation), the same first given name up to a typo, the same family name (birth or
    /// used, up to a typo) and no sex conflict. When both records contradict the number the same
    /// way, the number is wrong for both and says nothing about the pair. Either way the INS is not
    /// used as evidence: the pair is scored on its traits, with every other safety flag.
    static func insMismatchExplained(_ vector: ComparisonVector, _ a: ComparableIdentity, _ b: ComparableIdentity) -> Bool {
        let datesAgree: Bool
        switch vector[.birthDate] {
        case .exact?, .dayMonthSwap?: datesAgree = true
        case .oneTypo?: datesAgree = a.birthDate?.year == b.birthDate?.year
        default: datesAgree = false
        }
        guard datesAgree, vector[.sex] != .disagree, !vector.namesSwapped, let given = vector[.givenName],
            let family = vector[.familyName]
        else { return false }
        return [.exact, .phonetic, .fuzzyHigh].contains(given) && [.exact, .crossName, .phonetic, .fuzzyHigh].contains(family)
    }

    /// Both records carry one comparable INS number (usable or not).
    static func sameINSNumber(_ a: ComparableIdentity, _ b: ComparableIdentity) -> Bool {
        guard let x = a.ins, let y = b.ins, x.isComparable(with: y) else { return false }
        return x.value == y.value
    }

    /// Both birth names known and unrelated (not equal, not phonetic, not close): the INS birth-name
    /// trait differs even when one's used name is the other's birth name (a mother's INS on her
    /// child's record, R7).
    static func birthNamesDiffer(_ a: ComparableIdentity, _ b: ComparableIdentity) -> Bool {
        guard let x = a.birthName, let y = b.birthName, x.key != y.key, x.fullKey != y.fullKey else { return false }
        if !x.phonetic.isEmpty, x.phonetic == y.phonetic { return false }
        return StringSimilarity.jaroWinkler(x.keyBytes, y.keyBytes) < 0.88
    }

    private func decide(_ explanation: MatchExplanation, _ config: MatchConfiguration, insAgrees: Bool) -> MatchDecision {
        let score = explanation.score
        let forbidden = explanation.flags.contains(where: \.forbidsLink)
        if score >= config.linkThreshold, explanation.flags.isDisjoint(with: Self.conflictFlags) { return forbidden ? .review : .link }
        // A strict conflict goes to review only when the individual evidence alone reaches the link
        // threshold (a possible collision); household agreement never lifts it (parents, twins).
        let conflict = explanation.flags.contains(.strictConflict) || explanation.flags.contains(.possibleTwins)
        // R14: one usable INS on two records whose strict traits conflict is an alert for a human,
        // whatever the score (a twin or a child carrying the other's number, or a trait typo).
        if conflict { return score - explanation.householdWeight >= config.linkThreshold || insAgrees ? .review : .new }
        if score >= config.reviewThreshold { return .review }
        return .new
    }
}
