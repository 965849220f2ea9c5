import CLibXML2
public import PasserelleModel

/// A parsed, well-formed XML document. It owns the underlying libxml2 tree, which is freed
/// when the last reference (including any `Element` obtained from it) goes away.
///
/// Not `Sendable`: a tree is read by the task that parsed it.
public final class XMLTree {
    /// libxml2's DOM, for trees parsed with ``XMLTreeKind/libxml2`` (editable, serializable);
    /// `nil` for compact trees.
    let document: xmlDocPtr!
    /// The compact read-only tree, for trees parsed with ``XMLTreeKind/compact``.
    let compact: CompactDocument?
    /// Name of the source, for diagnostics.
    public let sourceName: String?

    init(document: xmlDocPtr, sourceName: String?) {
        self.document = document
        self.compact = nil
        self.sourceName = sourceName
    }

    init(compact: CompactDocument, sourceName: String?) {
        self.document = nil
        self.compact = compact
        self.sourceName = sourceName
    }

    deinit {
        if let document { xmlFreeDoc(document) }
    }

    /// How the tree is stored.
    public var kind: XMLTreeKind { compact == nil ? .libxml2 : .compact }

    /// The root element.
    public var root: Element? {
        if let compact {
            return compact.rootIndex.map { Element(tree: self, index: $0) }
        }
        guard let node = xmlDocGetRootElement(document) else { return nil }
        return Element(tree: self, node: node)
    }

    /// An element of the tree: a cheap handle that keeps the tree alive.
    public struct Element {
        let tree: XMLTree
        /// The DOM node (libxml2 trees); `nil` in compact trees.
        let node: xmlNodePtr!
        /// The node index (compact trees); `-1` in libxml2 trees.
        let index: Int32

        init(tree: XMLTree, node: xmlNodePtr) {
            self.tree = tree
            self.node = node
            self.index = -1
        }

        init(tree: XMLTree, index: Int32) {
            self.tree = tree
            self.node = nil
            self.index = index
        }

        private var compactNode: CompactDocument.Node? {
            guard let compact = tree.compact else { return nil }
            return compact.nodes[Int(index)]
        }

        private var namePointer: UnsafePointer<xmlChar> {
            if let compactNode { return compactNode.name! }
            return node.pointee.name
        }

        private var namespacePointer: UnsafePointer<xmlChar>? {
            if let compactNode { return compactNode.namespace }
            return node.pointee.ns?.pointee.href
        }

        /// Local name (without prefix).
        public var localName: String { String(cString: namePointer) }

        /// Namespace URI, when the element is in a namespace.
        public var namespaceURI: String? { namespacePointer.map { String(cString: $0) } }

        /// Prefix as written, when there is one.
        public var prefix: String? {
            if let compactNode { return compactNode.prefix.map { String(cString: $0) } }
            return node.pointee.ns?.pointee.prefix.map { String(cString: $0) }
        }

        /// Where the start tag begins.
        public var location: SourceLocation {
            if let compact = tree.compact, let compactNode {
                let start = compact.location(of: compactNode)
                return SourceLocation(line: start.line, column: start.column)
            }
            return XMLNodeLocation.read(from: node) ?? SourceLocation(line: 0, column: 0)
        }

        /// Whether the element has this local name and namespace (`nil` namespace = none).
        public func `is`(_ name: StaticString, in namespace: StaticString?) -> Bool {
            if let compact = tree.compact { return compact.node(index, is: name.utf8Start, in: namespace?.utf8Start) }
            guard XMLTree.sameName(namePointer, name.utf8Start) else { return false }
            switch (namespacePointer, namespace) {
            case (nil, nil): return true
            case (let href?, let namespace?): return XMLTree.sameName(href, namespace.utf8Start)
            default: return false
            }
        }

        /// Whether the local name equals `name`, compared without creating a string.
        public func hasLocalName(_ name: StaticString) -> Bool {
            XMLTree.sameName(namePointer, name.utf8Start)
        }

        /// Whether the element has an attribute without namespace of this name (no string is made).
        public func hasAttribute(_ name: StaticString) -> Bool {
            if let compact = tree.compact { return compact.attributeIndex(of: index, name: name.utf8Start, namespace: nil) != nil }
            return xmlHasNsProp(node, name.utf8Start, nil) != nil
        }

