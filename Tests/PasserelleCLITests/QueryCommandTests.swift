import Foundation
import PasserelleTestSupport
import Testing

/// A store filled by `passerelle ingest` in a temporary directory, and helpers to query it.
struct QueryStore {
    /// INS of the fixture patient of `Fixtures/cda/valid` (a fictitious test INS).
    static let claireINS = "285076912345623"

    let directory: TemporaryDirectory
    /// The `--store` value: a SQLite file in `directory`, or a PostgreSQL schema of its own.
    let location: String

    /// The fixture patient's documents: one letter and a replacement pair (IPP000123).
    static let claireFiles = ["cda/valid/ldl-ses-complete.xml", "cda/valid/replacement-v1.xml", "cda/valid/replacement-v2.xml"]

    /// Ingests the fixture files or folders (relative to `Fixtures/`) into `s.sqlite`.
    init(_ folders: [String] = QueryStore.claireFiles, backend: CLIStoreBackend = .sqlite) async throws {
        directory = try TemporaryDirectory()
        location = backend.freshLocation()
        let paths = folders.map { TestPaths.fixture($0).path }
        let ingest = try await CLI.run(["ingest"] + paths + ["--store", location, "--actor", "ingest-test"], in: directory.url)
        #expect(ingest.status == 0, "ingest: \(ingest.stderr)")
        if backend == .sqlite {
            #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("s.sqlite").path))
        }
    }

    /// Runs a query command against the store, JSON output, as `actor`.
    func run(_ arguments: [String], actor: String? = "tester", format: String = "json") async throws -> CLIResult {
        var full = arguments + ["--store", location, "--format", format]
        if let actor { full += ["--actor", actor] }
        return try await CLI.run(full, in: directory.url)
    }

    /// Runs a command that must succeed and returns its JSON output.
    func json(_ arguments: [String], actor: String? = "tester") async throws -> Any {
        let result = try await run(arguments, actor: actor)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: result.stdout)
    }

    /// The patient with the fixture INS.
    func clairePatient() async throws -> String {
        let found = try await #require(try json(["patients", "search", "--ins", Self.claireINS]) as? [[String: Any]])
        #expect(found.count == 1)
        return try #require(found.first?["id"] as? String)
    }

    /// `patients show` as JSON.
    func patient(_ id: String) async throws -> [String: Any] {
        try await #require(try json(["patients", "show", id]) as? [String: Any])
    }
}

