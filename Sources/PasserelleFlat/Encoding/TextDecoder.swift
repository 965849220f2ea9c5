/// A problem found while decoding bytes.
public struct DecodeIssue: Sendable, Hashable {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable {
        /// The bytes are not valid in the declared encoding (the text is rejected).
        case undecodable
        /// A C1 control character (0x80–0x9F in ISO-8859-1/-15): valid but almost always a
        /// Windows-1252 source declared as Latin-1 (the text is kept, with a warning).
        case c1Control
    }

    /// What went wrong.
    public var kind: Kind
    /// Offset of the first offending byte in the decoded range.
    public var byteOffset: Int
    /// The offending byte.
    public var byte: UInt8
}

/// Strict decoder for one concrete encoding: never replaces a byte, reports the first bad one.
///
/// Decoding is table driven (no Foundation guessing); ASCII-only text takes a fast path.
public struct TextDecoder: Sendable {
    /// The concrete encoding (never `.auto`).
    public let encoding: TextEncoding
    private let table: SingleByteTable?

    /// Creates a decoder; `.auto` must be resolved first (see `EncodingDetector`), and is treated as UTF-8.
    public init(_ encoding: TextEncoding) {
        switch encoding {
        case .utf8, .auto:
            self.encoding = .utf8
            table = nil
        case .windows1252:
            self.encoding = encoding
            table = .windows1252
        case .iso88591:
            self.encoding = encoding
            table = .iso88591
        case .iso885915:
            self.encoding = encoding
            table = .iso885915
        }
    }

    /// Decodes `bytes`. Returns `nil` text when a byte is undecodable; a `.c1Control` issue
    /// comes with the decoded text.
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> (text: String?, issue: DecodeIssue?) {
        if Self.isASCII(bytes) { return (String(decoding: bytes, as: UTF8.self), nil) }
        guard let table else {
            if let offset = UTF8Validator.firstInvalidOffset(bytes) {
                return (nil, DecodeIssue(kind: .undecodable, byteOffset: offset, byte: bytes[offset]))
            }
            return (String(decoding: bytes, as: UTF8.self), nil)
        }
        // One pass: every byte is looked up once, ASCII bytes are copied as they are, and the
        // first undefined byte stops the copy (the text is then discarded).
        var issue: DecodeIssue?
        var undecodable = false
        let checkC1 = table.hasC1Controls
        let text = table.utf8.withUnsafeBufferPointer { utf8 in
            table.utf8Length.withUnsafeBufferPointer { lengths in
                String(unsafeUninitializedCapacity: bytes.count * 3) { buffer in
                    var out = 0
                    for offset in 0..<bytes.count {
                        let byte = bytes[offset]
                        if byte < 0x80 {
                            buffer[out] = byte
                            out += 1
                            continue
                        }
                        let length = Int(lengths[Int(byte)])
                        if length == 0 {
                            undecodable = true
                            issue = DecodeIssue(kind: .undecodable, byteOffset: offset, byte: byte)
                            return 0
                        }
                        if checkC1, issue == nil, byte <= 0x9F {
                            issue = DecodeIssue(kind: .c1Control, byteOffset: offset, byte: byte)
                        }
                        let base = Int(byte) &* 4
                        buffer[out] = utf8[base]
                        if length > 1 { buffer[out + 1] = utf8[base + 1] }
                        if length > 2 { buffer[out + 2] = utf8[base + 2] }
                        out += length
                    }
                    return out
                }
            }
        }
        if undecodable { return (nil, issue) }
        return (text, issue)
    }

    /// Decodes an array of bytes (convenience for small inputs).
    public func decode(_ bytes: [UInt8]) -> (text: String?, issue: DecodeIssue?) {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    /// The first issue in `bytes` without building a string.
    public func validate(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodeIssue? {
        if Self.isASCII(bytes) { return nil }
        guard let table else {
            return UTF8Validator.firstInvalidOffset(bytes).map {
                DecodeIssue(kind: .undecodable, byteOffset: $0, byte: bytes[$0])
            }
        }
        var c1: DecodeIssue?
        for (offset, byte) in bytes.enumerated() {
            if table.utf8Length[Int(byte)] == 0 { return DecodeIssue(kind: .undecodable, byteOffset: offset, byte: byte) }
            if c1 == nil, table.hasC1Controls, byte >= 0x80, byte <= 0x9F {
                c1 = DecodeIssue(kind: .c1Control, byteOffset: offset, byte: byte)
            }
        }
        return c1
    }

    /// Number of characters encoded by `bytes` (used for column numbers in diagnostics).
    public func characterCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard table == nil else { return bytes.count }
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Whether every byte is below 0x80, eight bytes at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        let raw = UnsafeRawPointer(base)
        while index + 8 <= count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < count {
            if base[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }
}

/// Strict UTF-8 validation following the Unicode well-formed byte sequences table
/// (no overlong forms, no surrogates, nothing above U+10FFFF).
enum UTF8Validator {
    /// Offset of the first byte that starts an ill-formed sequence, or `nil`.
    /// With `allowTruncatedEnd`, a sequence cut by the end of the buffer is accepted.
    static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>, allowTruncatedEnd: Bool = false) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            for offset in 1..<length {
                guard index + offset < count else { return allowTruncatedEnd ? nil : index }
                let byte = bytes[index + offset]
                let (min, max) = offset == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                if byte < min || byte > max { return index }
            }
            index += length
        }
        return nil
    }
}
