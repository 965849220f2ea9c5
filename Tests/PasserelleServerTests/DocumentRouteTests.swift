import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PasserelleServer
import PasserelleStore
import Testing

@Suite("HTTP API: documents, validation, jobs (in-process router)")
struct DocumentRouteTests {
    @Test("POST /v1/documents: 201 stored with patient and decision, 200 duplicate, 409 conflict; GET returns the exact bytes with ETag")
    func ingestLifecycle() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let letter = try ServerSamples.letter()
            let created = try await api.post(letter, sourceName: "../../etc/letter.xml")
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created["documentId"])
            #expect(created["patientId"]?.hasPrefix("P") == true)
            #expect(created["decision"] == "new")
            #expect(created["outcome"] == "stored")
            #expect(created.headers[.location] == "/v1/documents/\(id)")
            #expect(created.headers[HTTPField.Name("X-Trace-Id")!]?.count == 32)

            let again = try await api.post(letter)
            #expect(again.status == .ok)
            #expect(again["outcome"] == "duplicate")
            #expect(again["documentId"] == id)

            // Same document id, other bytes: refused, nothing changed.
            var changed = String(decoding: letter, as: UTF8.self)
            changed = changed.replacingOccurrences(of: "</title>", with: " (modifié)</title>")
            let conflict = try await api.post(Data(changed.utf8))
            #expect(conflict.status == .conflict)
            #expect(conflict.headers[.contentType] == "application/problem+json")
            #expect(conflict["code"] == "DOCUMENT-CONFLICT")
            #expect(conflict["documentId"] == id)
            #expect(conflict["traceId"]?.count == 32)

            let original = try await api.call(.get, "/v1/documents/{id}", uri: "/v1/documents/\(id)", token: "read")
            #expect(original.status == .ok)
            #expect(original.body == letter)
            let sha = try #require(try await harness.store.document(DocumentID(rawValue: Int64(id)!))?.summary.sha256)
            #expect(original.headers[.eTag] == "\"\(sha)\"")
            let notModified = try await api.call(.get, "/v1/documents/{id}", uri: "/v1/documents/\(id)", token: "read",
                headers: [.ifNoneMatch: "\"\(sha)\""])
            #expect(notModified.status == .notModified)
            #expect(notModified.body.isEmpty)

            let fhir = try await api.call(.get, "/v1/documents/{id}", uri: "/v1/documents/\(id)?as=fhir", token: "read")
            #expect(fhir.status == .ok)
            #expect(fhir.headers[.contentType] == "application/fhir+json")
            #expect(fhir.json["resourceType"] as? String == "Bundle")

            // The source name keeps the file name only, under the token's name.
            let stored = try #require(try await harness.store.document(DocumentID(rawValue: Int64(id)!)))
            #expect(stored.summary.sourceName == "http:ingest/letter.xml")
        }
    }

    @Test("POST /v1/documents: a malformed document is 422 with diagnostics and its exact bytes in quarantine")
    func rejectedGoesToQuarantine() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let rejected = try await api.post(ServerSamples.malformed)
            #expect(rejected.status == .unprocessableContent)
            #expect(rejected["code"] == "DOCUMENT-REJECTED")
            let quarantineID = try #require(rejected["quarantineId"])
            let diagnostics = try #require(rejected.json["diagnostics"] as? [[String: Any]])
            #expect(!diagnostics.isEmpty)
            #expect(diagnostics.allSatisfy { ($0["code"] as? String)?.isEmpty == false && $0["location"] != nil })
            let bytes = try await harness.store.quarantineBytes(QuarantineID(rawValue: Int64(quarantineID)!))
            #expect(bytes == ServerSamples.malformed)

            let listed = try await api.call(.get, "/v1/quarantine", token: "read")
            #expect((listed.json["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [quarantineID])
            let shown = try await api.call(.get, "/v1/quarantine/{id}", uri: "/v1/quarantine/\(quarantineID)", token: "read")
            #expect(shown.status == .ok)
            #expect((shown.json["diagnostics"] as? [Any])?.isEmpty == false)
            // Retrying the same bytes still fails: 422, the item stays open, no new item.
            let retry = try await api.call(.post, "/v1/quarantine/{id}/retry", uri: "/v1/quarantine/\(quarantineID)/retry", token: "review")
            #expect(retry.status == .unprocessableContent)
            #expect(retry["code"] == "RETRY-FAILED")
            #expect(try await harness.store.quarantineItems(state: nil).count == 1)
        }
    }

    @Test("quarantine retry with a profile stores the export and marks the item retried")
    func quarantineRetryWithProfile() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        let export = ServerSamples.cleanLGCExport
        let item = try await harness.store.addQuarantine(
            QuarantineInput(sourceName: "export.csv", original: export, reason: "[INPUT-FORMAT-UNKNOWN] no profile", diagnostics: []),
            actor: "test")
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let unknown = try await api.call(.post, "/v1/quarantine/{id}/retry", uri: "/v1/quarantine/\(item)/retry?profile=nope", token: "review")
            #expect(unknown.status == .badRequest)
            #expect(unknown["code"] == "PROFILE-UNKNOWN")
            let retried = try await api.call(.post, "/v1/quarantine/{id}/retry", uri: "/v1/quarantine/\(item)/retry?profile=lgc", token: "review")
            #expect(retried.status == .ok, "\(retried.text)")
            #expect(retried["outcome"] == "retried")
            let state = try await harness.store.quarantineItem(item)
            #expect(state?.state == .retried)
            #expect(state?.document?.description == retried["documentId"])
            let twice = try await api.call(.post, "/v1/quarantine/{id}/retry", uri: "/v1/quarantine/\(item)/retry?profile=lgc", token: "review")
            #expect(twice.status == .conflict)
            #expect(twice["code"] == "QUARANTINE-NOT-OPEN")
            let missing = try await api.call(.post, "/v1/quarantine/{id}/retry", uri: "/v1/quarantine/999/retry", token: "review")
            #expect(missing.status == .notFound)
        }
    }

    @Test("POST /v1/documents: 415 for unknown formats and media types, 400 for empty bodies and unknown profiles, 413 over the limit")
    func refusedInputs() async throws {
        let harness = try await ServerHarness.make { $0.maxBodyBytes = 4_096 }
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let csv = try await api.post(Data("a;b;c\r\n1;2;3\r\n".utf8), contentType: "text/csv")
            #expect(csv.status == .unsupportedMediaType)
            #expect(csv["code"] == "FORMAT-UNKNOWN")
            let image = try await api.post(Data([0x89, 0x50, 0x4E, 0x47]), contentType: "image/png")
            #expect(image.status == .unsupportedMediaType)
            #expect(image["code"] == "MEDIA-TYPE-UNSUPPORTED")
            let empty = try await api.post(Data())
            #expect(empty.status == .badRequest)
            #expect(empty["code"] == "DOCUMENT-EMPTY")
            let profile = try await api.post(Data("x;y\r\n".utf8), query: "?profile=unknown", contentType: "text/csv")
            #expect(profile.status == .badRequest)
            #expect(profile["code"] == "PROFILE-UNKNOWN")
            let large = try await api.post(Data(repeating: UInt8(ascii: " "), count: 5_000))
            #expect(large.status == .contentTooLarge)
            #expect(large["code"] == "BODY-TOO-LARGE")
            // Nothing of the refused inputs was stored or quarantined.
            let statistics = try await harness.store.statistics()
            #expect(statistics.documents == 0)
            #expect(statistics.openQuarantine == 0)
        }
    }

    @Test("a flat export with ?profile= becomes one document per row group, each with its patient")
    func flatExport() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let response = try await api.post(try ServerSamples.lgcExport(), query: "?profile=lgc", contentType: "text/csv; charset=windows-1252")
            #expect(response.status == .created, "\(response.text)")
            let documents = try #require(response.json["documents"] as? [[String: Any]])
            #expect(documents.count > 1)
            #expect(documents.contains { $0["outcome"] as? String == "stored" && $0["patientId"] != nil })
        }
    }

    @Test("multipart/form-data: the document part's exact bytes, its file name as source, metadata JSON naming the profile")
    func multipartUpload() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let letter = try ServerSamples.letter()
            let boundary = "passerelle-test-boundary"
            let form = ServerSamples.multipart(document: letter, fileName: "C:\\exports\\lettre.xml", contentType: "application/xml",
                fields: [("metadata", #"{"sourceName": "lettre-2025.xml"}"#)], boundary: boundary)
            let created = try await api.call(.post, "/v1/documents", token: "ingest", body: form,
                contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created["documentId"])
            let stored = try #require(try await harness.store.document(DocumentID(rawValue: Int64(id)!)))
            #expect(stored.summary.sourceName == "http:ingest/lettre-2025.xml")
            #expect(try await harness.store.originalBytes(DocumentID(rawValue: Int64(id)!)) == letter)

            let export = ServerSamples.multipart(document: ServerSamples.cleanLGCExport, fileName: "/tmp/export.csv",
                contentType: "text/csv", fields: [("profile", "lgc")], boundary: boundary)
            let flat = try await api.call(.post, "/v1/documents", token: "ingest", body: export,
                contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(flat.status == .created, "\(flat.text)")
            #expect((flat.json["documents"] as? [[String: Any]])?.count == 2)
            #expect((flat.json["documents"] as? [[String: Any]])?.first?["name"] as? String == "http:ingest/export.csv row 2")

            let noDocument = try await api.call(.post, "/v1/documents", token: "ingest",
                body: Data("--b\r\nContent-Disposition: form-data; name=\"profile\"\r\n\r\nlgc\r\n--b--\r\n".utf8),
                contentType: "multipart/form-data; boundary=b")
            #expect(noDocument.status == .badRequest)
            #expect(noDocument["code"] == "MULTIPART-INVALID")
            let badMetadata = ServerSamples.multipart(document: letter, fileName: "x.xml", contentType: "application/xml",
                fields: [("metadata", "not json")], boundary: boundary)
            let refused = try await api.call(.post, "/v1/documents", token: "ingest", body: badMetadata,
                contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(refused.status == .badRequest)
            #expect(refused["code"] == "MULTIPART-INVALID")
        }
    }

    @Test("POST /v1/validate answers reports in json, sarif and junit and stores nothing")
    func validateOnly() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let json = try await api.call(.post, "/v1/validate", token: "ingest", body: try ServerSamples.letter(), contentType: "application/xml")
            #expect(json.status == .ok)
            #expect(json.headers[HTTPField.Name("X-Validation-Result")!] == "passed")
            #expect(json.json["documents"] as? Int == 1)
            #expect((json.json["reports"] as? [[String: Any]])?.first?["passed"] as? Bool == true)
            let sarif = try await api.call(.post, "/v1/validate", uri: "/v1/validate?format=sarif", token: "ingest", body: ServerSamples.malformed)
            #expect(sarif.status == .ok)
            #expect(sarif.headers[HTTPField.Name("X-Validation-Result")!] == "failed")
            #expect(sarif.json["version"] as? String == "2.1.0")
            let junit = try await api.call(.post, "/v1/validate", uri: "/v1/validate?format=junit", token: "ingest", body: ServerSamples.malformed)
            #expect(junit.text.contains("<testsuite"))
            #expect(junit.text.contains("<failure"))
            let bad = try await api.call(.post, "/v1/validate", uri: "/v1/validate?format=pdf", token: "ingest", body: ServerSamples.malformed)
            #expect(bad.status == .badRequest)
            let statistics = try await harness.store.statistics()
            #expect(statistics.documents == 0)
            #expect(statistics.openQuarantine == 0)
        }
    }

    @Test("?async=true answers 202 with a job; GET /v1/jobs/{id} reports the result to its owner only")
    func asyncJobs() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let accepted = try await api.post(try ServerSamples.letter(), query: "?async=true")
            #expect(accepted.status == .accepted)
            let job = try #require(accepted["id"])
            #expect(accepted.headers[.location] == "/v1/jobs/\(job)")
            var state = ""
            var status: APIResponse?
            for _ in 0..<200 {
                status = try await api.call(.get, "/v1/jobs/{id}", uri: "/v1/jobs/\(job)", token: "ingest")
                state = status?["state"] ?? ""
                if state == "done" || state == "failed" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(state == "done")
            #expect(status?.json["httpStatus"] as? Int == 201)
            #expect((status?.json["result"] as? [String: Any])?["decision"] as? String == "new")
            // Another token (even admin) does not see the job.
            let other = try await api.call(.get, "/v1/jobs/{id}", uri: "/v1/jobs/\(job)", token: "admin")
            #expect(other.status == .notFound)
            // A rejected document fails the job with the quarantine id.
            let bad = try await api.post(ServerSamples.malformed, query: "?async=true")
            let badJob = try #require(bad["id"])
            var problem: [String: Any]?
            for _ in 0..<200 {
                let polled = try await api.call(.get, "/v1/jobs/{id}", uri: "/v1/jobs/\(badJob)", token: "ingest")
                if polled["state"] == "failed" {
                    problem = polled.json["problem"] as? [String: Any]
                    #expect(polled.json["httpStatus"] as? Int == 422)
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(problem?["code"] as? String == "DOCUMENT-REJECTED")
            #expect(problem?["quarantineId"] != nil)
        }
    }
}
