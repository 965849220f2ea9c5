import CLibXML2
import Foundation

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
        /// Elements: index of the first attribute; text: offset in `bytes`, or in the input
        /// (`source`) when `inSource`.
        var start: Int32
        /// Elements: number of attributes; text: length in bytes.
        var count: Int32
        /// Elements: start of the tag (`tagEnd < 0`), or the parser's position at the end of
        /// the start tag, from which the start is computed when asked (`tagEnd >= 0`).
        var line: Int32
        var column: Int32
        /// Elements: offset in the input of the parser's cursor when the start tag was reported
        /// (lazy location), or `-1` when `line`/`column` are already the tag's start.
        var tagEnd: Int32 = -1
        /// Text: whether the bytes are a range of the input rather than of `bytes`.
        var inSource = false
        /// Text in the input: the range holds CRLF line ends that libxml2 handed over as LF, so
        /// the text is the range without its carriage returns (each of which precedes a line
        /// feed; the range has no other carriage return).
        var carriageReturns = false

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
    /// The parsed input, which text nodes (`inSource`) and lazy locations refer to.
    let source: Data?
    /// The parser's dictionary, holding every name the nodes point to (retained).
    private let dictionary: xmlDictPtr?

    init(nodes: [Node], attributes: [Attribute], bytes: [UInt8], source: Data?, dictionary: xmlDictPtr?) {
        self.nodes = nodes
        self.attributes = attributes
        self.bytes = bytes
        self.source = source
        self.dictionary = dictionary
    }

    deinit {
        if let dictionary { xmlDictFree(dictionary) }
    }

    /// The root element's index, if there is one.
    var rootIndex: Int32? { nodes.isEmpty ? nil : 0 }

    /// Calls `body` with the bytes of an attribute value (or of a text run kept in `bytes`).
    func withBytes<Result>(start: Int32, count: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBufferPointer { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(start + count)]))
        }
    }

    /// Calls `body` with the bytes of a text node, wherever they are kept.
    func withText<Result>(of node: Node, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withRawText(of: node) { raw, carriageReturns in
            guard carriageReturns else { return try body(raw) }
            let text = raw.filter { $0 != 0x0D }
            return try text.withUnsafeBufferPointer(body)
        }
    }

    /// Calls `body` with the bytes of a text node as kept: for a node with
    /// ``Node/carriageReturns``, the input's range with its CRLF line ends (the flag is passed).
    func withRawText<Result>(of node: Node, _ body: (UnsafeBufferPointer<UInt8>, Bool) throws -> Result) rethrows -> Result {
        if node.inSource, let source {
            return try source.withUnsafeBytes { raw in
                try body(
                    UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[Int(node.start)..<Int(node.start + node.count)]),
                    node.carriageReturns)
            }
        }
        return try withBytes(start: node.start, count: node.count) { try body($0, false) }
    }

    /// Where the start tag of an element begins.
    func location(of node: Node) -> (line: Int, column: Int) {
        guard node.tagEnd >= 0, let source else { return (Int(node.line), Int(node.column)) }
        return source.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress!
            return XMLNodeLocation.startOfTag(
                base: base, cursor: base + Int(node.tagEnd), line: Int(node.line), column: Int(node.column))
        }
    }

    /// Whether node `index` is an element with this local name and namespace (`nil`: none).
    @inline(__always)
    func node(_ index: Int32, is name: UnsafePointer<xmlChar>, in namespace: UnsafePointer<xmlChar>?) -> Bool {
        let node = nodes[Int(index)]
        guard let own = node.name, XMLTree.sameName(own, name) else { return false }
        switch (node.namespace, namespace) {
        case (nil, nil): return true
        case (let href?, let namespace?): return XMLTree.sameName(href, namespace)
        default: return false
        }
    }

    /// Index in `attributes` of the attribute of element `index` with this local name and namespace.
    func attributeIndex(of index: Int32, name: UnsafePointer<xmlChar>, namespace: UnsafePointer<xmlChar>?) -> Int? {
        let node = nodes[Int(index)]
        var position = Int(node.start)
        let end = position + Int(node.count)
        while position < end {
            let attribute = attributes[position]
            position += 1
            guard XMLTree.sameName(attribute.name, name) else { continue }
            switch (attribute.namespace, namespace) {
            case (nil, nil): break
            case (let own?, let wanted?) where XMLTree.sameName(own, wanted): break
            default: continue
            }
            return position - 1
        }
        return nil
    }

    /// The value of the attribute of element `index` with this local name and namespace.
    func attributeValue(of index: Int32, name: UnsafePointer<xmlChar>, namespace: UnsafePointer<xmlChar>?) -> String? {
        guard let position = attributeIndex(of: index, name: name, namespace: namespace) else { return nil }
        let attribute = attributes[position]
        return withBytes(start: attribute.valueStart, count: attribute.valueLength) { String(decoding: $0, as: UTF8.self) }
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
        /// The input's bytes while the parse runs (`nil` otherwise).
        var sourceBase: UnsafePointer<UInt8>?
        var sourceCount = 0
    }

    private let storage: UnsafeMutablePointer<Storage>
    private var dictionary: xmlDictPtr?
    /// The input, kept by the document: text runs found unchanged in it are referenced.
    private var source: Data?

    init(expectedSize: Int, source: Data? = nil) {
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage())
        self.source = source
        storage.pointee.nodes.reserveCapacity(max(64, expectedSize / 48))
        // With the input kept, only attribute values and the text runs libxml2 rewrote
        // (references, line ends, non-ASCII runs) are copied.
        storage.pointee.bytes.reserveCapacity(max(256, source == nil ? expectedSize : expectedSize / 8))
    }

    /// Makes the input's bytes reachable during the parse (`base` is valid until ``endParse()``).
    func beginParse(base: UnsafePointer<UInt8>?, count: Int) {
        guard source != nil else { return }
        storage.pointee.sourceBase = base
        storage.pointee.sourceCount = count
    }

    /// Ends the parse: the input's bytes are no longer reachable through a raw pointer.
    func endParse() {
        storage.pointee.sourceBase = nil
        storage.pointee.sourceCount = 0
    }

    /// The input's bytes during the parse, when the document keeps them.
    var sourceDuringParse: UnsafeBufferPointer<UInt8>? {
        storage.pointee.sourceBase.map { UnsafeBufferPointer(start: $0, count: storage.pointee.sourceCount) }
    }

    /// Whether `count` bytes at `pointer` equal the input's bytes at `offset`.
    @inline(__always)
    private func sourceMatches(offset: Int, pointer: UnsafePointer<UInt8>, count: Int) -> Bool {
        guard offset >= 0, let base = storage.pointee.sourceBase, offset + count <= storage.pointee.sourceCount else { return false }
        return memcmp(base + offset, pointer, count) == 0
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
            source: source, dictionary: dictionary)
        storage.pointee = Storage()
        dictionary = nil
        source = nil
        return document
    }

    /// The offset in the input of the parser's cursor, when the bytes before it (up to 32, and
    /// the cursor's own byte) are the input's there: an element's start is then computed from
    /// it when asked. `-1` otherwise.
    func tagEndOffset(cursor: UnsafePointer<UInt8>, inputBase: UnsafePointer<UInt8>, candidate: Int) -> Int32 {
        let before = min(32, cursor - inputBase, candidate)
        guard candidate >= 0, candidate < Int(Int32.max),
            sourceMatches(offset: candidate - before, pointer: cursor - before, count: before + 1)
        else { return -1 }
        return Int32(candidate)
    }

    private static func hasCarriageReturn(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
        return memchr(base, 0x0D, bytes.count) != nil
    }

    /// Opens an element under the current one.
    func startElement(
        name: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, namespace: UnsafePointer<xmlChar>?,
        attributes raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int, line: Int, column: Int,
        tagEnd: Int32 = -1
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
                column: Int32(clamping: column), tagEnd: tagEnd))
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
    ///
    /// `sourceOffset` is where the run would start in the input if libxml2 handed it over
    /// straight from its copy of the input (`-1` when unknown). A run whose bytes are indeed
    /// the input's at that offset is referenced, not copied (the comparison makes this exact
    /// whatever the offset); a node stays a reference while its runs are contiguous in the
    /// input, and moves to `bytes` as soon as one is not (libxml2 splits text at references,
    /// line ends and non-ASCII runs, which it rewrites).
    func characters(_ text: UnsafeBufferPointer<UInt8>, sourceOffset candidate: Int = -1) {
        let state = storage
        let current = state.pointee.current
        guard current >= 0, let pointer = text.baseAddress, !text.isEmpty else { return }
        let sourceOffset: Int32? =
            sourceMatches(offset: candidate, pointer: pointer, count: text.count) ? Int32(candidate) : nil
        let last = state.pointee.nodes[Int(current)].lastChild
        if last >= 0 {
            let lastNode = state.pointee.nodes[Int(last)]
            if !lastNode.isElement {
                if lastNode.inSource {
                    let end = Int(lastNode.start + lastNode.count)
                    if let sourceOffset, let base = state.pointee.sourceBase {
                        let offset = Int(sourceOffset)
                        if offset == end, !lastNode.carriageReturns || !Self.hasCarriageReturn(text) {
                            state.pointee.nodes[Int(last)].count += Int32(text.count)
                            return
                        }
                        // libxml2 hands a CRLF line end over as the LF alone: the gap is the CR.
                        if offset == end + 1, base[end] == 0x0D, text[0] == 0x0A, !Self.hasCarriageReturn(text),
                            lastNode.carriageReturns
                                || !Self.hasCarriageReturn(UnsafeBufferPointer(start: base + Int(lastNode.start), count: Int(lastNode.count)))
                        {
                            state.pointee.nodes[Int(last)].carriageReturns = true
                            state.pointee.nodes[Int(last)].count = Int32(offset + text.count) - lastNode.start
                            return
                        }
                    }
                    // Not contiguous: move the node's text so far to `bytes`, then append.
                    let start = Int32(state.pointee.bytes.count)
                    if let base = state.pointee.sourceBase {
                        let range = UnsafeBufferPointer(start: base + Int(lastNode.start), count: Int(lastNode.count))
                        if lastNode.carriageReturns {
                            for byte in range where byte != 0x0D { state.pointee.bytes.append(byte) }
                        } else {
                            state.pointee.bytes.append(contentsOf: range)
                        }
                    }
                    state.pointee.bytes.append(contentsOf: text)
                    state.pointee.nodes[Int(last)].inSource = false
                    state.pointee.nodes[Int(last)].carriageReturns = false
                    state.pointee.nodes[Int(last)].start = start
                    state.pointee.nodes[Int(last)].count = Int32(state.pointee.bytes.count) - start
                    return
                }
                if Int(lastNode.start + lastNode.count) == state.pointee.bytes.count {
                    state.pointee.bytes.append(contentsOf: text)
                    state.pointee.nodes[Int(last)].count += Int32(text.count)
                    return
                }
            }
        }
        let index = Int32(state.pointee.nodes.count)
        let start: Int32
        if let sourceOffset {
            start = sourceOffset
        } else {
            start = Int32(state.pointee.bytes.count)
            state.pointee.bytes.append(contentsOf: text)
        }
        let parent = state.pointee.nodes[Int(current)]
        state.pointee.nodes.append(
            Node(
                name: nil, prefix: nil, namespace: nil, parent: current, start: start, count: Int32(text.count),
                line: parent.line, column: parent.column, inSource: sourceOffset != nil))
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
