/// A SHA-256 digest held as its 32 bytes.
///
/// The model's text form of a digest is lower-case hexadecimal (`Provenance.sha256`). Holding the
/// bytes and making the text when it is read spares a 64-character string per document where many
/// documents are made and few digests read (a flat export gives one document per row).
public struct SHA256Hash: Sendable, Hashable, CustomStringConvertible {
    /// The bytes in order, eight per word (native byte order within a word).
    private var word0: UInt64, word1: UInt64, word2: UInt64, word3: UInt64

    /// The digest whose bytes are `bytes`; `nil` unless there are exactly 32.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 32 else { return nil }
        word0 = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        word1 = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        word2 = bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        word3 = bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    }

    /// The digest written as `hex`: exactly 64 lower-case hexadecimal digits, else `nil`
    /// (upper-case digits are refused so that the text read back is the text given).
    public init?(hex: String) {
        let utf8 = hex.utf8
        guard utf8.count == 64 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let parsed = Swift.withUnsafeMutableBytes(of: &words) { bytes -> Bool in
            var index = 0
            var high: UInt8 = 0
            for character in utf8 {
                let value: UInt8
                switch character {
                case 0x30...0x39: value = character &- 0x30
                case 0x61...0x66: value = character &- 0x57
                default: return false
                }
                if index & 1 == 0 {
                    high = value
                } else {
                    bytes[index >> 1] = high << 4 | value
                }
                index += 1
            }
            return true
        }
        guard parsed else { return nil }
        (word0, word1, word2, word3) = words
    }

    /// Calls `body` with the 32 bytes.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: (word0, word1, word2, word3)) { try body($0) }
    }

    /// Lower-case hexadecimal text, 64 characters.
    public var hex: String { withUnsafeBytes { Hex.lowercase($0) } }

    public var description: String { hex }
}
