import PasserelleModel
import PasserelleXML

/// Renders a CDA narrative block (`section/text`) as plain text: paragraphs, list items,
/// table rows and `br` start new lines, table cells are separated by ` | `, runs of XML white
/// space inside a line are collapsed to one space. Rendering never loses text content.
///
/// It works on the UTF-8 bytes of the tree's text nodes, writing into one buffer: runs of
/// non-space bytes are copied whole, and the writer is a value (no per-access checks).
enum NarrativeRenderer {
    static func render(_ element: XMLTree.Element) -> String? {
        var writer = Writer()
        writer.visit(element)
        writer.endLine()
        return writer.text
    }

    private struct Writer {
        private var output: [UInt8] = []
        private var lineStart = 0
        private var pendingSpace = false

        private var lineHasContent: Bool { output.count > lineStart }

        var text: String? {
            let end = output.last == 0x0A ? output.count - 1 : output.count
            return end == 0 ? nil : String(decoding: output[..<end], as: UTF8.self)
        }

        /// Appends a text node: runs of white space become one space (none at a line start).
        /// Words separated by single spaces, the usual case, are copied as one run.
        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let base = bytes.baseAddress else { return }
            let count = bytes.count
            var index = 0
            while index < count {
                if XMLText.isWhiteSpace(base[index]) {
                    // No second space after a cell separator (` | `).
                    pendingSpace = lineHasContent && output.last != 0x20
                    index += 1
                    continue
                }
                // The run goes on through control characters that are not white space, and
                // through single spaces between two non-space bytes (kept as they are).
                var end = index + 1
                while true {
                    // The next white space or other control character (below 0x21).
                    end = ByteScan.firstIndex(base, from: end, to: count, below: 0x21)
                    guard end < count else { break }
                    let byte = base[end]
                    if !XMLText.isWhiteSpace(byte) {
                        end += 1
                    } else if byte == 0x20, end + 1 < count, !XMLText.isWhiteSpace(base[end + 1]) {
                        end += 2
                    } else {
                        break
                    }
                }
                if pendingSpace {
                    output.append(0x20)
                    pendingSpace = false
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                index = end
            }
        }

        mutating func endLine() {
            pendingSpace = false
            if lineHasContent {
                output.append(0x0A)
                lineStart = output.count
            }
        }

        mutating func visit(_ node: XMLTree.Element) {
            node.forEachContentBytes(
                text: { self.append($0) },
                element: { child in
                    if child.hasLocalName("br") {
                        self.endLine()
                        return
                    }
                    if child.hasLocalName("renderMultiMedia") { return }
                    let isBlock = Writer.isBlock(child)
                    if isBlock { self.endLine() }
                    if (child.hasLocalName("td") || child.hasLocalName("th")) && self.lineHasContent {
                        self.pendingSpace = false
                        self.output.append(contentsOf: [0x20, 0x7C, 0x20])  // " | "
                    }
                    self.visit(child)
                    if isBlock { self.endLine() }
                })
        }

        private static func isBlock(_ element: XMLTree.Element) -> Bool {
            element.hasLocalName("paragraph") || element.hasLocalName("item") || element.hasLocalName("tr")
                || element.hasLocalName("caption") || element.hasLocalName("list") || element.hasLocalName("table")
                || element.hasLocalName("thead") || element.hasLocalName("tbody") || element.hasLocalName("tfoot")
        }
    }
}
