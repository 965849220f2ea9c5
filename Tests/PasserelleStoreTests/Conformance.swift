import Crypto
import Foundation
import PasserelleIdentity
import PasserelleModel
@testable import PasserelleStore
import Testing

/// The conformance cases every adapter passes; `SQLiteConformanceTests` and
/// `PostgresConformanceTests` run each of them.
enum Conformance {
    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func migrations(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        #expect(try await test.store.schemaVersion() == Migration.sqlite.map(\.version).max())
        let store = try #require(test.store as? SQLRecordStore)
        // Re-running the migrator on an up-to-date store applies nothing.
        #expect(try await Migrator.migrate(store.driver, now: { Date() }).isEmpty)
        let reopened = try await test.reopen()
        #expect(try await reopened.schemaVersion() == Migration.sqlite.map(\.version).max())
        let rows = try await store.driver.read { tx in try await tx.rows("SELECT version, name FROM schema_migrations ORDER BY version") }
        #expect(rows.map { $0[0].int } == Migration.sqlite.map(\.version))
        #expect(rows.map { $0[1].string } == Migration.sqlite.map(\.name))
        #expect(Migration.sqlite.map(\.name) == Migration.postgres.map(\.name))
        try await reopened.close()
        try await test.store.close()
    }

    static func roundTrip(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        let payload = Data((0..<2048).map { UInt8($0 % 251) })
        let model = Samples.document("RT-1", set: "RT-SET", payload: payload)
        let original = Samples.original("round-trip")
        #expect(Samples.fixtureBytes.count > 1_000, "the fixture document was not found")
        let result = try await store.storeDocument(Samples.incoming(model, original), actor: "tester")
        guard case .stored(let id) = result.outcome else { Issue.record("expected stored, got \(result.outcome)"); return }
        #expect(result.identity?.decision == .new)
        #expect(try await store.originalBytes(id) == original)
        let stored = try #require(try await store.document(id))
        #expect(stored.summary.sha256 == sha256(original))
        #expect(stored.summary.size == original.count)
        #expect(stored.summary.documentKey == "\(Samples.documentRoot)^RT-1")
        #expect(stored.summary.setKey == "\(Samples.documentRoot)^RT-SET")
        #expect(stored.summary.typeCode == "11488-4")
        #expect(stored.summary.status == .current)
        #expect(stored.summary.patient == result.identity?.patient)
        #expect(stored.summary.format == "cda")
        #expect(stored.model.title == model.title)
        #expect(stored.model.patient == model.patient)
        #expect(stored.model.id == model.id)
        #expect(stored.attachments.count == 1)
        #expect(stored.attachments.first?.sha256 == sha256(payload))
        #expect(stored.attachments.first?.size == payload.count)
        #expect(try await store.attachmentBytes(document: id, ordinal: 0) == payload)
        #expect(try await store.document(key: "\(Samples.documentRoot)^RT-1")?.id == id)
        try await store.close()
    }

    static func duplicate(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        let model = Samples.document("DUP-1")
        let original = Samples.original("dup")
        let first = try await store.storeDocument(Samples.incoming(model, original), actor: "tester")
        let before = try await store.statistics()
        let again = try await store.storeDocument(Samples.incoming(model, original, source: "elsewhere.xml"), actor: "tester")
        #expect(again.outcome == .duplicate(first.outcome.document))
        #expect(again.identity == nil)
        #expect(try await store.statistics() == before)
        try await store.close()
    }

    static func conflict(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        let model = Samples.document("CONF-1")
        let original = Samples.original("first")
        let changed = Samples.original("second")
        let first = try await store.storeDocument(Samples.incoming(model, original), actor: "tester")
        let second = try await store.storeDocument(Samples.incoming(model, changed), actor: "tester")
        #expect(second.outcome == .conflict(first.outcome.document, existingSHA256: sha256(original), newSHA256: sha256(changed)))
        #expect(try await store.originalBytes(first.outcome.document) == original)
        #expect(try await store.statistics().documents == 1)
        let audit = try await store.auditEntries(AuditFilter(action: "document.conflict"))
        #expect(audit.count == 1)
        try await store.close()
    }

