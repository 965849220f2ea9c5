import CLibXML2
public import PasserelleModel

/// A parsed, well-formed XML document. It owns the underlying libxml2 tree, which is freed
/// when the last reference (including any `Element` obtained from it) goes away.
///
/// Not `Sendable`: a tree is read by the task that parsed it.
public final class XMLTree {
    let document: xmlDocPtr
    /// Name of the source, for diagnostics.
    public let sourceName: String?

    init(document: xmlDocPtr, sourceName: String?) {
        self.document = document
        self.sourceName = sourceName
    }

    deinit { xmlFreeDoc(document) }

    /// The root element.
    public var root: Element? {
        guard let node = xmlDocGetRootElement(document) else { return nil }
        return Element(tree: self, node: node)
    }

    /// An element of the tree: a cheap handle that keeps the tree alive.
    public struct Element {
        let tree: XMLTree
        let node: xmlNodePtr

        /// Local name (without prefix).
        public var localName: String { String(cString: node.pointee.name) }

        /// Namespace URI, when the element is in a namespace.
        public var namespaceURI: String? { node.pointee.ns?.pointee.href.map { String(cString: $0) } }

        /// Prefix as written, when there is one.
        public var prefix: String? { node.pointee.ns?.pointee.prefix.map { String(cString: $0) } }

        /// Where the start tag begins.
        public var location: SourceLocation {
            XMLNodeLocation.read(from: node) ?? SourceLocation(line: 0, column: 0)
        }

        /// Whether the element has this local name and namespace (`nil` namespace = none).
        public func `is`(_ name: StaticString, in namespace: StaticString?) -> Bool {
            guard xmlStrEqual(node.pointee.name, name.utf8Start) == 1 else { return false }
            return Element.namespace(of: node, equals: namespace)
        }

        static func namespace(of node: xmlNodePtr, equals namespace: StaticString?) -> Bool {
            let href = node.pointee.ns?.pointee.href
            switch (href, namespace) {
            case (nil, nil): return true
            case (let href?, let namespace?): return xmlStrEqual(href, namespace.utf8Start) == 1
            default: return false
            }
        }

        /// The value of an attribute without namespace.
        public func attribute(_ name: StaticString) -> String? {
            guard let value = xmlHasNsProp(node, name.utf8Start, nil) else { return nil }
            return Element.attributeValue(value)
        }

        /// The value of an attribute in a namespace (e.g. `xsi:type`).
        public func attribute(_ name: StaticString, namespace: StaticString) -> String? {
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
        public var children: ChildElements { ChildElements(tree: tree, first: node.pointee.children) }

        /// The first child element with this name and namespace.
        public func child(_ name: StaticString, in namespace: StaticString?) -> Element? {
            children.first { $0.is(name, in: namespace) }
        }

        /// Every child element with this name and namespace.
        public func children(_ name: StaticString, in namespace: StaticString?) -> [Element] {
            children.filter { $0.is(name, in: namespace) }
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
            guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
            return Element(tree: tree, node: parent)
        }

        /// Concatenated text of this element and all its descendants.
        public var textContent: String {
            guard let content = xmlNodeGetContent(node) else { return "" }
            defer { passerelle_xml_free(content) }
            return String(cString: content)
        }

        /// Text content with runs of white space collapsed to one space and trimmed;
        /// `nil` when nothing but white space.
        public var normalizedText: String? {
            let collapsed = textContent.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            return collapsed.isEmpty ? nil : collapsed
        }

        /// Calls `body` with the UTF-8 bytes of the element's text content without copying
        /// them when the element has a single text child (the usual case for base64 payloads).
        public func withTextBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
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

        /// Visits the element's content in document order: text runs and child elements.
        public func forEachContent(text: (String) -> Void, element: (Element) -> Void) {
            var child = node.pointee.children
            while let current = child {
                switch current.pointee.type {
                case XML_ELEMENT_NODE: element(Element(tree: tree, node: current))
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    if let content = current.pointee.content { text(String(cString: content)) }
                default: break
                }
                child = current.pointee.next
            }
        }

        /// A readable path such as `/ClinicalDocument/recordTarget/patientRole/id[2]`.
        public var path: String {
            var parts: [String] = []
            var current: xmlNodePtr? = node
            while let element = current, element.pointee.type == XML_ELEMENT_NODE {
                let name = String(cString: element.pointee.name)
                var index = 1
                var total = 0
                var sibling = element.pointee.parent?.pointee.children
                while let candidate = sibling {
                    if candidate.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(candidate.pointee.name, element.pointee.name) == 1 {
                        total += 1
                        if candidate == element { index = total }
                    }
                    sibling = candidate.pointee.next
                }
                parts.append(total > 1 ? "\(name)[\(index)]" : name)
                current = element.pointee.parent
            }
            return "/" + parts.reversed().joined(separator: "/")
        }
    }

    /// The child elements of an element.
    public struct ChildElements: Sequence {
        let tree: XMLTree
        let first: xmlNodePtr?

        public struct Iterator: IteratorProtocol {
            let tree: XMLTree
            var cursor: xmlNodePtr?

            public mutating func next() -> XMLTree.Element? {
                while let current = cursor {
                    cursor = current.pointee.next
                    if current.pointee.type == XML_ELEMENT_NODE { return XMLTree.Element(tree: tree, node: current) }
                }
                return nil
            }
        }

        public func makeIterator() -> Iterator { Iterator(tree: tree, cursor: first) }
    }
}
