import Crypto
import Foundation
import PasserelleModel
import PasserelleXML

/// Reads a CDA body: `nonXMLBody` (level 1) or `structuredBody` sections with their
/// narrative, entry counts and embedded attachments.
struct BodyReader {
    let types: DatatypeReader
    let v3 = CDANamespace.hl7

    func body(of clinicalDocument: XMLTree.Element) -> DocumentBody {
        guard let component = clinicalDocument.child("component", in: v3) else {
            types.context.report(.cdaNoBody, .warning, "the document has no body (component)", at: clinicalDocument)
            return .absent
        }
        if let nonXML = component.child("nonXMLBody", in: v3) {
            guard let text = nonXML.child("text", in: v3) else { return .absent }
            return .nonXML(attachment(text, templateID: nil))
        }
        if let structured = component.child("structuredBody", in: v3) {
            let sections = structured.children("component", in: v3).compactMap { $0.child("section", in: v3) }.map(section)
            return .structured(sections: sections, results: [])
        }
        return .absent
    }

    func section(_ element: XMLTree.Element) -> Section {
        var attachments: [Attachment] = []
        var entryCount = 0
        for entry in element.children("entry", in: v3) {
            entryCount += 1
            collectAttachments(in: entry, template: nil, into: &attachments)
        }
        return Section(
            templates: types.templates(of: element), identifier: types.documentIdentifier(element.child("id", in: v3)),
            code: types.code(element.child("code", in: v3)), title: element.child("title", in: v3)?.normalizedText,
            text: element.child("text", in: v3).flatMap(NarrativeRenderer.render), entryCount: entryCount,
            attachments: attachments,
            sections: element.children("component", in: v3).compactMap { $0.child("section", in: v3) }.map(section),
            location: element.location)
    }

    /// Depth-first search of an entry for encapsulated data (`value`/`text` with
    /// `representation="B64"` or a `mediaType`), remembering the nearest template. Names are
    /// compared in place and the template's `root` is read only when an attachment is found.
    private func collectAttachments(
        in element: XMLTree.Element, template inherited: XMLTree.Element?, into attachments: inout [Attachment]
    ) {
        let own = element.child("templateId", in: v3)
        let template = own.map { $0.hasAttribute("root") } == true ? own : inherited
        for child in element.children {
            let isValue = child.is("value", in: v3)
            if isValue || child.is("text", in: v3),
                child.attributeEquals("representation", "B64") || isValue && child.hasAttribute("mediaType")
            {
                attachments.append(attachment(child, templateID: template?.attribute("root")))
            } else {
                collectAttachments(in: child, template: template, into: &attachments)
            }
        }
    }

    /// An ED value: inline base64 or text, or an external reference. Bytes are kept exactly.
    func attachment(_ element: XMLTree.Element, templateID: String?) -> Attachment {
        let representation = element.attribute("representation") ?? "TXT"
        var result = Attachment(
            mediaType: element.attribute("mediaType") ?? "text/plain", representation: representation,
            reference: element.child("reference", in: v3)?.attribute("value"), templateID: templateID,
            location: element.location)
        let data: Data?
        if representation == "B64" {
            // Carriage returns are white space to the decoder; an error offset is counted in
            // the text without them, as libxml2 hands the text over.
            data = element.withTextBytesAllowingCarriageReturns { bytes, carriageReturns -> Data? in
                switch Base64Decoder.decode(bytes) {
                case .success(let decoded): return decoded
                case .failure(.invalidCharacter(let rawOffset)):
                    let offset = carriageReturns ? rawOffset - bytes[..<rawOffset].filter { $0 == 0x0D }.count : rawOffset
                    types.context.report(
                        .cdaBase64, .error, "the base64 content has an invalid character at offset \(offset)", at: element)
                case .failure(.truncated):
                    types.context.report(.cdaBase64, .error, "the base64 content is truncated (length not a multiple of 4)", at: element)
                }
                return nil
            }
        } else {
            var text = Data()
            element.forEachContentBytes(text: { text.append($0) }, element: { _ in })
            data = text.isEmpty ? nil : text
        }
        if let data {
            result.data = data
            result.size = data.count
            result.sha256 = Hex.lowercase(SHA256.hash(data: data))
        }
        return result
    }
}
