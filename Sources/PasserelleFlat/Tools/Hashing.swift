import Crypto
import PasserelleModel

/// SHA-256 helpers (swift-crypto).
enum Hashing {
    /// Lower-case hex SHA-256 of `bytes`.
    static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        Hex.lowercase(SHA256.hash(data: bytes))
    }

    /// Lower-case hex SHA-256 of `bytes`.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { sha256Hex($0) }
    }
}
