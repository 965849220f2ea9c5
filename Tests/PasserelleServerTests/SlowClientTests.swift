import Foundation
import HummingbirdTesting
import PasserelleServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A client that sends its headers and part of a body, then stalls, must get `408` once
/// `requestTimeoutSeconds` has passed, and nothing may be stored from the partial body.
@Suite("Slow clients")
struct SlowClientTests {
    /// A request whose body stalls: route, scope of the token, content type, declared length and
    /// the part of the body actually sent.
    struct StalledRequest: Sendable, CustomTestStringConvertible {
        var path: String
        var scope: String
        var contentType: String
        var declaredLength: Int
        var partialBody: String
        var testDescription: String { path }
    }

    @Test("a stalled request body is answered 408 REQUEST-TIMEOUT within the configured time (documents and the JSON bodies of review routes)",
          arguments: [
              StalledRequest(path: "/v1/documents", scope: "ingest", contentType: "application/xml", declaredLength: 4000,
                  partialBody: "<?xml version=\"1.0\"?><ClinicalDocument"),
              StalledRequest(path: "/v1/patients/P1/merge", scope: "review", contentType: "application/json", declaredLength: 200,
                  partialBody: "{\"absorb\": \"P2\""),
          ])
    func stalledBody(_ stalled: StalledRequest) async throws {
        let harness = try await ServerHarness.make { $0.requestTimeoutSeconds = 0.5 }
        defer { Task { await harness.close() } }
        let secret = try #require(harness.secrets[stalled.scope])
        try await harness.application().test(.live) { client in
            let port = try #require(client.port)
            let head = "POST \(stalled.path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(secret)\r\n"
                + "Content-Type: \(stalled.contentType)\r\nContent-Length: \(stalled.declaredLength)\r\n\r\n\(stalled.partialBody)"
            let started = ContinuousClock.now
            let answer = try await RawHTTP.exchange(port: port, request: Data(head.utf8), readTimeoutSeconds: 15)
            let elapsed = ContinuousClock.now - started
            #expect(answer.hasPrefix("HTTP/1.1 408"), "answer: \(answer.prefix(200))")
            #expect(answer.contains("REQUEST-TIMEOUT"))
            #expect(elapsed >= .milliseconds(400))
            #expect(elapsed < .seconds(10), "the configured 0.5 s applies, not a built-in default")
            let quarantined = try await harness.store.quarantineItems(state: nil)
            #expect(quarantined.isEmpty, "a partial body must not be quarantined either")
        }
    }

    @Test("a body that arrives in pieces within the timeout is processed")
    func slowButInTime() async throws {
        let harness = try await ServerHarness.make { $0.requestTimeoutSeconds = 10 }
        defer { Task { await harness.close() } }
        let secret = try #require(harness.secrets["ingest"])
        let document = try ServerSamples.letter()
        try await harness.application().test(.live) { client in
            let port = try #require(client.port)
            let head = "POST /v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(secret)\r\n"
                + "Content-Type: application/xml\r\nContent-Length: \(document.count)\r\nConnection: close\r\n\r\n"
            var request = Data(head.utf8)
            request.append(document)
            let answer = try await RawHTTP.exchange(port: port, request: request, readTimeoutSeconds: 15, pieces: 4,
                pauseMilliseconds: 150)
            #expect(answer.hasPrefix("HTTP/1.1 201"), "answer: \(answer.prefix(200))")
        }
    }
}

/// A minimal blocking HTTP/1.1 client over a TCP socket, run off the cooperative thread pool, for
/// tests that need control of when bytes are sent.
enum RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `request` in `pieces` parts `pauseMilliseconds` apart, then reads until the peer closes
    /// the connection or a whole response (headers and `Content-Length` body) has arrived.
    static func exchange(port: Int, request: Data, readTimeoutSeconds: Int, pieces: Int = 1,
                         pauseMilliseconds: Int = 0) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try blockingExchange(port: port, request: request, readTimeoutSeconds: readTimeoutSeconds,
                        pieces: pieces, pauseMilliseconds: pauseMilliseconds)
                })
            }
        }
    }

    private static func blockingExchange(port: Int, request: Data, readTimeoutSeconds: Int, pieces: Int,
                                         pauseMilliseconds: Int) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: readTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect() to port \(port) failed") }
        let bytes = [UInt8](request)
        let size = (bytes.count + pieces - 1) / max(1, pieces)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + size)
            let sent = bytes[offset..<end].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send() failed") }
            offset += sent
            if offset < bytes.count, pauseMilliseconds > 0 { usleep(UInt32(pauseMilliseconds * 1_000)) }
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
            if isComplete(received) { break }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Whether `bytes` hold a whole response: headers, then as many bytes as `Content-Length` says.
    private static func isComplete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n") else { return false }
        let headers = text[..<headerEnd.lowerBound].lowercased()
        guard let line = headers.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
        return text.utf8.distance(from: headerEnd.upperBound, to: text.utf8.endIndex) >= length
    }
}
