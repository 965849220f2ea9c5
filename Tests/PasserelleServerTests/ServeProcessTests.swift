import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PasserelleIdentity
import PasserelleServer
import PasserelleStore
import PasserelleTestSupport
import Testing

/// A `passerelle serve` child process.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let errorFile: URL

    /// The built binary (see `PasserelleCLITests`' runner for the same lookup).
    static let binary: URL? = {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["PASSERELLE_BIN"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("passerelle"))
        }
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("passerelle"))
        }
        candidates.append(TestPaths.packageRoot.appendingPathComponent(".build/debug/passerelle"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Starts `passerelle serve --port 0 …` and waits for its "listening on" line.
    init(store: String, directory: URL, name: String, extra: [String] = []) throws {
        guard let binary = Self.binary else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "passerelle binary not found: build it first"])
        }
        errorFile = directory.appendingPathComponent("\(name).stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--store", store] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["PASSERELLE_TOKEN_CACHE_SECONDS": "0"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        var found: Int?
        for _ in 0..<600 {
            let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                found = Int(digits)
                break
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            process.terminate()
            let output = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(output)"])
        }
        port = found
    }

    var stderr: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Posts a document over a new connection.
    func post(_ body: Data, token: String, query: String = "") async throws -> (Int, [String: Any]) {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let response = try await client.execute(TestClient.Request(
                "/v1/documents" + query, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/xml"],
                body: ByteBuffer(bytes: body)))
            let data = response.body.map { Data($0.readableBytesView) } ?? Data()
            return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
        }
    }
}

@Suite("passerelle serve processes", .serialized)
struct ServeProcessTests {
    static let binaryMissing = ServeProcess.binary == nil

    @Test("SIGTERM: accepted asynchronous jobs are finished before the process exits, nothing lost",
        .enabled(if: !binaryMissing, "passerelle binary not built"))
    func gracefulShutdown() async throws {
        let directory = try ScratchDirectory()
        let location = directory.url.appendingPathComponent("serve.sqlite").path
        let store = try await openStore(location)
        let secret = TokenSecrets.generate()
        _ = try await store.createToken(name: "clinic", scope: .ingest, secretSHA256: TokenSecrets.hash(secret), actor: "test")
        try await store.close()
        let server = try ServeProcess(store: location, directory: directory.url, name: "graceful")
        var accepted = 0
        for index in 0..<20 {
            do {
                let (status, _) = try await server.post(try ServerSamples.letter(documentID: "SHUTDOWN-\(index)"), token: secret, query: "?async=true")
                if status == 202 { accepted += 1 }
            } catch {
                Issue.record("post \(index) failed: \(error); server running: \(server.process.isRunning); server log:\n\(server.stderr)")
            }
        }
        #expect(accepted == 20)
        let status = server.terminate()
        #expect(status == 0, "\(server.stderr)")
        #expect(server.stderr.contains("passerelle serve: stopped"))
        let reopened = try await openStore(location)
        let statistics = try await reopened.statistics()
        let identity = try await reopened.searchPatients(PatientQuery(ins: "285076912345623")).first?.identities.first?.record
        try await reopened.close()
        #expect(statistics.documents == 20)
        #expect(statistics.patients == 1)
        // The default log level writes one line per request, without identity traits or content.
        #expect(server.stderr.contains("/v1/documents"))
        let traits = [identity?.ins, identity?.birthFamilyName, identity?.firstBirthGivenName, identity?.birthDate].compactMap { $0 }
        #expect(traits.count == 4)
        for trait in traits { #expect(!server.stderr.contains(trait), "a trait leaked into the log") }
    }

    @Test("two server processes on one PostgreSQL store: the same new patient posted to both at once gives exactly one canonical patient",
        .enabled(if: ServerBackend.postgresURL != nil && !binaryMissing, "needs the PostgreSQL test server and the passerelle binary"))
    func twoProcessesOnePatient() async throws {
        let directory = try ScratchDirectory()
        let location = ServerBackend.postgres.freshLocation(in: directory.url)
        let store = try await openStore(location)
        let secret = TokenSecrets.generate()
        _ = try await store.createToken(name: "clinic", scope: .ingest, secretSHA256: TokenSecrets.hash(secret), actor: "test")
        let first = try ServeProcess(store: location, directory: directory.url, name: "first")
        let second = try ServeProcess(store: location, directory: directory.url, name: "second")
        let rounds = 6
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<rounds {
                for (server, side) in [(first, "A"), (second, "B")] {
                    let body = try ServerSamples.letter(documentID: "PARALLEL-\(index)-\(side)")
                    group.addTask { try await server.post(body, token: secret).0 }
                }
            }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        #expect(statuses.count == rounds * 2)
        #expect(statuses.allSatisfy { $0 == 201 }, "\(statuses)")
        let statistics = try await store.statistics()
        #expect(statistics.documents == rounds * 2)
        #expect(statistics.patients == 1)
        #expect(statistics.identities == 1)
        try await store.close()
        #expect(first.terminate() == 0)
        #expect(second.terminate() == 0)
    }
}
