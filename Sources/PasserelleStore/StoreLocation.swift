public import Foundation
public import PasserelleIdentity
internal import PostgresNIO

/// Where a store lives, read from a `--store` string: `postgres://…` or `postgresql://…` selects
/// PostgreSQL; anything else is a SQLite file path (`sqlite:PATH` accepted too).
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresLocation)

    /// The embedded default: `./passerelle.sqlite`.
    public static let defaultLocation = StoreLocation.sqlite(path: "./passerelle.sqlite")

    /// Reads a location string.
    public init(parsing text: String) throws(StoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .invalidInput("the store location is empty") }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: trimmed))
        } else if lower.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw .invalidInput("sqlite: needs a file path") }
            self = .sqlite(path: path)
        } else {
            self = .sqlite(path: trimmed)
        }
    }

    /// The adapter it selects.
    public var adapter: StoreAdapter {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// Printable form; the password is never shown.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.description
        }
    }
}

/// A PostgreSQL server, database and optional schema.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address (ignored when `socketDirectory` is set).
    public var host: String
    /// Port.
    public var port: Int
    /// User name.
    public var user: String
    /// Password (from the URL or `PGPASSWORD`).
    public var password: String?
    /// Database name.
    public var database: String
    /// Schema to use (created when missing; `search_path` is set to it). `public` when nil.
    public var schema: String?
    /// Directory of the server's Unix socket (`?host=/path`).
    public var socketDirectory: String?
    /// `disable`, `prefer` or `require`; default: `disable` on loopback and sockets, else `prefer`.
    public var sslMode: String

    /// Reads `postgres://user[:password]@host[:port]/database[?schema=S&sslmode=M&host=/socket/dir]`.
    public init(url text: String) throws(StoreError) {
        guard let components = URLComponents(string: text) else {
            throw .invalidInput("the PostgreSQL URL is not a valid URL")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? Int(query["port"] ?? "") ?? 5432
        user = components.user ?? ProcessInfo.processInfo.environment["PGUSER"] ?? "postgres"
        password = components.password ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        schema = query["schema"].flatMap { $0.isEmpty ? nil : $0 }
        if let schema, !schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw .invalidInput("the schema name may only hold ASCII letters, digits and _")
        }
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host) || socketDirectory != nil
        sslMode = query["sslmode"] ?? (loopback ? "disable" : "prefer")
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw .invalidInput("sslmode must be disable, prefer or require")
        }
    }

    public var description: String {
        let place = socketDirectory.map { "?host=\($0)" } ?? ""
        let schemaPart = schema.map { "\(place.isEmpty ? "?" : "&")schema=\($0)" } ?? ""
        return "postgres://\(user)@\(host):\(port)/\(database)\(place)\(schemaPart)"
    }

    /// The client configuration.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        configuration.options.maximumConnections = 16
        return configuration
    }
}

/// Store settings.
public struct StoreConfiguration: Sendable {
    /// The identity engine's matcher (model and thresholds).
    public var matcher: PairMatcher
    /// The clock (tests pin it).
    public var clock: @Sendable () -> Date

    /// Creates a configuration.
    public init(matcher: PairMatcher = PairMatcher(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.matcher = matcher
        self.clock = clock
    }
}

/// Opens the store at `location` (see ``StoreLocation/init(parsing:)``), applying the migrations
/// it lacks.
public func openStore(_ location: String, configuration: StoreConfiguration = StoreConfiguration()) async throws -> any RecordStore {
    try await openStore(StoreLocation(parsing: location), configuration: configuration)
}

/// Opens the store at `location`, applying the migrations it lacks.
public func openStore(_ location: StoreLocation, configuration: StoreConfiguration = StoreConfiguration()) async throws -> any RecordStore {
    let driver: any SQLDriver
    switch location {
    case .sqlite(let path):
        driver = try SQLiteDriver(path: path)
    case .postgres(let place):
        let postgres = PostgresDriver(configuration: try place.clientConfiguration(), schema: place.schema)
        if let schema = place.schema {
            do {
                try await postgres.write { tx in
                    try await tx.lock(keys: ["passerelle:schema:\(schema)"])
                    try await tx.run("CREATE SCHEMA IF NOT EXISTS \(schema)")
                }
            } catch {
                try? await postgres.close()
                throw StoreError.open(location: place.description, detail: "\(error)")
            }
        }
        driver = postgres
    }
    let store = SQLRecordStore(driver: driver, adapter: location.adapter, configuration: configuration)
    do {
        _ = try await Migrator.migrate(driver, now: configuration.clock)
    } catch {
        try? await driver.close()
        throw error
    }
    return store
}
