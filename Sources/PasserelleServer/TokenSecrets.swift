import Crypto
import PasserelleModel
public import Foundation

/// API token secrets: `psr_` followed by 32 random bytes in base64url. Only their SHA-256 is
/// stored; the secret is shown once, when the token is created.
public enum TokenSecrets {
    /// A new random secret.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = generator.next() }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "psr_" + text
    }

    /// Lower-case hex SHA-256 of a secret, as stored.
    public static func hash(_ secret: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(secret.utf8)))
    }
}
