import PasserelleModel
import PasserelleXML

/// `languageCode` is `fr-FR`.
public struct LanguageCode: HeaderRule {
    public static let summary = "languageCode is fr-FR"
    public static let source = "CI-SIS structuration minimale (languageCode pattern fr-FR)"

    public init() {}

    public func check(_ subject: RuleSubject) {
        // Absence is reported by RequiredHeaderElements.
        guard let element = subject.element.v3Present("languageCode") else { return }
        let code = element.attribute("code") ?? ""
        if code != "fr-FR" {
            subject.report(Self.self, "languageCode is '\(code)', expected 'fr-FR'", at: element)
        }
    }
}
