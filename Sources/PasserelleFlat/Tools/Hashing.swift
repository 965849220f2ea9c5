import Foundation
import Crypto
import PasserelleModel

/// SHA-256 helpers (swift-crypto).
enum Hashing {
    /// SHA-256 of `bytes`, as the model's value (its hex text is made when read).
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> SHA256Hash {
        // `update(bufferPointer:)`: the bytes go to the digest directly, not through the
        // generic `DataProtocol` path of `hash(data:)`.
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        // A SHA-256 digest has 32 bytes.
        return hasher.finalize().withUnsafeBytes { SHA256Hash(bytes: $0)! }
    }

    /// SHA-256 of `bytes` (an array, a `Data`, a buffer...).
    static func sha256(_ bytes: some ContiguousBytes) -> SHA256Hash {
        bytes.withUnsafeBytes { sha256($0) }
    }
}
