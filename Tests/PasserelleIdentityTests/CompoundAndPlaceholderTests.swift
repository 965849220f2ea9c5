import PasserelleIdentity
import Testing

/// R3 compound given names written with or without their hyphen, and R4 placeholder dates that
/// agree with a full date of the same year.
@Suite("Compound given names and placeholder dates")
struct CompoundAndPlaceholderTests {
    let matcher = Fixtures.matcher

    @Test("R3: JEAN-CHRISTOPHE is the start of the list JEAN CHRISTOPHE PIERRE", arguments: [
        ("Jean-Christophe", "JEAN CHRISTOPHE PIERRE"),
        ("JEAN CHRISTOPHE CLEMENT", "Jean-Christophe Clement"),
        ("Marie Hélène", "MARIE-HELENE"),
    ])
    func compoundAgainstList(a: String, b: String) {
        let x = Fixtures.identity { $0.birthGivenNames = a }
        let y = Fixtures.identity("B") { $0.birthGivenNames = b }
        #expect(Comparator.compare(x, y)[.givenName] == .exact)
        #expect(Comparator.compare(y, x)[.givenName] == .exact)
    }

    @Test("R3: a typo inside a compound read across the list is a close variant, not an exact match")
    func compoundWithTypo() {
        let x = Fixtures.identity { $0.birthGivenNames = "JEAN-MICHEL ANDRE" }
        let y = Fixtures.identity("B") { $0.birthGivenNames = "JAEN MICHEL" }
        #expect(Comparator.compare(x, y)[.givenName] == .fuzzyHigh)
    }

    @Test("R3/R13: distinct compounds sharing a first part never align (MARIE-ANNE vs MARIE LOUISE)")
    func distinctCompounds() {
        let x = Fixtures.identity { $0.birthGivenNames = "Marie-Anne" }
        let y = Fixtures.identity("B") { $0.birthGivenNames = "MARIE LOUISE" }
        let level = Comparator.compare(x, y)[.givenName]
        #expect(level != .exact && level != .fuzzyHigh)
        let twins = Fixtures.decide(Fixtures.record("A", given: "Marie-Anne"), Fixtures.record("B", given: "Marie Louise"))
        #expect(twins.decision != .link)
    }

    @Test("R3: the same person with the hyphen dropped links")
    func hyphenDroppedLinks() {
        let a = Fixtures.record("A", given: "JEAN-CHRISTOPHE", sex: "M", phone: "0611223344")
        let b = Fixtures.record("B", given: "Jean Christophe", sex: "M", phone: "0611223344")
        #expect(Fixtures.decide(a, b).decision == .link)
    }

