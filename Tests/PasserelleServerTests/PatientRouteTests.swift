import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PasserelleIdentity
import PasserelleServer
import PasserelleStore
import Testing

@Suite("HTTP API: patients, review queue, audit (in-process router)")
struct PatientRouteTests {
    @Test("search, show, documents of a patient; every read is audited with the token, route and ids, never the criteria values")
    func patientReads() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let created = try await api.post(try ServerSamples.letter())
            let patient = try #require(created["patientId"])
            let document = try #require(created["documentId"])

            let noCriteria = try await api.call(.get, "/v1/patients", token: "read")
            #expect(noCriteria.status == .badRequest)
            #expect(noCriteria["code"] == "SEARCH-EMPTY")
            let identity = try #require(try await harness.store.patient(PatientID(rawValue: patient))?.identities.first?.record)
            let family = try #require(identity.birthFamilyName)
            let found = try await api.call(.get, "/v1/patients", uri: "/v1/patients?family=\(family.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", token: "read")
            #expect(found.status == .ok)
            #expect((found.json["patients"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [patient])
            let byINS = try await api.call(.get, "/v1/patients", uri: "/v1/patients?ins=\(identity.ins ?? "")", token: "read")
            #expect((byINS.json["patients"] as? [[String: Any]])?.count == 1)

            let shown = try await api.call(.get, "/v1/patients/{id}", uri: "/v1/patients/\(patient)", token: "read")
            #expect(shown.status == .ok)
            #expect(shown["id"] == patient)
            #expect((shown.json["identities"] as? [[String: Any]])?.count == 1)
            #expect((shown.json["history"] as? [[String: Any]])?.first?["event"] as? String == "created")
            let documents = try await api.call(.get, "/v1/patients/{id}/documents", uri: "/v1/patients/\(patient)/documents", token: "read")
            #expect((documents.json["documents"] as? [[String: Any]])?.compactMap { ($0["id"] as? Int).map(String.init) } == [document])

            let missing = try await api.call(.get, "/v1/patients/{id}", uri: "/v1/patients/P999", token: "read")
            #expect(missing.status == .notFound)
            #expect(missing["code"] == "NOT-FOUND")
            let badID = try await api.call(.get, "/v1/patients/{id}", uri: "/v1/patients/abc", token: "read")
            #expect(badID.status == .badRequest)
            let missingDocs = try await api.call(.get, "/v1/patients/{id}/documents", uri: "/v1/patients/P999/documents", token: "read")
            #expect(missingDocs.status == .notFound)
            let original = try await api.call(.get, "/v1/documents/{id}", uri: "/v1/documents/\(document)", token: "read")
            #expect(original.status == .ok)
            let missingDocument = try await api.call(.get, "/v1/documents/{id}", uri: "/v1/documents/999", token: "read")
            #expect(missingDocument.status == .notFound)
            let badDocument = try await api.call(.get, "/v1/documents/{id}", uri: "/v1/documents/x", token: "read")
            #expect(badDocument.status == .badRequest)

