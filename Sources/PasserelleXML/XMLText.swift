/// Byte-level helpers for XML text, working on UTF-8 without building intermediate strings.
public enum XMLText {
    /// Whether `byte` is XML white space (space, tab, carriage return, line feed).
    @inlinable
    public static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The first index in `start..<end` whose byte is below 0x21 (white space or another control
    /// character), or `end`. Eight bytes at a time: `(x - 0x21…) & ~x & 0x80…` is non-zero when
    /// some byte of `x` is below 0x21 (never zero when one is), and its lowest flag marks the first.
    @inlinable
    public static func firstByteBelowExclamation(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        let raw = UnsafeRawPointer(base)
        var index = start
        while index + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let flags = (word &- 0x2121_2121_2121_2121) & ~word & 0x8080_8080_8080_8080
            if flags != 0 { return index + flags.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end, base[index] > 0x20 { index += 1 }
        return index
    }

    /// The text with each run of XML white space replaced by one space and both ends trimmed,
    /// or `nil` when nothing but white space remains. Invalid UTF-8 is repaired with U+FFFD
    /// (libxml2 hands over validated UTF-8, so this does not happen for parsed text).
    public static func collapsingWhiteSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard !bytes.isEmpty else { return nil }
        let text = String(unsafeUninitializedCapacity: bytes.count) { output in
            var written = 0
            var pendingSpace = false
            for byte in bytes {
                if isWhiteSpace(byte) {
                    pendingSpace = written > 0
                    continue
                }
                if pendingSpace {
                    output[written] = 0x20
                    written += 1
                    pendingSpace = false
                }
                output[written] = byte
                written += 1
            }
            return written
        }
        return text.isEmpty ? nil : text
    }
}
