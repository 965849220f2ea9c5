import PasserelleModel
import PasserelleXML

/// `typeId` must be present once with `root="2.16.840.1.113883.1.3"` and `extension="POCD_HD000040"`.
public struct TypeID: HeaderRule {
    public static let summary = "typeId is present once with root 2.16.840.1.113883.1.3 and extension POCD_HD000040"
    public static let source = "CDA R2; CI-SIS structuration minimale (template 1.2.250.1.213.1.1.1.1)"

    public init() {}

    public func check(_ subject: RuleSubject) {
        let typeIDs = subject.element.v3All("typeId")
        guard let typeID = typeIDs.first else {
            subject.report(Self.self, "typeId is missing (expected root 2.16.840.1.113883.1.3, extension POCD_HD000040)")
            return
        }
        if typeIDs.count > 1 {
            subject.report(Self.self, "typeId appears \(typeIDs.count) times, expected once", at: typeIDs[1])
        }
        let root = typeID.attribute("root") ?? ""
        let ext = typeID.attribute("extension") ?? ""
        if root != "2.16.840.1.113883.1.3" {
            subject.report(Self.self, "typeId root is '\(root)', expected '2.16.840.1.113883.1.3'", at: typeID)
        }
        if ext != "POCD_HD000040" {
            subject.report(Self.self, "typeId extension is '\(ext)', expected 'POCD_HD000040'", at: typeID)
        }
    }
}
