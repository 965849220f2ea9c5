/// Repair candidates for text whose UTF-8 bytes were decoded as Windows-1252 or Latin-1
/// (`"Ã©"` for `"é"`, `"Å“"` for `"œ"`; DOMAIN.md §4).
///
/// Detection is conservative: a candidate is produced only when the text contains a typical
/// mojibake lead character (`Ã`, `Â`, `Å`, `Ä`, `â`) and its re-encoding is valid UTF-8.
public enum Mojibake {
    /// The repaired text when `text` looks like UTF-8 read as Windows-1252/Latin-1, else `nil`.
    public static func repairCandidate(_ text: String) -> String? {
        guard text.unicodeScalars.contains(where: { leads.contains($0.value) }) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard let byte = windows1252Byte(scalar) else { return nil }
            bytes.append(byte)
        }
        guard let repaired = String(validating: bytes, as: UTF8.self), repaired != text else { return nil }
        return repaired
    }

    /// `text` repaired when a candidate exists, else `text` itself.
    public static func repaired(_ text: String) -> String { repairCandidate(text) ?? text }

    private static let leads: Set<UInt32> = [0xC3, 0xC2, 0xC5, 0xC4, 0xE2]

    /// Windows-1252 characters of bytes 0x80–0x9F (unassigned bytes map to the C1 control).
    private static let highTable: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86,
        0x2021: 0x87, 0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C,
        0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95,
        0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
        0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    private static func windows1252Byte(_ scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 0x100 { return UInt8(value) }  // Latin-1 and C1 controls read byte for byte
        return highTable[value]
    }
}