@Suite("passerelle patients, review, documents, audit")
struct QueryCommandTests {
    @Test("search finds the fixture patient by INS, by traits and by IPP; the table shows no INS")
    func search() async throws { try await Self.searchCase(.sqlite) }
    static func searchCase(_ backend: CLIStoreBackend) async throws {
        let store = try await QueryStore(backend: backend)
        let patient = try await store.clairePatient()
        let byTraits = try await #require(try store.json(
            ["patients", "search", "--family", "fictive-essai", "--given", "Claire", "--birth-date", "1985-07-14"]) as? [[String: Any]])
        #expect(byTraits.map { $0["id"] as? String } == [patient])
        let identities = try #require(byTraits.first?["identities"] as? [[String: Any]])
        #expect(identities.first?["birthDate"] as? String != nil)
        let byIPP = try await #require(try store.json(
            ["patients", "search", "--ipp", "IPP000123", "--ipp-authority", "1.2.250.1.999.2.1"]) as? [[String: Any]])
        #expect(byIPP.map { $0["id"] as? String } == [patient])
        let none = try await #require(try store.json(["patients", "search", "--family", "NOBODY-HERE"]) as? [[String: Any]])
        #expect(none.isEmpty)
        let table = try await store.run(["patients", "search", "--ins", QueryStore.claireINS], format: "table")
        #expect(table.status == 0)
        #expect(table.stdoutText.contains("PATIENT"))
        #expect(table.stdoutText.contains(patient))
        #expect(!table.stdoutText.contains(QueryStore.claireINS))
        let noCriterion = try await store.run(["patients", "search"])
        #expect(noCriterion.status == 2)
    }

    @Test("show lists the identities, both versions of the replaced document and the link history")
    func show() async throws { try await Self.showCase(.sqlite) }
    static func showCase(_ backend: CLIStoreBackend) async throws {
        let store = try await QueryStore(backend: backend)
        let detail = try await store.patient(try store.clairePatient())
        let identities = try #require(detail["identities"] as? [[String: Any]])
        #expect(identities.contains { $0["ins"] as? String == QueryStore.claireINS })
        let documents = try #require(detail["documents"] as? [[String: Any]])
        #expect(documents.count == 3)
        let replacement = documents.filter { ($0["setKey"] as? String)?.contains("REPL-2025-SET") == true }
        #expect(Set(replacement.compactMap { $0["status"] as? String }) == ["current", "superseded"])
        let history = try #require(detail["history"] as? [[String: Any]])
        #expect(history.first?["event"] as? String == "created")
        #expect(history.first?["actor"] as? String == "ingest-test")
        let table = try await store.run(["patients", "show", try store.clairePatient()], format: "table")
        #expect(table.status == 0)
        for heading in ["identities:", "documents:", "history:"] { #expect(table.stdoutText.contains(heading)) }
    }

    @Test("documents get writes the original bytes exactly, to stdout and to --output")
    func documentsGet() async throws { try await Self.documentsGetCase(.sqlite) }
    static func documentsGetCase(_ backend: CLIStoreBackend) async throws {
        let store = try await QueryStore(backend: backend)
        let patient = try await store.clairePatient()
        let listed = try await #require(try store.json(["documents", "list", "--patient", patient]) as? [[String: Any]])
        let v2 = try #require(listed.first { ($0["documentKey"] as? String)?.hasSuffix("REPL-2025-V2") == true })
        let id = try #require(v2["id"] as? String)
        let fixture = TestPaths.fixture("cda/valid/replacement-v2.xml")
        let expected = try Data(contentsOf: fixture)
        let got = try await store.run(["documents", "get", id])
        #expect(got.status == 0, "\(got.stderr)")
        #expect(got.stdout == expected)
        // The stored SHA-256 is the one an independent tool computes on the fixture file.
        let sha = try await ReferenceProcess.run(["sha256sum", fixture.path])
        #expect(sha.stdoutText.split(separator: " ").first.map(String.init) == v2["sha256"] as? String)
        let toFile = try await store.run(["documents", "get", id, "--output", "copy.xml"])
        #expect(toFile.status == 0)
        #expect(try Data(contentsOf: store.directory.url.appendingPathComponent("copy.xml")) == expected)
        #expect(toFile.stdout.isEmpty)
    }

    @Test("documents get --as fhir is a Bundle with Patient, DocumentReference and Binary, and the canonical patient id")
    func documentsFHIR() async throws {
        let store = try await QueryStore()
        let patient = try await store.clairePatient()
        let listed = try await #require(try store.json(["documents", "list", "--patient", patient]) as? [[String: Any]])
        let id = try #require(listed.first { $0["status"] as? String == "current" }?["id"] as? String)
        let result = try await store.run(["documents", "get", id, "--as", "fhir"])
        #expect(result.status == 0, "\(result.stderr)")
        let bundle = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(bundle["resourceType"] as? String == "Bundle")
        let resources = try #require(bundle["entry"] as? [[String: Any]]).compactMap { $0["resource"] as? [String: Any] }
        let types = Set(resources.compactMap { $0["resourceType"] as? String })
        #expect(types.isSuperset(of: ["Patient", "DocumentReference", "Binary"]))
        let fhirPatient = try #require(resources.first { $0["resourceType"] as? String == "Patient" })
        let identifiers = try #require(fhirPatient["identifier"] as? [[String: Any]])
        #expect(identifiers.contains { $0["value"] as? String == patient })
    }

    @Test("merge then unmerge changes the patient's identities; both events are in the history")
    func mergeAndUnmerge() async throws { try await Self.mergeAndUnmergeCase(.sqlite) }
    static func mergeAndUnmergeCase(_ backend: CLIStoreBackend) async throws {
        let store = try await QueryStore(QueryStore.claireFiles + ["cda/review"], backend: backend)
        let claire = try await store.clairePatient()
        let others = try await #require(try store.json(["patients", "search", "--family", "REVUE-TEST"]) as? [[String: Any]])
        let other = try #require(others.first?["id"] as? String)
        let otherIdentities = try await #require(store.patient(other)["identities"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        let before = try await #require(store.patient(claire)["identities"] as? [[String: Any]]).count

        let merge = try await store.json(["patients", "merge", claire, other, "--reason", "test merge"], actor: "alice")
        #expect((merge as? [String: Any])?["survivor"] as? String == claire)
        let merged = try await store.patient(claire)
        #expect((merged["identities"] as? [[String: Any]])?.count == before + otherIdentities.count)
        await #expect(try store.patient(other)["mergedInto"] as? String == claire)

        let moved = try #require(otherIdentities.first)
        let unmerge = try await #require(try store.json(["patients", "unmerge", claire, moved, "--reason", "test unmerge"], actor: "alice")
            as? [String: Any])
        let newPatient = try #require(unmerge["newPatient"] as? String)
        #expect(newPatient != claire)
        let after = try await store.patient(claire)
        let ids = try #require(after["identities"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(!ids.contains(moved))
        let events = try #require(after["history"] as? [[String: Any]])
        #expect(events.contains { $0["event"] as? String == "merged" && $0["actor"] as? String == "alice" && $0["reason"] as? String == "test merge" })
        #expect(events.contains { $0["event"] as? String == "unmerged" && $0["actor"] as? String == "alice" })
        // Unmerging an identity from a patient it does not belong to is refused.
        let wrong = try await store.run(["patients", "unmerge", claire, moved, "--reason", "again"])
        #expect(wrong.status == 1)
    }

    /// Ingests the review fixtures and returns the open review item.
    static func openReview(_ store: QueryStore) async throws -> [String: Any] {
        let open = try await #require(try store.json(["review", "list"]) as? [[String: Any]])
        #expect(open.count == 1)
        return try #require(open.first)
    }

    @Test("two near-identical identities without INS from two facilities open a review item; show explains it; accept links")
    func reviewAccept() async throws { try await Self.reviewAcceptCase(.sqlite) }
    static func reviewAcceptCase(_ backend: CLIStoreBackend) async throws {
        let store = try await QueryStore(["cda/review"], backend: backend)
        let item = try await Self.openReview(store)
        let id = try #require(item["id"] as? String)
        let candidate = try #require(item["candidatePatient"] as? String)
        let shown = try await #require(try store.json(["review", "show", id]) as? [String: Any])
        let explanation = try #require(shown["explanation"] as? [String: Any])
        let contributions = try #require(explanation["contributions"] as? [[String: Any]])
        let family = try #require(contributions.first { $0["trait"] as? String == "familyName" })
        #expect(family["level"] as? String == "exact")
        #expect((family["weight"] as? Double ?? 0) > 0)
        let sex = try #require(contributions.first { $0["trait"] as? String == "sex" })
        #expect(sex["level"] as? String == "disagree")
        #expect((shown["record"] as? [String: Any])?["sex"] as? String != (shown["candidateRecord"] as? [String: Any])?["sex"] as? String)
        let table = try await store.run(["review", "show", id], format: "table")
        #expect(table.stdoutText.contains("UNDER REVIEW"))
        #expect(table.stdoutText.contains("CANDIDATE"))
        #expect(table.stdoutText.contains("familyName"))

        let accepted = try await store.run(["review", "accept", id, "--reason", "same person"], actor: "bob")
        #expect(accepted.status == 0, "\(accepted.stderr)")
        await #expect(try #require(try store.json(["review", "list"]) as? [[String: Any]]).isEmpty)
        let decided = try await #require(try store.json(["review", "list", "--state", "accepted"]) as? [[String: Any]])
        #expect(decided.map { $0["id"] as? String } == [id])
        let patient = try await store.patient(candidate)
        #expect((patient["identities"] as? [[String: Any]])?.count == 2)
        let again = try await store.run(["review", "accept", id])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already accepted"))
    }

    @Test("review reject keeps the identities apart")
    func reviewReject() async throws { try await Self.reviewRejectCase(.sqlite) }
    static func reviewRejectCase(_ backend: CLIStoreBackend) async throws {
        let store = try await QueryStore(["cda/review"], backend: backend)
        let item = try await Self.openReview(store)
        let id = try #require(item["id"] as? String)
        let candidate = try #require(item["candidatePatient"] as? String)
        let missingReason = try await store.run(["review", "reject", id])
        #expect(missingReason.status == 2)
        let rejected = try await store.run(["review", "reject", id, "--reason", "different persons"], actor: "bob")
        #expect(rejected.status == 0, "\(rejected.stderr)")
        let decided = try await #require(try store.json(["review", "list", "--state", "rejected"]) as? [[String: Any]])
        #expect(decided.map { $0["id"] as? String } == [id])
        await #expect((try store.patient(candidate)["identities"] as? [[String: Any]])?.count == 1)
    }

    @Test("every read is in the audit log with the --actor given; filters by actor, action and target")
    func audit() async throws {
        let store = try await QueryStore()
        let patient = try await store.clairePatient()
        _ = try await store.json(["patients", "show", patient], actor: "alice")
        let listed = try await #require(try store.json(["documents", "list", "--patient", patient], actor: "alice") as? [[String: Any]])
        let document = try #require(listed.first?["id"] as? String)
        await #expect(try store.run(["documents", "get", document], actor: "alice").status == 0)

        let byAlice = try await #require(try store.json(["audit", "--actor", "alice"], actor: nil) as? [[String: Any]])
        #expect(byAlice.map { $0["action"] as? String } == ["document.get", "document.list", "patient.show"])
        #expect(byAlice.allSatisfy { $0["actor"] as? String == "alice" })
        #expect(byAlice.first?["targetID"] as? String == document)
        let gets = try await #require(try store.json(["audit", "--action", "document.get"], actor: nil) as? [[String: Any]])
        #expect(gets.count == 1)
        let aboutPatient = try await #require(try store.json(["audit", "--target", patient], actor: nil) as? [[String: Any]])
        #expect(Set(aboutPatient.compactMap { $0["action"] as? String }).isSuperset(of: ["patient.show", "document.list"]))
        // The search made by clairePatient() is audited too, without the INS searched for.
        let searches = try await #require(try store.json(["audit", "--action", "patient.search", "--limit", "5"], actor: nil) as? [[String: Any]])
        #expect(!searches.isEmpty)
        #expect(searches.allSatisfy { !($0["detail"] as? String ?? "").contains(QueryStore.claireINS) })
        // Reading the log is audited under --reader.
        _ = try await CLI.run(["audit", "--store", "s.sqlite", "--reader", "carol", "--format", "json"], in: store.directory.url)
        let reads = try await #require(try store.json(["audit", "--actor", "carol"], actor: nil) as? [[String: Any]])
        #expect(reads.first?["action"] as? String == "audit.list")
        let future = try await #require(try store.json(["audit", "--since", "2999-01-01"], actor: nil) as? [[String: Any]])
        #expect(future.isEmpty)
    }

    @Test("unknown ids exit 1, malformed ids exit 2, a missing or unreachable store exits 2 without the password")
    func exitCodes() async throws {
        let store = try await QueryStore()
        for arguments in [["patients", "show", "P999"], ["documents", "get", "999"], ["review", "show", "R999"],
                          ["review", "accept", "R999"], ["documents", "list", "--patient", "P999"],
                          ["patients", "merge", "P1", "P999", "--reason", "x"], ["patients", "unmerge", "P1", "I999", "--reason", "x"]] {
            let result = try await store.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("999"), "\(arguments)")
        }
        for arguments in [["patients", "show", "abc"], ["documents", "get", "x1"], ["review", "show", "Q1"], ["audit", "--since", "yesterday"]] {
            await #expect(try store.run(arguments).status == 2, "\(arguments)")
        }
        let missing = try await CLI.run(["patients", "show", "P1", "--store", "absent.sqlite"], in: store.directory.url)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("absent.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: store.directory.url.appendingPathComponent("absent.sqlite").path))
        let unreachable = try await CLI.run(["patients", "show", "P1", "--store", "postgres://user:s3cretpw@127.0.0.1:9/db"], in: store.directory.url)
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("127.0.0.1"))
        #expect(!unreachable.stderr.contains("s3cretpw"))
    }
}

