import PasserelleModel
import PasserelleXML

/// `legalAuthenticator` has a `time`, `signatureCode code="S"` and an `assignedEntity/id`.
public struct LegalAuthenticatorRequirements: HeaderRule {
    public static let summary = "legalAuthenticator has time, signatureCode S and assignedEntity/id"
    public static let source = "CI-SIS structuration minimale (CI-SISLegalAuthenticator); DocCore legalAuthenticator row"

    public init() {}

    public func check(_ subject: RuleSubject) {
        // Absence is reported by RequiredHeaderElements.
        for authenticator in subject.element.v3All("legalAuthenticator") {
            if authenticator.v3("time") == nil {
                subject.report(Self.self, "legalAuthenticator has no time", at: authenticator)
            }
            if let signature = authenticator.v3("signatureCode") {
                let code = signature.attribute("code") ?? ""
                if code != "S" {
                    subject.report(Self.self, "legalAuthenticator signatureCode is '\(code)', expected 'S'", at: signature)
                }
            } else {
                subject.report(Self.self, "legalAuthenticator has no signatureCode (expected code S)", at: authenticator)
            }
            if authenticator.v3Path(["assignedEntity", "id"]) == nil {
                subject.report(Self.self, "legalAuthenticator has no assignedEntity/id", at: authenticator)
            }
        }
    }
}
