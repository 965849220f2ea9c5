import PasserelleXML

/// Renders a CDA narrative block (`section/text`) as plain text: paragraphs, list items,
/// table rows and `br` start new lines, table cells are separated by tabs, white space
/// inside a line is collapsed. Rendering never loses text content.
enum NarrativeRenderer {
    private static let blockElements: Set<String> = ["paragraph", "item", "tr", "caption", "list", "table", "thead", "tbody", "tfoot"]

    static func render(_ element: XMLTree.Element) -> String? {
        var lines: [String] = []
        var current = ""
        func flush() {
            let collapsed = current.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .joined(separator: " ")
            if !collapsed.isEmpty { lines.append(collapsed) }
            current = ""
        }
        func visit(_ node: XMLTree.Element) {
            node.forEachContent(
                text: { current += $0 },
                element: { child in
                    let name = child.localName
                    if name == "br" {
                        flush()
                        return
                    }
                    if name == "renderMultiMedia" { return }
                    let isBlock = blockElements.contains(name)
                    if isBlock { flush() }
                    if name == "td" || name == "th" {
                        if !current.isEmpty { current += " | " }
                    }
                    visit(child)
                    if isBlock { flush() }
                })
        }
        visit(element)
        flush()
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}
