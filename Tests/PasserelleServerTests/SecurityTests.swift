import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PasserelleIdentity
@testable import PasserelleServer
import PasserelleStore
import Testing

@Suite("HTTP API: authentication, scopes, limits, operations routes")
struct SecurityTests {
    @Test("every /v1 route refuses a missing, malformed, unknown or revoked token with 401 problem+json")
    func authentication() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        let routes: [(HTTPRequest.Method, String)] = [
            (.post, "/v1/documents"), (.post, "/v1/validate"), (.get, "/v1/jobs/J1"), (.get, "/v1/patients?family=X"),
            (.get, "/v1/patients/P1"), (.get, "/v1/patients/P1/documents"), (.post, "/v1/patients/P1/merge"),
            (.post, "/v1/patients/P1/unmerge"), (.get, "/v1/documents/1"), (.get, "/v1/review"), (.get, "/v1/review/R1"),
            (.post, "/v1/review/R1/accept"), (.post, "/v1/review/R1/reject"), (.get, "/v1/quarantine"), (.get, "/v1/quarantine/1"),
            (.post, "/v1/quarantine/1/retry"),
        ]
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            for (method, uri) in routes {
                let none = try await api.call(method, uri)
                #expect(none.status == .unauthorized, "\(method) \(uri)")
                #expect(none["code"] == "AUTH-MISSING")
                #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(none.headers[.contentType] == "application/problem+json")
                let basic = try await api.call(method, uri, headers: [.authorization: "Basic dXNlcjpwYXNz"])
                #expect(basic["code"] == "AUTH-SCHEME")
                let wrong = try await api.call(method, uri, token: "psr_not-a-real-token")
                #expect(wrong.status == .unauthorized)
                #expect(wrong["code"] == "AUTH-INVALID")
                let revoked = try await api.call(method, uri, token: "revoked")
                #expect(revoked.status == .unauthorized)
                #expect(revoked["code"] == "AUTH-REVOKED")
            }
        }
    }

    @Test("scopes: ingest cannot read, read cannot ingest or decide, review reads and decides, admin does everything")
    func scopes() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let cases: [(token: String, method: HTTPRequest.Method, uri: String, allowed: Bool)] = [
                ("ingest", .get, "/v1/patients/P1", false), ("ingest", .get, "/v1/quarantine", false),
                ("read", .post, "/v1/documents", false), ("read", .post, "/v1/validate", false),
                ("read", .post, "/v1/patients/P1/merge", false), ("read", .post, "/v1/quarantine/1/retry", false),
                ("review", .post, "/v1/documents", false), ("review", .get, "/v1/quarantine", true),
                ("review", .post, "/v1/patients/P1/merge", true), ("read", .get, "/v1/quarantine", true),
                ("admin", .get, "/v1/quarantine", true), ("admin", .post, "/v1/patients/P1/merge", true),
                ("admin", .post, "/v1/validate", true),
            ]
            for entry in cases {
                let response = try await api.call(entry.method, entry.uri, token: entry.token, body: Data("{}".utf8),
                    contentType: "application/json")
                if entry.allowed {
                    #expect(response.status != .forbidden && response.status != .unauthorized, "\(entry)")
                } else {
                    #expect(response.status == .forbidden, "\(entry)")
                    #expect(response["code"] == "AUTH-SCOPE")
                }
            }
        }
    }

    @Test("a revoked token is refused once its cache entry expires")
    func revocationTakesEffect() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            #expect(try await api.call(.get, "/v1/quarantine", token: "read").status == .ok)
            try await harness.store.revokeToken(name: "read", actor: "test")
            let refused = try await api.call(.get, "/v1/quarantine", token: "read")
            #expect(refused.status == .unauthorized)
            #expect(refused["code"] == "AUTH-REVOKED")
        }
    }

    @Test("per-token rate limit: 429 with Retry-After once the burst is spent, other tokens unaffected")
    func rateLimit() async throws {
        // One token back every 1,000 s: however slow the machine, none comes back during the
        // test (at 0.5/s, four requests spread over 2 s under load got a fourth token).
        let harness = try await ServerHarness.make {
            $0.rateLimitPerSecond = 0.001
            $0.rateLimitBurst = 3
        }
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            for _ in 0..<3 { #expect(try await api.call(.get, "/v1/quarantine", token: "read").status == .ok) }
            let limited = try await api.call(.get, "/v1/quarantine", token: "read")
            #expect(limited.status == .tooManyRequests)
            #expect(limited["code"] == "RATE-LIMITED")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try await api.call(.get, "/v1/quarantine", token: "admin").status == .ok)
        }
    }

    @Test("backpressure: a saturated gate refuses at once with 503 instead of queueing")
    func backpressure() async throws {
        let gate = IngestGate(capacity: 1, queueLimit: 0, timeout: .seconds(30))
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await gate.withSlot(waiting: false) {
                enteredContinuation.yield()
                for await _ in release { break }
            }
        }
        for await _ in entered { break }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: APIProblem.self) {
            try await gate.withSlot(waiting: false) {}
        }
        #expect(start.duration(to: clock.now) < .seconds(1))
        do {
            try await gate.withSlot(waiting: false) {}
            Issue.record("a saturated gate must refuse")
        } catch let problem as APIProblem {
            #expect(problem.status == .serviceUnavailable)
            #expect(problem.code == "SERVICE-SATURATED")
            #expect(problem.headers[.retryAfter] == "1")
        }
        // A waiting request with a queue slot times out with 503 too.
        let queued = IngestGate(capacity: 1, queueLimit: 1, timeout: .milliseconds(100))
        let (entered2, entered2Continuation) = AsyncStream<Void>.makeStream()
        let (release2, release2Continuation) = AsyncStream<Void>.makeStream()
        // The slot is held until the check is done (a fixed sleep could end first on a busy machine).
        let holder2 = Task {
            try await queued.withSlot(waiting: false) {
                entered2Continuation.yield()
                for await _ in release2 { break }
            }
        }
        for await _ in entered2 { break }
        await #expect(throws: APIProblem.self) { try await queued.withSlot(waiting: false) {} }
        release2Continuation.yield()
        try await holder2.value
        releaseContinuation.yield()
        try await holder.value
        // Once released, the slot is free again.
        try await gate.withSlot(waiting: false) {}
    }

    @Test("/health and /ready need no token; /metrics exposes request, document and identity counters")
    func operationsRoutes() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let health = try await api.call(.get, "/health")
            #expect(health.status == .ok)
            #expect(health["status"] == "ok")
            let ready = try await api.call(.get, "/ready")
            #expect(ready.status == .ok)
            #expect(ready["store"] == "sqlite")
            _ = try await api.post(try ServerSamples.letter())
            _ = try await api.post(ServerSamples.malformed)
            _ = try await api.call(.get, "/v1/unknown", token: "admin")
            let metrics = try await api.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            let text = metrics.text
            #expect(text.contains(#"passerelle_http_requests_total{method="POST",route="/v1/documents",status="201"} 1"#))
            #expect(text.contains(#"passerelle_http_requests_total{method="POST",route="/v1/documents",status="422"} 1"#))
            #expect(text.contains(#"passerelle_documents_total{outcome="stored"} 1"#))
            #expect(text.contains(#"passerelle_documents_total{outcome="quarantined"} 1"#))
            #expect(text.contains(#"passerelle_identity_decisions_total{decision="new"} 1"#))
            #expect(text.contains("passerelle_http_request_duration_seconds_bucket"))
            #expect(text.contains("passerelle_store_operation_duration_seconds_count"))
            #expect(text.contains("passerelle_quarantine_open_items 1"))
            let unknown = try await api.call(.get, "/v1/unknown", token: "admin")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("problem documents and logs never carry identity traits")
    func noTraitsInProblems() async throws {
        let harness = try await ServerHarness.make()
        defer { Task { await harness.close() } }
        try await harness.application().test(.router) { client in
            let api = APIClient(client, harness)
            let letter = try ServerSamples.letter()
            _ = try await api.post(letter)
            var changed = String(decoding: letter, as: UTF8.self)
            changed = changed.replacingOccurrences(of: "</title>", with: " bis</title>")
            let conflict = try await api.post(Data(changed.utf8))
            let identity = try #require(try await harness.store.searchPatients(PatientQuery(ins: "285076912345623")).first?.identities.first?.record)
            for trait in [identity.birthFamilyName, identity.firstBirthGivenName, identity.birthDate, identity.ins].compactMap({ $0 }) {
                #expect(!conflict.text.contains(trait))
            }
        }
    }
}

