/// One field of a scanned record: byte offsets into the scanned buffer.
struct FieldSpan: Sendable, Hashable {
    /// First byte of the content (after an opening quote).
    var start: Int
    /// One past the last content byte (before a closing quote).
    var end: Int
    /// Whether the field was quoted.
    var quoted: Bool
    /// Whether the content holds escapes (doubled quotes, backslashes) to undo.
    var escaped: Bool
}

/// How a record ended.
enum RecordTerminator: Sendable, Hashable { case lf, crlf, cr, endOfInput }

/// A malformed quote inside a record.
struct QuoteProblem: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case textAfterClosingQuote, unterminated }
    var kind: Kind
    /// Offset (in the buffer) of the offending byte or of the opening quote.
    var offset: Int
}

/// A scanned record.
struct RecordSpan: Sendable, Hashable {
    /// First byte of the record.
    var start: Int
    /// One past the last byte before the terminator.
    var end: Int
    /// First byte after the terminator.
    var next: Int
    /// Line breaks inside the record (in quoted fields), not counting the terminator.
    var innerLineBreaks: Int
    var terminator: RecordTerminator
    var problem: QuoteProblem?
}

/// Result of scanning for one record.
enum ScanResult: Sendable, Hashable {
    case record(RecordSpan)
    /// The buffer ends inside the record; call again with more bytes (or `atEnd`).
    case needMoreInput
}

/// RFC 4180 record scanner over a byte buffer: quoted fields with embedded delimiters, quotes
/// and line breaks, CRLF/LF/CR terminators. Pure and allocation-free (fields go to a reused array).
struct DelimitedScanner: Sendable {
    let delimiter: UInt8
    let quote: UInt8?
    let escape: EscapeStyle
    let lineEnding: LineEnding
    /// Bytes that end a run of plain unquoted content (delimiter, terminator byte, quote,
    /// backslash when it escapes), each repeated in the eight bytes of a word: the scanner skips
    /// everything else eight bytes at a time (unused slots repeat the delimiter).
    private let plainStops: (UInt64, UInt64, UInt64, UInt64)
    /// The same for quoted content (quote, line break byte, backslash when it escapes).
    private let quotedStops: (UInt64, UInt64, UInt64, UInt64)

    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D
    private static let backslash: UInt8 = 0x5C

    init(layout: DelimitedLayout, lineEnding: LineEnding) {
        delimiter = layout.delimiter
        quote = layout.quote
        escape = layout.escape
        self.lineEnding = lineEnding
        let breakByte = lineEnding == .cr ? Self.cr : Self.lf
        let escapeByte = layout.escape == .backslash ? Self.backslash : layout.delimiter
        plainStops = (
            Self.repeated(layout.delimiter), Self.repeated(breakByte), Self.repeated(layout.quote ?? layout.delimiter),
            Self.repeated(escapeByte))
        let quote = layout.quote ?? layout.delimiter
        quotedStops = (
            Self.repeated(quote), Self.repeated(breakByte), Self.repeated(layout.escape == .backslash ? Self.backslash : quote),
            Self.repeated(quote))
    }

