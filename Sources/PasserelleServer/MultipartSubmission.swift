import Foundation
import MultipartKit
import NIOCore

/// A document posted as `multipart/form-data`: the `document` part (its bytes, file name and
/// content type) and optional metadata, either as a `metadata` part holding JSON
/// (`{"profile": "lgc", "sourceName": "export-2025-03.csv"}`) or as `profile` / `sourceName` parts.
/// The document part's bytes are kept exactly as sent.
struct MultipartSubmission: Sendable {
    var bytes: Data
    var fileName: String?
    var contentType: String?
    var profile: String?
    var sourceName: String?

    private struct Metadata: Decodable {
        var profile: String?
        var sourceName: String?
    }

    /// Whether a content type is `multipart/form-data`.
    static func isMultipart(_ contentType: String?) -> Bool {
        contentType?.lowercased().hasPrefix("multipart/form-data") == true
    }

    /// Reads the form; `400 MULTIPART-INVALID` when it is not the documented form.
    init(body: Data, contentType: String) throws(APIProblem) {
        func invalid(_ detail: String) -> APIProblem { APIProblem.badRequest("MULTIPART-INVALID", detail) }
        guard let boundary = Self.parameter("boundary", of: contentType), !boundary.isEmpty else {
            throw invalid("multipart/form-data needs a boundary parameter")
        }
        // Collect the parts with their headers (MultipartKit's streaming parser).
        var parts: [(name: String?, headers: [(String, String)], body: Data)] = []
        var headers: [(String, String)] = []
        var partBody = Data()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in headers.append((field, value)) }
        parser.onBody = { chunk in partBody.append(contentsOf: chunk.readableBytesView) }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1
            parts.append((disposition.flatMap { Self.parameter("name", of: $0) }, headers, partBody))
            headers = []
            partBody = Data()
        }
        do {
            try parser.execute([UInt8](body))
        } catch {
            throw invalid("the multipart body cannot be read (boundary \(boundary))")
        }
        func part(_ name: String) -> (name: String?, headers: [(String, String)], body: Data)? { parts.first { $0.name == name } }
        func text(_ name: String) -> String? { part(name).map { String(decoding: $0.body, as: UTF8.self) } }
        guard let document = part("document") else {
            throw invalid("the form must have a `document` part (the file), and optionally `metadata` (JSON), `profile`, `sourceName`")
        }
        var metadata = Metadata()
        if let text = text("metadata"), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            do {
                metadata = try JSONDecoder().decode(Metadata.self, from: Data(text.utf8))
            } catch {
                throw invalid("the `metadata` part must be a JSON object with `profile` and/or `sourceName`")
            }
        }
        bytes = document.body
        self.contentType = document.headers.first { $0.0.lowercased() == "content-type" }?.1
        fileName = document.headers.first { $0.0.lowercased() == "content-disposition" }.flatMap { Self.parameter("filename", of: $0.1) }
        profile = metadata.profile ?? text("profile")
        sourceName = metadata.sourceName ?? text("sourceName")
    }

    /// A `name=value` or `name="value"` parameter of a header value.
    static func parameter(_ name: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let parts = piece.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = parts[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
