import Foundation
import PasserelleModel
import Testing
@testable import PasserelleFlat

/// The word-at-a-time byte routines of the reader (ASCII runs in the decoder, stop bytes in the
/// scanner) against byte-by-byte references, at every alignment, and the push parser fed in
/// pieces that cut multi-byte characters and quoted line breaks.
struct ByteRoutineTests {
    /// Windows-1252 byte → text, one byte at a time (reference for the two-pass decoder).
    static func reference1252(_ bytes: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            guard let text = TextDecoder(.windows1252).decode([byte]).text else { return nil }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        return String(scalars)
    }

    @Test func asciiRunEndFindsTheFirstHighByteAtEveryAlignment() {
        for length in 0...40 {
            for position in 0...length {
                var bytes = [UInt8](repeating: 0x61, count: length)
                if position < length { bytes[position] = 0xE9 }
                for start in 0...position {
                    let end = bytes.withUnsafeBufferPointer { buffer in
                        TextDecoder.asciiRunEnd(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, from: start, to: length)
                    }
                    #expect(end == position, "length \(length) start \(start)")
                }
            }
        }
    }

    @Test func singleByteDecodingMatchesTheReferenceAcrossWordBoundaries() {
        // Runs of ASCII of every length 0–19 around high bytes of 2- and 3-byte UTF-8 forms.
        let highs: [UInt8] = [0xE9, 0x80, 0x92, 0xFF, 0xC9]
        for run in 0..<20 {
            for high in highs {
                let ascii = (0..<run).map { UInt8(0x41 + $0 % 26) }
                let bytes = ascii + [high] + ascii + [high, high] + ascii
                let decoded = TextDecoder(.windows1252).decode(bytes)
                #expect(decoded.text == Self.reference1252(bytes), "run \(run) byte \(high)")
                #expect(decoded.issue == nil)
                #expect(decoded.text?.utf8.count == bytes.count + (high == 0x80 || high == 0x92 ? 6 : 3))
            }
        }
    }

    @Test func undecodableAndC1BytesAreReportedAtTheirOffsetAtEveryAlignment() {
        for length in 1...24 {
            for position in 0..<length {
                var bytes = [UInt8](repeating: 0x7A, count: length)
                bytes[position] = 0x81
                let (text, issue) = TextDecoder(.windows1252).decode(bytes)
                #expect(text == nil)
                #expect(issue == DecodeIssue(kind: .undecodable, byteOffset: position, byte: 0x81))
                #expect(bytes.withUnsafeBufferPointer { TextDecoder(.windows1252).validate($0) } == issue)

                bytes[position] = 0x92
                let latin1 = TextDecoder(.iso88591).decode(bytes)
                #expect(latin1.issue == DecodeIssue(kind: .c1Control, byteOffset: position, byte: 0x92))
                #expect(latin1.text?.unicodeScalars.map(\.value) == bytes.map(UInt32.init))
            }
        }
    }

    @Test func utf8ErrorsAfterAnAsciiPrefixKeepTheirOffset() {
        for prefix in 0..<20 {
            let bytes = [UInt8](repeating: 0x62, count: prefix) + [0xC3, 0xA9, 0xC3]
            let (text, issue) = TextDecoder(.utf8).decode(bytes)
            #expect(text == nil)
            #expect(issue?.byteOffset == prefix + 2)
            let good = [UInt8](repeating: 0x62, count: prefix) + Array("é€".utf8)
            #expect(TextDecoder(.utf8).decode(good).text == String(repeating: "b", count: prefix) + "é€")
        }
    }

