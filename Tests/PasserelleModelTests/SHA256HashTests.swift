import Foundation
import PasserelleModel
import Testing

/// A digest held as bytes reads back as the text it was given; `Provenance.sha256` keeps its
/// meaning (text in, same text out, same JSON) whichever form it is stored in.
@Suite struct SHA256HashTests {
    static let text = "0123456789abcdef00ff10ee20dd30cc40bb50aa6099708880779066a055b044"

    @Test func bytesAndHexTextRoundTrip() throws {
        let bytes: [UInt8] = (0..<32).map { UInt8($0 * 8 + 1) }
        let hash = try #require(bytes.withUnsafeBytes { SHA256Hash(bytes: $0) })
        #expect(hash.hex == Hex.lowercase(bytes))
        #expect(hash.withUnsafeBytes { Array($0) } == bytes)
        #expect(SHA256Hash(hex: hash.hex) == hash)
        #expect(SHA256Hash(hex: Self.text)?.hex == Self.text)
        #expect(hash.description == hash.hex)
    }

    @Test("only 32 bytes or 64 lower-case hex digits make a digest", arguments: [
        "", "00", String(repeating: "a", count: 63), String(repeating: "a", count: 65),
        String(repeating: "A", count: 64), String(repeating: "g", count: 64), String(repeating: "é", count: 32),
    ])
    func malformedTextIsNoDigest(text: String) {
        #expect(SHA256Hash(hex: text) == nil)
    }

    @Test func thirtyOneBytesAreNoDigest() {
        #expect([UInt8](repeating: 1, count: 31).withUnsafeBytes { SHA256Hash(bytes: $0) } == nil)
        #expect([UInt8](repeating: 1, count: 33).withUnsafeBytes { SHA256Hash(bytes: $0) } == nil)
    }

    @Test func provenanceGivesBackTheTextItWasGiven() throws {
        let date = Date(timeIntervalSince1970: 1_704_537_383)
        let fromText = Provenance(sourceName: "a.csv", size: 3, sha256: Self.text, format: .flatExport, receivedAt: date)
        let hash = try #require(SHA256Hash(hex: Self.text))
        let fromHash = Provenance(sourceName: "a.csv", size: 3, sha256: hash, format: .flatExport, receivedAt: date)
        #expect(fromText.sha256 == Self.text)
        #expect(fromHash.sha256 == Self.text)
        #expect(fromText == fromHash)
        #expect(fromText.hashValue == fromHash.hashValue)
        #expect(fromText.sha256Hash == hash)
        // Any other text is kept as given (and has no bytes).
        var other = fromText
        other.sha256 = "not-a-digest"
        #expect(other.sha256 == "not-a-digest")
        #expect(other.sha256Hash == nil)
        #expect(other != fromText)
        other.sha256 = Self.text.uppercased()
        #expect(other.sha256 == Self.text.uppercased())
    }

    @Test func provenanceJSONIsTheSameWhicheverFormHoldsTheDigest() throws {
        let date = Date(timeIntervalSince1970: 1_704_537_383)
        let hash = try #require(SHA256Hash(hex: Self.text))
        let provenance = Provenance(sourceName: "a.csv", size: 3, sha256: hash, format: .flatExport, receivedAt: date, records: 2...2)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let json = String(decoding: try encoder.encode(provenance), as: UTF8.self)
        #expect(json == #"{"format":"flat-export","receivedAt":"2024-01-06T10:36:23Z","records":[2,2],"sha256":"\#(Self.text)","size":3,"sourceName":"a.csv"}"#)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let decoded = try decoder.decode(Provenance.self, from: Data(json.utf8))
        #expect(decoded == provenance)
        var noRecords = provenance
        noRecords.records = nil
        #expect(!String(decoding: try encoder.encode(noRecords), as: UTF8.self).contains("records"))
    }
}
