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

    @Test("R11/R13: homonyms sharing all five INS traits (birthplace included) are not linked without other evidence")
    func homonymsSameBirthplace() {
        // The 100k French benchmark's false links: same birth name, given-name list, birth date, sex
        // and birthplace commune, living elsewhere, no INS, phone or shared address.
        let a = Fixtures.record("A", family: "BLANCHARD", given: "Bernard Julien Antoine", birth: "1945-01-21", sex: "M",
            place: "49007", address: "82 rue de la Paix", postcode: "31000", city: "Toulouse")
        let b = Fixtures.record("B", family: "Blanchard", given: "BERNARD JULIEN ANTOINE", birth: "21/01/1945", sex: "M",
            place: "49007", address: "43 rue de la République", postcode: "75015", city: "Paris")
        let result = Fixtures.matcher.evaluate(ComparableIdentity(a), ComparableIdentity(b))
        let birthplace = result.contributions.first { $0.trait == .birthplace }
        #expect(birthplace?.level == .exact)
        #expect((birthplace?.weight ?? 0) > 0, "the birthplace still adds its weight to the score")
        #expect(result.score >= Fixtures.matcher.configuration.linkThreshold, "the score alone would link")
        #expect(result.decision == .review)
        #expect(result.flags.contains(.uncorroborated))
        // In a batch, the two stay in separate clusters and no link pair is written.
        let batch = BatchMatcher(matcher: Fixtures.matcher).dedupe([a, b].map(ComparableIdentity.init))
        #expect(batch.clusters[0] != batch.clusters[1])
        #expect(!batch.pairs.contains { $0.explanation.decision == .link })
        // Evidence a homonym does not share (the same telephone) does corroborate.
        var c = b
        c.phone = "0241000000"
        var d = a
        d.phone = "02 41 00 00 00"
        #expect(Fixtures.matcher.evaluate(ComparableIdentity(d), ComparableIdentity(c)).decision == .link)
        // The setting that let a birthplace corroborate on its own (3.5 bits until 2026-11-23) is
        // honoured when a deployment sets it, and is what linked these homonyms.
        var permissive = MatchConfiguration()
        permissive.corroboratingBirthplaceWeight = 3.5
        let linked = PairMatcher(configuration: permissive).evaluate(ComparableIdentity(a), ComparableIdentity(b))
        #expect(linked.decision == .link)
    }

    @Test("R2/R13: twins where one's first name is the other's second name are possible twins, not a link")
    func twinsTokenOverlap() {
        let a = Fixtures.record("A", given: "Frédéric Noël", sex: "M")
        let b = Fixtures.record("B", given: "Noël", sex: "M")
        let result = Fixtures.matcher.evaluate(ComparableIdentity(a), ComparableIdentity(b))
        #expect(result.decision != .link)
        #expect(result.flags.contains(.possibleTwins))
    }

    @Test("R13: two links cannot chain two records whose birth dates disagree into one cluster")
    func strictConflictChain() {
        // A–B and B–C are one-digit date typos (links); A and C differ in two digits: a strict
        // conflict that transitive closure must not override.
        let a = Fixtures.record("A", given: "Lucie", birth: "1980-05-17", phone: "0612345678")
        let b = Fixtures.record("B", given: "Lucie", birth: "1980-05-18", phone: "0612345678")
        let c = Fixtures.record("C", given: "Lucie", birth: "1980-06-18", phone: "0612345678")
        let ids = [a, b, c].map(ComparableIdentity.init)
        let matcher = Fixtures.matcher
        #expect(matcher.evaluate(ids[0], ids[1]).decision == .link)
        #expect(matcher.evaluate(ids[1], ids[2]).decision == .link)
        let ac = matcher.evaluate(ids[0], ids[2])
        #expect(ac.flags.contains(.strictConflict) && ac.decision != .link)
        let result = BatchMatcher(matcher: matcher).dedupe(ids)
        #expect(result.clusters[0] != result.clusters[2])
        #expect(result.clusters[1] == result.clusters[0] || result.clusters[1] == result.clusters[2])
    }

    @Test("R14: one IPP carrying two different valid INS is a possible collision, not the same identity record")
    func sameIPPDifferentINS() {
        let a = Fixtures.record("A", given: "Lucie", ins: Fixtures.ins("2800575056123"), source: "1.2.3.4", ipp: "IPP5")
        let b = Fixtures.record("B", given: "Lucie", ins: Fixtures.ins("2800575056456"), source: "1.2.3.4", ipp: "IPP5")
        let result = Fixtures.decide(a, b)
        #expect(result.rule == .sameLocalIdentifier)
        #expect(result.decision == .review)
        #expect(result.flags.isSuperset(of: [.differentINS, .possibleCollision]))
        // The same IPP with one INS, or the same INS: still the deterministic link.
        let c = Fixtures.record("C", given: "Lucie", source: "1.2.3.4", ipp: "IPP5")
        #expect(Fixtures.decide(a, c).decision == .link)
        #expect(Fixtures.decide(a, Fixtures.record("D", given: "Lucie", ins: Fixtures.ins("2800575056123"),
            source: "1.2.3.4", ipp: "IPP5")).decision == .link)
    }

    @Test("R14: two different usable INS, or two IPPs of one facility, never end in one cluster through others")
    func exclusiveIdentifiersAcrossTheCluster() {
        // A–C link on the traits (C has no INS); C–B is one identity record of one facility (same
        // IPP); A and B have different valid INS and nothing else in common: their own pair is
        // scored far below review, so only a cluster-wide rule keeps them apart.
        let a = Fixtures.record("A", given: "Lucie", phone: "0612345678", ins: Fixtures.ins("2800575056123"))
        let c = Fixtures.record("C", given: "Lucie", phone: "0612345678", source: "1.2.3.4", ipp: "IPP9")
        let b = Fixtures.record("B", family: "MARTIN", given: "Paul", birth: "1950-01-14", sex: "M", place: nil,
                                address: "3 place du Marché", postcode: "69003", city: "Lyon",
                                ins: Fixtures.ins("1500169123123"), source: "1.2.3.4", ipp: "IPP9")
        let ids = [a, c, b].map(ComparableIdentity.init)
        #expect(ids[0].usableINS != nil && ids[2].usableINS != nil)
        let ab = Fixtures.matcher.evaluate(ids[0], ids[2])
        #expect(ab.flags.contains(.differentINS) && ab.score < Fixtures.matcher.configuration.reviewThreshold)
        let result = BatchMatcher(matcher: Fixtures.matcher).dedupe(ids)
        #expect(result.clusters[0] != result.clusters[2])
        #expect(result.clusters[1] == result.clusters[2], "the deterministic same-IPP link is kept")
        let refused = result.pairs.first { $0.left == 0 && $0.right == 1 }
        #expect(refused?.explanation.decision == .review)
        #expect(refused?.explanation.flags.contains(.possibleCollision) == true)
        // Two IPPs of one facility: joined neither directly nor through a record of another source.
        let p1 = Fixtures.record("P1", given: "Lucie", phone: "0612345678", source: "1.2.3.4", ipp: "IPP1")
        let p2 = Fixtures.record("P2", given: "Lucie", phone: "0612345678", source: "1.2.3.4", ipp: "IPP2")
        let other = Fixtures.record("O", given: "Lucie", phone: "0612345678", source: "5.6.7.8", ipp: "X1")
        let facility = BatchMatcher(matcher: Fixtures.matcher).dedupe([p1, p2, other].map(ComparableIdentity.init))
        #expect(facility.clusters[0] != facility.clusters[1])
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
