/// A character encoding a flat source may be declared in (DOMAIN.md §4).
///
/// There is no reliable automatic detection, so the encoding is a per-source setting;
/// `auto` only chooses between strict UTF-8 and Windows-1252 and reports its choice.
public enum TextEncoding: String, Sendable, Hashable, Codable, CaseIterable {
    /// Strict UTF-8; a leading byte-order mark is accepted and skipped.
    case utf8 = "utf-8"
    /// Windows-1252: ISO-8859-1 plus printable characters in 0x80–0x9F (€ Œ œ ’ … –).
    case windows1252 = "windows-1252"
    /// ISO-8859-1 (Latin-1): 0x80–0x9F are C1 control characters.
    case iso88591 = "iso-8859-1"
    /// ISO-8859-15 (Latin-9): € at 0xA4, Œ/œ at 0xBC/0xBD.
    case iso885915 = "iso-8859-15"
    /// UTF-8 when the first chunk is valid UTF-8, Windows-1252 otherwise.
    case auto

    /// Accepts the usual spellings (`UTF8`, `cp1252`, `latin1`, `latin-9`...).
    public init?(label: String) {
        let normalized = label.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
        switch normalized {
        case "utf8": self = .utf8
        case "windows1252", "cp1252", "win1252": self = .windows1252
        case "iso88591", "latin1", "l1": self = .iso88591
        case "iso885915", "latin9", "l9": self = .iso885915
        case "auto": self = .auto
        default: return nil
        }
    }
}

/// A single-byte code page as a byte → Unicode scalar table.
///
/// A class: a decoder binds its table for every field it decodes, and a struct of four arrays
/// would be retained and released four times at each binding instead of once.
final class SingleByteTable: Sendable {
    /// Marks a byte with no character in the code page.
    static let undefined: UInt32 = 0xFFFF_FFFF

    /// Scalar value for each byte, or `undefined`.
    let scalars: [UInt32]
    /// UTF-8 form of each defined byte, 4 slots per byte (unused slots are 0).
    let utf8: [UInt8]
    /// UTF-8 length of each byte's character (0 when undefined).
    let utf8Length: [UInt8]
    /// Per byte: its UTF-8 bytes in bits 0–23 (first byte lowest), its UTF-8 length in bits 24–31.
    let packed: [UInt32]
    /// Whether 0x80–0x9F decode to C1 control characters (ISO-8859-1/-15).
    let hasC1Controls: Bool

    /// The same table with storage of its own (see `String.withOwnStorage`).
    var withOwnStorage: SingleByteTable {
        SingleByteTable(copying: self)
    }

    private init(copying table: SingleByteTable) {
        scalars = table.scalars.withOwnStorage
        utf8 = table.utf8.withOwnStorage
        utf8Length = table.utf8Length.withOwnStorage
        packed = table.packed.withOwnStorage
        hasC1Controls = table.hasC1Controls
    }

    init(scalars: [UInt32], hasC1Controls: Bool) {
        precondition(scalars.count == 256, "a single-byte table has 256 entries")
        self.scalars = scalars
        self.hasC1Controls = hasC1Controls
        var utf8 = [UInt8](repeating: 0, count: 1024)
        var lengths = [UInt8](repeating: 0, count: 256)
        for byte in 0..<256 where scalars[byte] != Self.undefined {
            guard let scalar = Unicode.Scalar(scalars[byte]) else { continue }
            let encoded = Array(String(Character(scalar)).utf8)
            // `packed` holds three UTF-8 bytes, and the decoder's scratch buffer three per byte.
            precondition(encoded.count <= 3, "a single-byte code page maps into the Basic Multilingual Plane")
            lengths[byte] = UInt8(encoded.count)
            for (offset, value) in encoded.enumerated() { utf8[byte * 4 + offset] = value }
        }
        self.utf8 = utf8
        self.utf8Length = lengths
        packed = (0..<256).map { byte in
            UInt32(utf8[byte * 4]) | UInt32(utf8[byte * 4 + 1]) << 8 | UInt32(utf8[byte * 4 + 2]) << 16
                | UInt32(lengths[byte]) << 24
        }
    }

    /// ISO-8859-1: every byte is the scalar of the same value.
    static let iso88591 = SingleByteTable(scalars: (0..<256).map { UInt32($0) }, hasC1Controls: true)

    /// Windows-1252: 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined.
    static let windows1252: SingleByteTable = {
        var scalars = (0..<256).map { UInt32($0) }
        let high: [UInt32] = [
            0x20AC, undefined, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, undefined, 0x017D, undefined,
            undefined, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, undefined, 0x017E, 0x0178,
        ]
        for (offset, scalar) in high.enumerated() { scalars[0x80 + offset] = scalar }
        return SingleByteTable(scalars: scalars, hasC1Controls: false)
    }()

    /// ISO-8859-15: eight positions differ from ISO-8859-1.
    static let iso885915: SingleByteTable = {
        var scalars = (0..<256).map { UInt32($0) }
        let changes: [(Int, UInt32)] = [
            (0xA4, 0x20AC), (0xA6, 0x0160), (0xA8, 0x0161), (0xB4, 0x017D),
            (0xB8, 0x017E), (0xBC, 0x0152), (0xBD, 0x0153), (0xBE, 0x0178),
        ]
        for (byte, scalar) in changes { scalars[byte] = scalar }
        return SingleByteTable(scalars: scalars, hasC1Controls: true)
    }()
}
