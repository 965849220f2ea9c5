import CLibXML2

/// A read-only element tree built directly from the SAX2 events of a parse, without libxml2's
/// DOM: a few flat arrays (nodes, attributes, one byte arena for text and attribute values)
/// instead of one heap object per node, attribute and text run. Element, attribute and
/// namespace names are libxml2's interned strings from the parser's dictionary, which the
/// document keeps alive, so comparing a name costs one string comparison and no copy.
///
/// Reading a CDA document into the model needs nothing more, and building it costs a
/// fraction of building libxml2's tree (see Benchmarks/xml).
final class CompactDocument {
    /// An element or a text run.
    struct Node {
        /// Interned local name (elements); `nil` for text.
        var name: UnsafePointer<xmlChar>?
        /// Interned prefix as written, if any.
        var prefix: UnsafePointer<xmlChar>?
        /// Interned namespace URI, if any.
        var namespace: UnsafePointer<xmlChar>?
        var parent: Int32
        var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        var nextSibling: Int32 = -1
        /// Elements: index of the first attribute; text: offset in `bytes`.
        var start: Int32
        /// Elements: number of attributes; text: length in bytes.
        var count: Int32
        var line: Int32
        var column: Int32

        var isElement: Bool { name != nil }
    }

    /// An attribute; its value is `bytes[valueStart..<valueStart + valueLength]`.
    struct Attribute {
        var name: UnsafePointer<xmlChar>
        var namespace: UnsafePointer<xmlChar>?
        var valueStart: Int32
        var valueLength: Int32
    }

    let nodes: [Node]
    let attributes: [Attribute]
    let bytes: [UInt8]
    /// The parser's dictionary, holding every name the nodes point to (retained).
    private let dictionary: xmlDictPtr?

    init(nodes: [Node], attributes: [Attribute], bytes: [UInt8], dictionary: xmlDictPtr?) {
        self.nodes = nodes
        self.attributes = attributes
        self.bytes = bytes
        self.dictionary = dictionary
    }

    deinit {
        if let dictionary { xmlDictFree(dictionary) }
    }

    /// The root element's index, if there is one.
    var rootIndex: Int32? { nodes.isEmpty ? nil : 0 }

    /// Calls `body` with the bytes of a text node or attribute value.
    func withBytes<Result>(start: Int32, count: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBufferPointer { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(start + count)]))
        }
    }

    /// The value of the attribute of element `index` with this local name and namespace.
    func attributeValue(of index: Int32, name: UnsafePointer<xmlChar>, namespace: UnsafePointer<xmlChar>?) -> String? {
        let node = nodes[Int(index)]
        var position = Int(node.start)
        let end = position + Int(node.count)
        while position < end {
            let attribute = attributes[position]
            position += 1
            guard xmlStrEqual(attribute.name, name) == 1 else { continue }
            switch (attribute.namespace, namespace) {
            case (nil, nil): break
            case (let own?, let wanted?) where xmlStrEqual(own, wanted) == 1: break
            default: continue
            }
            return withBytes(start: attribute.valueStart, count: attribute.valueLength) {
                String(decoding: $0, as: UTF8.self)
            }
        }
        return nil
    }
}

/// Builds a ``CompactDocument`` from SAX2 events.
///
/// The growing arrays live behind a pointer rather than in stored properties: the builder is
/// called for every SAX event, and class properties would pay a dynamic exclusivity check on
/// each access.
final class CompactDocumentBuilder {
    typealias Node = CompactDocument.Node
    typealias Attribute = CompactDocument.Attribute

    private struct Storage {
        var nodes: [Node] = []
        var attributes: [Attribute] = []
        var bytes: [UInt8] = []
        /// Index of the element whose content is being read (`-1` before the root).
        var current: Int32 = -1
    }

    private let storage: UnsafeMutablePointer<Storage>
    private var dictionary: xmlDictPtr?

