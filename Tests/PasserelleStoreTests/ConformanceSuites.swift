import PasserelleStore
import Testing

// The conformance cases (Conformance.swift) × the two adapters. The PostgreSQL suite needs a
// server: `scripts/with-postgres.sh swift test` starts a throwaway one and sets
// PASSERELLE_TEST_POSTGRES_URL; without it the suite shows as skipped, by name.

@Suite("Record store conformance: SQLite")
struct SQLiteConformanceTests {
    @Test("Migrations are applied once and recorded") func migrations() async throws { try await Conformance.migrations(.sqlite) }
    @Test("Document round trip: original bytes byte-exact, SHA-256, metadata, attachments") func roundTrip() async throws {
        try await Conformance.roundTrip(.sqlite)
    }
    @Test("Same id, same bytes: duplicate, nothing changes") func duplicate() async throws { try await Conformance.duplicate(.sqlite) }
    @Test("Same id, other bytes: conflict, never an overwrite") func conflict() async throws { try await Conformance.conflict(.sqlite) }
    @Test("A new version supersedes the previous one, which stays queryable") func versioning() async throws {
        try await Conformance.versioning(.sqlite)
    }
    @Test("Quarantine: add, list, show, bytes, retry link") func quarantine() async throws { try await Conformance.quarantine(.sqlite) }
    @Test("Identity: IPP, INS, new, review, different INS, twins; search") func identityRules() async throws {
        try await Conformance.identityRules(.sqlite)
    }
    @Test("Review accept merges, reject makes a cannot-link; history replays") func reviewDecisions() async throws {
        try await Conformance.reviewDecisions(.sqlite)
    }
    @Test("Merge and unmerge with history; history replays") func mergeUnmerge() async throws {
        try await Conformance.mergeUnmerge(.sqlite)
    }
    @Test("R14 over the whole patient: another INS or IPP in a record that is not a candidate") func patientWideIdentifiers() async throws {
        try await Conformance.patientWideIdentifiers(.sqlite)
    }
    @Test("Audit log: entries and filters") func audit() async throws { try await Conformance.audit(.sqlite) }
    @Test("Ingest journal: entries per run and source") func journal() async throws { try await Conformance.journal(.sqlite) }
    @Test("Concurrent documents of one new patient make one canonical patient") func concurrency() async throws {
        try await Conformance.concurrency(.sqlite)
    }
}

@Suite("Record store conformance: PostgreSQL",
    .enabled(if: TestServer.postgresURL != nil, "PASSERELLE_TEST_POSTGRES_URL is not set: run through scripts/with-postgres.sh"))
struct PostgresConformanceTests {
    @Test("Migrations are applied once and recorded") func migrations() async throws { try await Conformance.migrations(.postgres) }
    @Test("Document round trip: original bytes byte-exact, SHA-256, metadata, attachments") func roundTrip() async throws {
        try await Conformance.roundTrip(.postgres)
    }
    @Test("Same id, same bytes: duplicate, nothing changes") func duplicate() async throws { try await Conformance.duplicate(.postgres) }
    @Test("Same id, other bytes: conflict, never an overwrite") func conflict() async throws { try await Conformance.conflict(.postgres) }
    @Test("A new version supersedes the previous one, which stays queryable") func versioning() async throws {
        try await Conformance.versioning(.postgres)
    }
    @Test("Quarantine: add, list, show, bytes, retry link") func quarantine() async throws { try await Conformance.quarantine(.postgres) }
    @Test("Identity: IPP, INS, new, review, different INS, twins; search") func identityRules() async throws {
        try await Conformance.identityRules(.postgres)
    }
    @Test("Review accept merges, reject makes a cannot-link; history replays") func reviewDecisions() async throws {
        try await Conformance.reviewDecisions(.postgres)
    }
    @Test("Merge and unmerge with history; history replays") func mergeUnmerge() async throws {
        try await Conformance.mergeUnmerge(.postgres)
    }
    @Test("R14 over the whole patient: another INS or IPP in a record that is not a candidate") func patientWideIdentifiers() async throws {
        try await Conformance.patientWideIdentifiers(.postgres)
    }
    @Test("Audit log: entries and filters") func audit() async throws { try await Conformance.audit(.postgres) }
    @Test("Ingest journal: entries per run and source") func journal() async throws { try await Conformance.journal(.postgres) }
    @Test("Concurrent documents of one new patient make one canonical patient") func concurrency() async throws {
        try await Conformance.concurrency(.postgres)
    }
}
