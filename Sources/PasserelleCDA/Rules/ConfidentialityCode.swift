import PasserelleModel
import PasserelleXML

/// `confidentialityCode` uses the HL7 Confidentiality code system (2.16.840.1.113883.5.25) with a
/// code from N, R, V (HL7 value set 2.16.840.1.113883.1.11.10228) or L, M, U (ANS copy).
public struct ConfidentialityCode: HeaderRule {
    public static let summary = "confidentialityCode is N, R, V, L, M or U in code system 2.16.840.1.113883.5.25"
    public static let source =
        "CI-SIS structuration minimale (value set 2.16.840.1.113883.1.11.10228); ANS JDV_HL7_Confidentiality_CISIS"

    static let codes: Set<String> = ["N", "R", "V", "L", "M", "U"]

    public init() {}

    public func check(_ subject: RuleSubject) {
        // Absence is reported by RequiredHeaderElements.
        guard let element = subject.element.v3Present("confidentialityCode") else { return }
        let code = element.attribute("code") ?? ""
        if !Self.codes.contains(code) {
            subject.report(Self.self, "confidentialityCode '\(code)' is not one of N, R, V, L, M, U", at: element)
        }
        let system = element.attribute("codeSystem") ?? ""
        if system != "2.16.840.1.113883.5.25" {
            subject.report(
                Self.self, "confidentialityCode codeSystem is '\(system)', expected '2.16.840.1.113883.5.25'", at: element)
        }
    }
}
