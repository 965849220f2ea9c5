/// CSV renderings of a ``BatchResult`` (pure: the caller writes them).
public enum BatchOutput {
    /// `rec_id_1,rec_id_2,score,decision,rule,flags`, one row per linked pair (and review pairs
    /// when `includeReview`), in input order. `rule` says which rule decided (`probabilistic`,
    /// `same-local-identifier`, …); `flags` (space-separated) say why, e.g. `linked-through-cluster`
    /// for a pair joined through other records of its cluster, and which reservations it carries.
    public static func pairsCSV(
        _ result: BatchResult, left: [ComparableIdentity], right: [ComparableIdentity], includeReview: Bool = false
    ) -> String {
        var lines = ["rec_id_1,rec_id_2,score,decision,rule,flags"]
        for pair in result.pairs where pair.explanation.decision == .link || includeReview {
            let e = pair.explanation
            let fields = [
                left[pair.left].record.id.rawValue, right[pair.right].record.id.rawValue, score(e.score), e.decision.rawValue,
                e.rule.rawValue, e.flags.map(\.rawValue).sorted().joined(separator: " "),
            ]
            lines.append(fields.map(IdentityCSV.quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `rec_id,cluster_id` for every record (first input, then second).
    public static func clustersCSV(_ result: BatchResult, records: [ComparableIdentity]) -> String {
        var lines = ["rec_id,cluster_id"]
        for (identity, label) in zip(records, result.clusters) {
            lines.append(IdentityCSV.quote(identity.record.id.rawValue) + ",C\(label)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `rec_id_1,rec_id_2,score,rule,flags,explanation`: the review queue, strongest first. The
    /// explanation lists each trait's level and weight, never the values.
    public static func reviewCSV(_ result: BatchResult, left: [ComparableIdentity], right: [ComparableIdentity]) -> String {
        var lines = ["rec_id_1,rec_id_2,score,rule,flags,explanation"]
        let items = result.pairs.filter { $0.explanation.decision == .review }.sorted {
            $0.explanation.score != $1.explanation.score ? $0.explanation.score > $1.explanation.score : ($0.left, $0.right) < ($1.left, $1.right)
        }
        for pair in items {
            let e = pair.explanation
            let fields = [
                left[pair.left].record.id.rawValue, right[pair.right].record.id.rawValue, score(e.score), e.rule.rawValue,
                e.flags.map(\.rawValue).sorted().joined(separator: " "),
                e.contributions.map { "\($0.trait.rawValue)=\($0.level.rawValue):\(score($0.weight))" }.joined(separator: " "),
            ]
            lines.append(fields.map(IdentityCSV.quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func score(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return "\(rounded)"
    }
}
