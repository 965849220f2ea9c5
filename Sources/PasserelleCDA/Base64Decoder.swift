import Foundation

/// A strict, single-pass base64 decoder over raw bytes: white space (which CDA payloads
/// wrap at 64 or 76 columns) is skipped, anything else outside the alphabet is an error.
/// It decodes straight from the parser's buffer into one output buffer, so a multi-megabyte
/// payload is never held as an intermediate string.
///
/// Runs of alphabet characters take a fast path: eight characters at a time, each looked up in
/// a table already shifted to its place in the group (so a group is four ORs), six bytes
/// written with one store; then whole groups of four. White space, padding and errors go
/// through a byte-at-a-time path that keeps the exact error offsets.
enum Base64Decoder {
    enum Failure: Error, Equatable {
        /// An invalid byte at this offset of the payload text.
        case invalidCharacter(offset: Int)
        /// The number of base64 characters is not a multiple of 4 (after padding).
        case truncated
    }

    private static let whiteSpace: UInt8 = 0xFE
    private static let padding: UInt8 = 0xFD
    private static let invalid: UInt8 = 0xFF

    /// Sextet value of each byte, or one of the three markers above. Immutable after
    /// initialisation, so sharing it between threads is safe.
    nonisolated(unsafe) private static let table: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: invalid, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        for byte in [UInt8(ascii: " "), 0x09, 0x0A, 0x0D] { table[Int(byte)] = whiteSpace }
        table[Int(UInt8(ascii: "="))] = padding
        return UnsafePointer(table)
    }()

    /// Flag set in ``shifted`` for any byte outside the alphabet (white space, padding, invalid).
    private static let notAlphabet: UInt32 = 0x0100_0000

    /// Four tables of 256 entries: entry `k * 256 + byte` is the byte's sextet shifted to
    /// position `k` of a group of four (`value << (18 - 6k)`), or ``notAlphabet``.
    nonisolated(unsafe) private static let shifted: UnsafePointer<UInt32> = {
        let tables = UnsafeMutablePointer<UInt32>.allocate(capacity: 4 * 256)
        for position in 0..<4 {
            for byte in 0..<256 {
                let value = table[byte]
                tables[position * 256 + byte] = value < 64 ? UInt32(value) << UInt32(18 - 6 * position) : notAlphabet
            }
        }
        return UnsafePointer(tables)
    }()

    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> Result<Data, Failure> {
        guard let source = input.baseAddress, !input.isEmpty else { return .success(Data()) }
        let length = input.count
        // Two spare bytes for the 8-byte store of six decoded bytes.
        let capacity = length / 4 * 3 + 3 + 8
        guard let output = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else { return .success(Data()) }
        let table = Self.table
        let t0 = Self.shifted
        let t1 = t0 + 256
        let t2 = t0 + 512
        let t3 = t0 + 768
        var written = 0
        var quad: UInt32 = 0
        var count = 0
        var paddingSeen = 0
        var offset = 0
        var failure: Failure?
        decoding: while offset < length {
            // Fast path: alphabet characters at a quad boundary, eight then four at a time.
            if count == 0, paddingSeen == 0 {
                while offset + 8 <= length {
                    let first = t0[Int(source[offset])] | t1[Int(source[offset + 1])] | t2[Int(source[offset + 2])]
                        | t3[Int(source[offset + 3])]
                    let second = t0[Int(source[offset + 4])] | t1[Int(source[offset + 5])] | t2[Int(source[offset + 6])]
                        | t3[Int(source[offset + 7])]
                    guard (first | second) & Self.notAlphabet == 0 else { break }
                    let six = UInt64(first) << 40 | UInt64(second) << 16
                    UnsafeMutableRawPointer(output + written).storeBytes(of: six.bigEndian, as: UInt64.self)
                    written += 6
                    offset += 8
                }
                while offset + 4 <= length {
                    let a = table[Int(source[offset])]
                    let b = table[Int(source[offset + 1])]
                    let c = table[Int(source[offset + 2])]
                    let d = table[Int(source[offset + 3])]
                    guard (a | b | c | d) & 0xC0 == 0 else { break }
                    let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    output[written] = UInt8(truncatingIfNeeded: value >> 16)
                    output[written + 1] = UInt8(truncatingIfNeeded: value >> 8)
                    output[written + 2] = UInt8(truncatingIfNeeded: value)
                    written += 3
                    offset += 4
                }
                guard offset < length else { break decoding }
            }
            // Slow path: one byte.
            let value = table[Int(source[offset])]
            if value == whiteSpace {
                offset += 1
                continue
            }
            if value == padding {
                paddingSeen += 1
                if paddingSeen > 2 {
                    failure = .invalidCharacter(offset: offset)
                    break decoding
                }
                quad <<= 6
            } else {
                if value == invalid || paddingSeen > 0 {
                    failure = .invalidCharacter(offset: offset)
                    break decoding
                }
                quad = (quad << 6) | UInt32(value)
            }
            count += 1
            offset += 1
            if count == 4 {
                output[written] = UInt8(truncatingIfNeeded: quad >> 16)
                output[written + 1] = UInt8(truncatingIfNeeded: quad >> 8)
                output[written + 2] = UInt8(truncatingIfNeeded: quad)
                written += 3 - paddingSeen
                count = 0
                quad = 0
                // Once a padded group is complete, only white space may follow.
                if paddingSeen > 0 { paddingSeen = 3 }
            }
        }
        if failure == nil, count != 0 { failure = .truncated }
        if let failure {
            free(output)
            return .failure(failure)
        }
        if written == 0 {
            free(output)
            return .success(Data())
        }
        return .success(Data(bytesNoCopy: output, count: written, deallocator: .free))
    }
}
