import PasserelleModel
import PasserelleXML

/// `realmCode` must be present with `code="FR"`.
public struct RealmCode: HeaderRule {
    public static let summary = "realmCode is present with code FR"
    public static let source = "CI-SIS structuration minimale (template 1.2.250.1.213.1.1.1.1)"

    public init() {}

    public func check(_ subject: RuleSubject) {
        guard let realm = subject.element.child("realmCode", in: CDANamespace.hl7) else {
            subject.report(Self.self, "realmCode is missing (expected code=\"FR\")")
            return
        }
        if realm.attribute("code") != "FR" {
            subject.report(Self.self, "realmCode is '\(realm.attribute("code") ?? "")', expected 'FR'", at: realm)
        }
    }
}
