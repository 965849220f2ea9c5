/// How precise a timestamp is.
public enum TimePrecision: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case year, month, day, hour, minute, second, fraction

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: TimePrecision, rhs: TimePrecision) -> Bool { lhs.rank < rhs.rank }
}

/// An HL7 TS value (`YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+|-ZZzz]`) with its precision and offset.
///
/// The original text is kept as read (`raw`); components below the precision are `nil`.
public struct Timestamp: Sendable, Hashable, CustomStringConvertible {
    /// The text as written in the source.
    public var raw: String
    /// Precision of the value.
    public var precision: TimePrecision
    public var year: Int
    /// Fractional seconds digits as written (e.g. `"123"` for `.123`).
    public var fraction: String?
    // The components below the year are stored on two bytes each (`absentComponent`: nil):
    // a timestamp is copied with every patient and document, and as six `Int?` it took 138
    // bytes instead of 56.
    private var monthValue: Int16
    private var dayValue: Int16
    private var hourValue: Int16
    private var minuteValue: Int16
    private var secondValue: Int16
    private var offsetValue: Int16

    /// Why the time is absent (then `raw` is empty and the components are meaningless).
    public var nullFlavor: NullFlavor?

    /// Month 1...12.
    public var month: Int? {
        get { Self.component(monthValue) }
        set { monthValue = Self.stored(newValue) }
    }
    /// Day of the month 1...31.
    public var day: Int? {
        get { Self.component(dayValue) }
        set { dayValue = Self.stored(newValue) }
    }
    /// Hour 0...23.
    public var hour: Int? {
        get { Self.component(hourValue) }
        set { hourValue = Self.stored(newValue) }
    }
    /// Minute 0...59.
    public var minute: Int? {
        get { Self.component(minuteValue) }
        set { minuteValue = Self.stored(newValue) }
    }
    /// Second 0...60.
    public var second: Int? {
        get { Self.component(secondValue) }
        set { secondValue = Self.stored(newValue) }
    }
    /// Offset from UTC in minutes, when written (`+0100` → 60).
    public var utcOffsetMinutes: Int? {
        get { Self.component(offsetValue) }
        set { offsetValue = Self.stored(newValue) }
    }

    /// The stored form of an absent component.
    private static let absentComponent = Int16.min
    /// The values a component can hold (any two-digit field, any UTC offset).
    public static let componentRange = Int(Int16.min) + 1...Int(Int16.max)

    @inline(__always)
    private static func component(_ stored: Int16) -> Int? { stored == absentComponent ? nil : Int(stored) }

    @inline(__always)
    private static func stored(_ value: Int?) -> Int16 {
        guard let value else { return absentComponent }
        precondition(componentRange.contains(value), "timestamp component \(value) out of range")
        return Int16(value)
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
        monthValue = Self.stored(month)
        dayValue = Self.stored(day)
        hourValue = Self.stored(hour)
        minuteValue = Self.stored(minute)
        secondValue = Self.stored(second)
        offsetValue = Self.stored(utcOffsetMinutes)
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

/// The JSON form is that of a plain struct with `Int?` components (keys in declaration order,
/// absent components omitted); a component outside `componentRange` is refused when decoding.
extension Timestamp: Codable {
    private enum CodingKeys: String, CodingKey {
        case raw, precision, year, month, day, hour, minute, second, fraction, utcOffsetMinutes, nullFlavor
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func component(_ key: CodingKeys) throws -> Int? {
            guard let value = try container.decodeIfPresent(Int.self, forKey: key) else { return nil }
            guard Self.componentRange.contains(value) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "timestamp component out of range")
            }
            return value
        }
        self.init(
            raw: try container.decode(String.self, forKey: .raw),
            precision: try container.decode(TimePrecision.self, forKey: .precision),
            year: try container.decode(Int.self, forKey: .year),
            month: try component(.month), day: try component(.day), hour: try component(.hour),
            minute: try component(.minute), second: try component(.second),
            fraction: try container.decodeIfPresent(String.self, forKey: .fraction),
            utcOffsetMinutes: try component(.utcOffsetMinutes),
            nullFlavor: try container.decodeIfPresent(NullFlavor.self, forKey: .nullFlavor))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(raw, forKey: .raw)
        try container.encode(precision, forKey: .precision)
        try container.encode(year, forKey: .year)
        try container.encodeIfPresent(month, forKey: .month)
        try container.encodeIfPresent(day, forKey: .day)
        try container.encodeIfPresent(hour, forKey: .hour)
        try container.encodeIfPresent(minute, forKey: .minute)
        try container.encodeIfPresent(second, forKey: .second)
        try container.encodeIfPresent(fraction, forKey: .fraction)
        try container.encodeIfPresent(utcOffsetMinutes, forKey: .utcOffsetMinutes)
        try container.encodeIfPresent(nullFlavor, forKey: .nullFlavor)
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