        /// Whether the attribute without namespace `name` has exactly this value, compared as
        /// UTF-8 bytes (no string is made for compact trees).
        public func attributeEquals(_ name: StaticString, _ value: StaticString) -> Bool {
            guard let compact = tree.compact else { return attribute(name) == value.description }
            guard let position = compact.attributeIndex(of: index, name: name.utf8Start, namespace: nil) else { return false }
            let attribute = compact.attributes[position]
            return compact.withBytes(start: attribute.valueStart, count: attribute.valueLength) {
                $0.elementsEqual(UnsafeBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
            }
        }

        /// The value of an attribute without namespace.
        public func attribute(_ name: StaticString) -> String? {
            if let compact = tree.compact { return compact.attributeValue(of: index, name: name.utf8Start, namespace: nil) }
            guard let value = xmlHasNsProp(node, name.utf8Start, nil) else { return nil }
            return Element.attributeValue(value)
        }

        /// The value of an attribute in a namespace (e.g. `xsi:type`).
        public func attribute(_ name: StaticString, namespace: StaticString) -> String? {
            if let compact = tree.compact {
                return compact.attributeValue(of: index, name: name.utf8Start, namespace: namespace.utf8Start)
            }
            guard let value = xmlHasNsProp(node, name.utf8Start, namespace.utf8Start) else { return nil }
            return Element.attributeValue(value)
        }

        private static func attributeValue(_ attribute: xmlAttrPtr) -> String {
            guard let child = attribute.pointee.children, child.pointee.next == nil, let content = child.pointee.content else {
                guard let value = xmlNodeListGetString(attribute.pointee.doc, attribute.pointee.children, 1) else { return "" }
                defer { passerelle_xml_free(value) }
                return String(cString: value)
            }
            return String(cString: content)
        }

        /// Child elements, in document order.
        public var children: ChildElements {
            if let compactNode { return ChildElements(tree: tree, first: nil, firstIndex: compactNode.firstChild) }
            return ChildElements(tree: tree, first: node.pointee.children, firstIndex: -1)
        }

        /// The first child element with this name and namespace.
        public func child(_ name: StaticString, in namespace: StaticString?) -> Element? {
            if let compact = tree.compact {
                var child = compact.nodes[Int(index)].firstChild
                while child >= 0 {
                    if compact.node(child, is: name.utf8Start, in: namespace?.utf8Start) { return Element(tree: tree, index: child) }
                    child = compact.nodes[Int(child)].nextSibling
                }
                return nil
            }
            return children.first { $0.is(name, in: namespace) }
        }

        /// Every child element with this name and namespace.
        public func children(_ name: StaticString, in namespace: StaticString?) -> [Element] {
            if let compact = tree.compact {
                var found: [Element] = []
                var child = compact.nodes[Int(index)].firstChild
                while child >= 0 {
                    if compact.node(child, is: name.utf8Start, in: namespace?.utf8Start) { found.append(Element(tree: tree, index: child)) }
                    child = compact.nodes[Int(child)].nextSibling
                }
                return found
            }
            return children.filter { $0.is(name, in: namespace) }
        }

        /// Follows a path of child names in one namespace; the first match at each step.
        public func descendant(_ path: [StaticString], in namespace: StaticString?) -> Element? {
            var current: Element? = self
            for name in path {
                current = current?.child(name, in: namespace)
            }
            return current
        }

        /// The parent element, if any.
        public var parent: Element? {
            if let compactNode {
                return compactNode.parent >= 0 ? Element(tree: tree, index: compactNode.parent) : nil
            }
            guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
            return Element(tree: tree, node: parent)
        }

        /// Concatenated text of this element and all its descendants.
        public var textContent: String {
            if tree.compact != nil {
                var bytes: [UInt8] = []
                appendText(into: &bytes)
                return String(decoding: bytes, as: UTF8.self)
            }
            guard let content = xmlNodeGetContent(node) else { return "" }
            defer { passerelle_xml_free(content) }
            return String(cString: content)
        }

        /// Appends the text of this element and its descendants (compact trees).
        private func appendText(into bytes: inout [UInt8]) {
            forEachContentBytes(text: { bytes.append(contentsOf: $0) }, element: { $0.appendText(into: &bytes) })
        }

        /// Text content with runs of white space collapsed to one space and trimmed;
        /// `nil` when nothing but white space.
        ///
        /// White space is XML's (space, tab, carriage return, line feed); other characters,
        /// such as the no-break spaces of French typography, are kept as written.
        public var normalizedText: String? {
            withTextBytes { XMLText.collapsingWhiteSpace($0) }
        }

        /// Calls `body` with the UTF-8 bytes of the element's text content without copying
        /// them when the element has a single text child (the usual case for base64 payloads).
        public func withTextBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
            if let compact = tree.compact, let compactNode {
                let first = compactNode.firstChild
                if first >= 0, first == compactNode.lastChild, !compact.nodes[Int(first)].isElement {
                    return try compact.withText(of: compact.nodes[Int(first)], body)
                }
                if first < 0 { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
                var bytes: [UInt8] = []
                appendText(into: &bytes)
                return try bytes.withUnsafeBufferPointer(body)
            }
            if let child = node.pointee.children, child.pointee.next == nil,
                child.pointee.type == XML_TEXT_NODE || child.pointee.type == XML_CDATA_SECTION_NODE,
                let content = child.pointee.content
            {
                return try body(UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
            }
            guard let content = xmlNodeGetContent(node) else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
            defer { passerelle_xml_free(content) }
            return try body(UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
        }

        /// Like ``withTextBytes(_:)``, for readers that skip XML white space anyway (base64
        /// payloads): when the text is kept as a range of the input whose CRLF line ends libxml2
        /// normalized to LF, `body` gets the range as is, carriage returns included, and `true`
        /// (each such carriage return directly precedes a line feed; the text is the bytes
        /// without them). Otherwise `body` gets the text and `false`.
        public func withTextBytesAllowingCarriageReturns<Result>(
            _ body: (UnsafeBufferPointer<UInt8>, Bool) throws -> Result
        ) rethrows -> Result {
            if let compact = tree.compact, let compactNode {
                let first = compactNode.firstChild
                if first >= 0, first == compactNode.lastChild, !compact.nodes[Int(first)].isElement {
                    return try compact.withRawText(of: compact.nodes[Int(first)], body)
                }
            }
            return try withTextBytes { try body($0, false) }
        }

        /// Visits the element's content in document order: text runs and child elements.
        public func forEachContent(text: (String) -> Void, element: (Element) -> Void) {
            forEachContentBytes(text: { text(String(decoding: $0, as: UTF8.self)) }, element: element)
        }

        /// Visits the element's content in document order like ``forEachContent(text:element:)``,
        /// handing text runs over as UTF-8 bytes borrowed from the tree (valid during the call only).
        public func forEachContentBytes(text: (UnsafeBufferPointer<UInt8>) -> Void, element: (Element) -> Void) {
            if let compact = tree.compact, let compactNode {
                var child = compactNode.firstChild
                while child >= 0 {
                    let current = compact.nodes[Int(child)]
                    if current.isElement {
                        element(Element(tree: tree, index: child))
                    } else {
                        compact.withText(of: current, text)
                    }
                    child = current.nextSibling
                }
                return
            }
            var child = node.pointee.children
            while let current = child {
                switch current.pointee.type {
                case XML_ELEMENT_NODE: element(Element(tree: tree, node: current))
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    if let content = current.pointee.content {
                        text(UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
                    }
                default: break
                }
                child = current.pointee.next
            }
        }

        /// A readable path such as `/ClinicalDocument/recordTarget/patientRole/id[2]`.
        public var path: String {
            var parts: [String] = []
            var current: Element? = self
            while let element = current {
                let siblings = element.parent.map { Array($0.children) } ?? [element]
                let same = siblings.filter { xmlStrEqual($0.namePointer, element.namePointer) == 1 }
                let position = (same.firstIndex { $0.isSameNode(as: element) } ?? 0) + 1
                let name = element.localName
                parts.append(same.count > 1 ? "\(name)[\(position)]" : name)
                current = element.parent
            }
            return "/" + parts.reversed().joined(separator: "/")
        }

        private func isSameNode(as other: Element) -> Bool {
            tree.compact != nil ? index == other.index : node == other.node
        }
    }

    /// The child elements of an element.
    public struct ChildElements: Sequence {
        let tree: XMLTree
        let first: xmlNodePtr?
        let firstIndex: Int32

        public struct Iterator: IteratorProtocol {
            let tree: XMLTree
            var cursor: xmlNodePtr?
            var index: Int32

            public mutating func next() -> XMLTree.Element? {
                if let compact = tree.compact {
                    while index >= 0 {
                        let current = index
                        let node = compact.nodes[Int(current)]
                        index = node.nextSibling
                        if node.isElement { return XMLTree.Element(tree: tree, index: current) }
                    }
                    return nil
                }
                while let current = cursor {
                    cursor = current.pointee.next
                    if current.pointee.type == XML_ELEMENT_NODE { return XMLTree.Element(tree: tree, node: current) }
                }
                return nil
            }
        }

        public func makeIterator() -> Iterator { Iterator(tree: tree, cursor: first, index: firstIndex) }
    }
}

extension XMLTree {
    /// Whether two NUL-terminated names are equal; the first byte is compared inline, which
    /// settles most mismatches without a call into libxml2.
    @inline(__always)
    static func sameName(_ left: UnsafePointer<xmlChar>, _ right: UnsafePointer<xmlChar>) -> Bool {
        left == right || (left.pointee == right.pointee && xmlStrEqual(left, right) == 1)
    }
}

/// How a parse stores its tree.
public enum XMLTreeKind: Sendable {
    /// Passerelle's compact read-only tree, built straight from SAX events: the fast choice
    /// for reading documents into the model and checking them.
    case compact
    /// libxml2's DOM: needed to edit and re-serialize a document.
    case libxml2
}
