import PasserelleIdentity
import Testing

/// Rules that link true pairs the safety flags used to send to review, each with the must-not-link
/// case it must keep refusing (twins, parent and child, homonyms, two families).
@Suite("Recall rules and their must-not-link counterparts")
struct RecallRulesTests {
    let matcher = Fixtures.matcher

    // MARK: Swapped names with a typo

    @Test("Family and given names swapped with a typo in one of them are still a swap")
    func swappedWithTypo() {
        let a = Fixtures.identity { $0.birthFamilyName = "REDNOND"; $0.birthGivenNames = "Melissa" }
        let b = Fixtures.identity("B") { $0.birthFamilyName = "MELISSA"; $0.birthGivenNames = "Redmond" }
        let vector = Comparator.compare(a, b)
        #expect(vector.namesSwapped)
        #expect(vector[.givenName] == .fuzzyHigh)
        #expect(vector[.familyName] == .fuzzyHigh)
        let result = matcher.evaluate(a, b)
        #expect(result.decision == .link)
        #expect(result.flags.contains(.namesSwapped))
    }

    @Test("R13: swapped names with a typo do not link a parent and child (another generation's birth date)")
    func swappedWithTypoParentChild() {
        let parent = Fixtures.record("A", family: "REDNOND", given: "Melissa", birth: "1955-03-14", phone: "0612345678")
        let child = Fixtures.record("B", family: "MELISSA", given: "Redmond", birth: "1985-03-14", phone: "0612345678")
        #expect(Fixtures.decide(parent, child).decision != .link)
        // Two unrelated names that only look alike after a swap are not a swap.
        let a = Fixtures.identity { $0.birthFamilyName = "MARTIN"; $0.birthGivenNames = "Bernard" }
        let b = Fixtures.identity("B") { $0.birthFamilyName = "BERTRAND"; $0.birthGivenNames = "Marc" }
        #expect(!Comparator.compare(a, b).namesSwapped)
    }

    /// The built-in model, knowing `names` as given names of the data set (term frequencies).
    static func matcher(knowingGivenNames names: [String]) -> PairMatcher {
        var model = MatchModel.builtIn
        for name in names { model.givenNameFrequencies[name] = 0.001 }
        return PairMatcher(model: model)
    }

    @Test("A swap whose crossed names are both known given names is a swap, not two close given names (twins)")
    func swapOfKnownGivenNames() {
        // Each record's given name is a given name of the data set: the other record's family
        // name was typed in the given-name field somewhere else too.
        let matcher = Self.matcher(knowingGivenNames: ["JASMYN", "WHITE"])
        let a = Fixtures.identity { $0.birthFamilyName = "WHITE"; $0.birthGivenNames = "Jasmyn" }
        let b = Fixtures.identity("B") { $0.birthFamilyName = "JASMYN"; $0.birthGivenNames = "White" }
        let result = matcher.evaluate(a, b)
        #expect(result.flags.contains(.namesSwapped))
        #expect(!result.flags.contains(.possibleTwins))
        #expect(result.decision == .link)
    }

    @Test("R13: two close known given names in one family, born the same day, are twins (NOÉ / NOËL)")
    func closeKnownGivenNamesAreTwins() {
        let matcher = Self.matcher(knowingGivenNames: ["NOE", "NOEL"])
        let a = Fixtures.identity { $0.birthGivenNames = "Noé"; $0.sex = "M" }
        let b = Fixtures.identity("B") { $0.birthGivenNames = "NOËL"; $0.sex = "M" }
        #expect(Comparator.compare(a, b)[.givenName] == .fuzzyHigh)
        let result = matcher.evaluate(a, b)
        #expect(result.flags.contains(.possibleTwins))
        #expect(result.decision != .link)
    }

    // MARK: One INS, a trait typo (R7)

    /// A valid INS of a woman born in October 1940 in Paris (75056).
    static let insOctober1940 = Fixtures.ins("2401075056123")

