internal import Foundation
internal import PostgresNIO

/// The PostgreSQL driver (postgres-nio `PostgresClient`, a connection pool). Each write is one
/// transaction on one leased connection; identity resolution is serialized per blocking key with
/// transaction-scoped advisory locks.
final class PostgresDriver: SQLDriver {
    let dialect = SQLDialect.postgres
    /// Other workers write the same database unseen: nothing read outside a transaction is reused.
    var changeTracker: ChangeTracker? { nil }
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger = Logger(label: "passerelle.store.postgres")
    /// What advisory-lock keys are scoped to (see ``PostgresTransaction/lockScope``).
    private let lockScope: String

    /// Connects (lazily: connections are opened on first use) with `configuration`. `schema`
    /// scopes the advisory locks: advisory locks belong to the whole database, so two stores in
    /// two schemas of one database must not take each other's locks.
    init(configuration: PostgresClient.Configuration, schema: String? = nil) {
        let client = PostgresClient(configuration: configuration)
        self.client = client
        lockScope = schema.map { "schema:\($0)|" } ?? ""
        runner = Task { await client.run() }
    }

    func write<T: Sendable>(_ body: @Sendable (any SQLTransaction) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let transaction = PostgresTransaction(connection: connection, logger: logger, lockScope: lockScope)
            try await transaction.execute("BEGIN", [])
            do {
                let result = try await body(transaction)
                try await transaction.execute("COMMIT", [])
                return result
            } catch {
                try? await transaction.execute("ROLLBACK", [])
                throw error
            }
        }
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLTransaction) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(PostgresTransaction(connection: connection, logger: logger, lockScope: lockScope))
        }
    }

    func close() async throws {
        runner.cancel()
        _ = await runner.value
    }

    /// A readable description of a PostgreSQL error: SQLSTATE and the server's primary message
    /// (the detail field, which may quote row values, is left out).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                return "PostgreSQL error \(info[.sqlState] ?? "?"): \(info[.message] ?? "unknown")"
            }
            return "PostgreSQL client error: \(error.code)"
        }
        return String(describing: error)
    }
}

/// Statements on one leased PostgreSQL connection.
struct PostgresTransaction: SQLTransaction {
    let connection: PostgresConnection
    let logger: Logger
    /// Prefix of every advisory-lock key: empty for the default schema (the ids stay those of
    /// earlier versions), `schema:NAME|` for a named one.
    var lockScope = ""
    var dialect: SQLDialect { .postgres }

    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: bindings.appendNull()
            case .integer(let v): bindings.append(v)
            case .real(let v): bindings.append(v)
            case .text(let v): bindings.append(v)
            case .utf8Text(let v): bindings.append(String(decoding: v, as: UTF8.self))
            case .blob(let v): bindings.append(ByteBuffer(bytes: v))
            }
        }
        let statement = PostgresQuery(unsafeSQL: dialect.placeholders(sql), binds: bindings)
        do {
            var rows: [SQLRow] = []
            for try await row in try await connection.query(statement, logger: logger) {
                var values: [SQLValue] = []
                values.reserveCapacity(row.count)
                for cell in row { values.append(try Self.value(cell)) }
                rows.append(SQLRow(values: values))
            }
            return rows
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database(operation: String(sql.prefix(60)), detail: PostgresDriver.describe(error))
        }
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) async throws {
        _ = try await query(sql, arguments)
    }

    func lock(keys: [String]) async throws {
        let hashes = Set(keys.map { Self.lockID(lockScope + $0) }).sorted()
        guard !hashes.isEmpty else { return }
        // One round trip: the select list is evaluated left to right, so the locks are taken in
        // sorted order (no two transactions ever wait on each other in a cycle).
        let calls = Array(repeating: "pg_advisory_xact_lock(?)", count: hashes.count).joined(separator: ", ")
        try await execute("SELECT \(calls)", hashes.map(SQLValue.integer))
    }

    func lockAdministration(exclusive: Bool) async throws {
        let function = exclusive ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared"
        try await execute("SELECT \(function)(?)", [.integer(Self.lockID(lockScope + Self.administrationLockKey))])
    }

    /// The advisory-lock key of the identity-administration lock.
    static let administrationLockKey = "passerelle:identity-administration"

    /// A stable 64-bit id for a lock key (FNV-1a: the same in every process and version).
    static func lockID(_ key: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash)
    }

    /// Converts a cell to a value by its column type (the schema uses BIGINT, DOUBLE
    /// PRECISION, TEXT and BYTEA; counts are BIGINT).
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8: return .integer(try cell.decode(Int64.self))
        case .int4: return .integer(Int64(try cell.decode(Int32.self)))
        case .int2: return .integer(Int64(try cell.decode(Int16.self)))
        case .float8: return .real(try cell.decode(Double.self))
        case .float4: return .real(Double(try cell.decode(Float.self)))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea:
            let buffer = try cell.decode(ByteBuffer.self)
            return .blob(Data(buffer.readableBytesView))
        case .void: return .null
        default: return .text(try cell.decode(String.self))
        }
    }
}
