import Foundation

/// A strict, single-pass base64 decoder over raw bytes: white space (which CDA payloads
/// wrap at 64 or 76 columns) is skipped, anything else outside the alphabet is an error.
/// It decodes straight from the parser's buffer into one output buffer, so a multi-megabyte
/// payload is never held as an intermediate string.
enum Base64Decoder {
    enum Failure: Error, Equatable {
        /// An invalid byte at this offset of the payload text.
        case invalidCharacter(offset: Int)
        /// The number of base64 characters is not a multiple of 4 (after padding).
        case truncated
    }

    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        for byte in [UInt8(ascii: " "), 0x09, 0x0A, 0x0D] { table[Int(byte)] = 0xFE }
        table[Int(UInt8(ascii: "="))] = 0xFD
        return table
    }()

    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> Result<Data, Failure> {
        var output = Data(count: input.count / 4 * 3 + 3)
        var written = 0
        var quad: UInt32 = 0
        var count = 0
        var padding = 0
        let failure: Failure? = output.withUnsafeMutableBytes { raw -> Failure? in
            guard let out = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            for (offset, byte) in input.enumerated() {
                let value = table[Int(byte)]
                if value == 0xFE { continue }
                if value == 0xFD {
                    padding += 1
                    if padding > 2 { return .invalidCharacter(offset: offset) }
                    quad <<= 6
                    count += 1
                } else {
                    if value == 0xFF || padding > 0 { return .invalidCharacter(offset: offset) }
                    quad = (quad << 6) | UInt32(value)
                    count += 1
                }
                if count == 4 {
                    out[written] = UInt8(truncatingIfNeeded: quad >> 16)
                    out[written + 1] = UInt8(truncatingIfNeeded: quad >> 8)
                    out[written + 2] = UInt8(truncatingIfNeeded: quad)
                    written += 3 - padding
                    count = 0
                    quad = 0
                    if padding > 0 { padding = 3 }
                }
            }
            return count == 0 ? nil : .truncated
        }
        if let failure { return .failure(failure) }
        output.count = written
        return .success(output)
    }
}
