import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PasserelleServer
import Testing

@Suite("passerelle serve over TLS")
struct TLSTests {
    static let opensslPath = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("with tlsCertificate and tlsKey the server speaks HTTPS and still authenticates",
        .enabled(if: opensslPath != nil, "openssl is needed to make a throwaway certificate"))
    func https() async throws {
        let directory = try ScratchDirectory()
        let certificate = directory.url.appendingPathComponent("cert.pem").path
        let key = directory.url.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.opensslPath))
        process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
            "-subj", "/CN=localhost"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let harness = try await ServerHarness.make {
            $0.tlsCertificate = certificate
            $0.tlsKey = key
        }
        defer { Task { await harness.close() } }
        try await harness.application().test(.ahc(.https)) { client in
            let api = APIClient(client, harness)
            let health = try await api.call(.get, "/health")
            let anonymous = try await api.call(.get, "/v1/quarantine")
            let reader = try await api.call(.get, "/v1/quarantine", token: "read")
            #expect(health.status == .ok)
            #expect(anonymous.status == .unauthorized)
            #expect(reader.status == .ok)
        }
        // A missing key file is a configuration error naming the setting.
        let broken = try await ServerHarness.make {
            $0.tlsCertificate = certificate
            $0.tlsKey = directory.url.appendingPathComponent("missing.pem").path
        }
        defer { Task { await broken.close() } }
        #expect(throws: ServerConfigurationError.self) { _ = try broken.application() }
    }
}
