import PasserelleIdentity
import Testing

/// Collision safety (R13) and the deterministic rules (R11, R14) with the built-in model.
@Suite("Pair decisions")
struct MatcherTests {
    let matcher = Fixtures.matcher

    @Test("R13: twins (same family, birth date, birthplace, address, phone; different given names) never link")
    func twins() {
        let a = Fixtures.record("A", given: "Lucas", sex: "M", phone: "0612345678")
        let b = Fixtures.record("B", given: "Louis", sex: "M", phone: "0612345678")
        let result = Fixtures.decide(a, b)
        #expect(result.decision != .link)
        #expect(result.flags.contains(.possibleTwins))
    }

    @Test("R13: twins with compound names sharing a first part never link")
    func compoundTwins() {
        let a = Fixtures.record("A", given: "Marie-Anne", phone: "0612345678")
        let b = Fixtures.record("B", given: "Marie-Louise", phone: "0612345678")
        #expect(Fixtures.decide(a, b).decision != .link)
    }

    @Test("R13: parent and child sharing family and given names and address never link")
    func parentChild() {
        let father = Fixtures.record("A", given: "Jean", birth: "1961-03-02", sex: "M", phone: "0145454545")
        let son = Fixtures.record("B", given: "Jean", birth: "1990-11-23", sex: "M", phone: "0145454545")
        let result = Fixtures.decide(father, son)
        #expect(result.decision == .new)
        #expect(result.flags.contains(.strictConflict))
    }

    @Test("R13: spouses sharing the used name, address and phone never link")
    func spouses() {
        let wife = Fixtures.record("A", family: "MARTIN", used: "DUPONT", given: "Claire", birth: "1975-02-11", phone: "0145454545")
        let husband = Fixtures.record("B", family: "DUPONT", given: "Marc", birth: "1973-08-30", sex: "M", phone: "0145454545")
        #expect(Fixtures.decide(wife, husband).decision == .new)
    }

    @Test("R13: homonyms born the same day in different places and living apart never link")
    func homonyms() {
        let a = Fixtures.record("A", family: "MARTIN", given: "Nathalie", place: "69123", address: "3 rue Neuve",
            postcode: "69003", city: "Lyon")
        let b = Fixtures.record("B", family: "MARTIN", given: "Nathalie", place: "13055", address: "8 avenue du Prado",
            postcode: "13008", city: "Marseille")
        let result = Fixtures.decide(a, b)
        #expect(result.decision != .link)
    }

    @Test("The same person with a typo, a phonetic variant and a moved address links (same mobile phone)")
    func samePersonVariants() {
        let a = Fixtures.record("A", family: "LEFEBVRE", given: "Stéphane", sex: "M", phone: "0612345678")
        let b = Fixtures.record("B", family: "LEFEVRE", given: "Stephane", sex: "M", address: "4 place du Marché",
            postcode: "92100", city: "Boulogne", phone: "06 12 34 56 78")
        #expect(Fixtures.decide(a, b).decision == .link)
        // Without the phone nothing beyond the INS traits agrees: a homonym look, sent to review.
        var c = b
        c.phone = nil
        let uncorroborated = Fixtures.decide(a, c)
        #expect(uncorroborated.decision == .review)
        #expect(uncorroborated.flags == [.uncorroborated])
    }

    @Test("R2: a married woman under her used name and her birth name links")
    func marriedWoman() {
        let young = Fixtures.record("A", family: "DUPONT", given: "Claire Marie", postcode: "75011", phone: "0611223344")
        let married = Fixtures.record("B", family: "MARTIN née DUPONT", given: "Claire", address: "9 rue Haute",
            postcode: "44000", city: "Nantes", phone: "0611223344")
        let result = Fixtures.decide(young, married)
        #expect(result.decision == .link, "\(result)")
    }

    @Test("A day/month swap with otherwise identical traits links")
    func dayMonthSwap() {
        let a = Fixtures.record("A", birth: "1980-05-07")
        let b = Fixtures.record("B", birth: "1980-07-05")
        let result = Fixtures.decide(a, b)
        #expect(result.decision == .link)
        #expect(result.contributions.contains { $0.trait == .birthDate && $0.level == .dayMonthSwap })
    }

    @Test("Mojibake in names does not prevent a link")
    func mojibakeLink() {
        let a = Fixtures.record("A", family: "BÉRANGER", given: "Hélène")
        let b = Fixtures.record("B", family: "BÃ‰RANGER", given: "HÃ©lÃ¨ne")
        #expect(Fixtures.decide(a, b).decision == .link)
    }

    @Test("R4: a placeholder birth date cannot carry a link on its own")
    func placeholderDate() {
        let a = Fixtures.record("A", birth: "1980-01-01", place: nil, address: nil, postcode: nil, city: nil)
        let b = Fixtures.record("B", birth: "01/01/1980", place: nil, address: nil, postcode: nil, city: nil)
        let result = Fixtures.decide(a, b)
        #expect(result.decision != .link)
        #expect(result.contributions.contains { $0.trait == .birthDate && $0.level == .placeholderExact })
    }