@Suite("passerelle serve configuration")
struct ServerConfigurationTests {
    @Test("YAML file, then environment variables; unknown keys and bad values name the file and setting")
    func loading() throws {
        let directory = try ScratchDirectory()
        let file = directory.url.appendingPathComponent("passerelle.yaml")
        try """
            port: 9090
            store: /var/lib/passerelle/store.sqlite
            maxBodyBytes: 1048576
            rateLimitPerSecond: 50
            profiles:
              lgc: /etc/passerelle/lgc.json
            """.write(to: file, atomically: true, encoding: .utf8)
        var configuration = try ServerConfiguration.load(file: file.path)
        #expect(configuration.port == 9090)
        #expect(configuration.maxBodyBytes == 1_048_576)
        #expect(configuration.profiles == ["lgc": "/etc/passerelle/lgc.json"])
        try configuration.applyEnvironment(["PASSERELLE_PORT": "7070", "PASSERELLE_MAX_BODY_BYTES": "2048",
            "PASSERELLE_PROFILES": "a=/x.json,b=/y.yaml", "HOME": "/root"])
        #expect(configuration.port == 7070)
        #expect(configuration.maxBodyBytes == 2048)
        #expect(configuration.profiles == ["a": "/x.json", "b": "/y.yaml"])
        try configuration.validate()
        #expect(ServerConfiguration.environmentName("rateLimitPerSecond") == "PASSERELLE_RATE_LIMIT_PER_SECOND")

        try "prot: 80\n".write(to: file, atomically: true, encoding: .utf8)
        #expect {
            try ServerConfiguration.load(file: file.path)
        } throws: { error in
            let error = error as? ServerConfigurationError
            return error?.key == "prot" && error?.source == file.path && error?.description.contains("unknown setting") == true
        }
        #expect(throws: ServerConfigurationError.self) {
            var bad = ServerConfiguration()
            try bad.applyEnvironment(["PASSERELLE_PORT": "eighty"])
        }
        var tls = ServerConfiguration()
        tls.tlsCertificate = "/etc/cert.pem"
        #expect(throws: ServerConfigurationError.self) { try tls.validate() }
        var timeouts = ServerConfiguration()
        try timeouts.applyEnvironment(["PASSERELLE_REQUEST_TIMEOUT_SECONDS": "2.5"])
        #expect(timeouts.requestTimeoutSeconds == 2.5)
        timeouts.requestTimeoutSeconds = 0
        #expect {
            try timeouts.validate()
        } throws: { error in
            (error as? ServerConfigurationError)?.key == "requestTimeoutSeconds"
        }
    }
}
