internal import Foundation

/// Turns comparison vectors into weights with a model and a configuration: log2(m/u) per level,
/// term-frequency adjustment of exact name matches, strict-trait penalties, placeholder-date cap,
/// and the household group combined with diminishing returns under a cap.
public struct Scorer: Sendable {
    /// The model.
    public let model: MatchModel
    /// The configuration.
    public let configuration: MatchConfiguration
    /// Base weight per trait index and level index.
    private let weights: [[Double]]
    private let exactM: [Double]
    /// Learned disagreement weight per trait, before the strict-trait floors.
    private let learnedDisagreement: [Double]

    /// Creates a scorer.
    public init(model: MatchModel, configuration: MatchConfiguration) {
        self.model = model
        self.configuration = configuration
        var weights: [[Double]] = []
        var exactM: [Double] = []
        var learned: [Double] = []
        for trait in Trait.allCases {
            let p = model.parameters(for: trait)
            var row = zip(p.m, p.u).map { log2(max($0, 1e-9) / max($1, 1e-9)) }
            learned.append(row.last ?? 0)
            if let penalty = configuration.strictDisagreementPenalty[trait], let last = row.indices.last {
                row[last] = min(row[last], -penalty)
            }
            if trait == .birthDate, let index = trait.levels.firstIndex(of: .placeholderExact) {
                row[index] = min(row[index], configuration.placeholderDateMaxWeight)
            }
            if Self.group(of: trait, configuration) == .household {
                // People move and change phones, so a household disagreement costs little. The birth
                // family name is an INS trait that does not change: once married names are compared
                // crosswise (R2), its outright disagreement keeps its learned weight (at least the
                // household penalty), like a strict trait.
                let last = row.count - 1
                row = row.enumerated().map { index, weight in
                    trait == .familyName && index == last
                        ? min(weight, -configuration.householdMaxPenalty) : max(weight, -configuration.householdMaxPenalty)
                }
            }
            weights.append(row)
            exactM.append(p.m.first ?? 0.9)
        }
        self.weights = weights
        self.exactM = exactM
        self.learnedDisagreement = learned
    }

    /// The group a trait counts in: the weak identifier is household evidence unless the
    /// configuration declares it personal.
    public func group(of trait: Trait) -> Trait.Group { Self.group(of: trait, configuration) }

    static func group(of trait: Trait, _ configuration: MatchConfiguration) -> Trait.Group {
        trait == .weakIdentifier && configuration.weakIdentifierScope == .household ? .household : trait.group
    }

    /// The weight of one trait level, before term-frequency adjustment.
    public func weight(_ trait: Trait, _ level: ComparisonLevel) -> Double {
        guard let index = trait.levels.firstIndex(of: level) else { return 0 }
        return weights[trait.index][index]
    }

    /// An allocation-free upper bound of ``score(_:_:_:)`` (term frequencies only lower weights;
    /// household positives are summed without decay, under the cap).
    public func upperBound(_ vector: ComparisonVector) -> (total: Double, individual: Double) {
        var individual = 0.0, positive = 0.0, negative = 0.0
        let personal = configuration.weakIdentifierScope == .personal
            && (vector[.weakIdentifier] == .exact || vector[.weakIdentifier] == .oneTypo)
        for trait in Trait.allCases {
            let index = vector.levelIndex(trait)
            guard index >= 0 else { continue }
            var weight = weights[trait.index][index]
            if personal, trait.group == .strict, trait != .sex, index == trait.levels.count - 1 {
                weight = learnedDisagreement[trait.index]
            }
            if Self.group(of: trait, configuration) == .household {
                if weight > 0 { positive += weight } else { negative += weight }
            } else {
                individual += weight
            }
        }
        return (individual + min(positive, configuration.householdCap) + negative, individual)
    }

    /// Scores a pair: per-trait contributions, the combined household weight and the total.
    public func score(
        _ vector: ComparisonVector, _ a: ComparableIdentity, _ b: ComparableIdentity
    ) -> (total: Double, individual: Double, household: Double, contributions: [TraitContribution]) {
        var contributions: [TraitContribution] = []
        contributions.reserveCapacity(Trait.count)
        var individual = 0.0
        var householdPositive: [Double] = []
        var householdNegative = 0.0
        let personalIdentifierAgrees = configuration.weakIdentifierScope == .personal
            && (vector[.weakIdentifier] == .exact || vector[.weakIdentifier] == .oneTypo)
        for trait in Trait.allCases {
            let index = vector.levelIndex(trait)
            guard index >= 0 else { continue }
            var weight = weights[trait.index][index]
            if personalIdentifierAgrees, trait.group == .strict, trait != .sex, index == trait.levels.count - 1 {
                weight = learnedDisagreement[trait.index]  // the personal identifier outweighs the floor
            }
            if index == 0 { weight = termFrequencyAdjusted(trait, weight: weight, a, b) }
            contributions.append(TraitContribution(trait: trait, level: trait.levels[index], weight: weight))
            if group(of: trait) == .household {
                if weight > 0 { householdPositive.append(weight) } else { householdNegative += weight }
            } else {
                individual += weight
            }
        }
        householdPositive.sort(by: >)
        var household = 0.0
        var factor = 1.0
        for weight in householdPositive {
            household += weight * factor
            factor *= configuration.householdDecay
        }
        household = min(household, configuration.householdCap) + householdNegative
        return (individual + household, individual, household, contributions)
    }

    /// Exact family name, given name or birthplace: weight log2(m / f) with f the name's frequency when it is a
    /// frequent one, within ±6 bits of the average weight.
    private func termFrequencyAdjusted(_ trait: Trait, weight: Double, _ a: ComparableIdentity, _ b: ComparableIdentity) -> Double {
        let frequency: Double?
        switch trait {
        case .familyName:
            frequency = (a.birthName ?? a.usedName).flatMap { model.familyNameFrequencies[$0.key] }
        case .givenName:
            frequency = a.firstGivenName.flatMap { model.givenNameFrequencies[$0.key] }
        case .birthplace:
            frequency = a.birthplaceCode.flatMap { model.birthplaceFrequencies[$0] }
        default:
            frequency = nil
        }
        guard let frequency, frequency > 0 else { return weight }
        let adjusted = log2(exactM[trait.index] / frequency)
        return min(weight + 6, max(weight - 6, min(adjusted, weight)))
    }
}
