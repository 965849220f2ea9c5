public import Foundation

/// What an API token of the HTTP service may do. `admin` includes every other scope.
public enum TokenScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// Post documents, validate, follow ingest jobs.
    case ingest
    /// Read patients, documents, the review queue and the quarantine.
    case read
    /// Merge, unmerge, accept or reject review items, retry quarantine items (and read).
    case review
    /// Everything.
    case admin

    /// Whether a token of this scope may use a route that requires `required`.
    public func allows(_ required: TokenScope) -> Bool {
        switch (self, required) {
        case (.admin, _): true
        case (.review, .read): true
        default: self == required
        }
    }
}

/// A stored API token (never with its secret: only the secret's SHA-256 is kept).
public struct APIToken: Sendable, Hashable, Codable {
    /// Store-assigned number.
    public var id: Int64
    /// Unique readable name (written to the audit log as the actor `token:<name>`).
    public var name: String
    /// What it may do.
    public var scope: TokenScope
    /// When it was created.
    public var createdAt: Date
    /// Who created it.
    public var createdBy: String
    /// When it was revoked; a revoked token is refused.
    public var revokedAt: Date?

    /// Creates a token description.
    public init(id: Int64, name: String, scope: TokenScope, createdAt: Date, createdBy: String, revokedAt: Date?) {
        self.id = id
        self.name = name
        self.scope = scope
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }

    /// Whether the token is still usable.
    public var isActive: Bool { revokedAt == nil }
}