@Suite("passerelle patients, review, documents on PostgreSQL",
    .enabled(if: CLIStoreBackend.postgresURL != nil, "PASSERELLE_TEST_POSTGRES_URL is not set: run through scripts/with-postgres.sh"))
struct PostgresQueryCommandTests {
    @Test("search finds the fixture patient by INS, by traits and by IPP; the table shows no INS")
    func search() async throws { try await QueryCommandTests.searchCase(.postgres) }
    @Test("show lists the identities, both versions of the replaced document and the link history")
    func show() async throws { try await QueryCommandTests.showCase(.postgres) }
    @Test("documents get writes the original bytes exactly, to stdout and to --output")
    func documentsGet() async throws { try await QueryCommandTests.documentsGetCase(.postgres) }
    @Test("merge then unmerge changes the patient's identities; both events are in the history")
    func mergeAndUnmerge() async throws { try await QueryCommandTests.mergeAndUnmergeCase(.postgres) }
    @Test("two near-identical identities without INS from two facilities open a review item; show explains it; accept links")
    func reviewAccept() async throws { try await QueryCommandTests.reviewAcceptCase(.postgres) }
    @Test("review reject keeps the identities apart")
    func reviewReject() async throws { try await QueryCommandTests.reviewRejectCase(.postgres) }
}