    /// The row cache reuses a value when a column's bytes equal the previous row's: a difference
    /// at any position of any length, across the eight-byte steps, must be seen.
    @Test func equalBytesSeesADifferenceAtEveryPosition() {
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            bytes.withUnsafeBytes { x in
                let base = x.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                #expect(DelimitedColumns.equalBytes(base, base, length))
                for position in 0..<length {
                    var other = bytes
                    other[position] ^= 0x01
                    other.withUnsafeBytes { y in
                        #expect(!DelimitedColumns.equalBytes(base, y.baseAddress!, length), "length \(length) position \(position)")
                        #expect(DelimitedColumns.equalBytes(base, y.baseAddress!, position), "prefix \(position)")
                    }
                }
            }
        }
    }

    @Test func firstStopMatchesAByteByByteSearch() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x3B, 0x22, 0x0A, 0x0D, 0x5C, 0x61, 0x62, 0xE9, 0x00, 0x80]
        let stops: (UInt64, UInt64, UInt64, UInt64) = (
            0x3B3B_3B3B_3B3B_3B3B, 0x0A0A_0A0A_0A0A_0A0A, 0x2222_2222_2222_2222, 0x3B3B_3B3B_3B3B_3B3B)
        for _ in 0..<300 {
            let count = Int.random(in: 0...40, using: &generator)
            // Mostly plain bytes so that runs cross word boundaries.
            let bytes = (0..<count).map { _ in
                Int.random(in: 0..<6, using: &generator) == 0 ? alphabet.randomElement(using: &generator)! : 0x61
            }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...count {
                    let expected = (start..<count).first { [0x3B, 0x0A, 0x22].contains(bytes[$0]) } ?? count
                    let found = DelimitedScanner.firstStop(
                        buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, from: start, to: count, stops)
                    #expect(found == expected, "\(bytes) from \(start)")
                }
            }
        }
    }

    @Test func fieldsOfEveryLengthAreSplitExactly() {
        let scanner = DelimitedScanner(layout: DelimitedLayout(delimiter: 0x3B), lineEnding: .auto)
        for width in 0..<20 {
            let values = (0..<4).map { column in String(repeating: Character(UnicodeScalar(0x61 + column)!), count: width + column) }
            let quoted = "\"" + String(repeating: "q", count: width) + "\r\n;\"\"\""
            let text = values.joined(separator: ";") + ";" + quoted + "\r\n"
            let bytes = Array(text.utf8)
            var fields: [FieldSpan] = []
            let result = bytes.withUnsafeBufferPointer { scanner.scan($0, from: 0, atEnd: false, fields: &fields) }
            guard case .record(let span) = result else {
                Issue.record("width \(width): expected a record")
                continue
            }
            #expect(span.next == bytes.count)
            #expect(span.innerLineBreaks == 1)
            #expect(span.terminator == .crlf)
            let texts = fields.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
            #expect(texts == values + [String(repeating: "q", count: width) + "\r\n;\"\""])
            #expect(fields.last?.quoted == true && fields.last?.escaped == true)
        }
    }

    /// An export of more than 64 KiB (the parser looks at 64 KiB before choosing the encoding)
    /// with multi-byte characters and quoted line breaks everywhere.
    static func utf8Export(rows: Int) -> [UInt8] {
        var text = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
        for row in 0..<rows {
            let padding = String(repeating: "x", count: row % 11)
            text += "ÉTÉ\(padding);CŒUR;Zoé Anaïs;12/03/1979;F;;P\(row);05/01/2024;\"Bilan; €\";"
            text += "\"ligne 1 \(padding)é\r\nligne 2 « \"\"ok\"\" »\"\r\n"
        }
        return Array(text.utf8)
    }

    static func read(_ bytes: [UInt8], profile: ExportProfile, cuts: [Int]) throws -> FlatReadResult {
        try FlatFixtures.feed(bytes, profile: profile, cuts: cuts, sourceName: "split.csv")
    }

    @Test func multiByteCharactersAndQuotedLineBreaksSplitAcrossReads() throws {
        let profile = try FlatExportTests.lgcProfile(encoding: .utf8)
        let bytes = Self.utf8Export(rows: 900)
        #expect(bytes.count > 100_000)
        // Cut inside every multi-byte character (after its lead byte) and right after every CR
        // of a quoted line break, in the second half (once the parser has started).
        var cuts: [Int] = []
        for index in (bytes.count / 2)..<bytes.count where bytes[index] >= 0xC0 || bytes[index] == 0x0D {
            cuts.append(index + 1)
        }
        let whole = try Self.read(bytes, profile: profile, cuts: [])
        let pieces = try Self.read(bytes, profile: profile, cuts: cuts)
        #expect(whole.documents.count == 900)
        #expect(whole.rejected.isEmpty)
        #expect(pieces.documents == whole.documents)
        #expect(pieces.rejected == whole.rejected)
        let last = try #require(pieces.documents.last)
        #expect(last.document.patient?.birthGivenNames == ["Zoé", "Anaïs"])
        #expect(last.document.title == "Bilan; €")
        #expect(last.document.body == .text("ligne 1 \(String(repeating: "x", count: 899 % 11))é\r\nligne 2 « \"ok\" »"))
        #expect(last.lines == 1800...1801)
        let original = String(decoding: last.originalBytes, as: UTF8.self)
        #expect(original.hasPrefix("ÉTÉ") && original.hasSuffix("»\"\r\n"))
    }

    @Test func batchedRowsKeepTheirDiagnosticsAndOrder() throws {
        // Mapped in parallel batches: every tenth row is bad; outputs must stay in source order
        // with each rejection's exact bytes and row:column.
        let profile = try FlatExportTests.lgcProfile(encoding: .utf8)
        var text = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
        for row in 0..<5000 {
            let date = row % 10 == 3 ? "31/02/2024" : "05/01/2024"
            text += "A;B;C;12/03/1979;F;;P\(row);\(date);M;O \(row)\r\n"
        }
        let result = try FlatExportReader(profile: profile, chunkSize: 8192).read(bytes: Array(text.utf8), sourceName: "b.csv")
        #expect(result.documents.count == 4500)
        #expect(result.rejected.count == 500)
        #expect(result.documents.map { $0.document.patient?.localIdentifiers.first?.extension }
            == (0..<5000).filter { $0 % 10 != 3 }.map { "P\($0)" })
        let rejected = try #require(result.rejected.first)
        #expect(rejected.records == 5...5)
        #expect(String(decoding: rejected.originalBytes, as: UTF8.self) == "A;B;C;12/03/1979;F;;P3;31/02/2024;M;O 3\r\n")
        #expect(rejected.diagnostics.first?.code == .flatDate)
        #expect(rejected.diagnostics.first?.location?.line == 5)
        #expect(rejected.diagnostics.first?.location?.column == 24)
    }
}
