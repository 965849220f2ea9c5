public import Foundation
public import HTTPTypes
public import Hummingbird
public import PasserelleModel

/// An error answered as `application/problem+json` (RFC 9457) with a stable code and the
/// request's trace id. Messages never carry identity traits or document content.
public struct APIProblem: Error, Sendable {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// Stable code (`AUTH-MISSING`, `DOCUMENT-REJECTED`, …).
    public var code: String
    /// Short human summary of the problem type.
    public var title: String
    /// What happened for this request.
    public var detail: String
    /// Extra headers (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields = [:]
    /// Diagnostics of a rejected document.
    public var diagnostics: [Diagnostic]?
    /// Quarantine item holding the rejected input.
    public var quarantineID: String?
    /// The stored document involved (conflicts).
    public var documentID: String?
    /// Per-document outcomes of a multi-document input.
    public var documents: [IngestedPart]?

    /// Creates a problem.
    public init(_ status: HTTPResponse.Status, code: String, title: String, detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.headers = headers
    }

    static func badRequest(_ code: String, _ detail: String) -> APIProblem {
        APIProblem(.badRequest, code: code, title: "Bad request", detail: detail)
    }

    static func notFound(_ kind: String, _ id: String) -> APIProblem {
        APIProblem(.notFound, code: "NOT-FOUND", title: "Not found", detail: "no \(kind) \(id)")
    }

    /// The JSON body.
    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var code: String
        var detail: String
        var traceId: String
        var diagnostics: [Diagnostic]?
        var quarantineId: String?
        var documentId: String?
        var documents: [IngestedPart]?
    }

    /// The response for a request with trace id `traceID`.
    func response(traceID: String) -> Response {
        let body = Body(
            type: "https://passerelle.invalid/problems/\(code.lowercased())", title: title, status: Int(status.code), code: code,
            detail: detail, traceId: traceID, diagnostics: diagnostics, quarantineId: quarantineID, documentId: documentID,
            documents: documents)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        let data = (try? APIJSON.encoder.encode(body)) ?? Data("{}".utf8)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// JSON coding of API bodies: ISO-8601 dates, sorted keys (stable output).
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// A JSON response.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
