/// How precise a timestamp is.
public enum TimePrecision: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case year, month, day, hour, minute, second, fraction

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: TimePrecision, rhs: TimePrecision) -> Bool { lhs.rank < rhs.rank }
}

/// An HL7 TS value (`YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+|-ZZzz]`) with its precision and offset.
///
/// The original text is kept as read (`raw`); components below the precision are `nil`.
public struct Timestamp: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text as written in the source.
    public var raw: String
    /// Precision of the value.
    public var precision: TimePrecision
    public var year: Int
    /// Fractional seconds digits as written (e.g. `"123"` for `.123`).
    public var fraction: String?
    // The components below the year are stored on two bytes each (`TimeComponent`): a
    // timestamp is copied with every patient and document, and as six `Int?` it took 138 bytes.
    /// Month 1...12.
    @TimeComponent public var month: Int?
    /// Day of the month 1...31.
    @TimeComponent public var day: Int?
    /// Hour 0...23.
    @TimeComponent public var hour: Int?
    /// Minute 0...59.
    @TimeComponent public var minute: Int?
    /// Second 0...60.
    @TimeComponent public var second: Int?
    /// Offset from UTC in minutes, when written (`+0100` → 60).
    @TimeComponent public var utcOffsetMinutes: Int?

    /// Why the time is absent (then `raw` is empty and the components are meaningless).
    public var nullFlavor: NullFlavor?

    /// The JSON form is that of a plain struct with `Int?` components, keys in this order,
    /// absent components omitted (see `TimeComponent`'s container methods).
    private enum CodingKeys: String, CodingKey {
        case raw, precision, year, month, day, hour, minute, second, fraction, utcOffsetMinutes, nullFlavor
    }

    /// An absent timestamp carrying a null flavor.
    public static func absent(_ nullFlavor: NullFlavor) -> Timestamp {
        Timestamp(raw: "", precision: .year, year: 0, nullFlavor: nullFlavor)
    }

    /// Creates a timestamp from components.
    public init(
        raw: String, precision: TimePrecision, year: Int, month: Int? = nil, day: Int? = nil,
        hour: Int? = nil, minute: Int? = nil, second: Int? = nil, fraction: String? = nil,
        utcOffsetMinutes: Int? = nil, nullFlavor: NullFlavor? = nil
    ) {
        self.raw = raw
        self.precision = precision
        self.year = year
        self.fraction = fraction
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.utcOffsetMinutes = utcOffsetMinutes
        self.nullFlavor = nullFlavor
    }

    /// Parses the HL7 TS form; returns `nil` when the text is not a valid timestamp
    /// (wrong length, non-digits, out-of-range month/day/hour/minute/second or offset).
    public init?(hl7 text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }
        func atDigit() -> Bool { index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 }

        guard let year = digits(4) else { return nil }
        var result = Timestamp(raw: text, precision: .year, year: year)
        let steps: [(WritableKeyPath<Timestamp, Int?>, TimePrecision, ClosedRange<Int>)] = [
            (\.month, .month, 1...12), (\.day, .day, 1...31), (\.hour, .hour, 0...23),
            (\.minute, .minute, 0...59), (\.second, .second, 0...60),
        ]
        for (keyPath, precision, range) in steps {
            guard atDigit() else { break }
            guard let value = digits(2), range.contains(value) else { return nil }
            result[keyPath: keyPath] = value
            result.precision = precision
        }
        if let month = result.month, let day = result.day, day > Timestamp.daysIn(month: month, year: year) {
            return nil
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "."), result.precision == .second {
            index += 1
            let start = index
            while atDigit() { index += 1 }
            guard index > start else { return nil }
            result.fraction = String(decoding: bytes[start..<index], as: UTF8.self)
            result.precision = .fraction
        }
        if index < bytes.count {
            let sign = bytes[index]
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
            index += 1
            guard let hours = digits(2), let minutes = digits(2), hours <= 14, minutes < 60 else { return nil }
            let total = hours * 60 + minutes
            result.utcOffsetMinutes = sign == UInt8(ascii: "-") ? -total : total
        }
        guard index == bytes.count else { return nil }
        self = result
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// ISO 8601 rendering at the value's precision (`2019-12-03T13:30:00+01:00`, `1979-03`).
    public var iso8601: String {
        guard nullFlavor == nil else { return "" }
        func pad(_ value: Int, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = pad(year, 4)
        if let month { text += "-" + pad(month) }
        if let day { text += "-" + pad(day) }
        if let hour {
            text += "T" + pad(hour) + ":" + pad(minute ?? 0)
            if let second { text += ":" + pad(second) }
            if let fraction { text += "." + fraction }
            if let offset = utcOffsetMinutes {
                text += (offset < 0 ? "-" : "+") + pad(abs(offset) / 60) + ":" + pad(abs(offset) % 60)
            }
        }
        return text
    }

    public var description: String { nullFlavor.map { "nullFlavor=\($0.rawValue)" } ?? raw }
}

/// An optional time component (month, day, hour, minute, second, UTC offset) stored on two bytes.
///
/// Coded like a plain `Int?` property: omitted when nil, nil when absent; a value outside
/// `range` is refused when decoding, and is a programming error when assigned.
@propertyWrapper
public struct TimeComponent: Sendable, Hashable {
    /// The values a component can hold (any two-digit field, any UTC offset).
    public static let range = Int(Int16.min) + 1...Int(Int16.max)
    /// The stored form of nil.
    private static let absent = Int16.min

    private var stored: Int16

    public init(wrappedValue: Int?) { stored = Self.store(wrappedValue) }

    public var wrappedValue: Int? {
        get { stored == Self.absent ? nil : Int(stored) }
        set { stored = Self.store(newValue) }
    }

    private static func store(_ value: Int?) -> Int16 {
        guard let value else { return absent }
        precondition(range.contains(value), "timestamp component \(value) out of range")
        return Int16(value)
    }
}

extension TimeComponent: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard !container.decodeNil() else {
            self.init(wrappedValue: nil)
            return
        }
        let value = try container.decode(Int.self)
        guard Self.range.contains(value) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "timestamp component out of range")
        }
        self.init(wrappedValue: value)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = wrappedValue { try container.encode(value) } else { try container.encodeNil() }
    }
}

extension KeyedEncodingContainer {
    /// Encodes a time component like a plain optional property: omitted when nil.
    public mutating func encode(_ value: TimeComponent, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue, forKey: key)
    }
}

extension KeyedDecodingContainer {
    /// Decodes a time component like a plain optional property: an absent key or null is nil;
    /// a value outside `TimeComponent.range` is refused.
    public func decode(_ type: TimeComponent.Type, forKey key: Key) throws -> TimeComponent {
        try decodeIfPresent(TimeComponent.self, forKey: key) ?? TimeComponent(wrappedValue: nil)
    }
}

/// An HL7 IVL_TS interval: `low`/`high` bounds, or a single `value`/`center`.
public struct Period: Sendable, Hashable, Codable {
    /// Lower bound.
    public var low: Timestamp?
    /// Upper bound.
    public var high: Timestamp?
    /// A point value (`value` attribute or `center`).
    public var value: Timestamp?
    /// Why the interval is absent.
    public var nullFlavor: NullFlavor?

    /// Creates an interval.
    public init(low: Timestamp? = nil, high: Timestamp? = nil, value: Timestamp? = nil, nullFlavor: NullFlavor? = nil) {
        self.low = low
        self.high = high
        self.value = value
        self.nullFlavor = nullFlavor
    }
}