    static func versioning(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        let v1 = try await store.storeDocument(
            Samples.incoming(Samples.document("V-1", set: "SET-V", version: 1), Samples.original("v1")), actor: "tester")
        let v2 = try await store.storeDocument(
            Samples.incoming(Samples.document("V-2", set: "SET-V", version: 2), Samples.original("v2")), actor: "tester")
        #expect(v2.outcome == .newVersion(v2.outcome.document, supersedes: v1.outcome.document))
        let old = try #require(try await store.document(v1.outcome.document))
        #expect(old.summary.status == .superseded)
        #expect(old.summary.supersededBy == v2.outcome.document)
        #expect(try await store.originalBytes(v1.outcome.document) == Samples.original("v1"))
        let versions = try await store.versions(setKey: "\(Samples.documentRoot)^SET-V")
        #expect(versions.map(\.versionNumber) == [1, 2])
        #expect(versions.map(\.status) == [.superseded, .current])
        // A late, older version is stored but already superseded.
        let v0 = try await store.storeDocument(
            Samples.incoming(Samples.document("V-0", set: "SET-V", version: 0), Samples.original("v0")), actor: "tester")
        #expect(v0.outcome == .storedSuperseded(v0.outcome.document, supersededBy: v2.outcome.document))
        #expect(try await store.statistics().currentDocuments == 1)
        try await store.close()
    }

