/// A problem found while decoding bytes.
public struct DecodeIssue: Sendable, Hashable {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable {
        /// The bytes are not valid in the declared encoding (the text is rejected).
        case undecodable
        /// A C1 control character (0x80–0x9F in ISO-8859-1/-15): valid but almost always a
        /// Windows-1252 source declared as Latin-1 (the text is kept, with a warning).
        case c1Control
        /// Bytes that are UTF-8 beyond ASCII in a file `auto` found to be Windows-1252 (files of
        /// two systems joined): read as UTF-8, with a warning (see `TextDecoder.utf8WhereValid`).
        case readAsUTF8
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
    /// The code page (`nil`: UTF-8).
    let table: SingleByteTable?
    /// Whether text that is valid UTF-8 beyond ASCII is read as UTF-8 rather than through the
    /// code page (reported as `.readAsUTF8`): set when `auto` chose Windows-1252 for a file,
    /// so that the UTF-8 rows of a file joined from two systems do not become mojibake.
    public let utf8WhereValid: Bool

    /// Creates a decoder; `.auto` must be resolved first (see `EncodingDetector`), and is treated as UTF-8.
    public init(_ encoding: TextEncoding, utf8WhereValid: Bool = false) {
        self.utf8WhereValid = utf8WhereValid && encoding != .utf8 && encoding != .auto
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

    private init(encoding: TextEncoding, table: SingleByteTable?, utf8WhereValid: Bool) {
        self.encoding = encoding
        self.table = table
        self.utf8WhereValid = utf8WhereValid
    }

    /// A copy for one worker thread, with tables of its own (see `String.withOwnStorage`).
    func forWorker() -> TextDecoder {
        TextDecoder(encoding: encoding, table: table?.withOwnStorage, utf8WhereValid: utf8WhereValid)
    }

    /// Decodes `bytes`. Returns `nil` text when a byte is undecodable; a `.c1Control` issue
    /// comes with the decoded text.
    ///
    /// Single-byte encodings take one pass over the bytes, skipping ASCII runs eight bytes at a
    /// time: runs of ASCII are copied as they are, other bytes go through the 256-entry table into
    /// a scratch buffer (at most three UTF-8 bytes per byte), which becomes the string. The bytes
    /// written are valid UTF-8 by construction (the tables hold only well-formed sequences, pinned
    /// by `TextDecoderTests`), and UTF-8 input has been validated by ``UTF8Validator``, so the
    /// string is made without the standard library validating it a second time.
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> (text: String?, issue: DecodeIssue?) {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return ("", nil) }
        let prefix = Self.asciiRunEnd(base, from: 0, to: count)
        if prefix == count { return (Self.string(validUTF8: bytes, isASCII: true), nil) }
        guard let table else {
            if let offset = UTF8Validator.firstInvalidOffset(UnsafeBufferPointer(rebasing: bytes[prefix...])) {
                return (nil, DecodeIssue(kind: .undecodable, byteOffset: prefix + offset, byte: bytes[prefix + offset]))
            }
            return (Self.string(validUTF8: bytes, isASCII: false), nil)
        }
        if utf8WhereValid, UTF8Validator.firstInvalidOffset(UnsafeBufferPointer(rebasing: bytes[prefix...])) == nil {
            return (Self.string(validUTF8: bytes, isASCII: false),
                DecodeIssue(kind: .readAsUTF8, byteOffset: prefix, byte: bytes[prefix]))
        }
        return table.packed.withUnsafeBufferPointer { packed in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count * 3) { scratch -> (String?, DecodeIssue?) in
                guard let target = scratch.baseAddress else { return (nil, nil) }
                target.update(from: base, count: prefix)
                var written = prefix
                var issue: DecodeIssue?
                var offset = prefix
                while offset < count {
                    let byte = base[offset]
                    if byte < 0x80 {
                        let end = Self.asciiRunEnd(base, from: offset + 1, to: count)
                        (target + written).update(from: base + offset, count: end - offset)
                        written += end - offset
                        offset = end
                        continue
                    }
                    let entry = packed[Int(byte)]
                    let size = Int(entry >> 24)
                    if size == 0 { return (nil, DecodeIssue(kind: .undecodable, byteOffset: offset, byte: byte)) }
                    if issue == nil, table.hasC1Controls, byte <= 0x9F {
                        issue = DecodeIssue(kind: .c1Control, byteOffset: offset, byte: byte)
                    }
                    target[written] = UInt8(truncatingIfNeeded: entry)
                    target[written + 1] = UInt8(truncatingIfNeeded: entry >> 8)
                    if size == 3 { target[written + 2] = UInt8(truncatingIfNeeded: entry >> 16) }
                    written += size
                    offset += 1
                }
                return (Self.string(validUTF8: UnsafeBufferPointer(rebasing: scratch[0..<written]), isASCII: false), issue)
            }
        }
    }

    /// A string of bytes already known to be well-formed UTF-8 (checked by ``UTF8Validator`` or
    /// written from a code page's table), copied without validating them again.
    @inline(__always)
    static func string(validUTF8 bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String {
        let span = unsafe Span<UInt8>(_unsafeElements: bytes)
        return String(copying: unsafe UTF8Span(unchecked: span, isKnownASCII: isASCII))
    }

    /// End of the run of ASCII bytes (< 0x80) starting at `start`, at most `end`; eight bytes per step.
    @inline(__always)
    static func asciiRunEnd(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080
            if word != 0 { return index + word.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < end, base[index] < 0x80 { index += 1 }
        return index
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
        guard let base = bytes.baseAddress else { return nil }
        if utf8WhereValid, UTF8Validator.firstInvalidOffset(bytes) == nil {
            let first = Self.asciiRunEnd(base, from: 0, to: bytes.count)
            return DecodeIssue(kind: .readAsUTF8, byteOffset: first, byte: base[first])
        }
        var c1: DecodeIssue?
        var offset = 0
        while offset < bytes.count {
            let byte = base[offset]
            if byte < 0x80 {
                offset = Self.asciiRunEnd(base, from: offset + 1, to: bytes.count)
                continue
            }
            if table.utf8Length[Int(byte)] == 0 { return DecodeIssue(kind: .undecodable, byteOffset: offset, byte: byte) }
            if c1 == nil, table.hasC1Controls, byte <= 0x9F {
                c1 = DecodeIssue(kind: .c1Control, byteOffset: offset, byte: byte)
            }
            offset += 1
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
