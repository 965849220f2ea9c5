public import PasserelleModel

/// A date format such as `dd/MM/yyyy`, `yyyyMMdd` or `dd/MM/yyyy HH:mm`.
///
/// Tokens: `yyyy` year, `MM`/`M` month, `dd`/`d` day, `HH` hour, `mm` minute, `ss` second
/// (two-letter tokens need two digits, one-letter ones accept one or two); any other character
/// must appear literally. Two-digit years are not supported: they are ambiguous for birth dates.
public struct DatePattern: Sendable, Hashable, CustomStringConvertible {
    enum Token: Sendable, Hashable {
        case year, month(fixed: Bool), day(fixed: Bool), hour, minute, second
        case literal(UInt8)
    }

    /// The pattern as written.
    public let pattern: String
    let tokens: [Token]

    private init(pattern: String, tokens: [Token]) {
        self.pattern = pattern
        self.tokens = tokens
    }

    /// The same pattern with storage of its own, for a worker thread (see `OwnStorage.swift`).
    var withOwnStorage: DatePattern {
        DatePattern(pattern: pattern.withOwnStorage, tokens: tokens.withOwnStorage)
    }

    /// Parses a pattern; returns `nil` when it has no year, month and day, repeats a field,
    /// or contains a non-ASCII literal.
    public init?(_ pattern: String) {
        let bytes = Array(pattern.utf8)
        var tokens: [Token] = []
        var index = 0
        func run(of byte: UInt8) -> Int {
            var end = index
            while end < bytes.count, bytes[end] == byte { end += 1 }
            return end - index
        }
        while index < bytes.count {
            let byte = bytes[index]
            let length = run(of: byte)
            let token: Token
            switch (byte, length) {
            case (UInt8(ascii: "y"), 4): token = .year
            case (UInt8(ascii: "M"), 1...2): token = .month(fixed: length == 2)
            case (UInt8(ascii: "d"), 1...2): token = .day(fixed: length == 2)
            case (UInt8(ascii: "H"), 2): token = .hour
            case (UInt8(ascii: "m"), 2): token = .minute
            case (UInt8(ascii: "s"), 2): token = .second
            case (UInt8(ascii: "y"), _), (UInt8(ascii: "M"), _), (UInt8(ascii: "d"), _), (UInt8(ascii: "H"), _),
                (UInt8(ascii: "m"), _), (UInt8(ascii: "s"), _):
                return nil
            default:
                guard byte < 0x80, !(byte >= 0x41 && byte <= 0x5A) && !(byte >= 0x61 && byte <= 0x7A) else { return nil }
                tokens.append(.literal(byte))
                index += 1
                continue
            }
            tokens.append(token)
            index += length
        }
        let fields = tokens.filter { if case .literal = $0 { false } else { true } }
        let kinds = fields.map { token -> Int in
            switch token {
            case .year: 0
            case .month: 1
            case .day: 2
            case .hour: 3
            case .minute: 4
            case .second: 5
            case .literal: 6
            }
        }
        guard Set(kinds).count == kinds.count, kinds.contains(0), kinds.contains(1), kinds.contains(2) else { return nil }
        if kinds.contains(5) && !kinds.contains(4) || kinds.contains(4) && !kinds.contains(3) { return nil }
        self.pattern = pattern
        self.tokens = tokens
    }

    public var description: String { pattern }

    /// Parses `text`; `nil` when it does not match or names an impossible date. `raw` keeps the text.
    public func parse(_ text: String) -> Timestamp? {
        // Native strings are contiguous: their bytes are read in place (no iterator per byte).
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ parse(bytes: $0, raw: text) }) { return parsed }
        return Array(text.utf8).withUnsafeBufferPointer { parse(bytes: $0, raw: text) }
    }

    private func parse(bytes: UnsafeBufferPointer<UInt8>, raw text: String) -> Timestamp? {
        var year = 0, month = 0, day = 0
        var hour: Int?, minute: Int?, second: Int?
        var position = 0
        let count = bytes.count
        func digits(min: Int, max: Int) -> Int? {
            var value = 0
            var taken = 0
            while taken < max, position < count {
                let byte = bytes[position]
                guard byte >= 0x30, byte <= 0x39 else { break }
                value = value * 10 + Int(byte &- 0x30)
                taken += 1
                position += 1
            }
            return taken >= min ? value : nil
        }
        for token in tokens {
            switch token {
            case .literal(let expected):
                guard position < count, bytes[position] == expected else { return nil }
                position += 1
            case .year: guard let value = digits(min: 4, max: 4) else { return nil }; year = value
            case .month(let fixed): guard let value = digits(min: fixed ? 2 : 1, max: 2) else { return nil }; month = value
            case .day(let fixed): guard let value = digits(min: fixed ? 2 : 1, max: 2) else { return nil }; day = value
            case .hour: guard let value = digits(min: 2, max: 2), value < 24 else { return nil }; hour = value
            case .minute: guard let value = digits(min: 2, max: 2), value < 60 else { return nil }; minute = value
            case .second: guard let value = digits(min: 2, max: 2), value <= 60 else { return nil }; second = value
            }
        }
        guard position == count, (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, year: year) else {
            return nil
        }
        let precision: TimePrecision = second != nil ? .second : minute != nil ? .minute : hour != nil ? .hour : .day
        return Timestamp(
            raw: text, precision: precision, year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
