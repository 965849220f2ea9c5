/// An identifier of which one patient holds a single value per kind (R14): an INS number per
/// kind of number (NIR, NIA), an IPP per assigning authority. Used by the batch clustering
/// (``ConstrainedClustering``) and by the incremental index (`PatientIndex.holdsOtherIdentifier`).
struct ExclusiveIdentifier: Hashable {
    enum Kind: Hashable {
        case ins(INSMatriculeKind)
        case ipp(authority: String)
    }

    let kind: Kind
    let value: String

    /// The identity's usable INS and its local identifier.
    static func of(_ identity: ComparableIdentity) -> [ExclusiveIdentifier] {
        var result: [ExclusiveIdentifier] = []
        if let ins = identity.usableINS { result.append(ExclusiveIdentifier(kind: .ins(ins.matriculeKind), value: ins.value)) }
        if let local = identity.record.localIdentifier {
            result.append(ExclusiveIdentifier(kind: .ipp(authority: local.authority), value: local.value))
        }
        return result
    }

    /// Whether joining the holders of `a` and `b` would put another value beside one of `a`'s:
    /// `b` holds values of the kind of one of `a`'s, but not that value. (A patient a reviewer
    /// merged may hold several values of a kind; matching one of them is no conflict.)
    static func conflict(_ a: [ExclusiveIdentifier], _ b: [ExclusiveIdentifier]) -> Bool {
        a.contains { mine in b.contains { $0.kind == mine.kind } && !b.contains(mine) }
    }
}
