/// Blocking keys of a batch mapped to record positions, and the candidate search over them.
struct BlockTable: Sendable {
    /// Positions per key (blocks bigger than the limit are dropped).
    let blocks: [BlockingKey: [Int32]]
    /// Number of keys dropped because their block was too big.
    let droppedBlocks: Int

    init(_ identities: [ComparableIdentity], keys: [[BlockingKey]], maxBlockSize: Int) {
        var blocks: [BlockingKey: [Int32]] = [:]
        for (position, list) in keys.enumerated() {
            for key in list { blocks[key, default: []].append(Int32(position)) }
        }
        let before = blocks.count
        blocks = blocks.filter { $0.value.count <= maxBlockSize && $0.value.count > 0 }
        self.blocks = blocks
        self.droppedBlocks = before - blocks.count
    }

    /// Visits each candidate position once for `keys`, skipping those `skip` rejects.
    /// `stamp` is scratch space of the table's size, owned by the caller's thread.
    func forEachCandidate(
        _ keys: [BlockingKey], query: Int32, stamp: inout [Int32], skip: (Int32) -> Bool, _ body: (Int32) -> Void
    ) {
        for key in keys {
            guard let list = blocks[key] else { continue }
            for candidate in list where stamp[Int(candidate)] != query && !skip(candidate) {
                stamp[Int(candidate)] = query
                body(candidate)
            }
        }
    }
}

/// A tiny seeded generator (SplitMix64) so that training samples are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
