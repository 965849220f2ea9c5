import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PasserelleStore

/// Outermost middleware of every route: trace id, problem documents for every error, one log line
/// per request (method, route template, status, duration, token name: never traits or content)
/// and the request metrics.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let service: GatewayService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var response: Response
        var errorCode: String?
        do {
            response = try await next(request, context)
        } catch {
            let problem = Self.problem(for: error)
            errorCode = problem.code
            if problem.status.code >= 500 && problem.code == "INTERNAL" {
                service.logger.error("request failed", metadata: ["trace": "\(context.traceID)", "error": "\(Self.safeDescription(error))"])
            }
            response = problem.response(traceID: context.traceID)
        }
        response.headers[.traceID] = context.traceID
        let route = context.endpointPath ?? "unmatched"
        let duration = start.duration(to: clock.now)
        service.metrics.request(method: request.method.rawValue, route: route, status: Int(response.status.code), duration: duration)
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(response.status.code)",
            "ms": "\(duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000)",
            "trace": "\(context.traceID)",
        ]
        if let token = context.token { metadata["token"] = "\(token.name)" }
        if let errorCode { metadata["code"] = "\(errorCode)" }
        service.logger.info("request", metadata: metadata)
        return response
    }

    /// The problem document for an error thrown by a handler or by Hummingbird.
    static func problem(for error: any Error) -> APIProblem {
        switch error {
        case let problem as APIProblem:
            return problem
        case is NIOTooManyBytesError:
            return APIProblem(.contentTooLarge, code: "BODY-TOO-LARGE", title: "Request body too large",
                detail: "the body is larger than the configured limit (maxBodyBytes)")
        case let error as HTTPError:
            let code: String
            switch error.status {
            case .notFound: code = "NOT-FOUND"
            case .methodNotAllowed: code = "METHOD-NOT-ALLOWED"
            case .contentTooLarge: code = "BODY-TOO-LARGE"
            case .badRequest: code = "BAD-REQUEST"
            default: code = "HTTP-\(error.status.code)"
            }
            return APIProblem(error.status, code: code, title: error.status.reasonPhrase,
                detail: error.body ?? error.status.reasonPhrase, headers: error.headers)
        case let error as StoreError:
            switch error {
            case .notFound(let kind, let id): return APIProblem.notFound(kind, id)
            case .invalidOperation(let message):
                return APIProblem(.conflict, code: error.code, title: "Operation not allowed", detail: message)
            case .invalidInput(let message): return APIProblem.badRequest(error.code, message)
            case .open, .database:
                return APIProblem(.serviceUnavailable, code: "STORE-UNAVAILABLE", title: "Store unavailable",
                    detail: "the record store did not answer; retry later", headers: [.retryAfter: "2"])
            default:
                return APIProblem(.internalServerError, code: "INTERNAL", title: "Internal error", detail: "the request failed; see the server log")
            }
        case is DecodingError:
            return APIProblem.badRequest("BODY-INVALID", "the JSON body does not have the documented form")
        default:
            return APIProblem(.internalServerError, code: "INTERNAL", title: "Internal error", detail: "the request failed; see the server log")
        }
    }

    /// Error text safe for logs: store errors carry codes and SQL states only; others are named by type.
    static func safeDescription(_ error: any Error) -> String {
        if let error = error as? StoreError { return error.description }
        return String(describing: type(of: error))
    }
}

/// Authenticates `/v1` requests with a bearer token, checks the route's scope and applies the
/// per-token rate limit.
struct ScopeMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let service: GatewayService
    let scope: TokenScope

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let token = try await service.authenticator.authenticate(request.headers[.authorization])
        context.token = token
        guard token.scope.allows(scope) else {
            throw APIProblem(.forbidden, code: "AUTH-SCOPE", title: "Insufficient scope",
                detail: "token '\(token.name)' has scope \(token.scope.rawValue); this route needs \(scope.rawValue)")
        }
        if let wait = service.rateLimiter.take(token.name) {
            service.metrics.refused(reason: "rate-limit")
            throw APIProblem(.tooManyRequests, code: "RATE-LIMITED", title: "Too many requests",
                detail: "token '\(token.name)' is over its request rate", headers: [.retryAfter: String(wait)])
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// `X-Trace-Id`: the request's id in logs and problem documents.
    static let traceID = HTTPField.Name("X-Trace-Id")!
    /// `X-Source-Name`: the sender's name for a posted document (file name), kept as its source.
    static let sourceName = HTTPField.Name("X-Source-Name")!
}
