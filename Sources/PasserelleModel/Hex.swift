public import Foundation

/// Lower-case hexadecimal text of bytes: the form the model uses for SHA-256 digests
/// (`Provenance.sha256`, `Attachment.sha256`).
public enum Hex {
    /// Two lower-case hex digits per byte, in order (a SHA-256 digest gives 64 characters).
    public static func lowercase(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: raw.count * 2) { buffer in
                guard let out = buffer.baseAddress else { return 0 }
                var index = 0
                for byte in raw {
                    out[index] = digit(byte >> 4)
                    out[index + 1] = digit(byte & 0x0F)
                    index += 2
                }
                return index
            }
        }
    }

    /// The ASCII lower-case digit of a value 0...15 (computed: no table to load per call).
    @inline(__always)
    static func digit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 &+ value : 0x57 &+ value }
}
