/// Word-at-a-time byte search, for the text scanners that copy long runs of ordinary bytes
/// (narrative rendering, JSON string escaping).
public enum ByteScan {
    /// The first index in `start..<end` whose byte is below `limit` (at most 0x80) or equal to
    /// `first` or `second`; `end` when there is none.
    ///
    /// Eight bytes at a time: `(x - n…) & ~x & 0x80…` is non-zero when some byte of `x` is below
    /// `n`, and a byte equal to `c` becomes zero after `x ^ c…`. Each test may flag bytes above a
    /// true match (borrows carry upwards), never below it and never miss one, so the lowest flag
    /// is the first match.
    @inlinable
    public static func firstIndex(
        _ base: UnsafePointer<UInt8>, from start: Int, to end: Int, below limit: UInt8, or first: UInt8, _ second: UInt8
    ) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let low = UInt64(limit) &* ones, a = UInt64(first) &* ones, b = UInt64(second) &* ones
        let raw = UnsafeRawPointer(base)
        var index = start
        while index + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let x = word ^ a, y = word ^ b
            let flags = ((word &- low) & ~word | (x &- ones) & ~x | (y &- ones) & ~y) & highs
            if flags != 0 { return index + flags.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte < limit || byte == first || byte == second { return index }
            index += 1
        }
        return end
    }

    /// The first index in `start..<end` whose byte is below `limit` (1...0x80); `end` when none.
    @inlinable
    public static func firstIndex(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, below limit: UInt8) -> Int {
        // Zero is below any limit: the two equality bytes add nothing.
        firstIndex(base, from: start, to: end, below: limit, or: 0, 0)
    }

    /// Whether `bytes` start with a UTF-16 byte-order mark (FF FE little-endian, FE FF big-endian):
    /// text of two bytes per character, which no single-byte or UTF-8 reader may read as its own.
    public static func startsWithUTF16ByteOrderMark(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
    }
}
