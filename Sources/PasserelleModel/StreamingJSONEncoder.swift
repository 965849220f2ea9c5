public import Foundation

/// A JSON encoder that writes straight into a byte buffer while the value encodes itself, with
/// no intermediate tree: keys come out in the order the value encodes them (for synthesized
/// `Codable`, the order of the stored properties), so equal values give equal text without
/// sorting.
///
/// The output decodes with `JSONDecoder`'s default strategies: `Data` is written as base64,
/// `Date` as its reference-date seconds (`deferredToDate`), `URL` as its absolute string;
/// non-finite floating-point numbers are refused (`EncodingError.invalidValue`), as by
/// `JSONEncoder`. A value that encodes nothing is written `{}`.
///
/// Not for values holding dictionaries or sets: those encode in their (per-process) hash order,
/// which `JSONEncoder(.sortedKeys)` would sort.
public struct StreamingJSONEncoder: Sendable {
    /// Contextual information for the values' `encode(to:)` (as `JSONEncoder.userInfo`; e.g.
    /// `.includeAttachmentPayloads`).
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates an encoder.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) { self.userInfo = userInfo }

    /// The JSON bytes of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> Data {
        Data(try encodeToUTF8(value))
    }

    /// The JSON text of `value` as UTF-8 bytes (valid UTF-8: every string written comes from a
    /// Swift `String`), for callers that hand the bytes on without a `String` (and its validation).
    public func encodeToUTF8<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = JSONByteWriter(userInfo: userInfo)
        try writer.write(value)
        return writer.bytes
    }

    /// The JSON text of `value`.
    public func encodeToString<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encodeToUTF8(value), as: UTF8.self)
    }
}

/// The output buffer and the value dispatch shared by every container of one encoding.
final class JSONByteWriter {
    // Touched by every member written, always from the one thread encoding the value: dynamic
    // exclusivity checks on it were about 7 % of the encoder's time.
    @exclusivity(unchecked) var bytes: [UInt8] = []
    let userInfo: [CodingUserInfoKey: Any]

    init(userInfo: [CodingUserInfoKey: any Sendable]) {
        self.userInfo = userInfo
        bytes.reserveCapacity(16 << 10)
    }

    /// Writes `value`, nested under `key` of `parent` (for error paths, computed only when asked).
    /// Strings, integers, booleans and doubles are recognised by their type, not by a dynamic
    /// cast (a model encodes tens of thousands of them).
    func write<T: Encodable>(_ value: T, parent: JSONValueEncoder? = nil, key: (any CodingKey)? = nil) throws {
        if T.self == String.self {
            writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            writeInteger(unsafeBitCast(value, to: Int.self))
        } else if T.self == Bool.self {
            writeRaw(unsafeBitCast(value, to: Bool.self) ? "true" : "false")
        } else if T.self == Double.self {
            try writeFloat(unsafeBitCast(value, to: Double.self), codingPath: JSONValueEncoder.path(parent, key))
        } else if T.self == Data.self, let data = value as? Data {
            writeString(data.base64EncodedString())
        } else if T.self == URL.self, let url = value as? URL {
            writeString(url.absoluteString)
        } else {
            let encoder = JSONValueEncoder(writer: self, parent: parent, key: key)
            try value.encode(to: encoder)
            encoder.close()
        }
    }

    func writeRaw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    func writeInteger<I: BinaryInteger>(_ value: I) {
        bytes.append(contentsOf: String(value).utf8)
    }

    func writeFloat<F: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: F, codingPath: @autoclosure () -> [any CodingKey]
    ) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: codingPath(), debugDescription: "\(value) is not representable in JSON"))
        }
        bytes.append(contentsOf: value.description.utf8)
    }

    func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return }
            var runStart = 0
            var index = 0
            while true {
                // The next byte JSON escapes: a control character, a quote or a backslash.
                index = ByteScan.firstIndex(base, from: index, to: utf8.count, below: 0x20, or: UInt8(ascii: "\""), UInt8(ascii: "\\"))
                guard index < utf8.count else { break }
                let byte = utf8[index]
                defer { index += 1 }
                if index > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): writeRaw("\\\"")
                case UInt8(ascii: "\\"): writeRaw("\\\\")
                case 0x0A: writeRaw("\\n")
                case 0x0D: writeRaw("\\r")
                case 0x09: writeRaw("\\t")
                case 0x08: writeRaw("\\b")
                case 0x0C: writeRaw("\\f")
                default:
                    let digits: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
                }
            }
            if utf8.count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// The `Encoder` of one JSON value. It opens its object, array or single value on first use
/// and closes it in ``close()``, after the value's `encode(to:)` returned. A nested container
/// or super-encoder is closed before the next member is written.
final class JSONValueEncoder: Encoder {
    enum Shape {
        case none, object, array, single
    }

