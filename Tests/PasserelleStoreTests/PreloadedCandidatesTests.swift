import Foundation
import PasserelleIdentity
@testable import PasserelleStore
import Testing

/// Change stamps: what a reader that took a snapshot may have missed.
@Suite("Change tracker")
struct ChangeTrackerTests {
    @Test("a key stamped after the snapshot is changed; one stamped before is not")
    func stampsAfterSnapshot() {
        let tracker = ChangeTracker()
        tracker.touch(["block:a"])
        tracker.committed()
        let snapshot = tracker.snapshot()
        #expect(!tracker.changed(since: snapshot, keys: ["block:a", "block:b"]))
        tracker.touch(["block:b"])
        #expect(tracker.changed(since: snapshot, keys: ["block:b"]))
        #expect(!tracker.changed(since: snapshot, keys: ["block:a", "block:c"]))
    }

    @Test("a snapshot taken while a change is not yet committed does not cover it")
    func uncommittedChangesAreAfterTheSnapshot() {
        let tracker = ChangeTracker()
        tracker.touch(["block:a"])
        // Not committed yet: a reader starting now does not see the change.
        let snapshot = tracker.snapshot()
        #expect(tracker.changed(since: snapshot, keys: ["block:a"]))
        tracker.committed()
        #expect(!tracker.changed(since: tracker.snapshot(), keys: ["block:a"]))
    }

    @Test("stamping everything, or going past capacity, changes every key")
    func everything() {
        let tracker = ChangeTracker(capacity: 4)
        tracker.committed()
        let first = tracker.snapshot()
        tracker.touchEverything()
        #expect(tracker.changed(since: first, keys: ["block:never-touched"]))
        tracker.committed()
        let second = tracker.snapshot()
        #expect(!tracker.changed(since: second, keys: ["block:x"]))
        tracker.touch((0..<10).map { "block:\($0)" })
        #expect(tracker.changed(since: second, keys: ["block:unrelated"]))
    }
}

/// SQLite ingest reads an incoming record's identity candidates before taking the write lock
/// and reuses them only when no writer changed their blocking keys since: a stale read must never
/// decide (a missed candidate is a missed link, or a collision left unflagged).
@Suite("Identity candidates read ahead of the write lock (SQLite)")
struct PreloadedCandidatesTests {
    static func store() async throws -> (TestStore, SQLRecordStore) {
        let test = try await TestStore.make(.sqlite)
        return (test, try #require(test.store as? SQLRecordStore))
    }

    /// Marie at facility A, and the same traits under another IPP at facility B.
    static let marieA = IdentityRecord(patient: Samples.patient(ipp: "IPP-1", facility: Samples.facilityA), id: "x", source: nil)
    static let marieB = IdentityRecord(patient: Samples.patient(ipp: "IPP-9", facility: Samples.facilityB), id: "x", source: nil)

    /// Resolves `record` inside a write, with `preloaded` candidates.
    static func resolve(_ record: IdentityRecord, preloaded: SQLRecordStore.PreloadedCandidates?, in store: SQLRecordStore)
        async throws -> IdentityResolution
    {
        let prepared = SQLRecordStore.PreparedIdentity(record)
        return try await store.driver.write { tx in
            try await store.resolve(record, prepared: prepared, preloaded: preloaded, actor: "tester", reason: "test", in: tx)
        }
    }

    @Test("candidates read before another writer stored a match are read again: the record is not a new patient")
    func staleAfterWriteInProcess() async throws {
        let (test, store) = try await Self.store()
        let reference = try await store.resolveIdentity(Self.marieA, actor: "tester")
        // The same check without a race: B finds A.
        let (controlTest, control) = try await Self.store()
        _ = try await control.resolveIdentity(Self.marieA, actor: "tester")
        let expected = try await control.resolveIdentity(Self.marieB, actor: "tester")
        #expect(expected.decision != .new)

        let (raceTest, raced) = try await Self.store()
        let preloaded = try #require(try await raced.preloadCandidates(SQLRecordStore.PreparedIdentity(Self.marieB)))
        #expect(preloaded.index.history.isEmpty, "nothing stored yet")
        let first = try await raced.resolveIdentity(Self.marieA, actor: "tester")
        let keys = SQLRecordStore.trackedKeys(blocking: SQLRecordStore.PreparedIdentity(Self.marieB).blockingKeys)
        #expect(try #require(raced.driver.changeTracker).changed(since: preloaded.snapshot, keys: keys))
        let second = try await Self.resolve(Self.marieB, preloaded: preloaded, in: raced)
        #expect(second.decision == expected.decision)
        if second.decision == .linked { #expect(second.patient == first.patient) }
        #expect(reference.decision == .new)
        for opened in [test, controlTest, raceTest] { try await opened.store.close() }
    }

    @Test("candidates read after the last write stay current and give the same decision")
    func currentPreloadIsReused() async throws {
        let (_, store) = try await Self.store()
        let first = try await store.resolveIdentity(Self.marieA, actor: "tester")
        let prepared = SQLRecordStore.PreparedIdentity(Self.marieB)
        let preloaded = try #require(try await store.preloadCandidates(prepared))
        #expect(preloaded.index.history.count == 1, "Marie A is the candidate")
        let keys = SQLRecordStore.trackedKeys(blocking: prepared.blockingKeys)
        let tracker = try #require(store.driver.changeTracker)
        #expect(!tracker.changed(since: preloaded.snapshot, keys: keys))
        let second = try await Self.resolve(Self.marieB, preloaded: preloaded, in: store)
        #expect(second.decision != .new)
        if second.decision == .linked { #expect(second.patient == first.patient) }
        try await store.close()
    }

    @Test("a write by another process (another connection to the file) makes every read-ahead stale")
    func staleAfterAnotherProcessWrote() async throws {
        let (test, store) = try await Self.store()
        let other = try await test.reopen()
        let preloaded = try #require(try await store.preloadCandidates(SQLRecordStore.PreparedIdentity(Self.marieB)))
        let first = try await other.resolveIdentity(Self.marieA, actor: "tester")
        let second = try await Self.resolve(Self.marieB, preloaded: preloaded, in: store)
        #expect(second.decision != .new)
        if second.decision == .linked { #expect(second.patient == first.patient) }
        try await other.close()
        try await store.close()
    }

    @Test("a known record (same facility and IPP) is re-checked, not matched: nothing is read ahead")
    func knownRecordIsNotPreloaded() async throws {
        let (_, store) = try await Self.store()
        _ = try await store.resolveIdentity(Self.marieA, actor: "tester")
        #expect(try await store.preloadCandidates(SQLRecordStore.PreparedIdentity(Self.marieA)) == nil)
        try await store.close()
    }
}
