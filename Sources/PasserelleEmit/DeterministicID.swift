import Crypto
import Foundation
import PasserelleModel

/// Name-based UUIDs (RFC 9562 version 5: SHA-1 of a namespace UUID and a name) used as FHIR
/// resource ids, so that converting the same document twice yields the same ids.
enum DeterministicID {
    /// Passerelle's namespace UUID for resource ids (itself the version-5 UUID of the name
    /// "passerelle.emit" in the RFC 9562 URL namespace, `e94a5b8f-262d-5b29-b946-ef4ded76f03e`).
    static let namespace: [UInt8] = [
        0xe9, 0x4a, 0x5b, 0x8f, 0x26, 0x2d, 0x5b, 0x29, 0xb9, 0x46, 0xef, 0x4d, 0xed, 0x76, 0xf0, 0x3e,
    ]

    /// The lower-case UUID string for `name` (e.g. `Patient|canonical|P-0001`).
    static func uuid(for name: String) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: Data(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.lowercase(bytes)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}

/// Digests of bytes in the forms FHIR and the model use.
enum Digests {
    /// Base64 of the SHA-1 (FHIR R4 `Attachment.hash`).
    static func sha1Base64(_ data: Data) -> String {
        Data(Insecure.SHA1.hash(data: data)).base64EncodedString()
    }

    /// Lower-case hex SHA-256 (the model's form).
    static func sha256Hex(_ data: Data) -> String {
        Hex.lowercase(SHA256.hash(data: data))
    }
}