    @Test("R7: one INS, one record with the day and month swapped, links on the traits (INS not used)")
    func insDayMonthSwap() {
        let good = Fixtures.record("A", given: "Noëlle", birth: "1940-10-07", phone: "0612345678", ins: Self.insOctober1940,
            status: .qualified)
        let swapped = Fixtures.record("B", given: "NOELLE", birth: "1940-07-10", phone: "0612345678", ins: Self.insOctober1940,
            status: .provisional)
        #expect(ComparableIdentity(swapped).usableINS == nil, "the INS contradicts the swapped month")
        let result = Fixtures.decide(good, swapped)
        #expect(result.flags.contains(.insTraitTypo))
        #expect(!result.flags.contains(.insTraitMismatch))
        #expect(result.contributions.first { $0.trait == .ins } == nil, "the INS is not evidence")
        #expect(result.decision == .link)
    }

    @Test("R7: two records of one child both carrying the parent's INS are scored on their traits")
    func parentINSOnBothRecordsOfChild() {
        let ins = Self.insOctober1940
        let child1 = Fixtures.record("A", given: "Julie", birth: "1968-05-17", phone: "0612345678", ins: ins)
        let child2 = Fixtures.record("B", given: "JULIE", birth: "17/05/1968", phone: "0612345678", ins: ins)
        let result = Fixtures.decide(child1, child2)
        #expect(result.flags.contains(.insTraitTypo))
        #expect(result.decision == .link)
        // Two different children of that parent, both carrying the parent's INS: never linked.
        let sibling = Fixtures.record("C", given: "Claire", birth: "1971-09-02", phone: "0612345678", ins: ins)
        #expect(Fixtures.decide(child1, sibling).decision != .link)
    }

    @Test("R7/R11: one INS number on two records of one person corroborates the traits even when it contradicts them")
    func sameExplainedINSCorroborates() {
        // Both records give the date day and month swapped against the number (born in October):
        // the INS is no evidence in the score, and the two homes differ (a move). The shared
        // fifteen digits still rule out a homonym born the same day.
        let ins = Self.insOctober1940
        let a = Fixtures.record("A", given: "Noëlle", birth: "1940-07-10", address: "3 place du Marché", postcode: "69003",
            city: "Lyon", ins: ins)
        let b = Fixtures.record("B", given: "NOELLE", birth: "10/07/1940", address: "40 rue Nationale", postcode: "59000",
            city: "Lille", ins: ins)
        let result = Fixtures.decide(a, b)
        #expect(result.flags.contains(.insTraitTypo))
        #expect(result.contributions.first { $0.trait == .ins } == nil, "the INS is not evidence")
        #expect(!result.flags.contains(.uncorroborated))
        #expect(result.decision == .link)
        // Without the number, the same two records are homonyms for all anyone can tell: review.
        var bare = [a, b]
        for index in bare.indices { bare[index].ins = nil; bare[index].insOID = nil }
        let homonyms = Fixtures.decide(bare[0], bare[1])
        #expect(homonyms.flags.contains(.uncorroborated))
        #expect(homonyms.decision != .link)
        // Twins sharing one number (another given name) are not explained by a typo: no link.
        let twin = Fixtures.record("C", given: "Maëlle", birth: "10/07/1940", address: "40 rue Nationale", postcode: "59000",
            city: "Lille", ins: ins)
        #expect(Fixtures.decide(a, twin).decision != .link)
    }

    @Test("R7/R13: a child carrying the parent's INS is never linked to the parent, even a junior at the same address")
    func parentINSOnChildStaysAlert() {
        let ins = Self.insOctober1940
        let parent = Fixtures.record("A", given: "Marie", birth: "1940-10-07", phone: "0612345678", ins: ins,
            status: .qualified)
        let child = Fixtures.record("B", given: "Marie", birth: "1968-05-17", phone: "0612345678", ins: ins)
        let result = Fixtures.decide(parent, child)
        #expect(result.decision == .review)
        #expect(result.flags.contains(.insTraitMismatch))
        #expect(result.flags.contains(.possibleCollision))
        // A twin of the other sex carrying the twin's INS: the sex conflict is not a typo.
        let twin = Fixtures.record("C", given: "Marius", birth: "1940-10-07", sex: "M", phone: "0612345678", ins: ins)
        let twins = Fixtures.decide(parent, twin)
        #expect(twins.decision != .link)
        #expect(!twins.flags.contains(.insTraitTypo))
    }
}

