import PasserelleIdentity
import Testing

/// Collision safety beyond single pairs: corroboration, twins bridges in clusters, identifier scope.
@Suite("Collision safety rules")
struct SafetyTests {
    @Test("R13: homonyms born the same day with no birthplace, INS or shared address are never linked")
    func uncorroboratedHomonyms() {
        let a = Fixtures.record("A", family: "PEREZ", given: "Nicole", place: nil, address: "22 rue des Frères Lumière",
            postcode: "76000", city: "Rouen")
        let b = Fixtures.record("B", family: "Perez", given: "NICOLE", place: nil, address: "23 boulevard Victor Hugo",
            postcode: "76000", city: "Rouen", phone: "0364422394")
        let result = Fixtures.matcher.evaluate(ComparableIdentity(a), ComparableIdentity(b))
        #expect(result.decision == .review)
        #expect(result.flags.contains(.uncorroborated))
    }

    @Test("R2/R13: twins where one's first name is the other's second name are possible twins, not a link")
    func twinsTokenOverlap() {
        let a = Fixtures.record("A", given: "Frédéric Noël", sex: "M")
        let b = Fixtures.record("B", given: "Noël", sex: "M")
        let result = Fixtures.matcher.evaluate(ComparableIdentity(a), ComparableIdentity(b))
        #expect(result.decision != .link)
        #expect(result.flags.contains(.possibleTwins))
    }

    @Test("R13: a record without given name cannot bridge two twins into one cluster")
    func twinsBridge() {
        let twin1 = Fixtures.record("T1", given: "Lucas", sex: "M", phone: "0612345678")
        let twin2 = Fixtures.record("T2", given: "Louis", sex: "M", phone: "0612345678")
        let vague = Fixtures.record("V", given: nil, sex: "M", phone: "0612345678")
        let ids = [twin1, twin2, vague].map(ComparableIdentity.init)
        let result = BatchMatcher(matcher: Fixtures.matcher).dedupe(ids)
        #expect(result.clusters[0] != result.clusters[1])
        let linked = result.pairs.filter { $0.explanation.decision == .link }
        #expect(linked.count <= 1)
    }

    @Test("A household weak identifier (NSS of the insured parent) does not outweigh a strict conflict")
    func householdWeakIdentifier() {
        let parent = Fixtures.record("A", given: "Jean", birth: "1961-03-02", sex: "M", weak: "1610375056001")
        let child = Fixtures.record("B", given: "Paul", birth: "1990-11-23", sex: "M", weak: "1610375056001")
        let household = PairMatcher().evaluate(ComparableIdentity(parent), ComparableIdentity(child))
        #expect(household.decision == .new)
        #expect(household.contributions.contains { $0.trait == .weakIdentifier && $0.weight > 0 })
    }

    @Test("A personal identifier outweighs one corrupted strict trait (FEBRL-style data), never a sex conflict")
    func personalIdentifier() {
        let config = MatchConfiguration(weakIdentifierScope: .personal)
        let a = Fixtures.record("A", given: "Benjamin", sex: nil, weak: "5304218")
        let b = Fixtures.record("B", given: "Joshua", sex: nil, weak: "5304218")
        let result = PairMatcher(configuration: config).evaluate(ComparableIdentity(a), ComparableIdentity(b))
        #expect(result.decision == .link)
        #expect(result.flags.contains(.strictConflictOutweighed))
        let c = Fixtures.record("C", given: "Benjamin", sex: "M", weak: "5304218")
        let d = Fixtures.record("D", given: "Benjamin", sex: "F", weak: "5304218")
        #expect(PairMatcher(configuration: config).evaluate(ComparableIdentity(c), ComparableIdentity(d)).decision != .link)
    }

    @Test("The batch fast path never drops a pair that the full evaluation would keep")
    func fastPathConsistency() throws {
        let records = try IdentityCSV.read(BatchTests.french, file: "t.csv").records.map(ComparableIdentity.init)
        let matcher = Fixtures.matcher
        for a in records {
            for b in records where a !== b {
                let vector = Comparator.compare(a, b)
                if matcher.isCertainlyNew(a, b, vector: vector) {
                    let full = matcher.evaluate(a, b, vector: vector)
                    #expect(full.decision == .new)
                    #expect(full.score < matcher.configuration.reviewThreshold)
                }
            }
        }
    }
}
