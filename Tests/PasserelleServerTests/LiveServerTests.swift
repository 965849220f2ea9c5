import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PasserelleServer
import PasserelleStore
import PasserelleTestSupport
import Testing

/// Exercises every documented operation with its usual statuses, recording the exchanges.
enum ContractScenario {
    static func run(_ api: APIClient) async throws {
        let json = "application/json"
        try await api.call(.get, "/health")
        try await api.call(.get, "/ready")
        let created = try await api.post(try ServerSamples.letter())
        #expect(created.status == .created)
        try await api.post(try ServerSamples.letter())
        let document = try #require(created["documentId"])
        let patient = try #require(created["patientId"])
        try await api.post(try ServerSamples.fixture("cda/review/facility-a.xml"))
        let second = try await api.post(try ServerSamples.fixture("cda/review/facility-b.xml"))
        var conflicting = String(decoding: try ServerSamples.letter(), as: UTF8.self)
        conflicting = conflicting.replacingOccurrences(of: "</title>", with: " bis</title>")
        #expect(try await api.post(Data(conflicting.utf8)).status == .conflict)
        let rejected = try await api.post(ServerSamples.malformed)
        #expect(rejected.status == .unprocessableContent)
        try await api.post(Data("a;b\r\n".utf8), contentType: "text/csv")
        try await api.post(Data())
        try await api.post(try ServerSamples.letter(), token: "read")
        try await api.post(try ServerSamples.letter(), token: "nope")
        try await api.post(try ServerSamples.lgcExport(), query: "?profile=lgc", contentType: "text/csv")
        let form = ServerSamples.multipart(document: try ServerSamples.letter(documentID: "CONTRACT-FORM-1"), fileName: "form.xml",
            contentType: "application/xml", fields: [("metadata", #"{"sourceName": "form.xml"}"#)], boundary: "contract")
        #expect(try await api.call(.post, "/v1/documents", token: "ingest", body: form,
            contentType: "multipart/form-data; boundary=contract").status == .created)
        let job = try await api.post(try ServerSamples.letter(documentID: "CONTRACT-ASYNC-1"), query: "?async=true")
        #expect(job.status == .accepted)
        try await api.call(.get, "/v1/jobs/{id}", uri: "/v1/jobs/\(job["id"] ?? "")", token: "ingest")
        try await api.call(.get, "/v1/jobs/{id}", uri: "/v1/jobs/J0-unknown", token: "ingest")
        try await api.call(.post, "/v1/validate", token: "ingest", body: try ServerSamples.letter(), contentType: "application/xml")
        try await api.call(.post, "/v1/validate", uri: "/v1/validate?format=sarif", token: "ingest", body: ServerSamples.malformed,
            contentType: "application/xml")
        try await api.call(.post, "/v1/validate", uri: "/v1/validate?format=junit", token: "ingest", body: ServerSamples.malformed,
            contentType: "application/xml")
        try await api.call(.post, "/v1/validate", uri: "/v1/validate?format=bogus", token: "ingest", body: ServerSamples.malformed)
        try await api.call(.get, "/v1/patients", uri: "/v1/patients?ins=285076912345623", token: "read")
        try await api.call(.get, "/v1/patients", token: "read")
        try await api.call(.get, "/v1/patients", uri: "/v1/patients?family=X", token: "ingest")
        try await api.call(.get, "/v1/patients/{id}", uri: "/v1/patients/\(patient)", token: "read")
        try await api.call(.get, "/v1/patients/{id}", uri: "/v1/patients/P999", token: "read")
        try await api.call(.get, "/v1/patients/{id}/documents", uri: "/v1/patients/\(patient)/documents", token: "read")
        try await api.call(.get, "/v1/documents/{id}", uri: "/v1/documents/\(document)", token: "read")
        try await api.call(.get, "/v1/documents/{id}", uri: "/v1/documents/\(document)?as=fhir", token: "read")
        try await api.call(.get, "/v1/documents/{id}", uri: "/v1/documents/999", token: "read")
        let reviews = try await api.call(.get, "/v1/review", token: "read")
        let review = ((reviews.json["items"] as? [[String: Any]])?.first?["id"] as? String) ?? "R1"
        try await api.call(.get, "/v1/review/{id}", uri: "/v1/review/\(review)", token: "read")
        try await api.call(.post, "/v1/review/{id}/reject", uri: "/v1/review/\(review)/reject", token: "review",
            body: Data(#"{"reason":"different persons"}"#.utf8), contentType: json)
        try await api.call(.post, "/v1/review/{id}/accept", uri: "/v1/review/\(review)/accept", token: "review",
            body: Data(#"{"reason":"late"}"#.utf8), contentType: json)
        let other = try #require(second["patientId"])
        try await api.call(.post, "/v1/patients/{id}/merge", uri: "/v1/patients/\(patient)/merge", token: "review",
            body: Data(#"{"absorb":"\#(other)","reason":"contract test"}"#.utf8), contentType: json)
        let identity = (second.json["documents"] as? [[String: Any]])?.first?["identityId"] as? String ?? "I2"
        try await api.call(.post, "/v1/patients/{id}/unmerge", uri: "/v1/patients/\(patient)/unmerge", token: "review",
            body: Data(#"{"identity":"\#(identity)","reason":"contract test"}"#.utf8), contentType: json)
        try await api.call(.post, "/v1/patients/{id}/unmerge", uri: "/v1/patients/\(patient)/unmerge", token: "review",
            body: Data(#"{"identity":"I999","reason":"contract test"}"#.utf8), contentType: json)
        let quarantine = rejected["quarantineId"] ?? "1"
        try await api.call(.get, "/v1/quarantine", token: "read")
        try await api.call(.get, "/v1/quarantine/{id}", uri: "/v1/quarantine/\(quarantine)", token: "read")
        try await api.call(.post, "/v1/quarantine/{id}/retry", uri: "/v1/quarantine/\(quarantine)/retry", token: "review")
        try await api.call(.post, "/v1/quarantine/{id}/retry", uri: "/v1/quarantine/999/retry", token: "review")
        try await api.call(.get, "/metrics")
        // Let the asynchronous job finish before the store closes.
        for _ in 0..<100 {
            let state = try await api.call(.get, "/v1/jobs/{id}", uri: "/v1/jobs/\(job["id"] ?? "")", token: "ingest")["state"]
            if state == "done" || state == "failed" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Runs `scripts/check_openapi.py` on the recorded exchanges; returns its output and status.
    static func check(_ exchanges: [Exchange], in directory: URL) throws -> (Int32, String) {
        let file = directory.appendingPathComponent("exchanges.json")
        try JSONEncoder().encode(exchanges).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestPaths.packageRoot.appendingPathComponent("scripts/check_openapi.py").path,
            TestPaths.packageRoot.appendingPathComponent("schemas/openapi.yaml").path, file.path]
        let output = directory.appendingPathComponent("check.txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
    }
}

@Suite("HTTP API over loopback (live server)")
struct LiveServerTests {
    @Test("OpenAPI contract: every documented operation exercised over loopback on SQLite; statuses, content types and bodies match schemas/openapi.yaml")
    func contractSQLite() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        let log = ExchangeLog()
        try await harness.application().test(.live) { client in
            try await ContractScenario.run(APIClient(client, harness, log: log))
        }
        let (status, output) = try ContractScenario.check(log.all, in: harness.directory.url)
        #expect(status == 0, "\(output)")
        #expect(log.all.count > 40)
    }

    @Test("the same scenario over loopback on PostgreSQL",
        .enabled(if: ServerBackend.postgresURL != nil, "no PostgreSQL test server (run through scripts/with-postgres.sh)"))
    func contractPostgres() async throws {
        let harness = try await ServerHarness.make(.postgres)
        defer { Task { await harness.close() } }
        let log = ExchangeLog()
        try await harness.application().test(.live) { client in
            try await ContractScenario.run(APIClient(client, harness, log: log))
        }
        let (status, output) = try ContractScenario.check(log.all, in: harness.directory.url)
        #expect(status == 0, "\(output)")
        let ready = log.all.first { $0.path == "/ready" }
        #expect(ready?.status == 200)
    }
}
