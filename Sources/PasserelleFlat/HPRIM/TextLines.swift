import Foundation
import PasserelleModel

/// One decoded physical line of a text source.
struct TextLine: Sendable {
    /// 1-based line number.
    var number: Int
    /// Byte range of the line content (without terminator) in the source.
    var start: Int
    var end: Int
    /// First byte of the next line.
    var next: Int
    /// The decoded text; `nil` when undecodable.
    var text: String?
}

/// Splits a whole text source into decoded lines (CR, LF or CRLF terminators), reporting
/// undecodable bytes with line:column. Used by the HPRIM readers, whose files are small.
struct TextSource: Sendable {
    let bytes: [UInt8]
    let sourceName: String
    let encoding: EncodingChoice
    private(set) var lines: [TextLine] = []
    private(set) var diagnostics: [Diagnostic] = []

    init(bytes: [UInt8], sourceName: String, declared: TextEncoding) {
        self.bytes = bytes
        self.sourceName = sourceName
        let choice = bytes.withUnsafeBufferPointer {
            EncodingDetector.choose(declared: declared, prefix: $0, isWholeInput: true)
        }
        encoding = choice
        if choice.detected {
            diagnostics.append(
                Diagnostic(code: .flatEncodingDetected, severity: .note,
                           message: "encoding auto: chose \(choice.encoding.rawValue) (\(choice.reason))", file: sourceName))
        }
        // `auto` chose Windows-1252 because some byte is not UTF-8; lines that are UTF-8 beyond
        // ASCII are then read as UTF-8 (files joined from two systems), not turned into mojibake.
        let decoder = TextDecoder(choice.encoding, utf8WhereValid: choice.detected && choice.encoding == .windows1252)
        var utf8Lines: [Int] = []
        var legacyLines: [Int] = []
        var index = choice.hasBOM ? 3 : 0
        var number = 1
        bytes.withUnsafeBufferPointer { buffer in
            while index < buffer.count {
                var end = index
                while end < buffer.count, buffer[end] != 0x0A, buffer[end] != 0x0D { end += 1 }
                var next = end
                if next < buffer.count {
                    next += (buffer[next] == 0x0D && next + 1 < buffer.count && buffer[next + 1] == 0x0A) ? 2 : 1
                }
                let content = UnsafeBufferPointer(rebasing: buffer[index..<end])
                let (text, issue) = decoder.decode(content)
                if issue?.kind == .readAsUTF8 {
                    utf8Lines.append(number)
                } else if decoder.utf8WhereValid, !TextDecoder.isASCII(content) {
                    legacyLines.append(number)
                }
                if let issue, issue.kind != .readAsUTF8 {
                    let column = decoder.characterCount(UnsafeBufferPointer(rebasing: content[0..<issue.byteOffset])) + 1
                    let undecodable = issue.kind == .undecodable
                    diagnostics.append(
                        Diagnostic(
                            code: undecodable ? .flatEncoding : .flatEncodingSuspect, severity: undecodable ? .error : .warning,
                            message: undecodable
                                ? "byte 0x\(EncodingDetector.hex(issue.byte)) is not valid \(choice.encoding.rawValue)"
                                : "control character 0x\(EncodingDetector.hex(issue.byte)): the source is probably windows-1252",
                            file: sourceName, location: SourceLocation(line: number, column: column)))
                }
                lines.append(TextLine(number: number, start: index, end: end, next: next, text: text))
                number += 1
                index = next
            }
        }
        if !utf8Lines.isEmpty, !legacyLines.isEmpty {
            // Both encodings: each line was read in its own; the rarer kind is named line by line.
            let legacyIsRarer = legacyLines.count <= utf8Lines.count
            diagnostics.append(
                Diagnostic(
                    code: .flatEncodingMixed, severity: .warning,
                    message: "\(utf8Lines.count) line(s) are UTF-8 and \(legacyLines.count) windows-1252: each line is read in its own encoding",
                    file: sourceName, location: SourceLocation(line: (legacyIsRarer ? legacyLines : utf8Lines)[0], column: 1)))
            for line in legacyIsRarer ? legacyLines : utf8Lines {
                diagnostics.append(
                    Diagnostic(
                        code: .flatEncodingMixed, severity: .warning,
                        message: "this line is read as \(legacyIsRarer ? "windows-1252" : "UTF-8"), unlike most lines of the file",
                        file: sourceName, location: SourceLocation(line: line, column: 1)))
            }
        }
    }

    /// The exact bytes of lines `range` (indices into `lines`), terminators included.
    func bytes(ofLines range: ClosedRange<Int>) -> [UInt8] {
        let start = range.lowerBound == 0 ? 0 : lines[range.lowerBound].start
        let end = range.upperBound == lines.count - 1 ? bytes.count : lines[range.upperBound].next
        return Array(bytes[start..<end])
    }

    /// Reads a whole file, refusing files larger than `limit` bytes.
    static func load(_ url: URL, limit: Int) throws -> [UInt8] {
        let name = url.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: name),
            let size = attributes[.size] as? NSNumber
        else { throw FlatReadError(code: "FLAT-IO", file: name, message: "cannot open the file") }
        guard size.intValue <= limit else {
            throw FlatReadError(code: "FLAT-IO", file: name, message: "file larger than \(limit) bytes")
        }
        guard let data = FileManager.default.contents(atPath: name) else {
            throw FlatReadError(code: "FLAT-IO", file: name, message: "cannot read the file")
        }
        return [UInt8](data)
    }
}
