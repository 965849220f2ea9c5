import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PasserelleEmit
import PasserelleIdentity
import PasserelleModel
import PasserellePipeline
import PasserelleStore
import PasserelleValidation

/// The HTTP API (`schemas/openapi.yaml` describes it): `/v1` routes grouped by the token scope
/// they require, plus the unauthenticated operations routes `/health`, `/ready` and `/metrics`.
enum GatewayRoutes {
    /// The router of a service.
    static func router(_ service: GatewayService) -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        // Middleware first: Hummingbird wraps each route with the middleware present when it is added.
        router.add(middleware: GatewayMiddleware(service: service))
        operations(router, service)
        let v1 = router.group("v1")
        ingest(v1.group().add(middleware: ScopeMiddleware(service: service, scope: .ingest)), service)
        read(v1.group().add(middleware: ScopeMiddleware(service: service, scope: .read)), service)
        review(v1.group().add(middleware: ScopeMiddleware(service: service, scope: .review)), service)
        return router
    }

    // MARK: Operations

    static func operations(_ router: Router<GatewayContext>, _ service: GatewayService) {
        router.get("health") { _, _ in
            try APIJSON.response(["status": "ok"])
        }
        router.get("ready") { _, _ -> Response in
            do {
                let version = try await service.store.schemaVersion()
                return try APIJSON.response(["status": "ready", "store": service.store.adapter.rawValue, "schemaVersion": String(version)])
            } catch {
                throw APIProblem(.serviceUnavailable, code: "STORE-UNAVAILABLE", title: "Not ready",
                    detail: "the record store is not reachable", headers: [.retryAfter: "5"])
            }
        }
        router.get("metrics") { _, _ -> Response in
            let statistics = try? await service.store.statistics()
            let load = await service.gate.load
            service.metrics.gauges(quarantineOpen: statistics?.openQuarantine, reviewOpen: statistics?.openReviews,
                inFlight: load.inUse, waiting: load.waiting, jobsPending: await service.jobs.pending)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: service.metrics.render())))
        }
    }

    // MARK: Ingest scope

    static func ingest(_ group: RouterGroup<GatewayContext>, _ service: GatewayService) {
        group.post("documents") { request, context -> Response in
            var request = request
            let bytes = try await Self.body(&request, limit: service.configuration.maxBodyBytes,
                timeout: service.configuration.requestTimeoutSeconds)
            var submission = GatewayService.Submission(
                bytes: bytes, sourceName: Self.sourceName(request, context), profileName: request.uri.queryParameters.get("profile"),
                contentType: request.headers[.contentType], actor: context.actor)
            if MultipartSubmission.isMultipart(submission.contentType), let contentType = submission.contentType {
                let form = try MultipartSubmission(body: bytes, contentType: contentType)
                submission.bytes = form.bytes
                submission.contentType = form.contentType
                submission.profileName = form.profile ?? submission.profileName
                if let name = form.sourceName ?? form.fileName { submission.sourceName = Self.sourceName(given: name, context) }
            }
            let profile = try service.admit(submission)
            let admitted = submission
            if request.uri.queryParameters.get("async") == "true" {
                let job = try await service.jobs.submit(owner: context.actor) {
                    do {
                        let (status, response) = try await service.ingest(admitted, profile: profile, waitForSlot: true)
                        return (Int(status.code), response, nil)
                    } catch {
                        let problem = GatewayMiddleware.problem(for: error)
                        return (Int(problem.status.code), nil, ProblemSummary(code: problem.code, detail: problem.detail,
                            quarantineId: problem.quarantineID, diagnostics: problem.diagnostics))
                    }
                }
                try await service.audit(context, action: "api.document.submit", type: "job", id: job.id, route: "POST /v1/documents?async=true")
                return try APIJSON.response(job, status: .accepted, headers: [.location: "/v1/jobs/\(job.id)"])
            }
            do {
                let (status, response) = try await service.ingest(admitted, profile: profile)
                let ids = response.documents.compactMap(\.documentId).joined(separator: ",")
                try await service.audit(context, action: "api.document.post", type: "document", id: ids.isEmpty ? "-" : ids,
                    route: "POST /v1/documents", status: status)
                var headers: HTTPFields = [:]
                if status == .created, let id = response.documentId { headers[.location] = "/v1/documents/\(id)" }
                return try APIJSON.response(response, status: status, headers: headers)
            } catch let problem as APIProblem {
                try await service.audit(context, action: "api.document.post", type: problem.quarantineID == nil ? "document" : "quarantine",
                    id: problem.quarantineID ?? problem.documentID ?? "-", route: "POST /v1/documents", status: problem.status)
                throw problem
            }
        }
        group.post("validate") { request, context -> Response in
            var request = request
            let bytes = try await Self.body(&request, limit: service.configuration.maxBodyBytes,
                timeout: service.configuration.requestTimeoutSeconds)
            let formatName = request.uri.queryParameters.get("format") ?? "json"
            guard let format = ReportFormat(rawValue: formatName) else {
                throw APIProblem.badRequest("REPORT-FORMAT", "format must be json, sarif, junit or text")
            }
            let submission = GatewayService.Submission(
                bytes: bytes, sourceName: Self.sourceName(request, context), profileName: request.uri.queryParameters.get("profile"),
                contentType: request.headers[.contentType], actor: context.actor)
            let profile = try service.admit(submission)
            let clock = ContinuousClock()
            let start = clock.now
            let result = try await service.gate.withSlot(waiting: false) {
                DocumentSource.readDocuments(bytes: bytes, sourceName: submission.sourceName, profile: profile,
                    validator: service.pipeline.validator)
            }
            let elapsed = start.duration(to: clock.now)
            let seconds = elapsed.inSeconds
            let reports = DocumentReport.reports(for: result, seconds: seconds)
            let data = try format.render(reports, toolVersion: ServerVersion.current)
            let contentType: String
            switch format {
            case .json: contentType = "application/json"
            case .sarif: contentType = "application/sarif+json"
            case .junit: contentType = "application/xml"
            case .text: contentType = "text/plain; charset=utf-8"
            }
            let passed = reports.allSatisfy(\.passed)
            return Response(status: .ok, headers: [.contentType: contentType, .validationResult: passed ? "passed" : "failed"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        group.get("jobs/{id}") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let status = await service.jobs.status(id, owner: context.actor) else { throw APIProblem.notFound("job", id) }
            return try APIJSON.response(status)
        }
    }

    // MARK: Read scope

    static func read(_ group: RouterGroup<GatewayContext>, _ service: GatewayService) {
        group.get("patients") { request, context -> Response in
            let parameters = request.uri.queryParameters
            var query = PatientQuery(
                ins: parameters.get("ins"), ipp: parameters.get("ipp"), ippAuthority: parameters.get("ippAuthority"),
                familyName: parameters.get("family"), givenName: parameters.get("given"), birthDate: parameters.get("birthDate"))
            let criteria = ["ins", "ipp", "family", "given", "birthDate"].filter { parameters.get($0) != nil }
            guard !criteria.isEmpty else {
                throw APIProblem.badRequest("SEARCH-EMPTY", "give at least one of ins, ipp, family, given, birthDate")
            }
            if let limit = parameters.get("limit") {
                guard let value = Int(limit), (1...500).contains(value) else {
                    throw APIProblem.badRequest("SEARCH-LIMIT", "limit must be between 1 and 500")
                }
                query.limit = value
            }
            let patients = try await service.store.searchPatients(query)
            // The audit entry names the criteria used, never their values (they are identity traits).
            try await service.audit(context, action: "api.patient.search", type: "patient",
                id: patients.map(\.id.rawValue).joined(separator: ",").nonEmpty ?? "-",
                route: "GET /v1/patients", detail: "criteria=\(criteria.joined(separator: ",")) results=\(patients.count)")
            return try APIJSON.response(["patients": patients.map {
                PatientSummaryView(id: $0.id.rawValue, identities: $0.identities.map(IdentityView.init))
            }])
        }
        group.get("patients/{id}") { _, context -> Response in
            let id = try Self.patientID(context)
            guard let detail = try await service.store.patient(id) else { throw APIProblem.notFound("patient", id.rawValue) }
            try await service.audit(context, action: "api.patient.read", type: "patient", id: id.rawValue, route: "GET /v1/patients/{id}")
            return try APIJSON.response(PatientView(detail))
        }
        group.get("patients/{id}/documents") { _, context -> Response in
            let id = try Self.patientID(context)
            guard try await service.store.patient(id) != nil else { throw APIProblem.notFound("patient", id.rawValue) }
            let documents = try await service.store.documents(patient: id)
            try await service.audit(context, action: "api.patient.documents", type: "patient", id: id.rawValue,
                route: "GET /v1/patients/{id}/documents", detail: "results=\(documents.count)")
            return try APIJSON.response(["documents": documents])
        }
        group.get("documents/{id}") { request, context -> Response in
            let text = try context.parameters.require("id")
            guard let number = Int64(text), number > 0 else { throw APIProblem.badRequest("ID-INVALID", "'\(text)' is not a document id") }
            let id = DocumentID(rawValue: number)
            guard let stored = try await service.store.document(id), let original = try await service.store.originalBytes(id) else {
                throw APIProblem.notFound("document", text)
            }
            let representation = request.uri.queryParameters.get("as") ?? "original"
            let etag = "\"\(stored.summary.sha256)\""
            switch representation {
            case "original":
                try await service.audit(context, action: "api.document.read", type: "document", id: text, route: "GET /v1/documents/{id}")
                if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) {
                    return Response(status: .notModified, headers: [.eTag: etag])
                }
                let type = stored.summary.format.map { $0.contains("cda") ? "application/xml" : "text/plain" } ?? "application/octet-stream"
                return Response(status: .ok, headers: [.contentType: type, .eTag: etag, .digest: "sha-256=\(Self.base64(hex: stored.summary.sha256))"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: original)))
            case "fhir":
                let patient = try await service.canonicalPatient(stored.summary.patient)
                let bundle: Data
                do {
                    bundle = try FHIRBundleEmitter(configuration: FHIREmitterConfiguration(prettyPrinted: false)).bundle(
                        for: stored.model, originalBytes: original, canonicalPatientID: patient?.rawValue,
                        status: stored.summary.status == .superseded ? .superseded : .current)
                } catch {
                    throw APIProblem(.unprocessableContent, code: "FHIR-EMIT", title: "Cannot convert", detail: "\(error)")
                }
                try await service.audit(context, action: "api.document.read", type: "document", id: text,
                    route: "GET /v1/documents/{id}?as=fhir")
                return Response(status: .ok, headers: [.contentType: "application/fhir+json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: bundle)))
            default:
                throw APIProblem.badRequest("REPRESENTATION", "as must be original or fhir")
            }
        }
        group.get("review") { request, context -> Response in
            let stateText = request.uri.queryParameters.get("state") ?? "open"
            let state: ReviewItem.State?
            if stateText == "all" {
                state = nil
            } else if let parsed = ReviewItem.State(rawValue: stateText) {
                state = parsed
            } else {
                throw APIProblem.badRequest("REVIEW-STATE", "state must be open, accepted, rejected or all")
            }
            let items = try await service.store.reviewItems(state: state)
            try await service.audit(context, action: "api.review.list", type: "review", id: "*", route: "GET /v1/review",
                detail: "state=\(stateText) results=\(items.count)")
            return try APIJSON.response(["items": items])
        }
        group.get("review/{id}") { _, context -> Response in
            let id = try Self.reviewID(context)
            guard let detail = try await service.store.review(id) else { throw APIProblem.notFound("review item", id.rawValue) }
            try await service.audit(context, action: "api.review.read", type: "review", id: id.rawValue, route: "GET /v1/review/{id}")
            return try APIJSON.response(ReviewView(item: detail.item, record: detail.record, candidateRecord: detail.candidateRecord,
                reason: detail.reason, createdAt: detail.createdAt, decidedAt: detail.decidedAt, decidedBy: detail.decidedBy))
        }
        group.get("quarantine") { request, context -> Response in
            let stateText = request.uri.queryParameters.get("state") ?? "open"
            let state: QuarantineState?
            if stateText == "all" {
                state = nil
            } else if let parsed = QuarantineState(rawValue: stateText) {
                state = parsed
            } else {
                throw APIProblem.badRequest("QUARANTINE-STATE", "state must be open, retried, resolved or all")
            }
            let items = try await service.store.quarantineItems(state: state)
            try await service.audit(context, action: "api.quarantine.list", type: "quarantine", id: "*", route: "GET /v1/quarantine",
                detail: "state=\(stateText) results=\(items.count)")
            return try APIJSON.response(["items": items.map { QuarantineView($0, withDiagnostics: false) }])
        }
        group.get("quarantine/{id}") { _, context -> Response in
            let id = try Self.quarantineID(context)
            guard let item = try await service.store.quarantineItem(id) else { throw APIProblem.notFound("quarantine item", id.description) }
            try await service.audit(context, action: "api.quarantine.read", type: "quarantine", id: id.description, route: "GET /v1/quarantine/{id}")
            return try APIJSON.response(QuarantineView(item, withDiagnostics: true))
        }
    }

    // MARK: Review scope

    static func review(_ group: RouterGroup<GatewayContext>, _ service: GatewayService) {
        group.post("patients/{id}/merge") { request, context -> Response in
            let survivor = try Self.patientID(context)
            let body = try await Self.decode(MergeRequest.self, request, timeout: service.configuration.requestTimeoutSeconds)
            let absorbed = try Self.patientID(body.absorb)
            guard absorbed != survivor else { throw APIProblem.badRequest("MERGE-SAME", "a patient cannot be merged into itself") }
            try Self.requireReason(body.reason)
            try await service.store.mergePatients(survivor: survivor, absorbed: absorbed, actor: context.actor, reason: body.reason)
            try await service.audit(context, action: "api.patient.merge", type: "patient", id: "\(survivor.rawValue),\(absorbed.rawValue)",
                route: "POST /v1/patients/{id}/merge")
            return try APIJSON.response(["survivor": survivor.rawValue, "absorbed": absorbed.rawValue])
        }
        group.post("patients/{id}/unmerge") { request, context -> Response in
            let patient = try Self.patientID(context)
            let body = try await Self.decode(UnmergeRequest.self, request, timeout: service.configuration.requestTimeoutSeconds)
            let identity = try Self.identityID(body.identity)
            try Self.requireReason(body.reason)
            guard let stored = try await service.store.identity(identity) else { throw APIProblem.notFound("identity", identity.rawValue) }
            guard stored.patient == patient else {
                throw APIProblem(.conflict, code: "UNMERGE-NOT-MEMBER", title: "Identity not in patient",
                    detail: "identity \(identity) belongs to patient \(stored.patient), not \(patient)")
            }
            let newPatient = try await service.store.unmerge(identity: identity, actor: context.actor, reason: body.reason)
            try await service.audit(context, action: "api.patient.unmerge", type: "patient", id: "\(patient.rawValue),\(newPatient.rawValue)",
                route: "POST /v1/patients/{id}/unmerge", detail: "identity=\(identity)")
            return try APIJSON.response(["patient": patient.rawValue, "identity": identity.rawValue, "newPatient": newPatient.rawValue])
        }
        for decision in ["accept", "reject"] {
            group.post("review/{id}/\(decision)") { request, context -> Response in
                let id = try Self.reviewID(context)
                let body = try await Self.decode(DecisionRequest.self, request, timeout: service.configuration.requestTimeoutSeconds)
                try Self.requireReason(body.reason)
                guard let detail = try await service.store.review(id) else { throw APIProblem.notFound("review item", id.rawValue) }
                guard detail.item.state == .open else {
                    throw APIProblem(.conflict, code: "REVIEW-CLOSED", title: "Review item closed",
                        detail: "review item \(id) is already \(detail.item.state.rawValue)")
                }
                if decision == "accept" {
                    try await service.store.acceptReview(id, actor: context.actor, reason: body.reason)
                } else {
                    try await service.store.rejectReview(id, actor: context.actor, reason: body.reason)
                }
                try await service.audit(context, action: "api.review.\(decision)", type: "review", id: id.rawValue,
                    route: "POST /v1/review/{id}/\(decision)")
                let after = try await service.store.review(id)
                return try APIJSON.response(["id": id.rawValue, "state": after?.item.state.rawValue ?? decision + "ed"])
            }
        }
        group.post("quarantine/{id}/retry") { request, context -> Response in
            let id = try Self.quarantineID(context)
            do {
                let (status, response) = try await service.retryQuarantine(id, profileName: request.uri.queryParameters.get("profile"),
                    actor: context.actor)
                try await service.audit(context, action: "api.quarantine.retry", type: "quarantine", id: id.description,
                    route: "POST /v1/quarantine/{id}/retry", status: status, detail: "document=\(response.documentId ?? "-")")
                return try APIJSON.response(response, status: status)
            } catch let problem as APIProblem {
                try await service.audit(context, action: "api.quarantine.retry", type: "quarantine", id: id.description,
                    route: "POST /v1/quarantine/{id}/retry", status: problem.status)
                throw problem
            }
        }
    }

    // MARK: Helpers

    /// Reads the whole body, refusing more than `limit` bytes (`413`) — from `Content-Length`
    /// before reading when the client sends it — and answering `408 REQUEST-TIMEOUT` when it has
    /// not arrived whole within `timeout` seconds (a slow or stalled client). A body cut short by
    /// the timeout is never used.
    static func body(_ request: inout Request, limit: Int, timeout seconds: Double) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIProblem(.contentTooLarge, code: "BODY-TOO-LARGE", title: "Request body too large",
                detail: "the body has \(length) bytes; the limit is \(limit)")
        }
        let stream = request.body
        let collected: ByteBuffer? = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await stream.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1_000)))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let collected else {
            throw APIProblem(.requestTimeout, code: "REQUEST-TIMEOUT", title: "Request timeout",
                detail: "the request body did not arrive within \(seconds) s (requestTimeoutSeconds)")
        }
        request.body = .init(buffer: collected)
        return Data(collected.readableBytesView)
    }

    /// Decodes a small JSON body (merge, unmerge, review decisions): `400 BODY-INVALID` when it is
    /// not the documented form, `413` above 64 KiB, `408` when it does not arrive within `timeout`
    /// seconds (`requestTimeoutSeconds`).
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, timeout: Double) async throws -> T {
        var request = request
        let data = try await body(&request, limit: 64 * 1_024, timeout: timeout)
        do {
            return try APIJSON.decoder.decode(type, from: data)
        } catch {
            throw APIProblem.badRequest("BODY-INVALID", "the JSON body does not have the documented form (see schemas/openapi.yaml)")
        }
    }

    /// The document's source name: `X-Source-Name` (a file name, path parts dropped) or `api-<trace id>`.
    static func sourceName(_ request: Request, _ context: GatewayContext) -> String {
        sourceName(given: request.headers[.sourceName] ?? "", context)
    }

    /// `http:<token>/<file name>`: path parts, control characters and excess length dropped.
    static func sourceName(given: String, _ context: GatewayContext) -> String {
        let file = given.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init)?
            .filter { !$0.isNewline && !($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) } ?? ""
        let name = file.isEmpty ? "api-\(context.traceID)" : String(file.prefix(200))
        return "http:\(context.token?.name ?? "anonymous")/\(name)"
    }

    static func patientID(_ context: GatewayContext) throws -> PatientID { try patientID(context.parameters.require("id")) }

    static func patientID(_ text: String) throws -> PatientID { PatientID(rawValue: try prefixed(text, "P", kind: "patient")) }

    static func identityID(_ text: String) throws -> IdentityRecordID { IdentityRecordID(rawValue: try prefixed(text, "I", kind: "identity")) }

    static func reviewID(_ context: GatewayContext) throws -> ReviewID {
        ReviewID(rawValue: try prefixed(context.parameters.require("id"), "R", kind: "review"))
    }

    static func quarantineID(_ context: GatewayContext) throws -> QuarantineID {
        let text = try context.parameters.require("id")
        let digits = text.first.map { "Qq".contains($0) } == true ? String(text.dropFirst()) : text
        guard let number = Int64(digits), number > 0 else { throw APIProblem.badRequest("ID-INVALID", "'\(text)' is not a quarantine id") }
        return QuarantineID(rawValue: number)
    }

    private static func prefixed(_ text: String, _ prefix: Character, kind: String) throws -> String {
        let digits = text.first.map { $0.uppercased() == String(prefix) } == true ? String(text.dropFirst()) : text
        guard let number = Int(digits), number > 0 else {
            throw APIProblem.badRequest("ID-INVALID", "'\(text)' is not a \(kind) id (e.g. \(prefix)3)")
        }
        return "\(prefix)\(number)"
    }

    static func requireReason(_ reason: String) throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIProblem.badRequest("REASON-MISSING", "give a reason: it is kept in the link history")
        }
    }

    static func base64(hex: String) -> String {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return Data(bytes).base64EncodedString()
    }
}

extension GatewayService {
    /// Writes an audit entry for an API call: the token, the route and status, and target ids.
    func audit(_ context: GatewayContext, action: String, type: String, id: String, route: String,
        status: HTTPResponse.Status = .ok, detail: String = "") async throws
    {
        var text = "route=\(route) status=\(status.code) trace=\(context.traceID)"
        if !detail.isEmpty { text += " " + detail }
        try await store.appendAudit(actor: context.actor, action: action, target: AuditTarget(type: type, id: id), detail: text)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension HTTPField.Name {
    /// `X-Validation-Result`: `passed` or `failed` on `POST /v1/validate`.
    static let validationResult = HTTPField.Name("X-Validation-Result")!
    /// `Digest` of the original bytes.
    static let digest = HTTPField.Name("Digest")!
}

/// The version reported by the service.
public enum ServerVersion {
    /// Version string.
    public static let current = "0.1.0"
}
