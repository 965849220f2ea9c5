import Foundation
import PasserelleIdentity
import Testing

@Suite("Patient index operations and history (R13, R16)")
struct PatientIndexTests {
    let matcher = Fixtures.matcher
    func meta(_ reason: String) -> EventMetadata {
        EventMetadata(actor: "tester", date: Date(timeIntervalSince1970: 1_700_000_000), reason: reason)
    }

    func index(_ records: [IdentityRecord]) throws -> PatientIndex<InMemoryIdentityIndex> {
        var index = PatientIndex(identityIndex: InMemoryIdentityIndex())
        for record in records { _ = try index.resolve(record, matcher: matcher, metadata: meta("import")) }
        return index
    }

    @Test("Resolve: a new person, then the same person again (link), then a twin (not linked)")
    func resolveBands() throws {
        var index = PatientIndex(identityIndex: InMemoryIdentityIndex())
        let first = try index.resolve(Fixtures.record("A", given: "Lucas", sex: "M"), matcher: matcher, metadata: meta("import"))
        #expect(first.decision == .new)
        let again = try index.resolve(Fixtures.record("B", given: "LUCAS", sex: "M", postcode: "75012"), matcher: matcher,
            metadata: meta("import"))
        #expect(again.decision == .link)
        #expect(again.patient == first.patient)
        let twin = try index.resolve(Fixtures.record("C", given: "Louis", sex: "M"), matcher: matcher, metadata: meta("import"))
        #expect(twin.decision != .link)
        #expect(twin.patient != first.patient)
        #expect(index.patients.count == 2)
        #expect(index.history.count == 3)
        #expect(index.history[1].metadata.score != nil)
    }

    @Test("R14: a record is not linked to a patient holding another INS or another IPP of its facility, even in records not retrieved as candidates")
    func patientWideIdentifiers() throws {
        // Patient P holds A (INS of a woman born in May 1980, other traits than the newcomers')
        // and C, merged by a reviewer; C has no INS.
        let a = Fixtures.record("A", family: "MARTIN", given: "Claire", birth: "1980-05-02", address: "3 place du Marché",
                                postcode: "69003", city: "Lyon", ins: Fixtures.ins("2800575056123"), source: "1.2.3.4", ipp: "IPP1")
        let c = Fixtures.record("C", given: "Lucie", phone: "0612345678")
        var index = try index([a, c])
        let (pa, pc) = (try #require(index.patientOf["A"]), try #require(index.patientOf["C"]))
        #expect(pa != pc)
        try index.merge(pc, into: pa, metadata: meta("checked"))
        let merged = index
        // B matches C on every trait and the telephone, but carries another valid INS.
        let b = Fixtures.record("B", given: "Lucie", phone: "0612345678", ins: Fixtures.ins("2800575056456"))
        #expect(Fixtures.decide(c, b).decision == .link, "on C alone B would link")
        let candidates = index.candidates(for: ComparableIdentity(b), matcher: matcher)
        #expect(!candidates.contains { $0.record == "A" }, "A is not retrieved by B's blocking keys")
        let resolved = try index.resolve(b, matcher: matcher, metadata: meta("import"))
        #expect(resolved.decision == .review)
        #expect(resolved.explanation?.flags.contains(.possibleCollision) == true)
        #expect(resolved.patient != pa)
        // Another IPP of A's facility: not linked either (index as it was before B).
        var other = merged
        let d = Fixtures.record("D", given: "Lucie", phone: "0612345678", source: "1.2.3.4", ipp: "IPP2")
        let second = try other.resolve(d, matcher: matcher, metadata: meta("import"))
        #expect(second.decision == .review)
        #expect(second.patient != pa)
        // The same IPP as A: the deterministic rule links it.
        var same = merged
        let e = Fixtures.record("E", given: "Lucie", phone: "0612345678", source: "1.2.3.4", ipp: "IPP1")
        #expect(try same.resolve(e, matcher: matcher, metadata: meta("import")).patient == pa)
    }

    @Test("Resolve: an uncertain match opens a review item; accept merges, reject makes a cannot-link")
    func reviewFlow() throws {
        var index = try index([Fixtures.record("A")])
        let doubtful = Fixtures.record("B", attributes: .doubtful)
        let resolution = try index.resolve(doubtful, matcher: matcher, metadata: meta("import"))
        #expect(resolution.decision == .review)
        let reviewID = try #require(resolution.review)
        #expect(index.openReviews.map(\.id) == [reviewID])
        var accepted = index
        try accepted.acceptReview(reviewID, metadata: meta("same person, checked ID card"))
        #expect(accepted.patientOf["A"] == accepted.patientOf["B"])
        #expect(accepted.openReviews.isEmpty)
        #expect(throws: PatientIndexError.reviewClosed(reviewID)) {
            try accepted.acceptReview(reviewID, metadata: meta("again"))
        }
        var rejected = index
        try rejected.rejectReview(reviewID, metadata: meta("different persons"))
        #expect(rejected.patientOf["A"] != rejected.patientOf["B"])
        #expect(rejected.cannotLink.contains(RecordPair("A", "B")))
    }

