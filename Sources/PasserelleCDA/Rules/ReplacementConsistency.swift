import PasserelleModel
import PasserelleXML

/// `relatedDocument` is a replacement (`typeCode="RPLC"`) whose `parentDocument/id` is present and
/// differs from the document's `id`; when the parent's `setId` is given it equals the document's
/// `setId`. A replacing document with `versionNumber` 1 gets a warning (versions increase).
public struct ReplacementConsistency: HeaderRule {
    public static let summary =
        "relatedDocument is RPLC with a parent id different from the document id, same setId; versionNumber > 1 (warning)"
    public static let source = "CI-SIS structuration minimale (relatedDocument[@typeCode='RPLC']); DocCore relatedDocument; CDA R2 versioning"

    public init() {}

    public func check(_ subject: RuleSubject) {
        let document = subject.element
        for related in document.v3All("relatedDocument") {
            let typeCode = related.attribute("typeCode") ?? ""
            if typeCode != "RPLC" {
                subject.report(Self.self, "relatedDocument typeCode is '\(typeCode)', only RPLC is accepted", at: related)
            }
            guard let parent = related.v3("parentDocument") else {
                subject.report(Self.self, "relatedDocument has no parentDocument", at: related)
                continue
            }
            guard let parentID = parent.v3Present("id"), !(parentID.attribute("root") ?? "").isEmpty else {
                subject.report(Self.self, "parentDocument has no id with a root", at: parent)
                continue
            }
            if let id = document.v3Present("id"), Self.same(id, parentID) {
                subject.report(Self.self, "parentDocument id equals the document id: a version cannot replace itself", at: parentID)
            }
            if let parentSet = parent.v3Present("setId"), let setID = document.v3Present("setId"), !Self.same(parentSet, setID) {
                subject.report(Self.self, "parentDocument setId differs from the document setId", at: parentSet)
            }
            if let version = document.v3Present("versionNumber"), let value = Int(version.attribute("value") ?? ""), value <= 1 {
                subject.report(
                    Self.self, "the document replaces another one but its versionNumber is \(value) (expected > 1)",
                    at: version, severity: .warning)
            }
        }
    }

    static func same(_ lhs: XMLTree.Element, _ rhs: XMLTree.Element) -> Bool {
        lhs.attribute("root") == rhs.attribute("root") && lhs.attribute("extension") == rhs.attribute("extension")
    }
}