    @Test("Same facility and IPP is the same identity record")
    func sameLocalIdentifier() {
        let a = Fixtures.record("A", given: "Paul", source: "1.2.3.4", ipp: "IPP1")
        let b = Fixtures.record("B", family: "Autre", given: "Pierre", birth: "1990-01-02", source: "1.2.3.4", ipp: "IPP1")
        let result = Fixtures.decide(a, b)
        #expect(result.decision == .link)
        #expect(result.rule == .sameLocalIdentifier)
    }

    @Test("R14: two IPPs of one facility never link automatically")
    func sameAuthority() {
        let a = Fixtures.record("A", source: "1.2.3.4", ipp: "IPP1")
        let b = Fixtures.record("B", source: "1.2.3.4", ipp: "IPP2")
        let result = Fixtures.decide(a, b)
        #expect(result.decision == .review)
        #expect(result.flags.contains(.sameAuthorityDifferentLocalIdentifier))
    }

    @Test("R14: two different valid INS never link, whatever the traits")
    func differentINS() {
        let a = Fixtures.record("A", ins: Fixtures.ins("2800575056123"))
        let b = Fixtures.record("B", ins: Fixtures.ins("2800575056124"))
        let result = Fixtures.decide(a, b)
        #expect(result.decision == .new)
        #expect(result.rule == .differentINS)
    }

    @Test("Same valid INS of a qualified identity links, even with a changed family name")
    func sameQualifiedINS() {
        let ins = Fixtures.ins("2800575056123")
        let a = Fixtures.record("A", ins: ins, status: .qualified)
        let b = Fixtures.record("B", family: "MARTIN", address: nil, postcode: nil, city: nil, ins: ins)
        let result = Fixtures.decide(a, b)
        #expect(result.decision == .link)
        #expect(result.rule == .sameQualifiedINS)
    }

    @Test("R7/R13: same INS but contradicting strict traits goes to review as a possible collision")
    func sameINSCollision() {
        let ins = Fixtures.ins("2800575056123")
        let mother = Fixtures.record("A", ins: ins, status: .qualified)
        let daughter = Fixtures.record("B", given: "Léa", birth: "2012-09-03", ins: ins)
        let result = Fixtures.decide(mother, daughter)
        #expect(result.decision == .review)
        #expect(result.flags.contains(.possibleCollision))
    }

    @Test("R11: a fictitious identity never links")
    func fictitious() {
        let a = Fixtures.record("A", attributes: .fictitious)
        let result = Fixtures.decide(a, Fixtures.record("B"))
        #expect(result.decision == .new)
        #expect(result.flags.contains(.fictitiousIdentity))
    }

    @Test("R11: douteuse and homonyme identities go to review instead of link", arguments: [
        IdentityAttributes.doubtful, .homonym,
    ])
    func reviewAttributes(attribute: IdentityAttributes) {
        let result = Fixtures.decide(Fixtures.record("A", attributes: attribute), Fixtures.record("B"))
        #expect(result.decision == .review)
    }

    @Test("Each decision band follows the thresholds")
    func bands() {
        let a = Fixtures.record("A")
        let b = Fixtures.record("B", address: "12 rue des Lilas", postcode: nil, city: nil)
        let score = Fixtures.decide(a, b).score
        func decision(link: Double, review: Double) -> MatchDecision {
            let configuration = MatchConfiguration(linkThreshold: link, reviewThreshold: review)
            return PairMatcher(configuration: configuration).evaluate(ComparableIdentity(a), ComparableIdentity(b)).decision
        }
        #expect(decision(link: score - 1, review: score - 2) == .link)
        #expect(decision(link: score + 1, review: score - 1) == .review)
        #expect(decision(link: score + 2, review: score + 1) == .new)
    }

    @Test("Explanations list every compared trait with level and weight, and never quote traits")
    func explanation() {
        let a = Fixtures.record("A", family: "ZYGMUNT", given: "Quentin", birth: "1980-05-17")
        let result = Fixtures.decide(a, Fixtures.record("B", family: "ZYGMUNT", given: "Quentin", birth: "1980-05-17"))
        let text = result.description + result.compact
        #expect(result.contributions.map(\.trait).contains(.birthDate))
        #expect(!text.contains("ZYGMUNT"))
        #expect(!text.uppercased().contains("QUENTIN"))
        #expect(!text.contains("1980"))
        #expect(text.contains("birthDate"))
    }

    @Test("Household agreement is capped: it cannot outweigh a strict disagreement")
    func householdCap() {
        let a = Fixtures.record("A", given: "Jean", birth: "1961-03-02", sex: "M", phone: "0145454545", weak: "1610375056001")
        let b = Fixtures.record("B", given: "Jean", birth: "1990-11-23", sex: "M", phone: "0145454545", weak: "1610375056001")
        let result = Fixtures.decide(a, b)
        #expect(result.householdWeight <= MatchConfiguration().householdCap)
        #expect(result.decision == .new)
    }
}