    @Test("Merge and unmerge patients; unmerge makes the pair a cannot-link")
    func mergeUnmerge() throws {
        var index = try index([Fixtures.record("A", given: "Paul", sex: "M"), Fixtures.record("B", given: "Zoé", birth: "2001-02-03")])
        let pa = try #require(index.patientOf["A"]), pb = try #require(index.patientOf["B"])
        try index.merge(pb, into: pa, metadata: meta("ADT A40 from the source (R15)"))
        #expect(index.patients[pa]?.records == ["A", "B"])
        #expect(index.patients[pb] == nil)
        let split = try index.unmerge("B", metadata: meta("collision found"))
        #expect(index.patientOf["B"] == split)
        #expect(index.patients[pa]?.records == ["A"])
        #expect(index.cannotLink.contains(RecordPair("A", "B")))
        #expect(throws: PatientIndexError.singleRecord("B")) { try index.unmerge("B", metadata: meta("again")) }
        #expect(throws: PatientIndexError.unknownPatient(pb)) { try index.merge(pb, into: pa, metadata: meta("gone")) }
    }

    @Test("After an unmerge, a new record of the split-out person links to its own patient")
    func cannotLinkBlocks() throws {
        var index = try index([Fixtures.record("A"), Fixtures.record("B", given: "Zoé", birth: "2001-02-03")])
        let pa = try #require(index.patientOf["A"]), pb = try #require(index.patientOf["B"])
        try index.merge(pb, into: pa, metadata: meta("manual"))
        try index.unmerge("A", metadata: meta("wrong merge"))
        let candidates = index.candidates(for: ComparableIdentity(Fixtures.record("A2")), matcher: matcher)
        #expect(candidates.contains { $0.explanation.decision == .link })
        let result = try index.resolve(Fixtures.record("A2"), matcher: matcher, metadata: meta("import"))
        #expect(result.decision == .link)
        #expect(result.patient == index.patientOf["A"])
    }

    @Test("Replaying the history rebuilds the same state, and the history survives JSON")
    func replay() throws {
        var index = try index([Fixtures.record("A"), Fixtures.record("B", attributes: .homonym),
            Fixtures.record("C", given: "Paul", birth: "1950-06-07", sex: "M")])
        if let review = index.openReviews.first { try index.acceptReview(review.id, metadata: meta("checked")) }
        let pc = try #require(index.patientOf["C"]), pa = try #require(index.patientOf["A"])
        try index.merge(pc, into: pa, metadata: meta("source merge"))
        try index.unmerge("C", metadata: meta("collision"))
        let data = try JSONEncoder().encode(index.history)
        let events = try JSONDecoder().decode([IndexEvent].self, from: data)
        let rebuilt = try PatientIndex.replay(events, index: InMemoryIdentityIndex())
        #expect(rebuilt.patients == index.patients)
        #expect(rebuilt.patientOf == index.patientOf)
        #expect(rebuilt.reviews == index.reviews)
        #expect(rebuilt.cannotLink == index.cannotLink)
        #expect(rebuilt.identityIndex.count == 3)
    }

