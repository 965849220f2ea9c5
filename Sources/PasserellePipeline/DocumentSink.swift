public import Foundation
public import PasserelleModel
public import PasserelleValidation

/// Where the pipeline sends what it read: the record store (`ingest`), output files
/// (`convert`). Implementations are safe to call from several tasks at once.
public protocol DocumentSink: Sendable {
    /// The outcome recorded for `source` when an earlier, interrupted run of the same command
    /// already handled it with the same bytes (`sha256`); `nil` when it must be processed.
    func previousOutcome(source: String, sha256: String) async throws -> String?
    /// `previousOutcome` for one part of a multi-document input (`part` is its journal key,
    /// `source` the whole input's, asked about first): a sink may know that nothing can be
    /// journaled for the parts of an input it has just seen for the first time.
    func previousOutcome(part: String, of source: String, sha256: String) async throws -> String?
    /// Takes a document that passed the chosen validation level.
    func accept(_ read: ReadDocument, source: String, receivedAt: Date) async throws -> DocumentResult
    /// Takes a document or input that failed reading or validation (with its exact bytes).
    func reject(_ rejection: Rejection) async throws -> DocumentResult
    /// An input that could not be read at all (too large, zip bomb, I/O error): no bytes to keep.
    func unreadable(source: String, reason: String) async throws -> DocumentResult
    /// Records that every part of a multi-document input was handled, so that a resumed run
    /// skips the whole input without reading it.
    func sourceComplete(source: String, sha256: String, parts: Int) async throws
}

extension DocumentSink {
    /// Looks the part up like any source.
    public func previousOutcome(part: String, of source: String, sha256: String) async throws -> String? {
        try await previousOutcome(source: part, sha256: sha256)
    }
}

/// A document or whole input refused by reading or validation.
public struct Rejection: Sendable {
    /// Journal / manifest key (see ``DocumentResult/source``).
    public var source: String
    /// Readable name.
    public var name: String
    /// The exact bytes.
    public var bytes: Data
    /// Lower-case hex SHA-256 of `bytes`.
    public var sha256: String
    /// One-line reason (codes and messages of the errors; no identity traits).
    public var reason: String
    /// Every diagnostic.
    public var diagnostics: [Diagnostic]
    /// When the input was received.
    public var receivedAt: Date

    /// Creates a rejection.
    public init(source: String, name: String, bytes: Data, sha256: String, reason: String, diagnostics: [Diagnostic], receivedAt: Date) {
        self.source = source
        self.name = name
        self.bytes = bytes
        self.sha256 = sha256
        self.reason = reason
        self.diagnostics = diagnostics
        self.receivedAt = receivedAt
    }

    /// The one-line reason for `diagnostics`: the codes and messages of the first errors.
    public static func reason(for diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }
        guard !errors.isEmpty else { return "rejected" }
        var text = errors.prefix(3).map { "[\($0.code.rawValue)] \($0.message)" }.joined(separator: "; ")
        if errors.count > 3 { text += "; and \(errors.count - 3) more" }
        return text
    }
}
