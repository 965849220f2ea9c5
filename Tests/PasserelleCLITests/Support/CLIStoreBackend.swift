import Foundation

/// The store a CLI test writes to: a SQLite file in the test's directory, or a PostgreSQL
/// schema of its own on the throwaway server of `scripts/with-postgres.sh`
/// (`PASSERELLE_TEST_POSTGRES_URL`). The PostgreSQL suites are skipped by name without it.
enum CLIStoreBackend: String, Sendable {
    case sqlite
    case postgres

    /// The test server's URL, when there is one.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["PASSERELLE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A `--store` value for a new, empty store: `name` (relative to the test's directory) on
    /// SQLite, a fresh `t_<random>` schema on PostgreSQL so that parallel tests never collide.
    func freshLocation(_ name: String = "s.sqlite") -> String {
        switch self {
        case .sqlite:
            return name
        case .postgres:
            let base = Self.postgresURL ?? "postgres://127.0.0.1:1/unset"
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
    }

    /// The location to open from the test process (`openStore`): SQLite names are relative to
    /// `directory`.
    func openable(_ location: String, in directory: URL) -> String {
        self == .sqlite ? directory.appendingPathComponent(location).path : location
    }
}