            let audit = try await harness.store.auditEntries(AuditFilter(actor: "token:read", limit: 100))
            let actions = Set(audit.map(\.action))
            #expect(actions.isSuperset(of: ["api.patient.search", "api.patient.read", "api.patient.documents", "api.document.read"]))
            let read = try #require(audit.first { $0.action == "api.patient.read" })
            #expect(read.target == AuditTarget(type: "patient", id: patient))
            #expect(read.detail.contains("route=GET /v1/patients/{id}"))
            let search = try #require(audit.first { $0.action == "api.patient.search" && $0.detail.contains("criteria=family") })
            #expect(!search.detail.contains(family))
            let ingest = try await harness.store.auditEntries(AuditFilter(actor: "token:ingest", action: "api.document.post", limit: 10))
            #expect(ingest.first?.target.id == document)
        }
    }

    @Test("review queue: two near-identical identities open an item; show explains it; accept merges; decisions need the review scope")
    func reviewAccept() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let first = try await api.post(try ServerSamples.fixture("cda/review/facility-a.xml"))
            let second = try await api.post(try ServerSamples.fixture("cda/review/facility-b.xml"))
            #expect(first.status == .created && second.status == .created)
            #expect(second["decision"] == "review")
            let list = try await api.call(.get, "/v1/review", token: "read")
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.count == 1)
            let id = try #require(items.first?["id"] as? String)
            let shown = try await api.call(.get, "/v1/review/{id}", uri: "/v1/review/\(id)", token: "read")
            #expect(shown.status == .ok)
            let explanation = try #require((shown.json["item"] as? [String: Any])?["explanation"] as? [String: Any])
            #expect((explanation["contributions"] as? [Any])?.isEmpty == false)
            #expect(shown.json["record"] != nil && shown.json["candidateRecord"] != nil)

            let forbidden = try await api.call(.post, "/v1/review/{id}/accept", uri: "/v1/review/\(id)/accept", token: "read",
                body: Data(#"{"reason":"same person"}"#.utf8), contentType: "application/json")
            #expect(forbidden.status == .forbidden)
            #expect(forbidden["code"] == "AUTH-SCOPE")
            let noReason = try await api.call(.post, "/v1/review/{id}/accept", uri: "/v1/review/\(id)/accept", token: "review",
                body: Data(#"{"reason":" "}"#.utf8), contentType: "application/json")
            #expect(noReason.status == .badRequest)
            let badBody = try await api.call(.post, "/v1/review/{id}/accept", uri: "/v1/review/\(id)/accept", token: "review",
                body: Data(#"{"why":1}"#.utf8), contentType: "application/json")
            #expect(badBody.status == .badRequest)
            #expect(badBody["code"] == "BODY-INVALID")
            let accepted = try await api.call(.post, "/v1/review/{id}/accept", uri: "/v1/review/\(id)/accept", token: "review",
                body: Data(#"{"reason":"same person, checked"}"#.utf8), contentType: "application/json")
            #expect(accepted.status == .ok)
            #expect(accepted["state"] == "accepted")
            let again = try await api.call(.post, "/v1/review/{id}/reject", uri: "/v1/review/\(id)/reject", token: "review",
                body: Data(#"{"reason":"changed my mind"}"#.utf8), contentType: "application/json")
            #expect(again.status == .conflict)
            #expect(again["code"] == "REVIEW-CLOSED")
            let missing = try await api.call(.post, "/v1/review/{id}/reject", uri: "/v1/review/R999/reject", token: "review",
                body: Data(#"{"reason":"x"}"#.utf8), contentType: "application/json")
            #expect(missing.status == .notFound)
            // Both identities now belong to one patient.
            let patientA = try #require(first["patientId"])
            let patientB = try #require(second["patientId"])
            let detailA = try await harness.store.patient(PatientID(rawValue: patientA))
            let detailB = try await harness.store.patient(PatientID(rawValue: patientB))
            let survivor = detailA?.mergedInto ?? detailB?.mergedInto
            #expect(survivor != nil)
            let audit = try await harness.store.auditEntries(AuditFilter(actor: "token:review", action: "api.review.accept", limit: 10))
            #expect(audit.count == 1)
        }
    }

    @Test("merge then unmerge through the API, with the link history kept")
    func mergeAndUnmerge() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let first = try await api.post(try ServerSamples.fixture("cda/review/facility-a.xml"))
            let second = try await api.post(try ServerSamples.fixture("cda/review/facility-b.xml"))
            let a = try #require(first["patientId"])
            let b = try #require(second["patientId"])
            let identityB = try #require(second.json["documents"] as? [[String: Any]]).first?["identityId"] as? String
            let json = "application/json"
            let same = try await api.call(.post, "/v1/patients/{id}/merge", uri: "/v1/patients/\(a)/merge", token: "review",
                body: Data(#"{"absorb":"\#(a)","reason":"x"}"#.utf8), contentType: json)
            #expect(same.status == .badRequest)
            let merged = try await api.call(.post, "/v1/patients/{id}/merge", uri: "/v1/patients/\(a)/merge", token: "review",
                body: Data(#"{"absorb":"\#(b)","reason":"same person, ID card checked"}"#.utf8), contentType: json)
            #expect(merged.status == .ok, "\(merged.text)")
            #expect(merged["survivor"] == a && merged["absorbed"] == b)
            let mergedAgain = try await api.call(.post, "/v1/patients/{id}/merge", uri: "/v1/patients/\(a)/merge", token: "review",
                body: Data(#"{"absorb":"\#(b)","reason":"again"}"#.utf8), contentType: json)
            #expect(mergedAgain.status == .conflict)
            let wrongPatient = try await api.call(.post, "/v1/patients/{id}/unmerge", uri: "/v1/patients/\(b)/unmerge", token: "review",
                body: Data(#"{"identity":"\#(identityB ?? "")","reason":"x"}"#.utf8), contentType: json)
            #expect(wrongPatient.status == .conflict)
            let unmerged = try await api.call(.post, "/v1/patients/{id}/unmerge", uri: "/v1/patients/\(a)/unmerge", token: "review",
                body: Data(#"{"identity":"\#(identityB ?? "")","reason":"merged by mistake"}"#.utf8), contentType: json)
            #expect(unmerged.status == .ok, "\(unmerged.text)")
            let newPatient = try #require(unmerged["newPatient"])
            #expect(newPatient != a)
            let unknownIdentity = try await api.call(.post, "/v1/patients/{id}/unmerge", uri: "/v1/patients/\(a)/unmerge", token: "review",
                body: Data(#"{"identity":"I999","reason":"x"}"#.utf8), contentType: json)
            #expect(unknownIdentity.status == .notFound)
            let history = try await api.call(.get, "/v1/patients/{id}", uri: "/v1/patients/\(a)", token: "admin")
            let events = (history.json["history"] as? [[String: Any]])?.compactMap { $0["event"] as? String } ?? []
            #expect(events.contains("merged") && events.contains("unmerged"))
        }
    }
}
