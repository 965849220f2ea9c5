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

    /// `rec_id,cluster_id` for every record; when two inputs are linked (`firstInputCount`: the
    /// number of records of the first), `rec_id,cluster_id,input` with input 1 or 2, first input
    /// first.
    public static func clustersCSV(_ result: BatchResult, records: [ComparableIdentity], firstInputCount: Int? = nil) -> String {
        // Linking two inputs, a third column says which one a record comes from: their record
        // ids may repeat (two files numbered from 1), and `rec_id` alone would be ambiguous.
        var lines = [firstInputCount == nil ? "rec_id,cluster_id" : "rec_id,cluster_id,input"]
        for (index, (identity, label)) in zip(records, result.clusters).enumerated() {
            let input = firstInputCount.map { index < $0 ? ",1" : ",2" } ?? ""
            lines.append(IdentityCSV.quote(identity.record.id.rawValue) + ",C\(label)" + input)
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
