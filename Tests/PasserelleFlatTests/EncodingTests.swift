import Testing
@testable import PasserelleFlat

struct EncodingTests {
    @Test func windows1252HasTheFullHighTable() throws {
        let decoder = TextDecoder(.windows1252)
        let expected: [UInt8: String] = [
            0x80: "€", 0x82: "‚", 0x83: "ƒ", 0x84: "„", 0x85: "…", 0x86: "†", 0x87: "‡", 0x88: "ˆ", 0x89: "‰",
            0x8A: "Š", 0x8B: "‹", 0x8C: "Œ", 0x8E: "Ž", 0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x95: "•",
            0x96: "–", 0x97: "—", 0x98: "˜", 0x99: "™", 0x9A: "š", 0x9B: "›", 0x9C: "œ", 0x9E: "ž", 0x9F: "Ÿ",
            0xE9: "é", 0xA0: "\u{A0}", 0xFF: "ÿ",
        ]
        for (byte, text) in expected {
            #expect(decoder.decode([byte]).text == text, "byte \(byte)")
        }
    }

    /// The decoder makes strings without the standard library validating them again, trusting the
    /// tables: every byte of every code page must decode to well-formed UTF-8 that is exactly its
    /// scalar's, alone and between ASCII runs, and the string must behave as a validated one.
    @Test(arguments: [TextEncoding.windows1252, .iso88591, .iso885915])
    func everyCodePageByteDecodesToWellFormedUTF8(encoding: TextEncoding) throws {
        let decoder = TextDecoder(encoding)
        for byte in 0...255 {
            let scalarValue = try #require(decoder.table?.scalars[byte])
            let decoded = decoder.decode([0x61, UInt8(byte), 0x62] + Array(repeating: 0x63, count: byte % 9))
            guard scalarValue != SingleByteTable.undefined else {
                #expect(decoded.text == nil, "byte \(byte)")
                continue
            }
            let text = try #require(decoded.text, "byte \(byte)")
            let scalar = try #require(Unicode.Scalar(scalarValue))
            let expected = "a" + String(Character(scalar)) + "b" + String(repeating: "c", count: byte % 9)
            #expect(Array(text.utf8) == Array(expected.utf8), "byte \(byte)")
            #expect(String(validating: Array(text.utf8), as: UTF8.self) == expected, "byte \(byte)")
            #expect(text == expected && text.count == expected.count && text.uppercased() == expected.uppercased())
            #expect(text.unicodeScalars.map(\.value) == expected.unicodeScalars.map(\.value))
        }
    }

    @Test(arguments: [0x81, 0x8D, 0x8F, 0x90, 0x9D] as [UInt8])
    func windows1252UndefinedBytesAreErrors(byte: UInt8) {
        let (text, issue) = TextDecoder(.windows1252).decode([0x41, byte, 0x42])
        #expect(text == nil)
        #expect(issue == DecodeIssue(kind: .undecodable, byteOffset: 1, byte: byte))
    }

    @Test func iso885915DiffersFromLatin1() {
        let bytes: [UInt8] = [0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE]
        #expect(TextDecoder(.iso885915).decode(bytes).text == "€ŠšŽžŒœŸ")
        #expect(TextDecoder(.iso88591).decode(bytes).text == "¤¦¨´¸¼½¾")
    }

    @Test func latin1C1ControlsAreKeptWithAWarning() {
        let (text, issue) = TextDecoder(.iso88591).decode([0x61, 0x92, 0x62])
        #expect(text == "a\u{92}b")
        #expect(issue?.kind == .c1Control)
        #expect(issue?.byteOffset == 1)
    }

    @Test(arguments: [
        ([0xC0, 0xAF], 0),  // overlong
        ([0x61, 0xED, 0xA0, 0x80], 1),  // surrogate
        ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
        ([0x61, 0x62, 0xE2, 0x82], 2),  // truncated at the end
        ([0x80], 0),  // lone continuation
    ] as [([UInt8], Int)])
    func strictUTF8RejectsIllFormedSequences(bytes: [UInt8], offset: Int) {
        let (text, issue) = TextDecoder(.utf8).decode(bytes)
        #expect(text == nil)
        #expect(issue?.byteOffset == offset)
    }

    @Test func utf8DecodesMultibyteText() {
        let text = "Œuvre – l’été €"
        #expect(TextDecoder(.utf8).decode(Array(text.utf8)).text == text)
        #expect(TextDecoder(.utf8).decode(Array(text.utf8)).issue == nil)
    }

    @Test func autoChoosesAndExplains() {
        let utf8 = Array("NOM;Zoé\r\n".utf8)
        let cp1252: [UInt8] = [0x4E, 0x4F, 0x4D, 0x3B, 0x5A, 0x6F, 0xE9, 0x0D, 0x0A]
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF, 0x41]
        func choose(_ bytes: [UInt8]) -> EncodingChoice {
            bytes.withUnsafeBufferPointer { EncodingDetector.choose(declared: .auto, prefix: $0, isWholeInput: true) }
        }
        #expect(choose(utf8).encoding == .utf8)
        #expect(choose(cp1252).encoding == .windows1252)
        #expect(choose(cp1252).reason.contains("0xE9"))
        #expect(choose(bom).encoding == .utf8)
        #expect(choose(bom).hasBOM)
        #expect(choose(utf8).detected)
    }

    @Test func characterCountsUseTheEncoding() {
        let bytes = Array("éé;".utf8)
        #expect(bytes.withUnsafeBufferPointer { TextDecoder(.utf8).characterCount($0) } == 3)
        #expect(bytes.withUnsafeBufferPointer { TextDecoder(.windows1252).characterCount($0) } == 5)
    }
}
