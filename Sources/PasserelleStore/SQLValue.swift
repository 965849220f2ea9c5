public import Foundation

/// A value bound to a statement or read from a row. The store's schema only uses these four
/// column types (plus NULL) so that both dialects read and write them the same way.
enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// Text given as its UTF-8 bytes, which must be valid UTF-8 (the JSON encoder's output):
    /// bound as text without building a `String`. Never read back (rows hold `.text`).
    case utf8Text([UInt8])
    case blob(Data)

    /// The value as text, when it is text.
    var string: String? {
        switch self {
        case .text(let value): value
        case .utf8Text(let bytes): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// The value as an integer, when it is an integer (or a real with no fraction).
    var int64: Int64? {
        switch self {
        case .integer(let value): value
        case .real(let value) where value.rounded() == value: Int64(value)
        default: nil
        }
    }

    /// The value as an `Int`.
    var int: Int? { int64.map { Int($0) } }

    /// The value as a double, when it is numeric.
    var double: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    /// The value as bytes, when it is a blob.
    var data: Data? {
        if case .blob(let value) = self { return value }
        return nil
    }

    /// Whether the value is NULL.
    var isNull: Bool { self == .null }
}

/// Conversions of Swift values to bound values.
protocol SQLBindable {
    /// The value to bind.
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension Int: SQLBindable { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { var sqlValue: SQLValue { .real(self) } }
extension Data: SQLBindable { var sqlValue: SQLValue { .blob(self) } }
extension Bool: SQLBindable { var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One result row: values in the order of the SELECT list.
struct SQLRow: Sendable {
    /// The values.
    var values: [SQLValue]

    /// The value at `index` (NULL when out of range).
    subscript(_ index: Int) -> SQLValue { index < values.count ? values[index] : .null }
}
