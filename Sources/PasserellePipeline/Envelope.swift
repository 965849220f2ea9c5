import Crypto
public import Foundation
import PasserelleModel

/// One input as received: a source name, its exact bytes and when it arrived.
///
/// An envelope is the unit the pipeline reads; it may hold one document (CDA, HPRIM Net) or
/// several (HPRIM Santé, flat exports), each stored or quarantined on its own.
public struct Envelope: Sendable {
    /// The source: a path as given, `archive.zip!member` for an archive entry, `-` for stdin.
    public var sourceName: String
    /// The bytes exactly as received.
    public var bytes: Data
    /// When it was received.
    public var receivedAt: Date
    /// Lower-case hex SHA-256 of `bytes`.
    public let sha256: String

    /// Creates an envelope (hashes `bytes`).
    public init(sourceName: String, bytes: Data, receivedAt: Date = Date()) {
        self.sourceName = sourceName
        self.bytes = bytes
        self.receivedAt = receivedAt
        self.sha256 = Hashing.sha256Hex(bytes)
    }
}

/// SHA-256 helpers.
public enum Hashing {
    /// Lower-case hex SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String {
        Hex.lowercase(SHA256.hash(data: data))
    }

    /// A fixed-size key for `text` in an index of many names: its SHA-256 (no two names share one).
    static func key(_ text: String) -> SHA256Hash {
        SHA256.hash(data: Data(text.utf8)).withUnsafeBytes { SHA256Hash(bytes: $0)! }
    }
}
