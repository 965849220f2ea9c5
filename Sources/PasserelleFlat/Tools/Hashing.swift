import Crypto
import PasserelleModel

/// SHA-256 helpers (swift-crypto).
enum Hashing {
    /// Lower-case hex SHA-256 of `bytes`.
    static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        // `update(bufferPointer:)`: the bytes go to the digest directly, not through the
        // generic `DataProtocol` path of `hash(data:)`.
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return Hex.lowercase(hasher.finalize())
    }

    /// Lower-case hex SHA-256 of `bytes`.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { sha256Hex($0) }
    }
}