    @Test("Replay refuses a history with a gap")
    func replayGap() throws {
        let index = try index([Fixtures.record("A"), Fixtures.record("B", given: "Zoé", birth: "2001-02-03")])
        #expect(throws: PatientIndexError.outOfSequence(1)) {
            _ = try PatientIndex.replay([index.history[0], index.history[0]], index: InMemoryIdentityIndex())
        }
    }

    @Test("R12: updating a record's traits re-indexes it and returns its candidates")
    func update() throws {
        var index = try index([Fixtures.record("A"), Fixtures.record("B", family: "BERNARD", given: "Zoé", birth: "2001-02-03")])
        let candidates = try index.update(Fixtures.record("B"), matcher: matcher, metadata: meta("traits corrected"))
        #expect(candidates.first?.record == "A")
        #expect(index.records["B"]?.birthFamilyName == "DUPONT")
    }

    @Test("A precomputed comparison form is used only for exactly its record; renaming keeps the normalized traits")
    func precomputedComparisonForm() throws {
        let mismatched = ComparableIdentity(Fixtures.record("A", family: "MARTIN", given: "Zoé", birth: "2001-02-03"))
        var index = PatientIndex(identityIndex: InMemoryIdentityIndex())
        try index.apply(IndexEvent(sequence: 1, change: .recordCreatedPatient(record: Fixtures.record("A"), patient: PatientID(rawValue: "P1")),
            metadata: meta("load")), normalized: mismatched)
        // The index compares with A's own traits (DUPONT), not with the mismatched form (MARTIN).
        let same = try index.resolve(Fixtures.record("B", given: "Marie Anne"), matcher: matcher, metadata: meta("import"))
        #expect(same.decision == .link)
        #expect(same.patient == PatientID(rawValue: "P1"))
        let martin = try index.resolve(Fixtures.record("C", family: "MARTIN", given: "Zoé", birth: "2001-02-03"),
            normalized: ComparableIdentity(Fixtures.record("X")).withRecordID("C"), matcher: matcher, metadata: meta("import"))
        #expect(martin.decision == .new, "a form of other traits under the same id must not be used")

        let renamed = ComparableIdentity(Fixtures.record("incoming")).withRecordID("I7")
        let direct = ComparableIdentity(Fixtures.record("I7"))
        #expect(renamed.record == direct.record)
        #expect(renamed.birthName?.key == direct.birthName?.key)
        #expect(renamed.firstGivenName?.key == direct.firstGivenName?.key)
        #expect(renamed.birthDate == direct.birthDate)
        #expect(Blocking.keys(renamed) == Blocking.keys(direct))
    }

    @Test("History entries are shown by kind and a summary naming ids only, never traits")
    func changeSummaries() throws {
        var index = try index([Fixtures.record("A"), Fixtures.record("B", attributes: .doubtful),
            Fixtures.record("C", given: "Paul", birth: "1950-06-07", sex: "M")])
        let pc = try #require(index.patientOf["C"]), pa = try #require(index.patientOf["A"])
        try index.merge(pc, into: pa, metadata: meta("source merge"))
        try index.unmerge("C", metadata: meta("collision"))
        let kinds = index.history.map(\.change.kind)
        #expect(kinds.first == "created")
        #expect(kinds.contains("review-opened"))
        #expect(kinds.suffix(2) == ["merged", "unmerged"])
        let merged = try #require(index.history.first { $0.change.kind == "merged" })
        #expect(merged.change.summary == "patient \(pc) merged into \(pa)")
        for entry in index.history {
            for trait in ["DUPONT", "Marie", "Paul", "1980", "1950", "Lilas", "75011"] {
                #expect(!entry.change.summary.contains(trait), "\(entry.change.kind) summary shows \(trait)")
            }
        }
    }

    @Test("Errors describe ids only")
    func errorDescriptions() {
        #expect(PatientIndexError.unknownRecord("R42").description == "unknown identity record R42")
    }
}
