import Testing

// The pipeline cases (IngestPipelineTests.swift, IdentityRecheckTests.swift) × the two store
// adapters. `scripts/with-postgres.sh swift test` starts a throwaway PostgreSQL server and sets
// PASSERELLE_TEST_POSTGRES_URL; without it the PostgreSQL suite shows as skipped, by name.

@Suite("Ingest pipeline into SQLite")
struct IngestPipelineTests {
    @Test("the same document twice: stored, then a duplicate that changes nothing")
    func idempotence() async throws { try await PipelineCases.idempotence(.sqlite) }
    @Test("a new version of a set supersedes the previous one")
    func versioning() async throws { try await PipelineCases.versioning(.sqlite) }
    @Test("same id, other bytes: a conflict, and the stored bytes are untouched")
    func conflict() async throws { try await PipelineCases.conflict(.sqlite) }
    @Test("a broken document goes to quarantine with its bytes and reasons; the run goes on")
    func quarantine() async throws { try await PipelineCases.quarantine(.sqlite) }
    @Test("retry of a quarantined document without quarantining again, then marked retried")
    func retry() async throws { try await PipelineCases.retry(.sqlite) }
    @Test("a resumed run skips what its journal holds; a finished run is followed by a new one")
    func resume() async throws { try await PipelineCases.resume(.sqlite) }
    @Test("an HPRIM Santé file with two patients gives two documents, journaled per part")
    func multiDocumentInput() async throws { try await PipelineCases.multiDocumentInput(.sqlite) }
    @Test("a zip archive is ingested entry by entry, a broken entry quarantined, a rerun all resumed")
    func zipArchive() async throws { try await PipelineCases.zipArchive(.sqlite) }
    @Test("the same IPP with contradicting strict traits is not attached: own patient, review, history")
    func collision() async throws { try await IdentityRecheckCases.collision(.sqlite) }
    @Test("the same IPP with compatible changes updates the record's traits with history")
    func compatibleUpdate() async throws { try await IdentityRecheckCases.compatibleUpdate(.sqlite) }
}

@Suite("Ingest pipeline into PostgreSQL",
    .enabled(if: TestBackend.postgresURL != nil, "PASSERELLE_TEST_POSTGRES_URL is not set: run through scripts/with-postgres.sh"))
struct PostgresIngestPipelineTests {
    @Test("the same document twice: stored, then a duplicate that changes nothing")
    func idempotence() async throws { try await PipelineCases.idempotence(.postgres) }
    @Test("a new version of a set supersedes the previous one")
    func versioning() async throws { try await PipelineCases.versioning(.postgres) }
    @Test("same id, other bytes: a conflict, and the stored bytes are untouched")
    func conflict() async throws { try await PipelineCases.conflict(.postgres) }
    @Test("a broken document goes to quarantine with its bytes and reasons; the run goes on")
    func quarantine() async throws { try await PipelineCases.quarantine(.postgres) }
    @Test("retry of a quarantined document without quarantining again, then marked retried")
    func retry() async throws { try await PipelineCases.retry(.postgres) }
    @Test("a resumed run skips what its journal holds; a finished run is followed by a new one")
    func resume() async throws { try await PipelineCases.resume(.postgres) }
    @Test("an HPRIM Santé file with two patients gives two documents, journaled per part")
    func multiDocumentInput() async throws { try await PipelineCases.multiDocumentInput(.postgres) }
    @Test("a zip archive is ingested entry by entry, a broken entry quarantined, a rerun all resumed")
    func zipArchive() async throws { try await PipelineCases.zipArchive(.postgres) }
    @Test("the same IPP with contradicting strict traits is not attached: own patient, review, history")
    func collision() async throws { try await IdentityRecheckCases.collision(.postgres) }
    @Test("the same IPP with compatible changes updates the record's traits with history")
    func compatibleUpdate() async throws { try await IdentityRecheckCases.compatibleUpdate(.postgres) }
}
