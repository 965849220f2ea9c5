internal import Dispatch
internal import Foundation

/// One scored pair of a batch (positions refer to the input arrays).
public struct ScoredPair: Sendable, Hashable {
    /// Position in the first (or only) input.
    public var left: Int
    /// Position in the second input (the same input when deduplicating).
    public var right: Int
    /// Decision, score and reasons.
    public var explanation: MatchExplanation
}

/// The result of a batch run.
public struct BatchResult: Sendable {
    /// Pairs decided link or review (review also holds links a cluster constraint refused).
    public var pairs: [ScoredPair]
    /// Cluster number of every record: first input, then second input (link mode).
    public var clusters: [Int]
    /// Number of pairs compared.
    public var comparisons: Int
    /// Blocking keys skipped because their block was too large.
    public var droppedBlocks: Int
    /// Clusters larger than ``BatchMatcher/maxListedClusterSize``: their pairs joined only through
    /// the cluster are not listed in `pairs` (the clusters still hold them).
    public var unlistedClusters: Int = 0
}

/// Batch deduplication and linkage: blocking, comparison on all cores, scoring, and clustering
/// that never joins two records a rule declared different (R13/R14: no transitive collisions).
public struct BatchMatcher: Sendable {
    /// The pair matcher.
    public let matcher: PairMatcher
    /// Largest cluster whose pairs joined only through the cluster are listed in the result (a
    /// cluster of n records has n(n−1)/2 pairs; one facility sending thousands of records under
    /// one IPP would otherwise make millions). Larger clusters are counted in
    /// ``BatchResult/unlistedClusters``.
    public var maxListedClusterSize: Int

    /// Creates a batch matcher.
    public init(matcher: PairMatcher, maxListedClusterSize: Int = 200) {
        self.matcher = matcher
        self.maxListedClusterSize = maxListedClusterSize
    }

    /// Deduplicates one list.
    public func dedupe(_ identities: [ComparableIdentity], progress: (@Sendable (Int, Int) -> Void)? = nil) -> BatchResult {
        run(queries: identities, targets: identities, sameList: true, progress: progress)
    }

