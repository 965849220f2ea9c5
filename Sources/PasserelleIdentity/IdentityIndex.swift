/// Identifier of a canonical patient in an index.
public struct PatientID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The identifier text.
    public var rawValue: String
    /// Creates an identifier.
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Candidate retrieval by blocking keys over the identity records of an index.
///
/// Synchronous on purpose: the engine is pure; the store adapters (store issue) wrap it in their
/// async API.
public protocol IdentityIndex: Sendable {
    /// Adds (or replaces) an identity under its blocking keys.
    mutating func insert(_ identity: ComparableIdentity)
    /// Removes an identity.
    mutating func remove(_ id: IdentityRecordID)
    /// The identity with this id.
    func identity(_ id: IdentityRecordID) -> ComparableIdentity?
    /// Identities sharing blocking keys with `keys`, at most `limit`: every member of a small
    /// block, and members of large blocks that share at least two keys (a single shared frequent
    /// key, such as a common given name in a big city's postcode, is noise).
    func candidates(for keys: [BlockingKey], limit: Int) -> [ComparableIdentity]
    /// Number of identities.
    var count: Int { get }
}

/// In-memory ``IdentityIndex``: a dictionary from key to record slots.
///
/// Compact: a blocking key is stored as its 64-bit FNV-1a hash, not as a string (a million
/// records carry about ten million keys). A hash collision only adds candidates, which scoring
/// then rejects; it can never hide one.
public struct InMemoryIdentityIndex: IdentityIndex {
    private var slots: [ComparableIdentity?] = []
    private var slotOf: [IdentityRecordID: Int] = [:]
    private var blocks: [UInt64: [Int32]] = [:]
    private var freeSlots: [Int] = []

    /// Creates an empty index.
    public init() {}

    public var count: Int { slotOf.count }

    public mutating func insert(_ identity: ComparableIdentity) {
        remove(identity.record.id)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = identity
        } else {
            slot = slots.count
            slots.append(identity)
        }
        slotOf[identity.record.id] = slot
        for key in Blocking.keys(identity) { blocks[key.hash64, default: []].append(Int32(slot)) }
    }

    public mutating func remove(_ id: IdentityRecordID) {
        guard let slot = slotOf.removeValue(forKey: id), let identity = slots[slot] else { return }
        for key in Blocking.keys(identity).map(\.hash64) {
            blocks[key]?.removeAll { $0 == Int32(slot) }
            if blocks[key]?.isEmpty == true { blocks[key] = nil }
        }
        slots[slot] = nil
        freeSlots.append(slot)
    }

    public func identity(_ id: IdentityRecordID) -> ComparableIdentity? {
        slotOf[id].flatMap { slots[$0] }
    }

    public func candidates(for keys: [BlockingKey], limit: Int) -> [ComparableIdentity] {
        let lists = keys.compactMap { blocks[$0.hash64] }.sorted { $0.count < $1.count }
        var seen = Set<Int32>()
        var result: [ComparableIdentity] = []
        var counts: [Int32: Int] = [:]
        for list in lists {
            if list.count <= Self.smallBlock {
                for slot in list where seen.insert(slot).inserted {
                    guard let identity = slots[Int(slot)] else { continue }
                    result.append(identity)
                    if result.count >= limit { return result }
                }
            } else {
                for slot in list where !seen.contains(slot) { counts[slot, default: 0] += 1 }
            }
        }
        for (slot, count) in counts.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) where count >= 2 {
            guard let identity = slots[Int(slot)] else { continue }
            result.append(identity)
            if result.count >= limit { break }
        }
        return result
    }

    /// Blocks up to this size are taken whole.
    static let smallBlock = 64
}
