/// Byte-level helpers for XML text, working on UTF-8 without building intermediate strings.
public enum XMLText {
    /// Whether `byte` is XML white space (space, tab, carriage return, line feed).
    @inlinable
    public static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
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