    /// Links two lists (pairs only across them).
    public func link(
        _ left: [ComparableIdentity], _ right: [ComparableIdentity], progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> BatchResult {
        run(queries: left, targets: right, sameList: false, progress: progress)
    }

    /// Comparison patterns of the blocked pairs and of random pairs, for ``EMTrainer``.
    public static func trainingPatterns(
        _ left: [ComparableIdentity], _ right: [ComparableIdentity]?, configuration: MatchConfiguration,
        randomPairs: Int = 200_000, maxBlockedPairs: Int = 400_000
    ) -> (blocked: [ComparisonVector: Int], random: [ComparisonVector: Int]) {
        let targets = right ?? left
        let table = BlockTable(targets, keys: targets.map(Blocking.keys), maxBlockSize: configuration.maxBlockSize)
        let step = max(1, Int((Double(left.count) * 20 / Double(maxBlockedPairs)).rounded(.up)))
        let box = Accumulator<[ComparisonVector: Int]>()
        parallelChunks(count: left.count) { range in
            var stamp = [Int32](repeating: -1, count: targets.count)
            var patterns: [ComparisonVector: Int] = [:]
            for i in range where i % step == 0 {
                let query = Int32(i)
                table.forEachCandidate(Blocking.keys(left[i]), query: query, stamp: &stamp,
                    skip: { right == nil && $0 <= query }) { j in
                    patterns[Comparator.compare(left[i], targets[Int(j)]), default: 0] += 1
                }
            }
            box.add(patterns)
        }
        var blocked: [ComparisonVector: Int] = [:]
        for part in box.values { blocked.merge(part, uniquingKeysWith: +) }
        var random: [ComparisonVector: Int] = [:]
        var generator = SplitMix64(seed: 0x5A55_E12E)
        let distinctPairs = right == nil ? left.count * (left.count - 1) / 2 : left.count * targets.count
        if distinctPairs <= randomPairs {
            // Small inputs: every pair once. Sampling with replacement would count the same few pairs
            // thousands of times and pass them off as a large sample (EMTrainer then keeps its priors).
            for i in left.indices {
                for j in (right == nil ? i + 1 : 0)..<targets.count {
                    random[Comparator.compare(left[i], targets[j]), default: 0] += 1
                }
            }
        } else if !left.isEmpty, !targets.isEmpty {
            for _ in 0..<randomPairs {
                let i = Int(generator.next() % UInt64(left.count)), j = Int(generator.next() % UInt64(targets.count))
                if right == nil, i == j { continue }
                random[Comparator.compare(left[i], targets[j]), default: 0] += 1
            }
        }
        return (blocked, random)
    }

    private func run(
        queries: [ComparableIdentity], targets: [ComparableIdentity], sameList: Bool,
        progress: (@Sendable (Int, Int) -> Void)?
    ) -> BatchResult {
        let config = matcher.configuration
        let table = BlockTable(targets, keys: targets.map(Blocking.keys), maxBlockSize: config.maxBlockSize)
        let box = Accumulator<([ScoredPair], Int)>()
        let done = Accumulator<Int>()
        let matcher = self.matcher
        parallelChunks(count: queries.count) { range in
            var stamp = [Int32](repeating: -1, count: targets.count)
            var kept: [ScoredPair] = []
            var comparisons = 0
            for i in range {
                let query = Int32(i)
                table.forEachCandidate(Blocking.keys(queries[i]), query: query, stamp: &stamp,
                    skip: { sameList && $0 <= query }) { j in
                    comparisons += 1
                    let (a, b) = (queries[i], targets[Int(j)])
                    let vector = Comparator.compare(a, b)
                    if matcher.isCertainlyNew(a, b, vector: vector) { return }
                    let explanation = matcher.evaluate(a, b, vector: vector)
                    if explanation.decision != .new || Self.isConstraint(explanation, config) {
                        kept.append(ScoredPair(left: i, right: Int(j), explanation: explanation))
                    }
                }
            }
            box.add((kept, comparisons))
            if let progress { progress(done.addCount(range.count), queries.count) }
        }
        var pairs = box.values.flatMap(\.0)
        pairs.sort { ($0.left, $0.right) < ($1.left, $1.right) }
        let offset = sameList ? 0 : queries.count
        // R14 holds for the whole cluster, not only for the pairs compared: two records with
        // different usable INS, or two IPPs of one authority, are never joined through others.
        let exclusive = (queries + (sameList ? [] : targets)).map(ExclusiveIdentifier.of)
        let clustering = ConstrainedClustering.cluster(
            count: queries.count + (sameList ? 0 : targets.count), pairs: pairs, offset: offset, exclusive: exclusive,
            isConstraint: { Self.isConstraint($0, config) })
        for index in clustering.refused {
            pairs[index].explanation.decision = .review
            pairs[index].explanation.flags.insert(.possibleCollision)
        }
        // A review pair whose two records the links already joined in one cluster is not an open
        // question: the output says they are one person. It is reported as a link, flagged, so that
        // pairs and clusters agree (a reviewer who disagrees unmerges the cluster). Constraint pairs
        // never share a cluster (the clustering refuses them), and identities marked douteuse or
        // homonyme (R11) keep their review.
        for index in pairs.indices where pairs[index].explanation.decision == .review {
            let explanation = pairs[index].explanation
            guard clustering.labels[pairs[index].left] == clustering.labels[pairs[index].right + offset],
                !Self.isConstraint(explanation, config), explanation.flags.isDisjoint(with: Self.keepReview)
            else { continue }
            pairs[index].explanation.decision = .link
            pairs[index].explanation.flags.insert(.linkedThroughCluster)
        }
        pairs = pairs.filter { $0.explanation.decision != .new }
        let joined = pairsJoinedOnlyByCluster(
            labels: clustering.labels, reported: pairs, queries: queries, targets: targets, sameList: sameList)
        pairs += joined.pairs
        pairs.sort { ($0.left, $0.right) < ($1.left, $1.right) }
        return BatchResult(
            pairs: pairs, clusters: clustering.labels,
            comparisons: box.values.map(\.1).reduce(0, +), droppedBlocks: table.droppedBlocks, unlistedClusters: joined.unlisted)
    }

    /// The pairs of records that share a cluster without a reported pair of their own: never
    /// compared (no common blocking key), or compared and scored below review, and joined through
    /// other records. They are reported as links flagged `linked-through-cluster`, with their own
    /// score and flags, so that the pairs file lists every pair the clusters make one person.
    private func pairsJoinedOnlyByCluster(
        labels: [Int], reported: [ScoredPair], queries: [ComparableIdentity], targets: [ComparableIdentity], sameList: Bool
    ) -> (pairs: [ScoredPair], unlisted: Int) {
        let offset = sameList ? 0 : queries.count
        var members: [Int: [Int]] = [:]
        for (record, label) in labels.enumerated() { members[label, default: []].append(record) }
        let known = Set(reported.map { PairKey(left: $0.left, right: $0.right) })
        var added: [ScoredPair] = []
        var unlisted = 0
        for records in members.values where records.count > 1 {
            guard records.count <= maxListedClusterSize else {
                unlisted += 1
                continue
            }
            let left = records.filter { $0 < queries.count }
            let right = sameList ? records : records.filter { $0 >= offset }.map { $0 - offset }
            for i in left {
                for j in right where (!sameList || j > i) && !known.contains(PairKey(left: i, right: j)) {
                    var explanation = matcher.evaluate(queries[i], targets[j])
                    explanation.decision = .link
                    explanation.flags.insert(.linkedThroughCluster)
                    added.append(ScoredPair(left: i, right: j, explanation: explanation))
                }
            }
        }
        return (added, unlisted)
    }

    private struct PairKey: Hashable {
        let left: Int
        let right: Int
    }

    /// Pairs that must never end in one cluster, kept for the clustering constraints.
    static func isConstraint(_ explanation: MatchExplanation, _ config: MatchConfiguration) -> Bool {
        // A strict conflict is one too: two one-digit date typos (A–B, B–C) link a chain whose ends
        // disagree on the birth date (A–C), and transitive closure must not override that (R13).
        // Twins can be bridged by a record without given name, so they are constraints as well.
        explanation.score >= config.reviewThreshold && !explanation.flags.isDisjoint(with: hardFlags)
    }

    /// Flags whose pair stays a review item even inside one cluster (R11, R13, R14).
    private static let keepReview: Set<DecisionFlag> = hardFlags.union([.doubtfulIdentity, .homonymIdentity, .insTraitMismatch])

    private static let hardFlags: Set<DecisionFlag> = [.differentINS, .sameAuthorityDifferentLocalIdentifier,
        .fictitiousIdentity, .possibleTwins, .possibleCollision, .strictConflict]
}

/// Runs `body` over contiguous chunks of `0..<count` on all cores.
func parallelChunks(count: Int, _ body: @Sendable (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunk = max(256, count / 64)
    let chunks = (count + chunk - 1) / chunk
    DispatchQueue.concurrentPerform(iterations: chunks) { index in
        body((index * chunk)..<min(count, (index + 1) * chunk))
    }
}

/// Lock-protected collection of per-chunk results.
final class Accumulator<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Value] = []
    private var counter = 0
    func add(_ value: Value) { lock.withLock { stored.append(value) } }
    func addCount(_ amount: Int) -> Int where Value == Int {
        lock.withLock {
            counter += amount
            return counter
        }
    }
    var values: [Value] { lock.withLock { stored } }
}