/// R4: partial birth dates whose month is known.
@Suite("Partial birth dates with a known month")
struct PartialMonthTests {
    @Test("R4: 00/06/1965 against 12/06/1965, same names, sex and home, links")
    func monthKnownLinks() {
        let a = Fixtures.record("A", given: "Sophie Léna", birth: "00/06/1965", phone: "0612345678")
        let b = Fixtures.record("B", given: "SOPHIE LENA", birth: "1965-06-12", phone: "0612345678")
        let result = Fixtures.decide(a, b)
        #expect(result.contributions.first { $0.trait == .birthDate }?.level == .partialAgree)
        #expect(!result.flags.contains(.placeholderBirthDate))
        #expect(result.decision == .link)
        // Year and month written without a day (YYYY-MM) are the same partial date.
        let c = Fixtures.record("C", given: "Sophie Léna", birth: "1965-06", phone: "0612345678")
        #expect(Fixtures.decide(c, b).decision == .link)
    }

    @Test("R4/R13: a partial date with a known month never links twins, homonyms, a shorter list or a 01/01 placeholder")
    func monthKnownMustNotLink() {
        let full = Fixtures.record("B", given: "SOPHIE LENA", birth: "1965-06-12", phone: "0612345678")
        // Twins: two given-name lists, same home, same month.
        let twin = Fixtures.record("T", given: "Claire Léna", birth: "00/06/1965", phone: "0612345678")
        #expect(Fixtures.decide(twin, full).decision != .link)
        // Homonym: nothing shared beyond the INS traits (another home, no telephone).
        let homonym = Fixtures.record("H", given: "Sophie Léna", birth: "00/06/1965", address: "3 place du Marché",
            postcode: "69003", city: "Lyon")
        let elsewhere = Fixtures.record("E", given: "SOPHIE LENA", birth: "1965-06-12", address: "40 rue Nationale",
            postcode: "59000", city: "Lille")
        #expect(Fixtures.decide(homonym, elsewhere).decision != .link)
        // A shorter given-name list (the first name only) against the full one: a twin MARIE X could
        // hide behind MARIE, so the partial date keeps its flag.
        let short = Fixtures.record("S", given: "Sophie", birth: "00/06/1965", phone: "0612345678")
        #expect(Fixtures.decide(short, full).flags.contains(.placeholderBirthDate))
        #expect(Fixtures.decide(short, full).decision != .link)
        // Another month, or a 01/01 placeholder (no month given): never linked.
        let otherMonth = Fixtures.record("M", given: "Sophie Léna", birth: "00/07/1965", phone: "0612345678")
        #expect(Fixtures.decide(otherMonth, full).decision != .link)
        let placeholder = Fixtures.record("P", given: "Sophie Léna", birth: "01/01/1965", phone: "0612345678")
        #expect(Fixtures.decide(placeholder, full).flags.contains(.placeholderBirthDate))
        #expect(Fixtures.decide(placeholder, full).decision != .link)
        // Sex unknown on a side: not shown to be one person.
        let noSex = Fixtures.record("X", given: "Sophie Léna", birth: "00/06/1965", sex: nil, phone: "0612345678")
        #expect(Fixtures.decide(noSex, full).decision != .link)
    }
}

