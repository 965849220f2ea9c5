import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PasserelleServer
import PasserelleStore
import PasserelleTestSupport
import Testing

/// Where a server test keeps its store: a SQLite file in a temporary directory, or a fresh
/// schema on the throwaway PostgreSQL server of `scripts/with-postgres.sh`.
enum ServerBackend: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["PASSERELLE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A location for a new, empty store.
    func freshLocation(in directory: URL) -> String {
        switch self {
        case .sqlite:
            return directory.appendingPathComponent("server.sqlite").path
        case .postgres:
            let base = Self.postgresURL ?? "postgres://127.0.0.1:1/unset"
            let schema = "srv_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
    }
}

/// A temporary directory removed when the value is deinitialised.
final class ScratchDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A store, a service over it and one token per scope (plus a revoked one).
struct ServerHarness: Sendable {
    let directory: ScratchDirectory
    let location: String
    let store: any RecordStore
    let service: GatewayService
    /// Secrets by token name: `ingest`, `read`, `review`, `admin`, `revoked`.
    let secrets: [String: String]

    static let lgcProfile = TestPaths.fixture("profiles/lgc-semicolon-cp1252.json").path

    static func make(
        _ backend: ServerBackend = .sqlite, configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> ServerHarness {
        let directory = try ScratchDirectory()
        let location = backend.freshLocation(in: directory.url)
        let store = try await openStore(location)
        var secrets: [String: String] = [:]
        for scope in TokenScope.allCases {
            let secret = TokenSecrets.generate()
            _ = try await store.createToken(name: scope.rawValue, scope: scope, secretSHA256: TokenSecrets.hash(secret), actor: "test")
            secrets[scope.rawValue] = secret
        }
        let revoked = TokenSecrets.generate()
        _ = try await store.createToken(name: "revoked", scope: .admin, secretSHA256: TokenSecrets.hash(revoked), actor: "test")
        try await store.revokeToken(name: "revoked", actor: "test")
        secrets["revoked"] = revoked
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.store = location
        configuration.tokenCacheSeconds = 0
        configuration.profiles = ["lgc": lgcProfile]
        configure(&configuration)
        var logger = Logger(label: "passerelle.server.test")
        logger.logLevel = .warning
        let service = try GatewayService(store: store, configuration: configuration, logger: logger)
        return ServerHarness(directory: directory, location: location, store: store, service: service, secrets: secrets)
    }

    func application() throws -> some ApplicationProtocol {
        try GatewayServer.application(service)
    }

    /// The `Authorization` header of a token.
    func auth(_ name: String) -> HTTPFields {
        [.authorization: "Bearer \(secrets[name] ?? "none")"]
    }

    func close() async { try? await store.close() }
}

/// One recorded exchange, for the OpenAPI contract check.
struct Exchange: Codable, Sendable {
    var method: String
    var path: String
    var status: Int
    var contentType: String?
    var body: JSONValue?
}

/// Any JSON value (for recording bodies).
enum JSONValue: Codable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// Exchanges recorded by an `APIClient`.
final class ExchangeLog: @unchecked Sendable {
    private var items: [Exchange] = []
    private let lock = NSLock()

    func append(_ exchange: Exchange) {
        lock.lock()
        items.append(exchange)
        lock.unlock()
    }

    var all: [Exchange] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

/// A response, with its body decoded as JSON when it is JSON.
struct APIResponse: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: Data

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    subscript(_ key: String) -> String? { json[key] as? String }
}

/// Calls the API through a Hummingbird test client, recording each exchange with the route template.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let harness: ServerHarness
    let log: ExchangeLog?

    init(_ client: any TestClientProtocol, _ harness: ServerHarness, log: ExchangeLog? = nil) {
        self.client = client
        self.harness = harness
        self.log = log
    }

    /// `template` is the documented path (`/v1/patients/{id}`); `uri` the concrete one (defaults to it).
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ template: String, uri: String? = nil, token: String? = nil, headers: HTTPFields = [:],
        body: Data? = nil, contentType: String? = nil
    ) async throws -> APIResponse {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(harness.secrets[token] ?? token)" }
        if let contentType { fields[.contentType] = contentType }
        let response = try await client.executeRequest(
            uri: uri ?? template, method: method, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        let data = Data(response.body.readableBytesView)
        let type = response.headers[.contentType]
        var recorded: JSONValue?
        if let type, type.contains("json"), !data.isEmpty { recorded = try? JSONDecoder().decode(JSONValue.self, from: data) }
        log?.append(Exchange(method: method.rawValue, path: template, status: Int(response.status.code), contentType: type, body: recorded))
        return APIResponse(status: response.status, headers: response.headers, body: data)
    }

    /// Posts a document (`application/xml` unless told otherwise).
    @discardableResult
    func post(_ bytes: Data, token: String = "ingest", query: String = "", contentType: String = "application/xml",
        sourceName: String? = nil) async throws -> APIResponse
    {
        var headers: HTTPFields = [:]
        if let sourceName { headers[HTTPField.Name("X-Source-Name")!] = sourceName }
        return try await call(.post, "/v1/documents", uri: "/v1/documents" + query, token: token, headers: headers, body: bytes,
            contentType: contentType)
    }
}

/// Documents written for the server tests from the project's fixtures.
enum ServerSamples {
    static func fixture(_ path: String) throws -> Data { try Data(contentsOf: TestPaths.fixture(path)) }

    /// A valid CI-SIS document with an INS (the fixture letter).
    static func letter() throws -> Data { try fixture("cda/valid/ldl-ses-complete.xml") }

    /// The letter with another document id and set id (same patient, same IPP and INS).
    static func letter(documentID: String) throws -> Data {
        var text = String(decoding: try letter(), as: UTF8.self)
        text = replaceExtension(of: "<id ", in: text, with: documentID)
        text = replaceExtension(of: "<setId ", in: text, with: documentID + "-SET")
        return Data(text.utf8)
    }

    /// Replaces the `extension` attribute of the first element starting with `tag`.
    static func replaceExtension(of tag: String, in text: String, with value: String) -> String {
        guard let start = text.range(of: tag), let end = text[start.upperBound...].range(of: ">"),
              let attribute = text[start.lowerBound..<end.lowerBound].range(of: "extension=\"")
        else { return text }
        guard let close = text[attribute.upperBound...].firstIndex(of: "\"") else { return text }
        var copy = text
        copy.replaceSubrange(attribute.upperBound..<close, with: value)
        return copy
    }

    /// Not well-formed XML: rejected and quarantined.
    static let malformed = Data("<?xml version=\"1.0\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.3\"/>\n<title>unclosed</ClinicalDocument>\n".utf8)

    /// A `multipart/form-data` body: the `document` part with `fileName`, then extra text parts.
    static func multipart(document: Data, fileName: String, contentType: String, fields: [(String, String)], boundary: String)
        -> Data
    {
        var body = Data()
        func line(_ text: String) { body.append(Data((text + "\r\n").utf8)) }
        line("--\(boundary)")
        line("Content-Disposition: form-data; name=\"document\"; filename=\"\(fileName)\"")
        line("Content-Type: \(contentType)")
        line("")
        body.append(document)
        line("")
        for (name, value) in fields {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(name)\"")
            line("")
            line(value)
        }
        line("--\(boundary)--")
        return body
    }

    /// A small Windows-1252 LGC export whose every row is valid for the `lgc` profile.
    static let cleanLGCExport: Data = {
        let text = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
            + "CŒURFICTIF;CŒURFICTIF;Éloïse Marie;12/03/1979;F;;P100001;05/01/2024;Suivi HTA;TA 13/8, traitement poursuivi\r\n"
            + "ESSAI;ESSAI;Jean Pierre;01/01/1950;M;;P100002;06/01/2024;Bilan annuel;Contrôle normal\r\n"
        return text.data(using: .windowsCP1252)!
    }()

    /// A Windows-1252 LGC export (read with the `lgc` profile), with deliberately bad rows.
    static func lgcExport() throws -> Data { try fixture("lgc/lgc-cp1252-crlf.csv") }
}
