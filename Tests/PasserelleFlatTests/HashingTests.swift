import CPasserelleSystem
import Crypto
import Foundation
import PasserelleModel
import Testing
@testable import PasserelleFlat

/// The per-row digest: BoringSSL's one-shot SHA-256 where swift-crypto links it in, swift-crypto's
/// API elsewhere; both must give the standard digest.
struct HashingTests {
    /// Known digests (FIPS 180-2 examples and the empty input).
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownDigests(text: String, hex: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { Hashing.sha256($0) }.hex == hex)
        #expect(bytes.withUnsafeBytes { Hashing.portableSHA256($0) }.hex == hex)
    }

    /// Every length from 0 to 300 bytes (the padding cases around each 64-byte block) and some
    /// long inputs, at every alignment of the first byte: the same digest as swift-crypto's.
    @Test func sameDigestAsSwiftCryptoAtEveryLengthAndAlignment() {
        var generator = SystemRandomNumberGenerator()
        let pool = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        pool.withUnsafeBytes { all in
            for length in Array(0...300) + [1_000, 4_096, 65_537] {
                for start in 0..<(length < 300 ? 4 : 1) {
                    let bytes = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    let expected = SHA256.hash(data: bytes).withUnsafeBytes { SHA256Hash(bytes: $0)! }
                    #expect(Hashing.sha256(bytes) == expected, "length \(length) start \(start)")
                }
            }
        }
    }

    /// On Linux the fast path must be there: a swift-crypto that renamed its BoringSSL symbols
    /// would silently put every row back on the slower path.
    @Test func oneShotDigestIsLinkedOnLinux() {
        var digest = [UInt8](repeating: 0, count: 32)
        let result = passerelle_sha256("abc", 3, &digest)
        #if os(Linux)
        #expect(result == 0)
        #expect(digest.withUnsafeBytes { SHA256Hash(bytes: $0) }?.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #else
        #expect(result == 0 || digest == [UInt8](repeating: 0, count: 32))
        #endif
    }
}