/// R14: one usable INS on two records whose strict traits conflict.
@Suite("Same INS with a strict conflict")
struct SameINSConflictTests {
    @Test("R14: a shared usable INS with a conflicting birth date is an alert (review, possible collision), never new")
    func sameINSConflictToReview() {
        let ins = Fixtures.ins("2760475056123")
        let a = Fixtures.record("A", given: "Théo", birth: "17/04/1976", ins: ins, status: .retrieved)
        let b = Fixtures.record("B", given: "THEO", birth: "19/04/1974", ins: ins, status: .retrieved)
        let result = Fixtures.matcher.evaluate(ComparableIdentity(a), ComparableIdentity(b))
        #expect(result.flags.contains(.strictConflict))
        #expect(result.decision == .review)
        #expect(result.flags.contains(.possibleCollision))
    }
}

/// Batch output consistency: pairs and clusters say the same thing.
@Suite("Review pairs inside one cluster")
struct ClusterConsistencyTests {
    @Test("A pair the links already joined in one cluster is reported as a link, flagged")
    func reviewInsideClusterBecomesLink() {
        // A shares the telephone with B and the street address with C; B and C share only the INS
        // traits (an uncorroborated pair on its own), yet A–B and A–C make them one cluster.
        let a = Fixtures.record("A", given: "Lucie", phone: "0612345678")
        let b = Fixtures.record("B", given: "LUCIE", address: nil, postcode: nil, city: nil, phone: "0612345678")
        let c = Fixtures.record("C", given: "Lucie", phone: nil)
        let ids = [a, b, c].map(ComparableIdentity.init)
        let bc = Fixtures.matcher.evaluate(ids[1], ids[2])
        #expect(bc.decision == .review)
        #expect(bc.flags.contains(.uncorroborated))
        let result = BatchMatcher(matcher: Fixtures.matcher).dedupe(ids)
        #expect(Set(result.clusters).count == 1)
        let pair = result.pairs.first { $0.left == 1 && $0.right == 2 }
        #expect(pair?.explanation.decision == .link)
        #expect(pair?.explanation.flags.contains(.linkedThroughCluster) == true)
        #expect(pair?.explanation.flags.contains(.uncorroborated) == true, "the pair's own reason stays visible")
    }

    @Test("Two records joined only through others are reported as a pair too, with their own score")
    func pairJoinedOnlyThroughTheCluster() {
        // A and B are one person (telephone, street address); B and C are one identity record of one
        // facility (same IPP); C has no trait to compare with A's: scored new, or never compared.
        let a = Fixtures.record("A", given: "Lucie", phone: "0612345678")
        let b = Fixtures.record("B", given: "LUCIE", phone: "0612345678", source: "1.2.3.4", ipp: "IPP42")
        let c = Fixtures.record("C", family: nil, given: nil, birth: nil, sex: nil, place: nil, address: nil,
                                postcode: nil, city: nil, source: "1.2.3.4", ipp: "IPP42")
        let ids = [a, b, c].map(ComparableIdentity.init)
        let direct = Fixtures.matcher.evaluate(ids[0], ids[2])
        #expect(direct.decision == .new, "\(direct.flags) \(direct.score)")
        let result = BatchMatcher(matcher: Fixtures.matcher).dedupe(ids)
        #expect(Set(result.clusters).count == 1)
        let pair = result.pairs.first { $0.left == 0 && $0.right == 2 }
        #expect(pair?.explanation.decision == .link)
        #expect(pair?.explanation.flags.contains(.linkedThroughCluster) == true)
        #expect(pair?.explanation.score == Fixtures.matcher.evaluate(ids[0], ids[2]).score)
        #expect(result.pairs.count == 3, "one pair per two records of the cluster, none twice")
        // The pairs file says how each link was made.
        let lines = BatchOutput.pairsCSV(result, left: ids, right: ids).split(separator: "\n")
        #expect(lines.first == "rec_id_1,rec_id_2,score,decision,rule,flags")
        #expect(lines.contains { $0.hasPrefix("A,C,") && $0.contains(",link,probabilistic,") && $0.contains("linked-through-cluster") })
        #expect(lines.contains { $0.hasPrefix("B,C,") && $0.hasSuffix(",link,same-local-identifier,") })
        // Linking two lists: only pairs across the lists (A and C, both on the left, are one
        // cluster through B but not a pair of the linkage).
        let linked = BatchMatcher(matcher: Fixtures.matcher).link([ids[0], ids[2]], [ids[1]])
        #expect(Set(linked.clusters).count == 1)
        #expect(linked.pairs.map { [$0.left, $0.right] }.sorted { $0.lexicographicallyPrecedes($1) } == [[0, 0], [1, 0]])
    }

