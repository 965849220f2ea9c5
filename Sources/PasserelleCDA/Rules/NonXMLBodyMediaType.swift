import PasserelleModel
import PasserelleXML

/// A level-1 body (`nonXMLBody/text`) has a `mediaType` among application/pdf, text/plain,
/// text/rtf, image/jpeg and image/tiff; binary types (PDF, JPEG, TIFF) are carried inline in
/// base64 (`representation="B64"`), not by reference.
public struct NonXMLBodyMediaType: HeaderRule {
    public static let summary =
        "nonXMLBody text mediaType is application/pdf, text/plain, text/rtf, image/jpeg or image/tiff; binary content is inline B64"
    public static let source = "CI-SIS structuration minimale / IHE XDS-SD (level-1 documents); CDA R2 ED datatype"

    static let mediaTypes: Set<String> = ["application/pdf", "text/plain", "text/rtf", "image/jpeg", "image/tiff"]
    static let binary: Set<String> = ["application/pdf", "image/jpeg", "image/tiff"]

    public init() {}

    public func check(_ subject: RuleSubject) {
        guard let body = subject.element.v3("component")?.v3("nonXMLBody") else { return }
        guard let text = body.v3("text") else {
            subject.report(Self.self, "nonXMLBody has no text element", at: body)
            return
        }
        // CDA R2: the ED mediaType defaults to text/plain.
        let mediaType = text.attribute("mediaType") ?? "text/plain"
        guard Self.mediaTypes.contains(mediaType) else {
            subject.report(
                Self.self,
                "nonXMLBody mediaType '\(mediaType)' is not one of application/pdf, text/plain, text/rtf, image/jpeg, image/tiff",
                at: text)
            return
        }
        guard Self.binary.contains(mediaType) else { return }
        if text.attribute("representation") != "B64" {
            subject.report(Self.self, "nonXMLBody content of type \(mediaType) must have representation B64", at: text)
        }
        var hasInlineContent = false
        text.forEachContentBytes(
            text: { bytes in if !hasInlineContent, bytes.contains(where: { !XMLText.isWhiteSpace($0) }) { hasInlineContent = true } },
            element: { _ in })
        if !hasInlineContent {
            subject.report(Self.self, "nonXMLBody content of type \(mediaType) must be inline (not a reference)", at: text)
        }
    }
}
