import PasserelleIdentity
import Testing

@Suite("Trait comparison levels")
struct ComparisonTests {
    func date(_ text: String) -> BirthDate { BirthDate(text: text) ?? BirthDate(year: 1, month: nil, day: nil) }

    @Test("R4: birth date levels", arguments: [
        ("1980-05-17", "1980-05-17", ComparisonLevel.exact),
        ("1980-01-01", "1980-01-01", .placeholderExact),
        ("1980-12-31", "1980-12-31", .placeholderExact),
        ("1980-05-07", "1980-07-05", .dayMonthSwap),
        ("1980-05-17", "1980-05-18", .oneTypo),
        ("1980-05-17", "1908-05-17", .oneTypo),
        ("1980-05-00", "1980-05-17", .partialAgree),
        ("1980", "1980-05-17", .partialAgree),
        ("1980-05-17", "1981-06-18", .disagree),
        ("1980", "1981", .disagree),
    ])
    func birthDates(a: String, b: String, level: ComparisonLevel) {
        #expect(Comparator.birthDate(date(a), date(b)) == level)
    }

    @Test("R3: JEAN-PIERRE and JEAN PIERRE are the same first given name")
    func compoundGivenName() {
        let a = Fixtures.identity { $0.birthGivenNames = "Jean Pierre"; $0.firstBirthGivenName = "Jean-Pierre" }
        let b = Fixtures.identity("B") { $0.birthGivenNames = nil; $0.firstBirthGivenName = "JEAN PIERRE" }
        #expect(Comparator.compare(a, b)[.givenName] == .exact)
    }

    @Test("R2: a given name found in the other's list is a token match (call name)")
    func givenNameInList() {
        let a = Fixtures.identity { $0.birthGivenNames = "Marie Jeanne Louise" }
        let b = Fixtures.identity("B") { $0.birthGivenNames = "Jeanne" }
        #expect(Comparator.compare(a, b)[.givenName] == .tokenOverlap)
    }

    @Test("Different given names sharing only a first part are not a token match (MARIE-ANNE vs MARIE-LOUISE)")
    func partialCompound() {
        let a = Fixtures.identity { $0.birthGivenNames = nil; $0.firstBirthGivenName = "Marie-Anne" }
        let b = Fixtures.identity("B") { $0.birthGivenNames = nil; $0.firstBirthGivenName = "Marie-Louise" }
        let level = Comparator.compare(a, b)[.givenName]
        #expect(level == .disagree || level == .fuzzyLow)
    }

    @Test("R2: birth name against used name crosswise is a cross match")
    func crossNames() {
        let single = Fixtures.identity { $0.birthFamilyName = "DUPONT"; $0.usedFamilyName = nil }
        let married = Fixtures.identity("B") { $0.birthFamilyName = nil; $0.usedFamilyName = "DUPONT" }
        #expect(Comparator.compare(single, married)[.familyName] == .crossName)
        let full = Fixtures.identity("C") { $0.birthFamilyName = "MARTIN"; $0.usedFamilyName = "DUPONT" }
        #expect(Comparator.compare(single, full)[.familyName] == .crossName)
    }

    @Test("Spouses: same used name but different birth names is not a cross match")
    func spousesUsedName() {
        let wife = Fixtures.identity { $0.birthFamilyName = "MARTIN"; $0.usedFamilyName = "DUPONT" }
        let husbandMother = Fixtures.identity("B") { $0.birthFamilyName = "BERNARD"; $0.usedFamilyName = "DUPONT" }
        #expect(Comparator.compare(wife, husbandMother)[.familyName] != .crossName)
        #expect(Comparator.compare(wife, husbandMother)[.familyName] != .exact)
    }

    @Test("Phonetic and fuzzy family names")
    func fuzzyFamily() {
        let a = Fixtures.identity { $0.birthFamilyName = "DUPONT" }
        #expect(Comparator.compare(a, Fixtures.identity("B") { $0.birthFamilyName = "DUPOND" })[.familyName] == .phonetic)
        #expect(Comparator.compare(a, Fixtures.identity("B") { $0.birthFamilyName = "DUOPNT" })[.familyName] == .fuzzyHigh)
        #expect(Comparator.compare(a, Fixtures.identity("B") { $0.birthFamilyName = "BERNARD" })[.familyName] == .disagree)
    }

    @Test("Swapped family and given names are recognized")
    func swappedNames() {
        let a = Fixtures.identity { $0.birthFamilyName = "MARTIN"; $0.birthGivenNames = "Bernard" }
        let b = Fixtures.identity("B") { $0.birthFamilyName = "BERNARD"; $0.birthGivenNames = "Martin" }
        let vector = Comparator.compare(a, b)
        #expect(vector.namesSwapped)
        #expect(vector[.givenName] == .fuzzyHigh)
    }

    @Test("R5: undetermined sex is never a mismatch")
    func sexUnknown() {
        let a = Fixtures.identity { $0.sex = "U" }
        #expect(Comparator.compare(a, Fixtures.identity("B") { $0.sex = "M" })[.sex] == nil)
        #expect(Comparator.compare(Fixtures.identity(), Fixtures.identity("B") { $0.sex = "M" })[.sex] == .disagree)
    }

    @Test("Birthplace: same commune, same department, different")
    func birthplace() {
        let a = Fixtures.identity { $0.birthplaceCode = "2A004" }
        #expect(Comparator.compare(a, Fixtures.identity("B") { $0.birthplaceCode = "2A004" })[.birthplace] == .exact)
        #expect(Comparator.compare(a, Fixtures.identity("B") { $0.birthplaceCode = "2A041" })[.birthplace] == .sameDepartment)
        #expect(Comparator.compare(a, Fixtures.identity("B") { $0.birthplaceCode = "2B033" })[.birthplace] == .disagree)
    }

    @Test("Missing values are missing, not disagreements")
    func missing() {
        let a = Fixtures.identity { $0.birthDate = nil; $0.phone = nil }
        let vector = Comparator.compare(a, Fixtures.identity("B"))
        #expect(vector[.birthDate] == nil)
        #expect(vector[.phone] == nil)
        #expect(vector[.address] == .exact)
    }
}
