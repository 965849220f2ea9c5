import Foundation
import PasserelleModel

/// A column value as decoded for mapping.
enum ColumnText {
    /// Decoded text, with a non-fatal decoding issue (C1 control) when there is one.
    case text(String, warning: DecodeIssue?)
    /// Undecodable bytes; the location is where the first bad byte is.
    case undecodable(DecodeIssue, SourceLocation)
}

/// The columns of one record, decoded on demand.
protocol RecordColumns {
    /// Number of columns in the record.
    var count: Int { get }
    /// Decodes column `index` (0-based, `< count`).
    func text(at index: Int) -> ColumnText
    /// Checks column `index` without building a string (used for unmapped columns).
    func check(at index: Int) -> (DecodeIssue, SourceLocation)?
    /// Where column `index` starts.
    func location(ofColumn index: Int) -> SourceLocation
    /// The bytes of column `index` in the scan buffer, or `.none` when they cannot be compared.
    func span(at index: Int) -> RowCache.Span
    /// Whether two spans of this buffer hold the same field (same bytes, same quoting and escapes).
    func sameBytes(_ a: RowCache.Span, _ b: RowCache.Span) -> Bool
}

extension RecordColumns {
    func span(at index: Int) -> RowCache.Span { .none }
    func sameBytes(_ a: RowCache.Span, _ b: RowCache.Span) -> Bool { false }
}

/// Columns of a delimited record, as spans in the scan buffer.
struct DelimitedColumns: RecordColumns {
    let buffer: UnsafeBufferPointer<UInt8>
    /// The record's fields (a slice of the scanner's or the batch's span storage, alive while this is used).
    let fields: UnsafeBufferPointer<FieldSpan>
    let recordStart: Int
    let recordNumber: Int
    let line: Int
    let decoder: TextDecoder
    let escape: EscapeStyle
    let quote: UInt8?

    var count: Int { fields.count }

    func text(at index: Int) -> ColumnText {
        let field = fields[index]
        let slice = UnsafeBufferPointer(rebasing: buffer[field.start..<field.end])
        if !field.escaped {
            let (text, issue) = decoder.decode(slice)
            if let text { return .text(text, warning: issue) }
            let issueValue = issue ?? DecodeIssue(kind: .undecodable, byteOffset: 0, byte: 0)
            return .undecodable(issueValue, location(ofByte: field.start + issueValue.byteOffset))
        }
        // Undo escapes into a scratch copy (on the stack when small); the source offset of a
        // problem is found again by walking the escapes, only when there is one.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, slice.count)) { scratch in
            var count = 0
            forEachUnescaped(field) { _, byte in
                scratch[count] = byte
                count += 1
            }
            let (text, issue) = decoder.decode(UnsafeBufferPointer(rebasing: scratch[0..<count]))
            if let text { return .text(text, warning: issue) }
            let issueValue = issue ?? DecodeIssue(kind: .undecodable, byteOffset: 0, byte: 0)
            var source = field.start
            var index = 0
            forEachUnescaped(field) { offset, _ in
                if index == issueValue.byteOffset { source = offset }
                index += 1
            }
            return .undecodable(issueValue, location(ofByte: source))
        }
    }

    /// Calls `body` with each byte of the field once its escapes are undone, and the offset in
    /// the buffer where it was written (the escape's first byte for an escaped one).
    @inline(__always)
    private func forEachUnescaped(_ field: FieldSpan, _ body: (Int, UInt8) -> Void) {
        var offset = field.start
        while offset < field.end {
            var byte = buffer[offset]
            let source = offset
            if escape == .backslash, byte == 0x5C, offset + 1 < field.end {
                offset += 1
                byte = buffer[offset]
            } else if escape == .doubled, let quote, byte == quote, field.quoted, offset + 1 < field.end {
                offset += 1
            }
            body(source, byte)
            offset += 1
        }
    }

    func span(at index: Int) -> RowCache.Span {
        let field = fields[index]
        return RowCache.Span(start: field.start, end: field.end, quoted: field.quoted, escaped: field.escaped)
    }

    func sameBytes(_ a: RowCache.Span, _ b: RowCache.Span) -> Bool {
        let count = a.end - a.start
        guard count == b.end - b.start, a.quoted == b.quoted, a.escaped == b.escaped,
            a.start >= 0, b.start >= 0, a.end <= buffer.count, b.end <= buffer.count, let base = buffer.baseAddress
        else { return false }
        return Self.equalBytes(UnsafeRawPointer(base + a.start), UnsafeRawPointer(base + b.start), count)
    }

    /// Whether the `count` bytes at `x` and `y` are equal: eight at a time, inline (most fields
    /// compared are short — names, dates, codes — and a call to `memcmp` cost more than the compare).
    @inline(__always)
    static func equalBytes(_ x: UnsafeRawPointer, _ y: UnsafeRawPointer, _ count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            if x.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != y.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                return false
            }
            offset += 8
        }
        while offset < count {
            if x.load(fromByteOffset: offset, as: UInt8.self) != y.load(fromByteOffset: offset, as: UInt8.self) { return false }
            offset += 1
        }
        return true
    }

    func check(at index: Int) -> (DecodeIssue, SourceLocation)? {
        let field = fields[index]
        let slice = UnsafeBufferPointer(rebasing: buffer[field.start..<field.end])
        guard let issue = decoder.validate(slice) else { return nil }
        return (issue, location(ofByte: field.start + issue.byteOffset))
    }

    func location(ofColumn index: Int) -> SourceLocation {
        let field = fields[index]
        return location(ofByte: field.quoted ? field.start - 1 : field.start)
    }

    /// Physical line and character column of a byte of this record.
    func location(ofByte target: Int) -> SourceLocation {
        var lineNumber = line
        var lineStart = recordStart
        var offset = recordStart
        while offset < target, offset < buffer.count {
            if buffer[offset] == 0x0A {
                lineNumber += 1
                lineStart = offset + 1
            }
            offset += 1
        }
        let end = min(target, buffer.count)
        let prefix = UnsafeBufferPointer(rebasing: buffer[lineStart..<max(lineStart, end)])
        return SourceLocation(line: lineNumber, column: decoder.characterCount(prefix) + 1, record: recordNumber)
    }
}

/// Columns of a fixed-width record: the line is decoded once, then cut by character positions.
struct FixedWidthColumns: RecordColumns {
    let scalars: [Unicode.Scalar]
    let columns: [FixedColumn]
    let recordNumber: Int
    let line: Int

    var count: Int { columns.count }

    func text(at index: Int) -> ColumnText {
        let column = columns[index]
        let start = min(column.start - 1, scalars.count)
        let end = min(start + column.length, scalars.count)
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<end])
        return .text(String(text), warning: nil)
    }

    func check(at index: Int) -> (DecodeIssue, SourceLocation)? { nil }

    func location(ofColumn index: Int) -> SourceLocation {
        SourceLocation(line: line, column: columns[index].start, record: recordNumber)
    }
}
