import CLibXML2
public import Foundation
public import PasserelleModel

extension DiagnosticCode {
    /// An element could not be added to a parsed tree.
    public static let xmlEditFailed: DiagnosticCode = "XML-EDIT-FAILED"
    /// A parsed tree could not be serialized back to bytes (unsupported encoding, out of memory).
    public static let xmlSerializeFailed: DiagnosticCode = "XML-SERIALIZE-FAILED"
}

/// Why an edit or a serialization of an `XMLTree` failed.
public struct XMLEditingError: Error, Sendable, CustomStringConvertible {
    /// `XML-EDIT-FAILED` or `XML-SERIALIZE-FAILED`.
    public var code: DiagnosticCode
    /// A readable message (element names and encodings only, never document content).
    public var message: String

    public var description: String { "[\(code.rawValue)] \(message)" }
}

/// Small, explicit edits of a parsed tree followed by serialization, for emitters that must
/// change one thing in a document and keep everything else as it was (the normalized CDA).
///
/// Trees come from `SafeXMLParser`, so every safety rule of the parse applies. Only trees
/// parsed with `treeKind: .libxml2` can be edited and serialized (compact trees are read-only).
/// Edits change the tree in place: do them on a tree that nothing else reads concurrently.
extension XMLTree {
    /// The encoding named by the XML declaration (`ISO-8859-1`, `UTF-8`...), `nil` when the
    /// document has no declaration or the declaration names no encoding.
    public var declaredEncoding: String? {
        guard let document else { return nil }
        return document.pointee.encoding.map { String(cString: $0) }
    }

    /// The libxml2 DOM, or an error for compact (read-only) trees.
    private func editableDocument() throws(XMLEditingError) -> xmlDocPtr {
        guard let document else {
            throw XMLEditingError(
                code: .xmlEditFailed, message: "the tree is a compact read-only tree: parse with treeKind .libxml2 to edit it")
        }
        return document
    }

    /// Adds an empty element `<name attr="value".../>` to `parent`, in the parent's namespace
    /// (same prefix as the parent), right after the last child element of `parent` whose local
    /// name is `afterLastChildNamed` (in the parent's namespace), or as the first child element
    /// when there is none. The white space that precedes that sibling is copied before the new
    /// element, so the indentation of the document is kept.
    ///
    /// Attributes are written in the order given. Values are plain text (escaped on output).
    @discardableResult
    public func insertElement(
        named name: String, attributes: [(name: String, value: String)], into parent: Element,
        afterLastChildNamed siblingName: String?
    ) throws(XMLEditingError) -> Element {
        let document = try editableDocument()
        guard parent.tree === self, let parentNode = parent.node else {
            throw XMLEditingError(code: .xmlEditFailed, message: "the parent element belongs to another tree")
        }
        let namespace = parentNode.pointee.ns
        guard let element = xmlNewDocNode(document, namespace, name, nil) else {
            throw XMLEditingError(code: .xmlEditFailed, message: "could not create element '\(name)'")
        }
        for attribute in attributes {
            guard xmlNewProp(element, attribute.name, attribute.value) != nil else {
                xmlFreeNode(element)
                throw XMLEditingError(code: .xmlEditFailed, message: "could not add attribute '\(attribute.name)' to '\(name)'")
            }
        }
        var anchor: xmlNodePtr?
        if let siblingName {
            var child = parentNode.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE, String(cString: current.pointee.name) == siblingName,
                    current.pointee.ns == namespace || Self.sameNamespace(current.pointee.ns, namespace)
                {
                    anchor = current
                }
                child = current.pointee.next
            }
        }
        if let anchor {
            let indentation = Self.whitespaceBefore(anchor)
            guard xmlAddNextSibling(anchor, element) != nil else {
                xmlFreeNode(element)
                throw XMLEditingError(code: .xmlEditFailed, message: "could not insert '\(name)' after '\(siblingName ?? "")'")
            }
            if let indentation, let text = xmlNewDocText(document, indentation) {
                if xmlAddPrevSibling(element, text) == nil { xmlFreeNode(text) }
            }
        } else if let first = Self.firstElementChild(of: parentNode) {
            let indentation = Self.whitespaceBefore(first)
            guard xmlAddPrevSibling(first, element) != nil else {
                xmlFreeNode(element)
                throw XMLEditingError(code: .xmlEditFailed, message: "could not insert '\(name)' into '\(parent.localName)'")
            }
            if let indentation, let text = xmlNewDocText(document, indentation) {
                if xmlAddNextSibling(element, text) == nil { xmlFreeNode(text) }
            }
        } else {
            guard xmlAddChild(parentNode, element) != nil else {
                xmlFreeNode(element)
                throw XMLEditingError(code: .xmlEditFailed, message: "could not add '\(name)' to '\(parent.localName)'")
            }
        }
        return Element(tree: self, node: element)
    }

    /// Serializes the tree with its declared encoding (UTF-8 when it declares none), as libxml2
    /// writes it: an XML declaration, then every node as parsed, white space included, without
    /// re-indentation. CDATA sections come out as escaped text (the parser merges them) and a
    /// leading byte-order mark is not written back.
    public func serialized() throws(XMLEditingError) -> Data {
        let document = try editableDocument()
        let encoding = declaredEncoding ?? "UTF-8"
        LibXML2Setup.silenceCurrentThread()
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(document, &buffer, &size, encoding)
        guard let buffer, size > 0 else {
            throw XMLEditingError(
                code: .xmlSerializeFailed, message: "libxml2 could not serialize the document in encoding '\(encoding)'")
        }
        defer { passerelle_xml_free(buffer) }
        return Data(bytes: buffer, count: Int(size))
    }

    private static func sameNamespace(_ lhs: xmlNsPtr?, _ rhs: xmlNsPtr?) -> Bool {
        switch (lhs?.pointee.href, rhs?.pointee.href) {
        case (nil, nil): true
        case (let left?, let right?): xmlStrEqual(left, right) == 1
        default: false
        }
    }

    private static func firstElementChild(of node: xmlNodePtr) -> xmlNodePtr? {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { return current }
            child = current.pointee.next
        }
        return nil
    }

    /// The text of the white-space-only text node right before `node`, if there is one.
    private static func whitespaceBefore(_ node: xmlNodePtr) -> String? {
        guard let previous = node.pointee.prev, previous.pointee.type == XML_TEXT_NODE,
            let content = previous.pointee.content
        else { return nil }
        let text = String(cString: content)
        guard !text.isEmpty, text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) else {
            return nil
        }
        return text
    }
}
