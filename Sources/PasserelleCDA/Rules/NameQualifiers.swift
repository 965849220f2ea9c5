import PasserelleModel
import PasserelleXML

/// Patient name qualifiers: `family` is BR (birth name) or CL (used name) — SP (spouse name) is
/// still accepted with a warning suggesting CL —, `given` is BR, CL or unqualified (the list of
/// birth given names); the patient has at least one family name.
public struct NameQualifiers: HeaderRule {
    public static let summary =
        "patient family qualifiers are BR/CL (SP: warning), given qualifiers BR/CL or none, and a family name is present"
    public static let source =
        "CI-SIS structuration minimale (CI-SISRecordTarget name asserts, which disagree on SP); DocCore PatientCDAFHIR mapping"

    public init() {}

    public func check(_ subject: RuleSubject) {
        guard let patient = Header.patientRole(subject.element)?.v3("patient") else { return }
        let names = patient.v3All("name").filter { !$0.isNullFlavored }
        let families = names.flatMap { $0.v3All("family") }
        if families.isEmpty {
            subject.report(Self.self, "the patient has no family name", at: names.first ?? patient)
        }
        for family in families {
            for qualifier in Header.tokens(family.attribute("qualifier") ?? "") {
                switch qualifier {
                case "BR", "CL": break
                case "SP":
                    subject.report(
                        Self.self, "family qualifier SP is outdated: use CL for the used name", at: family, severity: .warning)
                default:
                    subject.report(Self.self, "family qualifier '\(qualifier)' is not BR, CL or SP", at: family)
                }
            }
        }
        for given in names.flatMap({ $0.v3All("given") }) {
            for qualifier in Header.tokens(given.attribute("qualifier") ?? "") where qualifier != "BR" && qualifier != "CL" {
                subject.report(Self.self, "given qualifier '\(qualifier)' is not BR or CL", at: given)
            }
        }
    }
}
