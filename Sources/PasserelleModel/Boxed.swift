/// Keeps an optional, rarely-used large value out of line, behind a copy-on-write reference,
/// so that copying the struct holding it copies one pointer instead of hundreds of bytes.
///
/// It changes neither the API (the property keeps its `T?` type) nor the Codable form: a nil
/// value is omitted and an absent key decodes as nil, exactly as for a plain optional property.
@propertyWrapper
public struct Boxed<Wrapped: Sendable & Hashable>: Sendable, Hashable {
    private final class Storage: @unchecked Sendable {
        // Mutated only after a uniqueness check (copy on write).
        var value: Wrapped
        init(_ value: Wrapped) { self.value = value }
    }

    private var storage: Storage?

    /// Wraps a value (`nil` allocates nothing).
    public init(wrappedValue: Wrapped?) {
        storage = wrappedValue.map(Storage.init)
    }

    /// The value.
    public var wrappedValue: Wrapped? {
        get { storage?.value }
        set {
            guard let newValue else {
                storage = nil
                return
            }
            if storage != nil, isKnownUniquelyReferenced(&storage!) {
                storage!.value = newValue
            } else {
                storage = Storage(newValue)
            }
        }
    }

    /// The wrapper itself (`$property`): assigning it to another value's property shares the
    /// box instead of copying the value into a new one.
    public var projectedValue: Boxed {
        get { self }
        set { self = newValue }
    }

    /// Whether both hold the same box (not only equal values).
    public func sharesStorage(with other: Boxed) -> Bool {
        if let left = storage, let right = other.storage { return left === right }
        return false
    }

    public static func == (lhs: Boxed, rhs: Boxed) -> Bool {
        lhs.sharesStorage(with: rhs) || lhs.wrappedValue == rhs.wrappedValue
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(wrappedValue) }
}

extension Boxed: Codable where Wrapped: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(wrappedValue: container.decodeNil() ? nil : try container.decode(Wrapped.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = wrappedValue { try container.encode(value) } else { try container.encodeNil() }
    }
}

extension KeyedEncodingContainer {
    /// Encodes a boxed optional like a plain optional property: omitted when nil.
    public mutating func encode<Wrapped: Codable>(_ value: Boxed<Wrapped>, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue, forKey: key)
    }
}

extension KeyedDecodingContainer {
    /// Decodes a boxed optional like a plain optional property: an absent key or null is nil.
    public func decode<Wrapped: Codable>(_ type: Boxed<Wrapped>.Type, forKey key: Key) throws -> Boxed<Wrapped> {
        Boxed(wrappedValue: try decodeIfPresent(Wrapped.self, forKey: key))
    }
}