    private static func repeated(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// First index in `start..<end` whose byte is one of the four repeated in `stops` (or `end`).
    /// Word-at-a-time: a byte equal to a stop becomes zero after XOR, and the classic
    /// `(x - 0x01…) & ~x & 0x80…` test flags it; the lowest flag is always a true match.
    @inline(__always)
    static func firstStop(
        _ base: UnsafePointer<UInt8>, from start: Int, to end: Int, _ stops: (UInt64, UInt64, UInt64, UInt64)
    ) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawPointer(base)
        var index = start
        while index + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let a = word ^ stops.0, b = word ^ stops.1, c = word ^ stops.2, d = word ^ stops.3
            let flags = (((a &- ones) & ~a) | ((b &- ones) & ~b) | ((c &- ones) & ~c) | ((d &- ones) & ~d)) & highs
            if flags != 0 { return index + flags.trailingZeroBitCount >> 3 }
            index += 8
        }
        let s0 = UInt8(truncatingIfNeeded: stops.0), s1 = UInt8(truncatingIfNeeded: stops.1)
        let s2 = UInt8(truncatingIfNeeded: stops.2), s3 = UInt8(truncatingIfNeeded: stops.3)
        while index < end {
            let byte = base[index]
            if byte == s0 || byte == s1 || byte == s2 || byte == s3 { return index }
            index += 1
        }
        return end
    }

    /// Scans the record starting at `start`. `atEnd` tells that no more input will come.
    func scan(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, atEnd: Bool, fields: inout [FieldSpan]) -> ScanResult {
        fields.removeAll(keepingCapacity: true)
        let count = buffer.count
        let crMode = lineEnding == .cr
        let backslashes = escape == .backslash
        var index = start
        var fieldStart = start
        var breaks = 0
        var escaped = false
        var problem: QuoteProblem?

        func finish(end: Int, next: Int, _ terminator: RecordTerminator) -> ScanResult {
            .record(RecordSpan(start: start, end: end, next: next, innerLineBreaks: breaks, terminator: terminator, problem: problem))
        }

        while true {
            guard index < count else {
                guard atEnd else { return .needMoreInput }
                fields.append(FieldSpan(start: fieldStart, end: count, quoted: false, escaped: escaped))
                return finish(end: count, next: count, .endOfInput)
            }
            let byte = buffer[index]
            if byte == delimiter {
                fields.append(FieldSpan(start: fieldStart, end: index, quoted: false, escaped: escaped))
                index += 1
                fieldStart = index
                escaped = false
            } else if byte == Self.lf, !crMode {
                let crlf = index > fieldStart && buffer[index - 1] == Self.cr
                let end = crlf ? index - 1 : index
                fields.append(FieldSpan(start: fieldStart, end: end, quoted: false, escaped: escaped))
                return finish(end: end, next: index + 1, crlf ? .crlf : .lf)
            } else if byte == Self.cr, crMode {
                fields.append(FieldSpan(start: fieldStart, end: index, quoted: false, escaped: escaped))
                return finish(end: index, next: index + 1, .cr)
            } else if let quote, byte == quote, index == fieldStart {
                switch scanQuoted(buffer, openingAt: index, atEnd: atEnd, breaks: &breaks) {
                case .needMore:
                    return .needMoreInput
                case .unterminated:
                    problem = QuoteProblem(kind: .unterminated, offset: index)
                    fields.append(FieldSpan(start: index + 1, end: count, quoted: true, escaped: false))
                    return finish(end: count, next: count, .endOfInput)
                case .closed(let contentEnd, let hasEscapes):
                    let field = FieldSpan(start: index + 1, end: contentEnd, quoted: true, escaped: hasEscapes)
                    index = contentEnd + 1
                    guard index < count else {
                        guard atEnd else { return .needMoreInput }
                        fields.append(field)
                        return finish(end: count, next: count, .endOfInput)
                    }
                    let after = buffer[index]
                    if after == delimiter {
                        fields.append(field)
                        index += 1
                        fieldStart = index
                        escaped = false
                    } else if !crMode, after == Self.lf {
                        fields.append(field)
                        return finish(end: index, next: index + 1, .lf)
                    } else if after == Self.cr, crMode {
                        fields.append(field)
                        return finish(end: index, next: index + 1, .cr)
                    } else if after == Self.cr, index + 1 < count, buffer[index + 1] == Self.lf {
                        fields.append(field)
                        return finish(end: index, next: index + 2, .crlf)
                    } else if after == Self.cr, index + 1 == count, !atEnd {
                        return .needMoreInput
                    } else {
                        // Text after the closing quote: the field is malformed; keep scanning it unquoted.
                        if problem == nil { problem = QuoteProblem(kind: .textAfterClosingQuote, offset: index) }
                        fieldStart = field.start - 1
                        escaped = hasEscapes
                    }
                }
            } else if backslashes, byte == Self.backslash {
                escaped = true
                if index + 1 < count, buffer[index + 1] == Self.lf { breaks += 1 }
                if index + 1 == count, !atEnd { return .needMoreInput }
                index += 2
                if index > count { index = count }
            } else {
                index = Self.firstStop(buffer.baseAddress!, from: index + 1, to: count, plainStops)
            }
        }
    }

    private enum QuotedResult { case closed(contentEnd: Int, hasEscapes: Bool), unterminated, needMore }

    /// Scans a quoted field whose opening quote is at `open`.
    private func scanQuoted(
        _ buffer: UnsafeBufferPointer<UInt8>, openingAt open: Int, atEnd: Bool, breaks: inout Int
    ) -> QuotedResult {
        guard let quote else { return .unterminated }
        let count = buffer.count
        let breakByte = lineEnding == .cr ? Self.cr : Self.lf
        let backslashes = escape == .backslash
        var index = open + 1
        var hasEscapes = false
        var localBreaks = 0
        while index < count {
            index = Self.firstStop(buffer.baseAddress!, from: index, to: count, quotedStops)
            guard index < count else { break }
            let byte = buffer[index]
            if byte == quote {
                if escape == .doubled, index + 1 < count, buffer[index + 1] == quote {
                    hasEscapes = true
                    index += 2
                    continue
                }
                if escape == .doubled, index + 1 == count, !atEnd { return .needMore }
                breaks += localBreaks
                return .closed(contentEnd: index, hasEscapes: hasEscapes)
            }
            if byte == breakByte { localBreaks += 1 }
            if backslashes, byte == Self.backslash {
                hasEscapes = true
                if index + 1 < count, buffer[index + 1] == breakByte { localBreaks += 1 }
                index += 2
                continue
            }
            index += 1
        }
        if !atEnd { return .needMore }
        breaks += localBreaks
        return .unterminated
    }
}