    @Test("A cluster above the listing bound keeps its records together but lists only its own pairs")
    func largeClusterPairsAreNotListed() {
        // One facility, one IPP, many records: one identity record (deterministic links), and one
        // record with no trait in common that is joined only through the cluster.
        let same = (0..<6).map {
            Fixtures.record("R\($0)", family: nil, given: nil, birth: nil, sex: nil, place: nil, address: nil, postcode: nil,
                            city: nil, source: "1.2.3.4", ipp: "IPP7")
        }
        let ids = (same + [Fixtures.record("A", given: "Lucie", phone: "0612345678"),
                           Fixtures.record("B", given: "LUCIE", phone: "0612345678", source: "1.2.3.4", ipp: "IPP7")])
            .map(ComparableIdentity.init)
        let listed = BatchMatcher(matcher: Fixtures.matcher).dedupe(ids)
        let bounded = BatchMatcher(matcher: Fixtures.matcher, maxListedClusterSize: 5).dedupe(ids)
        #expect(bounded.clusters == listed.clusters)
        #expect(Set(listed.clusters).count == 1)
        #expect(listed.unlistedClusters == 0)
        #expect(listed.pairs.count == 8 * 7 / 2)
        #expect(bounded.unlistedClusters == 1)
        #expect(listed.pairs.contains { $0.explanation.flags.contains(.linkedThroughCluster) })
        #expect(!bounded.pairs.contains { $0.explanation.flags.contains(.linkedThroughCluster) })
        // The pairs decided on their own are all still there.
        #expect(bounded.pairs.count == listed.pairs.filter { !$0.explanation.flags.contains(.linkedThroughCluster) }.count)
    }

    @Test("R11/R13: twins, douteuse identities and pairs in two clusters keep their review")
    func reviewOutsideClusterStays() {
        // Twins bridged by a record without given name stay in two clusters; nothing is linked through.
        let twin1 = Fixtures.record("T1", given: "Lucas", sex: "M", phone: "0612345678")
        let twin2 = Fixtures.record("T2", given: "Louis", sex: "M", phone: "0612345678")
        let vague = Fixtures.record("V", given: nil, sex: "M", phone: "0612345678")
        let twins = BatchMatcher(matcher: Fixtures.matcher).dedupe([twin1, twin2, vague].map(ComparableIdentity.init))
        #expect(!twins.pairs.contains { $0.explanation.flags.contains(.linkedThroughCluster) })
        #expect(twins.clusters[0] != twins.clusters[1])
        // Two homonyms with nothing in common beyond the INS traits: separate clusters, review only.
        let h1 = Fixtures.record("H1", given: "Lucie", place: nil, address: "3 place du Marché", postcode: "69003", city: "Lyon")
        let h2 = Fixtures.record("H2", given: "Lucie", place: nil, address: "40 rue Nationale", postcode: "59000", city: "Lille")
        let homonyms = BatchMatcher(matcher: Fixtures.matcher).dedupe([h1, h2].map(ComparableIdentity.init))
        #expect(homonyms.clusters[0] != homonyms.clusters[1])
        #expect(homonyms.pairs.allSatisfy { $0.explanation.decision == .review })
        // A douteuse identity (R11) is never linked, so never in another record's cluster.
        let a = Fixtures.record("A", given: "Lucie", phone: "0612345678")
        let doubtful = Fixtures.record("D", given: "Lucie", phone: "0612345678", attributes: [.doubtful])
        let result = BatchMatcher(matcher: Fixtures.matcher).dedupe([a, doubtful].map(ComparableIdentity.init))
        #expect(result.clusters[0] != result.clusters[1])
        #expect(!result.pairs.contains { $0.explanation.decision == .link })
    }
}
