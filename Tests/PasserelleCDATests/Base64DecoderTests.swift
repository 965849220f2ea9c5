import Foundation
import Testing

@testable import PasserelleCDA

/// The strict base64 decoder used for CDA attachments: exact bytes, wrapped lines, padding,
/// and errors at the right offsets.
@Suite struct Base64DecoderTests {
    private func decode(_ text: String) -> Result<Data, Base64Decoder.Failure> {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { Base64Decoder.decode($0) }
    }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 57, 58, 59, 1000, 4097])
    func decodesWhatFoundationEncodes(length: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let payload = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
        for options: Data.Base64EncodingOptions in [[], [.lineLength64Characters], [.lineLength76Characters, .endLineWithLineFeed]] {
            let decoded = try decode(payload.base64EncodedString(options: options)).get()
            #expect(decoded == payload)
        }
    }

    @Test func skipsWhiteSpaceAnywhere() throws {
        #expect(try decode("  SGVs\n\tbG8s\r\nIHdv cmxk IQ==  ").get() == Data("Hello, world!".utf8))
        #expect(try decode("S G V s").get() == Data("Hel".utf8))
    }

    @Test func reportsInvalidCharacterOffsets() {
        #expect(decode("SGVsbG8*") == .failure(.invalidCharacter(offset: 7)))
        #expect(decode("SGVs\nbG8-") == .failure(.invalidCharacter(offset: 8)))
        // Data after padding, and too much padding.
        #expect(decode("SGVsbA==SGVs") == .failure(.invalidCharacter(offset: 8)))
        #expect(decode("SGVsb===") == .failure(.invalidCharacter(offset: 7)))
    }

    @Test func reportsTruncatedInput() {
        #expect(decode("SGVsbG8") == .failure(.truncated))
        #expect(decode("S") == .failure(.truncated))
    }

    @Test func emptyAndBlankInputsDecodeToNothing() throws {
        #expect(try decode("").get().isEmpty)
        #expect(try decode(" \n ").get().isEmpty)
    }

    /// Every position of the eight- and four-character fast paths: an invalid byte, padding
    /// or white space there must give the same result as the byte-at-a-time definition.
    @Test func fastPathsKeepExactOffsetsAndWhiteSpace() throws {
        let payload = Data((0..<48).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) })
        let text = Array(payload.base64EncodedString().utf8)  // 64 characters, no padding
        for position in 0..<text.count {
            var broken = text
            broken[position] = UInt8(ascii: "*")
            let result = broken.withUnsafeBufferPointer { Base64Decoder.decode($0) }
            #expect(result == .failure(.invalidCharacter(offset: position)))
            var spaced = text
            spaced.insert(UInt8(ascii: "\n"), at: position)
            #expect(try spaced.withUnsafeBufferPointer { Base64Decoder.decode($0) }.get() == payload)
        }
    }
}
