/// The encoding chosen for a source, and why.
public struct EncodingChoice: Sendable, Hashable {
    /// The concrete encoding used to decode (never `.auto`).
    public var encoding: TextEncoding
    /// Whether the source starts with a UTF-8 byte-order mark (skipped before decoding).
    public var hasBOM: Bool
    /// Whether `.auto` was resolved from the content.
    public var detected: Bool
    /// A trait-free explanation of the choice.
    public var reason: String
}

/// Resolves `TextEncoding.auto` and byte-order marks.
///
/// Detection is deliberately limited (DOMAIN.md §4): a UTF-8 BOM means UTF-8; otherwise the
/// examined prefix is UTF-8 when it is well-formed UTF-8, Windows-1252 when it is not.
public enum EncodingDetector {
    /// The UTF-8 byte-order mark.
    public static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether `bytes` starts with a UTF-8 byte-order mark.
    public static func hasUTF8BOM(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// Chooses the encoding for a source whose first bytes are `prefix`.
    /// - Parameter isWholeInput: `true` when `prefix` is the entire input (a sequence cut at the
    ///   end of the prefix is then an error, not a truncation).
    public static func choose(
        declared: TextEncoding, prefix: UnsafeBufferPointer<UInt8>, isWholeInput: Bool
    ) -> EncodingChoice {
        let bom = hasUTF8BOM(prefix)
        guard declared == .auto else {
            return EncodingChoice(encoding: declared, hasBOM: bom, detected: false, reason: "declared \(declared.rawValue)")
        }
        if bom {
            return EncodingChoice(encoding: .utf8, hasBOM: true, detected: true, reason: "UTF-8 byte-order mark")
        }
        if TextDecoder.isASCII(prefix) {
            return EncodingChoice(
                encoding: .utf8, hasBOM: false, detected: true,
                reason: "the first \(prefix.count) bytes are ASCII; later non-ASCII bytes are read as UTF-8")
        }
        if let offset = UTF8Validator.firstInvalidOffset(prefix, allowTruncatedEnd: !isWholeInput) {
            return EncodingChoice(
                encoding: .windows1252, hasBOM: false, detected: true,
                reason: "byte 0x\(hex(prefix[offset])) at offset \(offset) is not valid UTF-8")
        }
        return EncodingChoice(
            encoding: .utf8, hasBOM: false, detected: true,
            reason: "the first \(prefix.count) bytes are well-formed UTF-8 with non-ASCII characters")
    }

    /// Two upper-case hex digits.
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
