import PasserelleModel
import PasserelleXML

/// When the patient has an INS, the INS traits are all present: birth family name
/// (`family qualifier="BR"`), first birth given name (`given qualifier="BR"`), the list of birth
/// given names (`given` without qualifier), `birthTime`, the birthplace code
/// (`birthplace/place/addr/county`) and `administrativeGenderCode/@code` (F, M or UN). The first
/// birth given name must match the start of the list, hyphens and apostrophes counting as spaces.
public struct INSTraits: HeaderRule {
    public static let summary = "an INS comes with all INS traits, and the first birth given name matches the start of the list"
    public static let source = "CI-SIS structuration minimale (INS traits assert, CI-SISRecordTarget); RNIV/INS guide EXI ID 10 (DOMAIN.md R1, R3)"

    static let genders: Set<String> = ["F", "M", "UN"]

    public init() {}

    public func check(_ subject: RuleSubject) {
        guard !PatientOID.insIdentifiers(subject.element).isEmpty,
            let role = Header.patientRole(subject.element)
        else { return }
        guard let patient = role.v3("patient") else {
            subject.report(Self.self, "the patient has an INS but no patient element with the INS traits", at: role)
            return
        }
        let names = patient.v3All("name")
        let families = names.flatMap { $0.v3All("family") }
        let givens = names.flatMap { $0.v3All("given") }
        let birthGiven = givens.first { $0.attribute("qualifier") == "BR" }
        let givenList = givens.first { $0.attribute("qualifier") == nil }
        var missing: [String] = []
        if !families.contains(where: { $0.attribute("qualifier") == "BR" && $0.normalizedText != nil }) {
            missing.append("birth family name (family qualifier BR)")
        }
        if birthGiven?.normalizedText == nil { missing.append("first birth given name (given qualifier BR)") }
        if givenList?.normalizedText == nil { missing.append("list of birth given names (given without qualifier)") }
        if patient.v3("birthTime").map({ !$0.isNullFlavored && $0.attribute("value") != nil }) != true {
            missing.append("birthTime")
        }
        if patient.v3Path(["birthplace", "place", "addr", "county"])?.normalizedText == nil {
            missing.append("birthplace code (birthplace/place/addr/county)")
        }
        let gender = patient.v3("administrativeGenderCode")?.attribute("code")
        if gender == nil { missing.append("administrativeGenderCode") }
        if !missing.isEmpty {
            subject.report(Self.self, "the patient has an INS but lacks: \(missing.joined(separator: ", "))", at: patient)
        }
        if let gender, !Self.genders.contains(gender), let element = patient.v3("administrativeGenderCode") {
            subject.report(Self.self, "administrativeGenderCode is not F, M or UN", at: element)
        }
        if let first = birthGiven?.normalizedText, let list = givenList?.normalizedText,
            !Self.listStarts(with: first, list: list), let birthGiven
        {
            subject.report(
                Self.self, "the first birth given name does not match the start of the list of birth given names",
                at: birthGiven)
        }
    }

    /// Whether `list` starts with the given name `first`, comparing case-insensitively with hyphens
    /// and apostrophes read as spaces (`JEAN-CHRISTOPHE` matches `JEAN CHRISTOPHE PIERRE`).
    static func listStarts(with first: String, list: String) -> Bool {
        let firstWords = words(first)
        let listWords = words(list)
        return !firstWords.isEmpty && listWords.starts(with: firstWords)
    }

    static func words(_ text: String) -> [String] {
        text.uppercased()
            .map { "-'’".contains($0) ? " " : $0 }
            .split(whereSeparator: { $0.isWhitespace })
            .map { String($0) }
    }
}
