import Foundation
import PasserelleXML
import Testing

/// The small libxml2 editing API the normalized-CDA emitter uses (PasserelleXML).
@Suite("XML document editing")
struct XMLDocumentEditingTests {
    private func tree(_ text: String, kind: XMLTreeKind = .libxml2) throws -> XMLTree {
        try #require(SafeXMLParser(treeKind: kind).parse(Data(text.utf8)).tree)
    }

    @Test("Inserts after the last sibling of that name, copying its indentation")
    func insertAfterLastSibling() throws {
        let tree = try tree("<r xmlns=\"urn:x\">\n  <a/>\n  <a k=\"1\"/>\n  <b/>\n</r>")
        let root = try #require(tree.root)
        try tree.insertElement(named: "a", attributes: [(name: "k", value: "2 & <3>")], into: root, afterLastChildNamed: "a")
        let text = String(decoding: try tree.serialized(), as: UTF8.self)
        #expect(text.hasSuffix("<r xmlns=\"urn:x\">\n  <a/>\n  <a k=\"1\"/>\n  <a k=\"2 &amp; &lt;3&gt;\"/>\n  <b/>\n</r>\n"))
    }

    @Test("Without such a sibling the element becomes the first child element")
    func insertFirst() throws {
        let tree = try tree("<r>\n  <b/>\n</r>")
        let root = try #require(tree.root)
        try tree.insertElement(named: "a", attributes: [], into: root, afterLastChildNamed: "missing")
        let text = String(decoding: try tree.serialized(), as: UTF8.self)
        #expect(text.contains("<r>\n  <a/>\n  <b/>\n</r>"))
        #expect(tree.root?.children.map(\.localName) == ["a", "b"])
    }

    @Test("A document without declaration is written as UTF-8 with a declaration")
    func defaultEncoding() throws {
        let tree = try tree("<r>é</r>")
        #expect(tree.declaredEncoding == nil)
        let data = try tree.serialized()
        #expect(String(decoding: data, as: UTF8.self) == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r>é</r>\n")
    }

    @Test("Compact (read-only) trees are refused with XML-EDIT-FAILED")
    func compactRefused() throws {
        let tree = try tree("<r/>", kind: .compact)
        let root = try #require(tree.root)
        do {
            try tree.insertElement(named: "a", attributes: [], into: root, afterLastChildNamed: nil)
            Issue.record("a compact tree must not be editable")
        } catch {
            #expect(error.code == .xmlEditFailed)
        }
        #expect(throws: XMLEditingError.self) { try tree.serialized() }
    }
}
