/// Clusters linked pairs into persons (union–find), strongest links first, refusing any union
/// that would put two records declared different (a constraint pair) in one cluster: transitive
/// closure must not create a collision the pairwise rules avoided (R13, R14).
enum ConstrainedClustering {
    /// - Parameters:
    ///   - count: number of records (first list, then second list at `offset`).
    ///   - pairs: scored pairs; `right` is shifted by `offset`.
    ///   - exclusive: per record (empty, or `count` entries), the identifiers a cluster may hold
    ///     only one value of (R14: one usable INS per kind, one IPP per assigning authority); a
    ///     union that would put two values of one kind in a cluster is refused, whether or not the
    ///     two records holding them were ever compared.
    ///   - isConstraint: whether a non-linked pair must never end in one cluster.
    /// - Returns: a cluster label per record and the indices of link pairs refused.
    static func cluster(
        count: Int, pairs: [ScoredPair], offset: Int, exclusive: [[ExclusiveIdentifier]] = [],
        isConstraint: (MatchExplanation) -> Bool
    ) -> (labels: [Int], refused: [Int]) {
        var parent = Array(0..<count)
        var members: [[Int]] = (0..<count).map { [$0] }
        // The exclusive identifiers each cluster holds, at its root's index (a handful at most).
        precondition(exclusive.isEmpty || exclusive.count == count, "one entry per record")
        var held = exclusive.isEmpty ? [[ExclusiveIdentifier]](repeating: [], count: count) : exclusive
        func identifiersClash(_ a: Int, _ b: Int) -> Bool { ExclusiveIdentifier.conflict(held[a], held[b]) }
        var forbidden = Set<UInt64>()
        func pack(_ a: Int, _ b: Int) -> UInt64 { UInt64(min(a, b)) << 32 | UInt64(max(a, b)) }
        for pair in pairs where pair.explanation.decision != .link && isConstraint(pair.explanation) {
            forbidden.insert(pack(pair.left, pair.right + offset))
        }
        func find(_ x: Int) -> Int {
            var root = x
            while parent[root] != root { root = parent[root] }
            var node = x
            while parent[node] != root { (parent[node], node) = (root, parent[node]) }
            return root
        }
        // Deterministic links (same IPP of one authority, same qualified INS) join first: they say
        // what one identity record is, and a probabilistic link must not take the place they
        // fill. Then links that agree on every strict trait; links where a personal identifier
        // outweighed a strict conflict come after them, so that a clean duplicate is never pushed
        // out of its cluster by a corrupted one. Within a tier, strongest first.
        func tier(_ e: MatchExplanation) -> Int {
            if e.rule != .probabilistic { return 0 }
            return e.flags.contains(.strictConflictOutweighed) ? 2 : 1
        }
        let order = pairs.indices.filter { pairs[$0].explanation.decision == .link }.sorted {
            let (a, b) = (pairs[$0].explanation, pairs[$1].explanation)
            if tier(a) != tier(b) { return tier(a) < tier(b) }
            return a.score != b.score ? a.score > b.score : $0 < $1
        }
        var refused: [Int] = []
        for index in order {
            let pair = pairs[index]
            var ra = find(pair.left), rb = find(pair.right + offset)
            if ra == rb { continue }
            let conflict = identifiersClash(ra, rb)
                || !forbidden.isEmpty && members[ra].contains { x in members[rb].contains { forbidden.contains(pack(x, $0)) } }
            if conflict {
                refused.append(index)
                continue
            }
            if members[ra].count < members[rb].count { swap(&ra, &rb) }
            parent[rb] = ra
            members[ra].append(contentsOf: members[rb])
            members[rb] = []
            if !held[rb].isEmpty {
                let known = held[ra]
                held[ra] += held[rb].filter { !known.contains($0) }
                held[rb] = []
            }
        }
        var labelOf: [Int: Int] = [:]
        let labels = (0..<count).map { record -> Int in
            let root = find(record)
            if let label = labelOf[root] { return label }
            let label = labelOf.count
            labelOf[root] = label
            return label
        }
        return (labels, refused)
    }
}
