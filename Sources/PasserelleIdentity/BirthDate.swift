public import PasserelleModel
internal import Foundation

/// A birth date in comparison form, keeping partial and placeholder information (R4).
///
/// Unknown parts are completed by the RNIV rules (unknown day → 01, unknown month → 01, both
/// unknown → 31/12) but remembered: an exact match on a completed or placeholder value (01/01,
/// 31/12) is weak evidence and must not drive an automatic link (R4).
public struct BirthDate: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Year (four digits).
    public let year: Int
    /// Month 1...12, `nil` when unknown in the source.
    public let month: Int?
    /// Day 1...31, `nil` when unknown in the source.
    public let day: Int?

    /// Creates a date; out-of-range month or day are treated as unknown.
    public init(year: Int, month: Int?, day: Int?) {
        self.year = year
        let month = month.flatMap { (1...12).contains($0) ? $0 : nil }
        self.month = month
        self.day = day.flatMap { (1...31).contains($0) && month != nil ? $0 : nil }
    }

    /// From a model timestamp (year, month or day precision).
    public init?(_ timestamp: Timestamp?) {
        guard let timestamp, timestamp.nullFlavor == nil, timestamp.year > 0 else { return nil }
        self.init(year: timestamp.year, month: timestamp.month, day: timestamp.day)
    }

    /// Parses `YYYYMMDD`, `YYYY-MM-DD`, `DD/MM/YYYY`, `D/M/YYYY`, `DD.MM.YYYY`, `YYYY`,
    /// `YYYYMM`, `YYYY-MM` and `MM/YYYY`, and a month in words (`15 mars 1980`, `15-MAR-1980`,
    /// `mars 1980`), with or without a time after it; `00` marks an unknown day or month. Returns `nil` when not a date (a
    /// two-digit year, a word that is no month).
    public init?(text: String) {
        // The common case (ASCII digits and separators only) is read byte by byte, with the same
        // result as the character-wise reading.
        let (year, month, day) = Self.asciiParts(text).map(Self.fields) ?? Self.characterWiseFields(text)
        self.init(checkedYear: year, month: month, day: day)
    }

    /// Year, month and day read character by character (any text).
    static func characterWiseFields(_ text: String) -> (Int?, Int?, Int?) {
        var trimmed = text.trimmingWhitespace
        // A time after the date (`1980-03-15 00:00:00`, `1991-12-27T10:00`, database and ISO
        // exports) is dropped: what precedes the separator before its first `:` is read.
        if let colon = trimmed.firstIndex(of: ":"),
            let cut = trimmed[..<colon].lastIndex(where: { $0 == " " || $0 == "T" })
        {
            trimmed = String(trimmed[..<cut])
        }
        let separators: Set<Character> = ["/", "-", ".", " "]
        let parts = trimmed.split(whereSeparator: { separators.contains($0) }).map(String.init)
        var (year, month, day): (Int?, Int?, Int?) = (nil, nil, nil)
        func isNumber(_ part: String) -> Bool { part.allSatisfy { $0.isASCII && $0.isNumber } }
        if parts.count == 3 {
            // The middle part may be a month name (`15 mars 1980`, `15-MAR-1980`); any other
            // text makes the value unreadable, never a date with a part silently missing.
            guard isNumber(parts[0]), isNumber(parts[2]), let middle = isNumber(parts[1]) ? Int(parts[1]) : monthNumber(parts[1])
            else { return (nil, nil, nil) }
            if parts[0].count == 4 {
                (year, month, day) = (Int(parts[0]), middle, Int(parts[2]))
            } else if parts[2].count == 4 {
                (year, month, day) = (Int(parts[2]), middle, Int(parts[0]))
            }
        } else if parts.count == 2, isNumber(parts[1]), parts[1].count == 4, let named = monthNumber(parts[0]) {
            // A month and year in words (`mars 1980`): a partial date with its month (R4).
            (year, month) = (Int(parts[1]), named)
        } else if parts.count == 2, parts.allSatisfy(isNumber) {
            // A partial date with its month (R4): `YYYY-MM` or `MM/YYYY`.
            if parts[0].count == 4, (1...2).contains(parts[1].count) {
                (year, month) = (Int(parts[0]), Int(parts[1]))
            } else if parts[1].count == 4, (1...2).contains(parts[0].count) {
                (year, month) = (Int(parts[1]), Int(parts[0]))
            }
        } else if parts.count == 1, parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber) {
            let digits = Array(parts[0])
            func number(_ range: Range<Int>) -> Int? { Int(String(digits[range])) }
            switch digits.count {
            case 8: (year, month, day) = (number(0..<4), number(4..<6), number(6..<8))
            case 6: (year, month) = (number(0..<4), number(4..<6))
            case 4: year = number(0..<4)
            default: break
            }
        }
        return (year, month, day)
    }

    /// The month a French or English month name or abbreviation designates (`mars`, `févr`,
    /// `AOÛT`, `Dec`), case and accents ignored; `nil` for any other text.
    static func monthNumber(_ name: String) -> Int? {
        let key = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        return monthNames[key]
    }

    private static let monthNames: [String: Int] = {
        let names: [[String]] = [
            ["janvier", "janv", "jan", "january"], ["fevrier", "fevr", "fev", "february", "feb"],
            ["mars", "mar", "march"], ["avril", "avr", "april", "apr"], ["mai", "may"], ["juin", "june", "jun"],
            ["juillet", "juil", "july", "jul"], ["aout", "august", "aug"], ["septembre", "sept", "sep", "september"],
            ["octobre", "oct", "october"], ["novembre", "nov", "november"], ["decembre", "dec", "december"],
        ]
        var table: [String: Int] = [:]
        for (index, spellings) in names.enumerated() {
            for spelling in spellings { table[spelling] = index + 1 }
        }
        return table
    }()

    /// The date when the year is in range and the month and day are not too large.
    private init?(checkedYear year: Int?, month: Int?, day: Int?) {
        guard let year, (1800...2200).contains(year) else { return nil }
        if let month, month > 12 { return nil }
        if let day, day > 31 { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The digit runs of `text` between the separators `/ - . space` (value and length), when
    /// `text` holds only ASCII digits and those separators and no run is too long to be a
    /// number; `nil` otherwise (the text is then read character by character).
    static func asciiParts(_ text: String) -> [(value: Int, length: Int)]? {
        var parts: [(value: Int, length: Int)] = []
        var value = 0
        var length = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard length < 18 else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                length += 1
            case UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: " "):
                if length > 0 { parts.append((value, length)) }
                value = 0
                length = 0
            default:
                return nil
            }
        }
        if length > 0 { parts.append((value, length)) }
        return parts
    }

    /// Year, month and day from digit runs, by the rules of ``characterWiseFields(_:)``.
    static func fields(_ parts: [(value: Int, length: Int)]) -> (Int?, Int?, Int?) {
        switch parts.count {
        case 3:
            if parts[0].length == 4 { return (parts[0].value, parts[1].value, parts[2].value) }
            if parts[2].length == 4 { return (parts[2].value, parts[1].value, parts[0].value) }
        case 2:
            if parts[0].length == 4, (1...2).contains(parts[1].length) { return (parts[0].value, parts[1].value, nil) }
            if parts[1].length == 4, (1...2).contains(parts[0].length) { return (parts[1].value, parts[0].value, nil) }
        case 1:
            let (digits, length) = parts[0]
            switch length {
            case 8: return (digits / 10_000, digits / 100 % 100, digits % 100)
            case 6: return (digits / 100, digits % 100, nil)
            case 4: return (digits, nil, nil)
            default: break
            }
        default:
            break
        }
        return (nil, nil, nil)
    }

    /// Whether the day or month is unknown.
    public var isPartial: Bool { month == nil || day == nil }

    /// Whether the value is a placeholder or a completed partial date: 01/01, 31/12 or partial (R4).
    public var isPlaceholder: Bool {
        isPartial || (day == 1 && month == 1) || (day == 31 && month == 12)
    }

    /// The date completed by the RNIV rules (R4): unknown day → 01, unknown month → 01,
    /// both unknown → 31/12.
    public var completed: (year: Int, month: Int, day: Int) {
        switch (month, day) {
        case let (month?, day?): (year, month, day)
        case let (month?, nil): (year, month, 1)
        case (nil, _): (year, 12, 31)
        }
    }

    /// `YYYYMMDD` of the completed date, as digits.
    public var digits: [UInt8] {
        let (y, m, d) = completed
        return [y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10, m / 10, m % 10, d / 10, d % 10].map { UInt8($0) }
    }

    /// ISO form `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. Identity trait: never log it.
    public var description: String {
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = String(year)
        if let month { text += "-" + pad(month) }
        if let day { text += "-" + pad(day) }
        return text
    }
}
