/// What the NIR says about its holder (R7): sex digit, year and month of birth, birth department.
public struct NIRSemantics: Sendable, Hashable {
    /// Sex from the first digit (1/7 male, 2/8 female), `nil` for other digits.
    public var sex: Sex?
    /// Two-digit year of birth.
    public var yearOfCentury: Int
    /// Month of birth when 1...12 (codes 20+ mean unknown month).
    public var month: Int?
    /// Birth department: 2 characters, 3 for overseas (97x/98x), `99` for people born abroad.
    public var department: String
    /// Whether the number is provisional (first digit 7 or 8).
    public var isProvisional: Bool
}

/// A disagreement between the NIR and the identity traits (R7).
public enum NIRTraitConflict: String, Sendable, Hashable, Codable, CaseIterable {
    /// The sex digit contradicts the sex.
    case sex
    /// The YY digits contradict the birth year.
    case birthYear
    /// The MM digits contradict the birth month.
    case birthMonth
    /// The department contradicts the birthplace code.
    case birthplace
}

extension INS {
    /// Decodes the layout of the matricule (sex, YY, MM, department) (R7).
    public var semantics: NIRSemantics {
        let chars = Array(value)
        func number(_ range: Range<Int>) -> Int? { Int(String(chars[range])) }
        let sexDigit = chars[0]
        let sex: Sex? =
            switch sexDigit {
            case "1", "7": .male
            case "2", "8": .female
            default: nil
            }
        let month = number(3..<5).flatMap { (1...12).contains($0) ? $0 : nil }
        let head = String(chars[5..<7])
        let department = head == "97" || head == "98" ? String(chars[5..<8]) : head
        return NIRSemantics(
            sex: sex, yearOfCentury: number(1..<3) ?? -1, month: month, department: department,
            isProvisional: sexDigit == "7" || sexDigit == "8")
    }

    /// Conflicts between this INS and the given traits; an empty result means "consistent or
    /// unknown". A conflict typically reveals a child carrying a parent's number (R7).
    public func conflicts(sex: Sex, birthDate: BirthDate?, birthplaceCode: String?) -> [NIRTraitConflict] {
        guard matriculeKind == .nir else { return [] }
        let meaning = semantics
        var result: [NIRTraitConflict] = []
        if let nirSex = meaning.sex, sex.isDetermined, nirSex != sex { result.append(.sex) }
        if let date = birthDate, !date.isPartial, !date.isPlaceholder, let dateMonth = date.month {
            // A one-digit difference in YYMM is more likely a typo in the date than a wrong INS.
            let fromNIR = [meaning.yearOfCentury / 10, meaning.yearOfCentury % 10, (meaning.month ?? dateMonth) / 10,
                (meaning.month ?? dateMonth) % 10].map { UInt8(clamping: $0) }
            let yy = date.year % 100
            let fromDate = [yy / 10, yy % 10, dateMonth / 10, dateMonth % 10].map { UInt8(clamping: $0) }
            if fromNIR != fromDate, !StringSimilarity.isOneTypo(fromNIR, fromDate) {
                if yy != meaning.yearOfCentury { result.append(.birthYear) }
                if let month = meaning.month, month != dateMonth { result.append(.birthMonth) }
            }
        }
        if let code = birthplaceCode, code.count == 5, !meaning.isProvisional {
            let expected = code.hasPrefix("97") || code.hasPrefix("98") ? String(code.prefix(3)) : String(code.prefix(2))
            if expected != meaning.department { result.append(.birthplace) }
        }
        return result
    }
}
