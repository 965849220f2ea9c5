internal import Foundation

/// Learns a ``MatchModel`` without labels.
///
/// u probabilities come from random record pairs (almost all different persons); m
/// probabilities and the match proportion λ come from expectation–maximization over the blocked
/// candidate pairs, with u held fixed (the robust variant used by Splink). Comparison vectors are
/// grouped into patterns with counts, so each iteration costs the number of distinct patterns.
public struct EMTrainer: Sendable {
    /// Maximum EM iterations.
    public var iterations: Int
    /// Stop when no probability moves more than this.
    public var tolerance: Double
    /// Minimum count for a name to enter the term-frequency tables.
    public var minimumNameCount: Int
    /// Weight, in pairs, of the starting model's m probabilities in each EM update.
    public var priorPairs: Double = 50

    /// Creates a trainer.
    public init(iterations: Int = 40, tolerance: Double = 1e-5, minimumNameCount: Int = 3) {
        self.iterations = iterations
        self.tolerance = tolerance
        self.minimumNameCount = minimumNameCount
    }

    /// Trains from comparison patterns.
    /// - Parameters:
    ///   - blocked: vectors of blocked candidate pairs, with counts.
    ///   - random: vectors of random pairs, with counts (u estimation).
    ///   - identities: the records, for term frequencies.
    ///   - start: starting model (its m values seed EM; its u values are the smoothing prior).
    public func train(
        blocked: [ComparisonVector: Int], random: [ComparisonVector: Int], identities: [ComparableIdentity],
        start: MatchModel = .builtIn
    ) -> MatchModel {
        var parameters: [Trait: TraitParameters] = [:]
        for trait in Trait.allCases { parameters[trait] = start.parameters(for: trait) }
        estimateU(random, into: &parameters)
        // Two-class EM over the blocked pairs with both m and the candidates' u free: blocked
        // non-matches agree on their blocking key far more often than random pairs, so holding u
        // at its random-pair value makes every blocked pair look like a match (λ → 1, m ≈ the
        // blocked distribution). The candidates' u is only a nuisance parameter here; the model
        // keeps the random-pair u, so weights log2(m/u) stay Bayes factors against the population.
        var lambda = min(max(start.lambda, 1e-4), 0.5)
        if blocked.values.reduce(0, +) > 0 { lambda = 0.1 }
        var candidateU = Trait.allCases.map { parameters[$0]?.u ?? [] }
        let patterns = Array(blocked)
        for _ in 0..<iterations {
            var mCounts = Trait.allCases.map { [Double](repeating: 0, count: $0.levels.count) }
            var uCounts = mCounts
            var matchTotal = 0.0, total = 0.0
            for (vector, count) in patterns {
                var logMatch = log(lambda), logNon = log(1 - lambda)
                for trait in Self.classifyingTraits {
                    let level = vector.levelIndex(trait)
                    guard level >= 0, let p = parameters[trait] else { continue }
                    logMatch += log(max(p.m[level], 1e-12))
                    logNon += log(max(candidateU[trait.index][level], 1e-12))
                }
                let posterior = 1 / (1 + exp(logNon - logMatch))
                let weight = posterior * Double(count)
                matchTotal += weight
                total += Double(count)
                for trait in Trait.allCases {
                    let level = vector.levelIndex(trait)
                    if level >= 0 {
                        mCounts[trait.index][level] += weight
                        uCounts[trait.index][level] += Double(count) - weight
                    }
                }
            }
            guard total > 0 else { break }
            var change = abs(matchTotal / total - lambda)
            lambda = min(max(matchTotal / total, 1e-6), 0.999)
            for trait in Trait.allCases {
                guard var p = parameters[trait] else { continue }
                let row = mCounts[trait.index]
                let sum = row.reduce(0, +)
                guard sum > 1 else { continue }
                // Dirichlet prior centred on the starting model (`priorPairs` pseudo-pairs): a
                // large data set overrides it, a tiny one cannot turn a few pairs into certainties.
                let prior = start.parameters(for: trait).m
                let newM = zip(row, prior).map { max(($0 + priorPairs * $1) / (sum + priorPairs), 1e-5) }
                change = max(change, zip(newM, p.m).map { abs($0 - $1) }.max() ?? 0)
                p.m = newM
                parameters[trait] = p
                let uRow = uCounts[trait.index]
                let uSum = uRow.reduce(0, +)
                if uSum > 1 {
                    candidateU[trait.index] = zip(uRow, candidateU[trait.index]).map {
                        max(($0 + priorPairs * $1) / (uSum + priorPairs), 1e-7)
                    }
                }
            }
            if change < tolerance { break }
        }
        let frequencies = termFrequencies(identities)
        return MatchModel(lambda: lambda, parameters: parameters, familyNameFrequencies: frequencies.family,
            givenNameFrequencies: frequencies.given, birthplaceFrequencies: frequencies.birthplace,
            trainedPairs: blocked.values.reduce(0, +))
    }

    /// Traits that classify pairs in the E-step. Household traits (address, postcode, city,
    /// phone) are left out: they agree within a household whether or not the two records are one
    /// person, which breaks the conditional independence EM relies on and makes it learn
    /// "same household" instead of "same person" (R13). Their m is still measured in the M-step.
    static let classifyingTraits: [Trait] = Trait.allCases.filter { $0.group != .household || $0 == .familyName }

    private func estimateU(_ random: [ComparisonVector: Int], into parameters: inout [Trait: TraitParameters]) {
        for trait in Trait.allCases {
            guard var p = parameters[trait] else { continue }
            var counts = [Double](repeating: 0, count: trait.levels.count)
            for (vector, count) in random {
                let level = vector.levelIndex(trait)
                if level >= 0 { counts[level] += Double(count) }
            }
            let total = counts.reduce(0, +)
            guard total >= 1_000 else { continue }
            let prior = 20.0  // pseudo-count mass taken from the starting model
            p.u = zip(counts, p.u).map { max(($0 + prior * $1) / (total + prior), 1e-7) }
            parameters[trait] = p
        }
    }

    /// Frequencies of frequent family names, first given names and birthplaces.
    public func termFrequencies(
        _ identities: [ComparableIdentity]
    ) -> (family: [String: Double], given: [String: Double], birthplace: [String: Double]) {
        var family: [String: Int] = [:], given: [String: Int] = [:], place: [String: Int] = [:]
        for identity in identities {
            if let key = (identity.birthName ?? identity.usedName)?.key { family[key, default: 0] += 1 }
            if let key = identity.firstGivenName?.key { given[key, default: 0] += 1 }
            if let key = identity.birthplaceCode { place[key, default: 0] += 1 }
        }
        let total = Double(max(identities.count, 1))
        func frequent(_ counts: [String: Int]) -> [String: Double] {
            let kept = counts.filter { $0.value >= minimumNameCount }.sorted { $0.value > $1.value }.prefix(5_000)
            return Dictionary(uniqueKeysWithValues: kept.map { ($0.key, Double($0.value) / total) })
        }
        return (frequent(family), frequent(given), frequent(place))
    }
}
