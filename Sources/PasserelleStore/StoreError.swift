/// Why a store operation failed. Descriptions carry ids, codes and SQL states, never identity
/// traits or document content.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store could not be opened (bad location, unreachable server, unreadable file).
    case open(location: String, detail: String)
    /// A migration failed; the store is left at the previous version.
    case migration(version: Int, name: String, detail: String)
    /// The store was written by a newer Passerelle (a migration this build does not know).
    case newerSchema(found: Int, known: Int)
    /// A statement failed.
    case database(operation: String, detail: String)
    /// A stored value could not be read back (JSON of another version, missing column).
    case corrupt(what: String, detail: String)
    /// No such object.
    case notFound(kind: String, id: String)
    /// The operation is not allowed in the current state (closed review, single-record patient...).
    case invalidOperation(String)
    /// The input is unusable (an empty document key, a negative limit...).
    case invalidInput(String)

    /// A stable code for diagnostics and exit statuses.
    public var code: String {
        switch self {
        case .open: "STORE-OPEN"
        case .migration: "STORE-MIGRATION"
        case .newerSchema: "STORE-NEWER-SCHEMA"
        case .database: "STORE-DATABASE"
        case .corrupt: "STORE-CORRUPT"
        case .notFound: "STORE-NOT-FOUND"
        case .invalidOperation: "STORE-INVALID-OPERATION"
        case .invalidInput: "STORE-INVALID-INPUT"
        }
    }

    public var description: String {
        switch self {
        case .open(let location, let detail): "[\(code)] cannot open the store at \(location): \(detail)"
        case .migration(let version, let name, let detail): "[\(code)] migration \(version) (\(name)) failed: \(detail)"
        case .newerSchema(let found, let known):
            "[\(code)] the store is at schema version \(found), this build knows up to \(known): upgrade Passerelle"
        case .database(let operation, let detail): "[\(code)] \(detail) (statement: \(operation)…)"
        case .corrupt(let what, let detail): "[\(code)] unreadable \(what): \(detail)"
        case .notFound(let kind, let id): "[\(code)] no \(kind) \(id)"
        case .invalidOperation(let message): "[\(code)] \(message)"
        case .invalidInput(let message): "[\(code)] \(message)"
        }
    }
}
