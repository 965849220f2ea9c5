import Foundation
@testable import PasserelleStore
import Testing

/// Advisory locks belong to a whole PostgreSQL database: stores in two schemas of one database
/// must not serialize on each other's identity and administration locks.
@Suite("PostgreSQL advisory locks are scoped to the store's schema")
struct PostgresLockScopeTests {
    @Test("lock ids: the default schema keeps the unscoped ids, a named schema gets its own")
    func lockIDsPerSchema() {
        let key = "block:I:280057505612345"
        #expect(PostgresTransaction.lockID("" + key) == PostgresTransaction.lockID(key))
        #expect(PostgresTransaction.lockID("schema:a|" + key) != PostgresTransaction.lockID("schema:b|" + key))
        #expect(PostgresTransaction.lockID("schema:a|" + key) != PostgresTransaction.lockID(key))
    }

    @Test("a merge-like exclusive lock held in one schema does not stall ingest in another",
        .enabled(if: TestServer.postgresURL != nil, "no PostgreSQL test server (run through scripts/with-postgres.sh)"))
    func schemasDoNotShareLocks() async throws {
        let first = try await TestStore.make(.postgres)
        let second = try await TestStore.make(.postgres)
        let holder = try #require(first.store as? SQLRecordStore)
        let (held, heldContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        // The first store takes the identity-administration lock exclusively (as a merge does)
        // and keeps it until the second store's document is stored.
        let holding = Task {
            try await holder.driver.write { tx in
                try await tx.lockAdministration(exclusive: true)
                heldContinuation.yield()
                for await _ in release { break }
            }
        }
        for await _ in held { break }
        let done = Flag()
        let stored = Task {
            let result = try await second.store.storeDocument(
                Samples.incoming(Samples.document("SCOPE-1"), Data("<doc/>".utf8)), actor: "tester")
            done.set()
            return result
        }
        // Wait up to 20 s for the second store, then release the lock whatever happened (a
        // failing run must fail, not hang).
        let deadline = ContinuousClock.now + .seconds(20)
        var finished = false
        while ContinuousClock.now < deadline {
            if done.value { finished = true; break }
            try await Task.sleep(for: .milliseconds(20))
        }
        releaseContinuation.yield()
        try await holding.value
        #expect(finished, "the second schema's document waited for the first schema's lock")
        _ = try await stored.value
        try await first.store.close()
        try await second.store.close()
    }
}

/// A flag set from one task and polled from another.
final class Flag: @unchecked Sendable {
    // `isSet` is only read and written under `lock`.
    private let lock = NSLock()
    private var isSet = false
    var value: Bool { lock.withLock { isSet } }
    func set() { lock.withLock { isSet = true } }
}
