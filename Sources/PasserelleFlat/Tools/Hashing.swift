import Foundation
import CPasserelleSystem
import Crypto
import PasserelleModel

/// SHA-256 helpers.
enum Hashing {
    /// SHA-256 of `bytes`, as the model's value (its hex text is made when read).
    ///
    /// Every row of an export is hashed: on Linux the digest is made in one call with its context
    /// on the stack (`passerelle_sha256`, the BoringSSL swift-crypto links in), about 125 ns less
    /// per row than swift-crypto's `SHA256`, which allocates and zeroizes a context object per
    /// digest; elsewhere, through swift-crypto.
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> SHA256Hash {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digest) { out in
            guard passerelle_sha256(bytes.baseAddress, bytes.count, out.baseAddress?.assumingMemoryBound(to: UInt8.self)) == 0,
                let hash = SHA256Hash(bytes: UnsafeRawBufferPointer(out))
            else { return portableSHA256(bytes) }
            return hash
        }
    }

    /// SHA-256 of `bytes` through swift-crypto's API (the fallback of ``sha256(_:)-(UnsafeRawBufferPointer)``).
    static func portableSHA256(_ bytes: UnsafeRawBufferPointer) -> SHA256Hash {
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
