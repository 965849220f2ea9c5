import CLibXML2
import Foundation

/// Helpers for compact parses that refer back to the input instead of copying it: libxml2
/// reads the input in chunks into its own small buffer (``InputCursor``) and hands most text
/// runs over straight from that buffer, so a run found unchanged at the corresponding offset of
/// the input is stored as a range of it.
enum ParseSource {
    /// Whether libxml2 reads `bytes` as UTF-8 without transcoding them, so that its input
    /// positions are offsets in `bytes`: no UTF-16/32 byte order mark or zero bytes at the
    /// start, and an XML declaration that names no encoding or UTF-8.
    static func isPlainUTF8(_ bytes: Data) -> Bool {
        bytes.withUnsafeBytes { raw -> Bool in
            let buffer = raw.bindMemory(to: UInt8.self)
            var start = 0
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            guard buffer.count >= start + 2 else { return false }
            let first = buffer[start]
            guard first == UInt8(ascii: "<") || XMLText.isWhiteSpace(first), buffer[start + 1] != 0 else { return false }
            let head = UnsafeBufferPointer(rebasing: buffer[start..<min(buffer.count, start + 512)])
            guard head.starts(with: "<?xml".utf8) else { return true }
            guard let close = firstIndex(of: Array("?>".utf8), in: head) else { return false }
            let declaration = UnsafeBufferPointer(rebasing: head[0..<close])
            guard let key = firstIndex(of: Array("encoding".utf8), in: declaration) else { return true }
            var index = key + 8
            while index < declaration.count, declaration[index] != UInt8(ascii: "\""), declaration[index] != UInt8(ascii: "'") {
                index += 1
            }
            guard index < declaration.count else { return false }
            let quote = declaration[index]
            var end = index + 1
            while end < declaration.count, declaration[end] != quote { end += 1 }
            let name = String(decoding: declaration[(index + 1)..<end], as: UTF8.self).lowercased()
            return name == "utf-8" || name == "utf8"
        }
    }

    private static func firstIndex(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
    }

    /// Offset in the input of `pointer`, a position in the parser's current input buffer, when
    /// that buffer is the document's (`consumed` counts the bytes libxml2 dropped from its front).
    @inline(__always)
    static func offset(of pointer: UnsafePointer<UInt8>, in parser: UnsafeMutablePointer<xmlParserCtxt>) -> Int {
        guard let input = parser.pointee.input, let base = input.pointee.base else { return -1 }
        return Int(input.pointee.consumed) + (pointer - base)
    }
}