    init(expectedSize: Int) {
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage())
        storage.pointee.nodes.reserveCapacity(max(64, expectedSize / 48))
        storage.pointee.bytes.reserveCapacity(max(256, expectedSize))
    }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
        if let dictionary { xmlDictFree(dictionary) }
    }

    /// Keeps the parser's dictionary alive as long as the document.
    func retainDictionary(_ dictionary: xmlDictPtr?) {
        guard let dictionary, self.dictionary == nil else { return }
        xmlDictReference(dictionary)
        self.dictionary = dictionary
    }

    /// The finished document (the builder must not be used afterwards).
    func finish() -> CompactDocument {
        let document = CompactDocument(
            nodes: storage.pointee.nodes, attributes: storage.pointee.attributes, bytes: storage.pointee.bytes,
            dictionary: dictionary)
        storage.pointee = Storage()
        dictionary = nil
        return document
    }

    /// Opens an element under the current one.
    func startElement(
        name: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, namespace: UnsafePointer<xmlChar>?,
        attributes raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int, line: Int, column: Int
    ) {
        let state = storage
        let index = Int32(state.pointee.nodes.count)
        let firstAttribute = Int32(state.pointee.attributes.count)
        if let raw {
            for offset in 0..<attributeCount {
                guard let localName = raw[offset * 5], let valueStart = raw[offset * 5 + 3], let valueEnd = raw[offset * 5 + 4]
                else { continue }
                let start = Int32(state.pointee.bytes.count)
                Self.appendAttributeValue(UnsafeBufferPointer(start: valueStart, count: valueEnd - valueStart), to: &state.pointee.bytes)
                state.pointee.attributes.append(
                    Attribute(
                        name: localName, namespace: raw[offset * 5 + 2], valueStart: start,
                        valueLength: Int32(state.pointee.bytes.count) - start))
            }
        }
        state.pointee.nodes.append(
            Node(
                name: name, prefix: prefix, namespace: namespace, parent: state.pointee.current, start: firstAttribute,
                count: Int32(state.pointee.attributes.count) - firstAttribute, line: Int32(clamping: line),
                column: Int32(clamping: column)))
        link(index)
        state.pointee.current = index
    }

    /// Closes the current element.
    func endElement() {
        let state = storage
        guard state.pointee.current >= 0 else { return }
        state.pointee.current = state.pointee.nodes[Int(state.pointee.current)].parent
    }

    /// Appends text to the current element, merging adjacent runs into one text node.
    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        let state = storage
        let current = state.pointee.current
        guard current >= 0, !text.isEmpty else { return }
        let last = state.pointee.nodes[Int(current)].lastChild
        if last >= 0 {
            let lastNode = state.pointee.nodes[Int(last)]
            if !lastNode.isElement, Int(lastNode.start + lastNode.count) == state.pointee.bytes.count {
                state.pointee.bytes.append(contentsOf: text)
                state.pointee.nodes[Int(last)].count += Int32(text.count)
                return
            }
        }
        let index = Int32(state.pointee.nodes.count)
        let start = Int32(state.pointee.bytes.count)
        state.pointee.bytes.append(contentsOf: text)
        let parent = state.pointee.nodes[Int(current)]
        state.pointee.nodes.append(
            Node(
                name: nil, prefix: nil, namespace: nil, parent: current, start: start, count: Int32(text.count),
                line: parent.line, column: parent.column))
        link(index)
    }

    private func link(_ index: Int32) {
        let state = storage
        let parent = state.pointee.nodes[Int(index)].parent
        guard parent >= 0 else { return }
        let previous = state.pointee.nodes[Int(parent)].lastChild
        if previous >= 0 {
            state.pointee.nodes[Int(previous)].nextSibling = index
        } else {
            state.pointee.nodes[Int(parent)].firstChild = index
        }
        state.pointee.nodes[Int(parent)].lastChild = index
    }

    /// Copies an attribute value as libxml2's SAX2 layer hands it over: entity and character
    /// references are already resolved, except `&` which the parser keeps as `&#38;` when it
    /// does not substitute entities (libxml2's tree builder resolves it the same way).
    private static func appendAttributeValue(_ value: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        guard value.contains(UInt8(ascii: "&")) else {
            bytes.append(contentsOf: value)
            return
        }
        let escaped: [UInt8] = Array("&#38;".utf8)
        var index = 0
        while index < value.count {
            if value[index] == UInt8(ascii: "&"), index + escaped.count <= value.count,
                value[index..<(index + escaped.count)].elementsEqual(escaped)
            {
                bytes.append(UInt8(ascii: "&"))
                index += escaped.count
            } else {
                bytes.append(value[index])
                index += 1
            }
        }
    }
}
