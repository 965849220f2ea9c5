import Foundation
import PasserelleIdentity
import PasserelleModel
import PasserellePipeline
import PasserelleStore
import Testing

/// A known IPP (same facility OID + IPP) re-checked against the strict traits of each new
/// document (DOMAIN.md R12–R14). Run against both adapters by `IngestPipelineSuites.swift`.
enum IdentityRecheckCases {
    static func collision(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store(backend)
        let pipeline = IngestPipeline(configuration: .wellFormed, sink: StoreSink(store: store, actor: "test", run: nil))
        func ingest(_ id: String, given: String = "Claire", birth: String = "19800214") async throws -> DocumentResult {
            let bytes = TestCDA.document(id: id, ipp: "IPP-7", family: "MARTIN", given: given, birth: birth)
            return try #require(try await pipeline.process(Envelope(sourceName: "\(id).xml", bytes: bytes)).first)
        }
        let first = try await ingest("c1")
        let same = try await ingest("c2")
        #expect(first.identity?.decision == "new")
        #expect(same.identity?.decision == "known")
        #expect(same.identity?.patient == first.identity?.patient)
        // Another birth date under the same IPP: stored, but on its own patient, with a review.
        let other = try await ingest("c3", birth: "19810214")
        guard case .stored = other.outcome else { Issue.record("\(other.outcome)"); return }
        let collision = try #require(other.identity)
        #expect(collision.decision == "review")
        #expect(collision.patient != first.identity?.patient)
        #expect(collision.identity != first.identity?.identity)
        let reviewID = try #require(collision.review)
        let detail = try #require(try await store.review(ReviewID(rawValue: reviewID)))
        #expect(detail.item.explanation.flags.isSuperset(of: [.possibleCollision, .strictConflict]))
        #expect(detail.item.explanation.rule == .sameLocalIdentifier)
        #expect(detail.item.candidatePatient.rawValue == first.identity?.patient)
        #expect(detail.reason.contains("birth-date"))
        #expect(!detail.reason.contains("1981"))
        let document = try #require(try await store.document(key: "1.2.3.4.5^c3"))
        #expect(document.patient?.rawValue == collision.patient)
        // The same contradicting traits again: attached to the collision record, no new review.
        let repeated = try await ingest("c4", birth: "19810214")
        #expect(repeated.identity?.decision == "known")
        #expect(repeated.identity?.patient == collision.patient)
        // A different first given name and the original traits: another review, the original untouched.
        let renamed = try await ingest("c5", given: "Paul")
        #expect(renamed.identity?.decision == "review")
        let original = try await ingest("c6")
        #expect(original.identity?.decision == "known")
        #expect(original.identity?.patient == first.identity?.patient)
        #expect(try await store.reviewItems(state: .open).count == 2)
        let statistics = try await store.statistics()
        #expect(statistics.documents == 6)
        #expect(statistics.patients == 3)
        // The history records both collisions and replays to the same mapping.
        let history = try await store.linkHistory()
        let opened = history.compactMap { event -> ReviewItem? in
            if case .reviewOpened(let item) = event.change { return item } else { return nil }
        }
        #expect(opened.count == 2)
        #expect(history.contains { $0.metadata.reason.contains("strict traits contradict") })
        let replayed = try PatientIndex.replay(history, index: InMemoryIdentityIndex())
        #expect(replayed.patients.count == 3)
        // Accepting the review (the traits were a correction after all) merges into the original patient.
        try await store.acceptReview(ReviewID(rawValue: reviewID), actor: "reviewer", reason: "checked")
        let merged = try #require(try await store.document(key: "1.2.3.4.5^c3"))
        #expect(merged.patient?.rawValue == first.identity?.patient)
        try await store.close()
    }

    static func compatibleUpdate(_ backend: TestBackend) async throws {
        let scratch = try ScratchDirectory()
        let store = try await scratch.store(backend)
        let pipeline = IngestPipeline(configuration: .wellFormed, sink: StoreSink(store: store, actor: "test", run: nil))
        let plain = TestCDA.document(id: "u1", ipp: "IPP-9", family: "LEFEVRE", given: "Helene", birth: "19750302")
        let accented = TestCDA.document(id: "u2", ipp: "IPP-9", family: "LEFÈVRE", given: "Hélène", birth: "19750302")
        let first = try #require(try await pipeline.process(Envelope(sourceName: "u1.xml", bytes: plain)).first)
        let fixed = try #require(try await pipeline.process(Envelope(sourceName: "u2.xml", bytes: accented)).first)
        #expect(fixed.identity?.decision == "known")
        #expect(fixed.identity?.patient == first.identity?.patient)
        #expect(fixed.identity?.identity == first.identity?.identity)
        let identityID = try #require(first.identity?.identity)
        let identity = try #require(try await store.identity(IdentityRecordID(rawValue: identityID)))
        #expect(identity.record.birthFamilyName == "LEFÈVRE")
        #expect(identity.record.firstBirthGivenName == "Hélène" || identity.record.birthGivenNames == "Hélène")
        let history = try await store.linkHistory()
        let updates = history.filter { if case .recordUpdated = $0.change { true } else { false } }
        #expect(updates.count == 1)
        #expect(try await store.reviewItems(state: .open).isEmpty)
        // The same traits once more change nothing: no second update event.
        _ = try await pipeline.process(Envelope(sourceName: "u3.xml",
            bytes: TestCDA.document(id: "u3", ipp: "IPP-9", family: "LEFÈVRE", given: "Hélène", birth: "19750302")))
        #expect(try await store.linkHistory().count == history.count)
        #expect(try await store.statistics().patients == 1)
        _ = try PatientIndex.replay(try await store.linkHistory(), index: InMemoryIdentityIndex())
        try await store.close()
    }
}
