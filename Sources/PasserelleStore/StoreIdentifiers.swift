/// Identifier of a stored document (a store-assigned number; the CDA id is the document key).
public struct DocumentID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The number.
    public var rawValue: Int64
    /// Creates an identifier.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Identifier of a quarantine item.
public struct QuarantineID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The number.
    public var rawValue: Int64
    /// Creates an identifier.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
