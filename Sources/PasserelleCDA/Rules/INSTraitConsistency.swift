import PasserelleModel
import PasserelleXML

/// The INS number agrees with the strict traits: its sex digit (1/7 male, 2/8 female) with
/// `administrativeGenderCode` (M/F), and its year and month of birth with `birthTime` (only
/// when the NIR month is a real month, 01-12). A disagreement usually means a wrong INS (e.g. a
/// child carrying a parent's number), hence a warning.
public struct INSTraitConsistency: HeaderRule {
    public static let summary = "the INS sex digit and year/month agree with administrativeGenderCode and birthTime (warning)"
    public static let source = "NIR layout (INSEE, décret 82-103); DOMAIN.md R7 (derived)"

    public init() {}

    public func check(_ subject: RuleSubject) {
        guard let patient = Header.patientRole(subject.element)?.v3("patient") else { return }
        let gender = patient.v3("administrativeGenderCode")?.attribute("code")
        let birth = patient.v3("birthTime")?.attribute("value").flatMap { Timestamp(hl7: $0) }
        for (element, number) in PatientOID.insIdentifiers(subject.element) {
            let characters = Array(number)
            guard characters.count == 15, let sexDigit = characters[0].wholeNumberValue else { continue }
            let nirSex: String? =
                switch sexDigit {
                case 1, 7: "M"
                case 2, 8: "F"
                default: nil
                }
            if let nirSex, let gender, gender == "M" || gender == "F", gender != nirSex {
                subject.report(
                    Self.self, "the INS sex digit does not agree with administrativeGenderCode", at: element,
                    severity: .warning)
            }
            guard let birth, let month = birth.month,
                let nirYear = Int(String(characters[1...2])), let nirMonth = Int(String(characters[3...4])),
                (1...12).contains(nirMonth)
            else { continue }
            if nirYear != birth.year % 100 || nirMonth != month {
                subject.report(
                    Self.self, "the INS year and month of birth do not agree with birthTime", at: element,
                    severity: .warning)
            }
        }
    }
}