    @Test("R4: a 01/01 or 31/12 placeholder against a full date of the same year is a partial agreement", arguments: [
        ("01/01/2002", "2002-09-20"), ("31/12/1975", "1975-03-15"), ("01/01/1990", "31/12/1990"),
    ])
    func placeholderAgainstFullDate(a: String, b: String) {
        let x = BirthDate(text: a), y = BirthDate(text: b)
        #expect(x != nil && y != nil)
        if let x, let y { #expect(Comparator.birthDate(x, y) == .partialAgree) }
    }

    @Test("R4: a placeholder of another year still disagrees")
    func placeholderOtherYear() {
        let x = BirthDate(text: "01/01/2002"), y = BirthDate(text: "2003-09-20")
        if let x, let y { #expect(Comparator.birthDate(x, y) == .disagree) }
    }

    @Test("R4: a placeholder date never drives a link, but with strong other evidence the pair reaches review")
    func placeholderToReview() {
        let a = Fixtures.record("A", given: "Lina", birth: "01/01/2002", phone: "0749481545")
        let b = Fixtures.record("B", given: "LINA", birth: "2002-09-20", phone: "0749481545")
        let result = Fixtures.decide(a, b)
        #expect(result.flags.contains(.placeholderBirthDate))
        #expect(result.decision == .review)
    }

    @Test("R4: with names and year only, a placeholder date goes to review at most")
    func placeholderUncorroborated() {
        let a = Fixtures.record("A", given: "Lina", birth: "01/01/2002", place: nil, address: nil, postcode: nil, city: nil)
        let b = Fixtures.record("B", given: "LINA", birth: "2002-09-20", place: "33063", address: "3 rue Haute",
            postcode: "33000", city: "Bordeaux")
        let result = Fixtures.decide(a, b)
        #expect(result.decision != .link)
        #expect(result.flags.contains(.placeholderBirthDate))
    }

    @Test("R4/R13: twins, one with a placeholder date, never link")
    func placeholderTwins() {
        let a = Fixtures.record("A", given: "Lucas", birth: "01/01/2002", sex: "M", phone: "0612345678")
        let b = Fixtures.record("B", given: "Louis", birth: "2002-09-20", sex: "M", phone: "0612345678")
        #expect(Fixtures.decide(a, b).decision != .link)
    }

    @Test("R13: lists starting with the same name but going on differently are not the same first given name")
    func listConflict() {
        let x = Fixtures.identity { $0.birthGivenNames = "Marie Hélène Cécile" }
        let y = Fixtures.identity("B") { $0.birthGivenNames = "MARIE MICKAEL" }
        #expect(Comparator.compare(x, y)[.givenName] == .tokenOverlap)
        let shorter = Fixtures.identity("C") { $0.birthGivenNames = "MARIE" }
        #expect(Comparator.compare(x, shorter)[.givenName] == .exact)
        let twins = Fixtures.decide(Fixtures.record("A", given: "Marie Hélène"), Fixtures.record("B", given: "MARIE MICKAEL"))
        #expect(twins.decision != .link)
        #expect(twins.flags.contains(.possibleTwins))
    }

    @Test("A year 15 or more apart is another generation, not a one-digit typo", arguments: [
        ("1940-07-20", "1960-07-20", ComparisonLevel.disagree), ("1976-12-25", "1978-12-25", .oneTypo),
    ])
    func generationGap(a: String, b: String, level: ComparisonLevel) {
        if let x = BirthDate(text: a), let y = BirthDate(text: b) { #expect(Comparator.birthDate(x, y) == level) }
    }

    @Test("A one-digit year change across a generation is a typo only when the full given-name lists agree")
    func generationTypoWithFullList() {
        let a = Fixtures.identity { $0.birthGivenNames = "Christine Camille"; $0.birthDate = "26/06/1975" }
        let b = Fixtures.identity("B") { $0.birthGivenNames = "CHRISTINE CAMILLE"; $0.birthDate = "1935-06-26" }
        #expect(Comparator.compare(a, b)[.birthDate] == .oneTypo)
        let junior = Fixtures.identity("C") { $0.birthGivenNames = "Christine"; $0.birthDate = "1935-06-26" }
        #expect(Comparator.compare(a, junior)[.birthDate] == .disagree)
    }

    @Test("R2/R13: unrelated family names never link, even with the same given name, birth date and town")
    func familyNameConflict() {
        let a = Fixtures.record("A", family: "HUET", given: "Hugo", sex: "M", address: "46 route de Bretagne")
        let b = Fixtures.record("B", family: "BOULANGER", given: "HUGO", sex: "M", address: "46 route de Bretagne")
        let result = Fixtures.decide(a, b)
        #expect(result.flags.contains(.familyNameConflict))
        #expect(result.decision != .link)
    }

    @Test("R7: a mother's qualified INS on her child's record does not link them through the used name")
    func insOfMotherOnChild() {
        let ins = Fixtures.ins("2831206088705")
        let mother = Fixtures.record("A", family: "CHEVALIER", used: "LEFEVRE", given: "Nathalie", birth: "1983-12-25",
            place: "06088", ins: ins, status: .qualified)
        let child = Fixtures.record("B", family: "LEFEVRE", given: "Nathalie Geneviève", birth: nil, sex: nil, place: nil,
            ins: ins, status: .provisional)
        let result = Fixtures.decide(mother, child)
        #expect(result.decision == .review)
        #expect(result.flags.contains(.possibleCollision))
    }
}