    static func quarantine(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        let bytes = Data("<ClinicalDocument><broken".utf8)
        let diagnostics = [Diagnostic(code: "XML-NOT-WELL-FORMED", severity: .error,
            message: "the document ends inside a start tag", file: "inbox/broken.xml")]
        let key = JournalKey(run: "run-q", source: "inbox/broken.xml", sha256: sha256(bytes))
        let id = try await store.addQuarantine(
            QuarantineInput(sourceName: "inbox/broken.xml", original: bytes, reason: "not well-formed", diagnostics: diagnostics),
            actor: "pipeline", journal: key)
        let open = try await store.quarantineItems(state: .open)
        #expect(open.map(\.id) == [id])
        let item = try #require(try await store.quarantineItem(id))
        #expect(item.sha256 == sha256(bytes))
        #expect(item.size == bytes.count)
        #expect(item.diagnostics == diagnostics)
        #expect(item.state == .open)
        #expect(try await store.quarantineBytes(id) == bytes)
        #expect(try await store.journalEntry(run: "run-q", source: "inbox/broken.xml")?.quarantine == id)
        // Retry after the cause is fixed: the item keeps the link to the document it became.
        let fixed = try await store.storeDocument(Samples.incoming(Samples.document("Q-1"), Samples.original("fixed")), actor: "pipeline")
        try await store.markQuarantineRetried(id, document: fixed.outcome.document, actor: "operator")
        let retried = try #require(try await store.quarantineItem(id))
        #expect(retried.state == .retried)
        #expect(retried.document == fixed.outcome.document)
        #expect(try await store.quarantineItems(state: .open).isEmpty)
        await #expect(throws: StoreError.notFound(kind: "quarantine item", id: "999")) {
            try await store.markQuarantineResolved(QuarantineID(rawValue: 999), actor: "operator", note: "none")
        }
        try await store.close()
    }

    static func identityRules(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        // Deterministic: same facility + IPP is the same identity record when the strict traits
        // agree (case and accents aside); a contradiction goes to review (IdentityRecheckTests).
        let first = try await store.storeDocument(Samples.incoming(
            Samples.document("ID-1", patient: Samples.patient(ipp: "IPP-7")), Samples.original("id1")), actor: "tester")
        let sameIPP = try await store.storeDocument(Samples.incoming(
            Samples.document("ID-2", patient: Samples.patient(family: "Dupont", ipp: "IPP-7")), Samples.original("id2")), actor: "tester")
        let a = try #require(first.identity), b = try #require(sameIPP.identity)
        #expect(a.decision == .new)
        #expect(b.decision == .known)
        #expect(b.identity == a.identity)
        #expect(b.patient == a.patient)
        // INS: another facility, same qualified INS, consistent traits: linked.
        let withINS = try await store.storeDocument(Samples.incoming(Samples.document("ID-3",
            patient: Samples.patient(ipp: "X-1", facility: Samples.facilityB, ins: Samples.marieINS, status: "QUAL")),
            Samples.original("id3")), actor: "tester")
        #expect(withINS.identity?.decision == .linked)
        #expect(withINS.identity?.patient == a.patient)
        // A different person: new patient.
        let other = try await store.storeDocument(Samples.incoming(Samples.document("ID-4",
            patient: Samples.patient(family: "MARTIN", given: "PAUL", birth: "19551103", sex: "M", place: "69123", ipp: "IPP-9",
                street: "3 place Bellecour", postcode: "69002")), Samples.original("id4")), actor: "tester")
        #expect(other.identity?.decision == .new)
        #expect(other.identity?.patient != a.patient)
        // Twins: same family, birth date, birthplace and address, another given name: never linked.
        let twin = try await store.resolveIdentity(IdentityRecord(patient: Samples.patient(given: "LUCIE", ipp: "IPP-T"),
            id: "ignored", source: nil), actor: "tester")
        #expect(twin.decision != .linked)
        #expect(twin.patient != a.patient)
        // Two different valid INS never link, whatever the traits.
        let otherINS = try await store.resolveIdentity(IdentityRecord(patient: Samples.patient(ipp: "Y-1", facility: "1.2.250.1.999.3.1",
            ins: Samples.ins("2800575056124"), status: "QUAL"), id: "ignored", source: nil), actor: "tester")
        #expect(otherINS.decision != .linked)
        #expect(otherINS.patient != a.patient)
        // Close but not certain (douteuse identity): a review item, own patient meanwhile.
        var doubtful = IdentityRecord(patient: Samples.patient(ipp: "Z-1", facility: "1.2.250.1.999.4.1"), id: "ignored", source: nil)
        doubtful.attributes = .doubtful
        let review = try await store.resolveIdentity(doubtful, actor: "tester")
        #expect(review.decision == .review)
        #expect(review.patient != a.patient)
        let reviewID = try #require(review.review)
        let detail = try #require(try await store.review(reviewID))
        #expect(detail.item.candidatePatient == a.patient)
        #expect(detail.item.record == review.identity)
        #expect(detail.record.localIdentifier?.value == "Z-1")
        #expect(try await store.reviewItems(state: .open).map(\.id).contains(reviewID))
        // Search by identifier and by traits.
        #expect(try await store.searchPatients(PatientQuery(ipp: "IPP-7", ippAuthority: Samples.facilityA)).map(\.id) == [a.patient])
        #expect(try await store.searchPatients(PatientQuery(ins: Samples.marieINS)).map(\.id) == [a.patient])
        let byTraits = try await store.searchPatients(PatientQuery(familyName: "Martin", givenName: "paul", birthDate: "1955-11-03"))
        #expect(byTraits.map(\.id) == [other.identity?.patient].compactMap { $0 })
        let detailA = try #require(try await store.patient(a.patient))
        #expect(detailA.identities.count == 2)
        #expect(detailA.documents.count == 3)
        #expect(detailA.history.count >= 2)
        try await store.close()
    }

    static func reviewDecisions(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        let base = try await store.resolveIdentity(IdentityRecord(patient: Samples.patient(), id: "x", source: nil), actor: "tester")
        var doubtful = IdentityRecord(patient: Samples.patient(ipp: "D-1", facility: Samples.facilityB), id: "x", source: nil)
        doubtful.attributes = .doubtful
        let first = try await store.resolveIdentity(doubtful, actor: "tester")
        doubtful.localIdentifier = LocalIdentifier(authority: Samples.facilityB, value: "D-2")
        let second = try await store.resolveIdentity(doubtful, actor: "tester")
        let accept = try #require(first.review), reject = try #require(second.review)
        try await store.acceptReview(accept, actor: "reviewer", reason: "checked the ID card")
        #expect(try await store.identity(first.identity)?.patient == base.patient)
        #expect(try await store.patient(first.patient)?.mergedInto == base.patient)
        try await store.rejectReview(reject, actor: "reviewer", reason: "different persons")
        #expect(try await store.identity(second.identity)?.patient == second.patient)
        #expect(try await store.reviewItems(state: .open).isEmpty)
        await #expect(throws: StoreError.invalidOperation("review item \(accept) is already accepted")) {
            try await store.acceptReview(accept, actor: "reviewer", reason: "again")
        }
        try await expectReplayMatches(store)
        try await store.close()
    }

    static func mergeUnmerge(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        let a = try await store.storeDocument(Samples.incoming(Samples.document("M-1"), Samples.original("m1")), actor: "tester")
        let b = try await store.storeDocument(Samples.incoming(Samples.document("M-2", patient: Samples.patient(
            family: "LEROY", given: "JULES", birth: "20010203", sex: "M", ipp: "IPP-B")), Samples.original("m2")), actor: "tester")
        let pa = try #require(a.identity?.patient), pb = try #require(b.identity?.patient)
        #expect(pa != pb)
        try await store.mergePatients(survivor: pa, absorbed: pb, actor: "operator", reason: "ADT A40 from the source")
        let merged = try #require(try await store.patient(pa))
        #expect(merged.identities.count == 2)
        #expect(merged.documents.map(\.id).sorted() == [a.outcome.document, b.outcome.document].sorted())
        #expect(try await store.patient(pb)?.mergedInto == pa)
        #expect(merged.history.contains { if case .patientsMerged(pa, pb) = $0.change { true } else { false } })
        await #expect(throws: StoreError.invalidOperation("patient \(pb) was merged into \(pa)")) {
            try await store.mergePatients(survivor: pa, absorbed: pb, actor: "operator", reason: "again")
        }
        // Unmerge: the identity leaves with its documents; the pair becomes a cannot-link.
        let identityB = try #require(b.identity?.identity)
        let fresh = try await store.unmerge(identity: identityB, actor: "operator", reason: "wrong merge")
        #expect(fresh != pa && fresh != pb)
        #expect(try await store.documents(patient: fresh).map(\.id) == [b.outcome.document])
        #expect(try await store.documents(patient: pa).map(\.id) == [a.outcome.document])
        let history = try await store.patient(fresh)?.history ?? []
        #expect(history.contains { if case .recordUnmerged(identityB, fresh) = $0.change { true } else { false } })
        await #expect(throws: StoreError.invalidOperation("identity record \(identityB) is the only record of patient \(fresh)")) {
            _ = try await store.unmerge(identity: identityB, actor: "operator", reason: "again")
        }
        try await expectReplayMatches(store)
        try await store.close()
    }

    /// R14 over the whole patient: a record is not linked to a patient holding another INS, or
    /// another IPP of its facility, in a record that is not among its candidates.
    static func patientWideIdentifiers(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        // Patient P: A (another woman, with her INS, IPP-A of facility A) merged with C (Marie
        // Anne DUPONT, facility B, no INS).
        let a = try await store.storeDocument(Samples.incoming(Samples.document("W-1", patient: Samples.patient(
            family: "MARTIN", given: "CLAIRE", birth: "19800502", ipp: "IPP-A", ins: Samples.ins("2800575056456"),
            street: "3 place Bellecour", postcode: "69002")), Samples.original("w1")), actor: "tester")
        let c = try await store.storeDocument(Samples.incoming(Samples.document("W-2", patient: Samples.patient(
            ipp: "IPP-C", facility: Samples.facilityB)), Samples.original("w2")), actor: "tester")
        let pa = try #require(a.identity?.patient), pc = try #require(c.identity?.patient)
        #expect(pa != pc)
        try await store.mergePatients(survivor: pa, absorbed: pc, actor: "operator", reason: "checked")
        // Marie Anne again, from a third facility, with her own INS: C alone would link her.
        let withINS = try await store.resolveIdentity(IdentityRecord(patient: Samples.patient(
            ipp: "Z-1", facility: "1.2.250.1.999.3.1", ins: Samples.marieINS), id: "ignored", source: nil), actor: "tester")
        #expect(withINS.decision == .review)
        #expect(withINS.patient != pa)
        // Marie Anne under another IPP of facility A (A's facility): not linked either.
        let otherIPP = try await store.resolveIdentity(IdentityRecord(patient: Samples.patient(
            ipp: "IPP-Z", facility: Samples.facilityA), id: "ignored", source: nil), actor: "tester")
        #expect(otherIPP.patient != pa)
        #expect(otherIPP.decision != .linked || otherIPP.patient == withINS.patient)
        try await store.close()
    }

    /// Replaying the stored history with the identity engine rebuilds the stored links.
    static func expectReplayMatches(_ store: any RecordStore) async throws {
        let events = try await store.linkHistory()
        let replayed = try PatientIndex.replay(events, index: InMemoryIdentityIndex())
        for (record, patient) in replayed.patientOf {
            #expect(try await store.identity(record)?.patient == patient)
        }
        #expect(replayed.patientOf.count == (try await store.statistics().identities))
    }

    static func audit(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        let stored = try await store.storeDocument(Samples.incoming(Samples.document("A-1"), Samples.original("a1")), actor: "ingest")
        try await store.appendAudit(actor: "alice", action: "document.get",
            target: AuditTarget(type: "document", id: stored.outcome.document.description), detail: "as original")
        let forDocument = try await store.auditEntries(AuditFilter(targetType: "document", targetID: stored.outcome.document.description))
        #expect(forDocument.map(\.action) == ["document.get", "document.store"])
        #expect(forDocument.first?.actor == "alice")
        #expect(try await store.auditEntries(AuditFilter(actor: "ingest")).map(\.action) == ["document.store"])
        #expect(try await store.auditEntries(AuditFilter(limit: 1)).count == 1)
        // No identity traits in the audit details.
        for entry in try await store.auditEntries(AuditFilter()) {
            #expect(!entry.detail.contains("DUPONT"))
            #expect(!entry.detail.contains("1980"))
        }
        try await store.close()
    }

    static func journal(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let store = test.store
        let original = Samples.original("j1")
        let key = JournalKey(run: "run-1", source: "batch/a.xml", sha256: sha256(original))
        #expect(try await store.journalEntry(run: "run-1", source: "batch/a.xml") == nil)
        let stored = try await store.storeDocument(Samples.incoming(Samples.document("J-1"), original), actor: "ingest", journal: key)
        let entry = try #require(try await store.journalEntry(run: "run-1", source: "batch/a.xml"))
        #expect(entry.outcome == .stored)
        #expect(entry.document == stored.outcome.document)
        #expect(entry.key.sha256 == sha256(original))
        // A rerun of the same source records the duplicate in place.
        _ = try await store.storeDocument(Samples.incoming(Samples.document("J-1"), original), actor: "ingest", journal: key)
        #expect(try await store.journalEntry(run: "run-1", source: "batch/a.xml")?.outcome == .duplicate)
        try await store.recordJournal(JournalEntry(key: JournalKey(run: "run-1", source: "batch/b.txt", sha256: "00"),
            outcome: .skipped, detail: "not a document"))
        #expect(try await store.journalEntries(run: "run-1").map(\.key.source) == ["batch/a.xml", "batch/b.txt"])
        #expect(try await store.journalEntries(run: "run-2").isEmpty)
        try await store.close()
    }

    /// N concurrent tasks, on two connections (pools) like two processes, store documents of
    /// the same new patient from different facilities: exactly one canonical patient.
    static func concurrency(_ adapter: StoreAdapter) async throws {
        let test = try await TestStore.make(adapter)
        let second = try await test.reopen()
        let stores = [test.store, second]
        let count = 8
        let results = try await withThrowingTaskGroup(of: DocumentIngestResult.self) { group in
            for index in 0..<count {
                let store = stores[index % 2]
                group.addTask {
                    let patient = Samples.patient(ipp: "C-\(index)", facility: "1.2.250.1.999.\(10 + index).1",
                        ins: Samples.marieINS, status: "QUAL")
                    return try await store.storeDocument(
                        Samples.incoming(Samples.document("CC-\(index)", patient: patient), Samples.original("cc\(index)")),
                        actor: "worker-\(index)")
                }
            }
            var all: [DocumentIngestResult] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(Set(results.compactMap(\.identity?.patient)).count == 1)
        #expect(results.filter { $0.identity?.decision == .new }.count == 1)
        let statistics = try await test.store.statistics()
        #expect(statistics.patients == 1)
        #expect(statistics.identities == count)
        #expect(statistics.documents == count)
        try await second.close()
        try await test.store.close()
    }
}
