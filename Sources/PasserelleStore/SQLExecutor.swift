/// The SQL dialect of a driver: the few places where SQLite and PostgreSQL differ. The store's
/// statements are written once with `?` placeholders and portable SQL (`ON CONFLICT`,
/// `RETURNING`); the schema files carry the type differences (BLOB/BYTEA, AUTOINCREMENT/identity).
enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// The migrations of this dialect.
    var migrations: [Migration] {
        switch self {
        case .sqlite: Migration.sqlite
        case .postgres: Migration.postgres
        }
    }

    /// Whether transactions serialize through key locks (PostgreSQL advisory locks); SQLite has
    /// one writer at a time and takes none, so the keys need not be computed.
    var takesKeyLocks: Bool { self == .postgres }

    /// A statement returning the next value of a named counter as its only column.
    func nextValueStatement(_ counter: String) -> String {
        switch self {
        case .sqlite: "UPDATE id_counters SET value = value + 1 WHERE name = '\(counter)' RETURNING value"
        case .postgres: "SELECT nextval('\(counter)_id_seq')"
        }
    }

    /// Rewrites `?` placeholders for the dialect (`$1`, `$2`... for PostgreSQL). The store's own
    /// statements never contain `?` inside string literals.
    func placeholders(_ sql: String) -> String {
        guard self == .postgres else { return sql }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A transaction (or a read) in progress: runs statements with bound values.
protocol SQLTransaction: Sendable {
    /// The dialect.
    var dialect: SQLDialect { get }
    /// Runs a statement and returns its rows (empty for statements without results).
    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow]
    /// Runs a statement and discards its rows.
    func execute(_ sql: String, _ arguments: [SQLValue]) async throws
    /// Serializes this transaction against others taking any of the same keys (PostgreSQL:
    /// transaction-scoped advisory locks taken in sorted order; SQLite: nothing to do, there is
    /// one writer at a time).
    func lock(keys: [String]) async throws
    /// Takes the identity-administration lock: shared by ingest transactions, exclusive for
    /// merge, unmerge and review decisions, so that a patient is never linked to while it is
    /// being merged away (PostgreSQL; SQLite has one writer). Taken before any key lock.
    func lockAdministration(exclusive: Bool) async throws
}

/// A connection (or pool) able to run transactions.
protocol SQLDriver: Sendable {
    /// The dialect.
    var dialect: SQLDialect { get }
    /// Runs `body` in a write transaction: committed when it returns, rolled back when it throws.
    func write<T: Sendable>(_ body: @Sendable (any SQLTransaction) async throws -> T) async throws -> T
    /// What this process's writers changed, when the driver can tell (SQLite: every writer of
    /// the file is either in this process or seen through `PRAGMA data_version`); `nil` when other
    /// processes write without the process knowing (PostgreSQL).
    var changeTracker: ChangeTracker? { get }
    /// Runs `body` with read access (a snapshot on SQLite WAL readers).
    func read<T: Sendable>(_ body: @Sendable (any SQLTransaction) async throws -> T) async throws -> T
    /// Releases the connections.
    func close() async throws
}

extension SQLTransaction {
    /// Runs a statement with bindable arguments and returns its rows.
    func rows(_ sql: String, _ arguments: any SQLBindable...) async throws -> [SQLRow] {
        try await query(sql, arguments.map(\.sqlValue))
    }

    /// Runs a statement with bindable arguments and returns its first row.
    func row(_ sql: String, _ arguments: any SQLBindable...) async throws -> SQLRow? {
        try await query(sql, arguments.map(\.sqlValue)).first
    }

    /// Runs a statement with bindable arguments.
    func run(_ sql: String, _ arguments: any SQLBindable...) async throws {
        try await execute(sql, arguments.map(\.sqlValue))
    }

    /// The next value of a counter (`patient`, `identity`, `review`).
    func nextValue(_ counter: String) async throws -> Int64 {
        guard let value = try await query(dialect.nextValueStatement(counter), []).first?[0].int64 else {
            throw StoreError.corrupt(what: "counter \(counter)", detail: "no value returned")
        }
        return value
    }
}

/// `?, ?, ?` for `count` values (at least one).
func placeholderList(_ count: Int) -> String {
    Array(repeating: "?", count: max(count, 1)).joined(separator: ", ")
}
