import CLibXML2
import PasserelleModel

/// Element start positions are recorded during the parse in each node's `_private` slot
/// (libxml2 reserves it for applications): line in the high bits, column in the low 24 bits.
enum XMLNodeLocation {
    private static let columnBits = 24
    private static let columnMask = (1 << columnBits) - 1

    static func store(line: Int, column: Int, in node: xmlNodePtr) {
        let packed = (line << columnBits) | min(max(column, 1), columnMask)
        node.pointee._private = UnsafeMutableRawPointer(bitPattern: packed)
    }

    static func read(from node: xmlNodePtr) -> SourceLocation? {
        guard let raw = node.pointee._private else {
            let line = Int(xmlGetLineNo(node))
            return line > 0 ? SourceLocation(line: line, column: 1) : nil
        }
        let packed = Int(bitPattern: raw)
        return SourceLocation(line: packed >> columnBits, column: packed & columnMask)
    }

    /// Computes the line and column of the `<` that opens the start tag being reported.
    /// At the `startElementNs` callback the input cursor sits on the tag's closing `>` (or `/>`),
    /// and `<` cannot occur inside attribute values, so the tag start is the nearest `<` behind.
    static func startOfCurrentTag(in ctxt: xmlParserCtxtPtr) -> (line: Int, column: Int) {
        guard let input = ctxt.pointee.input, let cur = input.pointee.cur, let base = input.pointee.base else {
            return (Int(ctxt.pointee.input?.pointee.line ?? 0), 1)
        }
        return startOfTag(base: base, cursor: cur, line: Int(input.pointee.line), column: Int(input.pointee.col))
    }

    /// ``startOfCurrentTag(in:)`` from a saved parser position: the cursor at the end of the
    /// start tag, its line and column, and the start of the buffer it points into. Compact
    /// trees parsed in place save these and compute the start only when asked.
    static func startOfTag(base: UnsafePointer<xmlChar>, cursor cur: UnsafePointer<xmlChar>, line: Int, column: Int)
        -> (line: Int, column: Int)
    {
        // One backward pass: find the `<`, counting characters (non-continuation bytes) and
        // newlines on the way; tags almost never span lines, so the column follows directly.
        var position = cur
        var characters = 0
        var newlines = 0
        while position > base {
            position -= 1
            let byte = position.pointee
            if byte == UInt8(ascii: "<") { break }
            if byte & 0xC0 != 0x80 { characters += 1 }
            if byte == UInt8(ascii: "\n") { newlines += 1 }
        }
        guard position.pointee == UInt8(ascii: "<") else { return (line, max(column, 1)) }
        if newlines == 0 {
            return (line, max(1, column - characters - 1))
        }
        var lineStart = position
        while lineStart > base, (lineStart - 1).pointee != UInt8(ascii: "\n") { lineStart -= 1 }
        return (line - newlines, characterCount(from: lineStart, to: position) + 1)
    }

    /// Number of UTF-8 characters (non-continuation bytes) in `[from, to)`.
    private static func characterCount(from start: UnsafePointer<xmlChar>, to end: UnsafePointer<xmlChar>) -> Int {
        var count = 0
        var pointer = start
        while pointer < end {
            if pointer.pointee & 0xC0 != 0x80 { count += 1 }
            pointer += 1
        }
        return count
    }
}