    let writer: JSONByteWriter
    /// The encoder of the enclosing value, and the key of this value in it (`nil` in an array).
    private let parent: JSONValueEncoder?
    private let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { writer.userInfo }
    @exclusivity(unchecked) private(set) var shape = Shape.none
    @exclusivity(unchecked) private var members = 0
    @exclusivity(unchecked) private var openChild: JSONValueEncoder?

    init(writer: JSONByteWriter, parent: JSONValueEncoder?, key: (any CodingKey)?) {
        self.writer = writer
        self.parent = parent
        self.key = key
    }

    /// The keys from the root down to this value (built only when asked: errors, or a value's
    /// own `encode(to:)` reading it).
    var codingPath: [any CodingKey] { Self.path(parent, key) }

    /// The path of a value under `key` of `parent`.
    static func path(_ parent: JSONValueEncoder?, _ key: (any CodingKey)?) -> [any CodingKey] {
        var path = parent?.codingPath ?? []
        if let key { path.append(key) }
        return path
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        open(.object)
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        open(.array)
        return JSONUnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        open(.single)
        return JSONSingleValueContainer(encoder: self)
    }

    private func open(_ wanted: Shape) {
        guard shape == .none else { return }
        shape = wanted
        switch wanted {
        case .object: writer.bytes.append(UInt8(ascii: "{"))
        case .array: writer.bytes.append(UInt8(ascii: "["))
        case .single, .none: break
        }
    }

    /// Starts the next member: closes a nested container left open, writes the separator and,
    /// in an object, the key.
    func beginMember(key: (any CodingKey)?) {
        closeChild()
        if members > 0 { writer.bytes.append(UInt8(ascii: ",")) }
        members += 1
        if let key {
            writer.writeString(key.stringValue)
            writer.bytes.append(UInt8(ascii: ":"))
        }
    }

    /// An encoder for a nested value written at the current position (closed lazily).
    func child(at key: (any CodingKey)?) -> JSONValueEncoder {
        let nested = JSONValueEncoder(writer: writer, parent: self, key: key)
        openChild = nested
        return nested
    }

    private func closeChild() {
        guard let child = openChild else { return }
        openChild = nil
        child.close()
    }

    /// Ends the value: closes what is open; a value that wrote nothing becomes `{}`.
    func close() {
        closeChild()
        switch shape {
        case .object: writer.bytes.append(UInt8(ascii: "}"))
        case .array: writer.bytes.append(UInt8(ascii: "]"))
        case .single: break
        case .none: writer.writeRaw("{}")
        }
    }

    func encodeNested<T: Encodable>(_ value: T, key: (any CodingKey)?) throws {
        try writer.write(value, parent: self, key: key)
    }
}

struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) throws {
        encoder.beginMember(key: key)
        encoder.writer.writeRaw("null")
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        encoder.beginMember(key: key)
        encoder.writer.writeRaw(value ? "true" : "false")
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        encoder.beginMember(key: key)
        encoder.writer.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        encoder.beginMember(key: key)
        try encoder.writer.writeFloat(value, codingPath: codingPath + [key])
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        encoder.beginMember(key: key)
        try encoder.writer.writeFloat(value, codingPath: codingPath + [key])
    }

    mutating func encode(_ value: Int, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { encoder.beginMember(key: key); encoder.writer.writeInteger(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        encoder.beginMember(key: key)
        try encoder.encodeNested(value, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.beginMember(key: key)
        return encoder.child(at: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.beginMember(key: key)
        return encoder.child(at: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        encoder.beginMember(key: JSONSuperKey())
        return encoder.child(at: JSONSuperKey())
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.beginMember(key: key)
        return encoder.child(at: key)
    }
}

struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    private(set) var count = 0

    init(encoder: JSONValueEncoder) { self.encoder = encoder }

    private mutating func begin() {
        encoder.beginMember(key: nil)
        count += 1
    }

    mutating func encodeNil() throws { begin(); encoder.writer.writeRaw("null") }
    mutating func encode(_ value: Bool) throws { begin(); encoder.writer.writeRaw(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { begin(); encoder.writer.writeString(value) }
    mutating func encode(_ value: Double) throws { begin(); try encoder.writer.writeFloat(value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { begin(); try encoder.writer.writeFloat(value, codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { begin(); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { begin(); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { begin(); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { begin(); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { begin(); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { begin(); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { begin(); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { begin(); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { begin(); encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { begin(); encoder.writer.writeInteger(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        begin()
        try encoder.encodeNested(value, key: nil)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        begin()
        return encoder.child(at: nil).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        begin()
        return encoder.child(at: nil).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        begin()
        return encoder.child(at: nil)
    }
}

struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.writer.writeRaw("null") }
    mutating func encode(_ value: Bool) throws { encoder.writer.writeRaw(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { encoder.writer.writeString(value) }
    mutating func encode(_ value: Double) throws { try encoder.writer.writeFloat(value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { try encoder.writer.writeFloat(value, codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { encoder.writer.writeInteger(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.encodeNested(value, key: nil)
    }
}

/// The key of `superEncoder()`, as `JSONEncoder` names it.
struct JSONSuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}
