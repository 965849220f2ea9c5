public import Foundation
import Yams

/// Settings of `passerelle serve`: read from a YAML file, then overridden by `PASSERELLE_*`
/// environment variables, then by command-line options (see `Docs/server.md`).
public struct ServerConfiguration: Sendable, Hashable {
    /// Address to bind (`127.0.0.1` by default: put a TLS reverse proxy in front, or give a certificate).
    public var host = "127.0.0.1"
    /// Port (0 picks a free one, printed at start-up).
    public var port = 8080
    /// Record store: a SQLite file or `postgres://…`.
    public var store = "./passerelle.sqlite"
    /// Largest accepted request body, in bytes (`413` above).
    public var maxBodyBytes = 32 * 1024 * 1024
    /// Documents processed at the same time (identity resolution and store transaction included).
    public var maxConcurrentIngests = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// Requests allowed to wait for a processing slot; beyond it the service answers `503` at once.
    public var maxQueuedIngests = 64
    /// Longest wait for a processing slot before answering `503`, in seconds.
    public var queueTimeoutSeconds = 10.0
    /// Asynchronous jobs (`?async=true`) kept waiting at most; beyond it `503`.
    public var maxPendingJobs = 1_000
    /// Finished jobs kept for `GET /v1/jobs/{id}`, in seconds.
    public var jobRetentionSeconds = 3_600.0
    /// Requests per second allowed per token (sustained); `0` disables the limit.
    public var rateLimitPerSecond = 200.0
    /// Burst allowed per token above the sustained rate.
    public var rateLimitBurst = 400.0
    /// How long a token lookup is cached, in seconds (a revocation takes effect within this delay).
    public var tokenCacheSeconds = 5.0
    /// Idle connections are closed after this many seconds.
    public var idleTimeoutSeconds = 60.0
    /// A request body must arrive whole within this many seconds (`408` otherwise), so a client
    /// trickling bytes cannot hold a connection and its buffer indefinitely.
    public var requestTimeoutSeconds = 30.0
    /// PEM certificate chain for TLS (with `tlsKey`); plain HTTP without.
    public var tlsCertificate: String?
    /// PEM private key for TLS.
    public var tlsKey: String?
    /// Header rules applied to CDA documents: `auto`, `ci-sis` or `none`.
    public var rules = "auto"
    /// XSD entry file: CDA documents must also be schema-valid.
    public var schema: String?
    /// Export profiles usable with `?profile=NAME` on `POST /v1/documents`: name → profile file.
    public var profiles: [String: String] = [:]
    /// Log level: `trace`, `debug`, `info` (default), `notice`, `warning`, `error`, `critical`.
    /// Identity traits and document content are never logged at `info` or above.
    public var logLevel = "info"

    /// The defaults.
    public init() {}

    /// Keys of the YAML file (and, upper-cased with `PASSERELLE_`, of the environment).
    public static let keys = [
        "host", "port", "store", "maxBodyBytes", "maxConcurrentIngests", "maxQueuedIngests", "queueTimeoutSeconds",
        "maxPendingJobs", "jobRetentionSeconds", "rateLimitPerSecond", "rateLimitBurst", "tokenCacheSeconds",
        "idleTimeoutSeconds", "requestTimeoutSeconds", "tlsCertificate", "tlsKey", "rules", "schema", "profiles", "logLevel",
    ]

    /// Reads a YAML configuration file (unknown keys are errors, so a typo is not silently ignored).
    public static func load(file: String) throws(ServerConfigurationError) -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ServerConfigurationError(source: file, key: nil, message: "cannot read the file (\(error.localizedDescription))")
        }
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch {
            throw ServerConfigurationError(source: file, key: nil, message: "not valid YAML (\(error))")
        }
        var configuration = ServerConfiguration()
        guard let node else { return configuration }
        guard let mapping = node as? [String: Any] else {
            throw ServerConfigurationError(source: file, key: nil, message: "the top level must be a mapping of settings")
        }
        for (key, value) in mapping.sorted(by: { $0.key < $1.key }) {
            try configuration.set(key, value, source: file)
        }
        return configuration
    }

    /// Applies `PASSERELLE_<KEY>` variables (e.g. `PASSERELLE_PORT`, `PASSERELLE_MAX_BODY_BYTES`,
    /// `PASSERELLE_PROFILES=lgc=/etc/passerelle/lgc.json,other=…`).
    public mutating func applyEnvironment(_ environment: [String: String]) throws(ServerConfigurationError) {
        for key in Self.keys {
            let variable = Self.environmentName(key)
            guard let value = environment[variable] else { continue }
            try set(key, value, source: variable)
        }
    }

    /// `maxBodyBytes` → `PASSERELLE_MAX_BODY_BYTES`.
    public static func environmentName(_ key: String) -> String {
        var name = "PASSERELLE_"
        for character in key {
            if character.isUppercase { name.append("_") }
            name += character.uppercased()
        }
        return name
    }

    /// Checks the values together (ranges, TLS pair, rule names).
    public func validate() throws(ServerConfigurationError) {
        func fail(_ key: String, _ message: String) -> ServerConfigurationError {
            ServerConfigurationError(source: "configuration", key: key, message: message)
        }
        guard (0...65_535).contains(port) else { throw fail("port", "must be between 0 and 65535") }
        guard maxBodyBytes >= 1_024 else { throw fail("maxBodyBytes", "must be at least 1024") }
        guard maxConcurrentIngests >= 1 else { throw fail("maxConcurrentIngests", "must be at least 1") }
        guard maxQueuedIngests >= 0 else { throw fail("maxQueuedIngests", "must not be negative") }
        guard queueTimeoutSeconds > 0 else { throw fail("queueTimeoutSeconds", "must be positive") }
        guard requestTimeoutSeconds > 0 else { throw fail("requestTimeoutSeconds", "must be positive") }
        guard maxPendingJobs >= 0 else { throw fail("maxPendingJobs", "must not be negative") }
        guard rateLimitPerSecond >= 0, rateLimitBurst >= 0 else { throw fail("rateLimitPerSecond", "must not be negative") }
        guard tokenCacheSeconds >= 0 else { throw fail("tokenCacheSeconds", "must not be negative") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw fail("tlsCertificate", "give both tlsCertificate and tlsKey, or neither") }
        guard ["auto", "ci-sis", "none"].contains(rules) else { throw fail("rules", "must be auto, ci-sis or none") }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw fail("logLevel", "must be trace, debug, info, notice, warning, error or critical")
        }
    }

    private mutating func set(_ key: String, _ value: Any, source: String) throws(ServerConfigurationError) {
        func error(_ message: String) -> ServerConfigurationError {
            ServerConfigurationError(source: source, key: key, message: message)
        }
        func integer() throws(ServerConfigurationError) -> Int {
            if let number = value as? Int { return number }
            if let text = value as? String, let number = Int(text.trimmingCharacters(in: .whitespaces)) { return number }
            throw error("must be an integer")
        }
        func real() throws(ServerConfigurationError) -> Double {
            if let number = value as? Double { return number }
            if let number = value as? Int { return Double(number) }
            if let text = value as? String, let number = Double(text.trimmingCharacters(in: .whitespaces)) { return number }
            throw error("must be a number")
        }
        func text() throws(ServerConfigurationError) -> String {
            if let string = value as? String { return string }
            if let number = value as? Int { return String(number) }
            throw error("must be a string")
        }
        switch key {
        case "host": host = try text()
        case "port": port = try integer()
        case "store": store = try text()
        case "maxBodyBytes": maxBodyBytes = try integer()
        case "maxConcurrentIngests": maxConcurrentIngests = try integer()
        case "maxQueuedIngests": maxQueuedIngests = try integer()
        case "queueTimeoutSeconds": queueTimeoutSeconds = try real()
        case "maxPendingJobs": maxPendingJobs = try integer()
        case "jobRetentionSeconds": jobRetentionSeconds = try real()
        case "rateLimitPerSecond": rateLimitPerSecond = try real()
        case "rateLimitBurst": rateLimitBurst = try real()
        case "tokenCacheSeconds": tokenCacheSeconds = try real()
        case "idleTimeoutSeconds": idleTimeoutSeconds = try real()
        case "requestTimeoutSeconds": requestTimeoutSeconds = try real()
        case "tlsCertificate": tlsCertificate = try text()
        case "tlsKey": tlsKey = try text()
        case "rules": rules = try text()
        case "schema": schema = try text()
        case "logLevel": logLevel = try text()
        case "profiles":
            if let mapping = value as? [String: Any] {
                var profiles: [String: String] = [:]
                for (name, path) in mapping {
                    guard let path = path as? String else { throw error("profile '\(name)' must name a file") }
                    profiles[name] = path
                }
                self.profiles = profiles
            } else if let list = value as? String {
                var profiles: [String: String] = [:]
                for entry in list.split(separator: ",") where !entry.isEmpty {
                    let parts = entry.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { throw error("expected NAME=FILE[,NAME=FILE...]") }
                    profiles[String(parts[0]).trimmingCharacters(in: .whitespaces)] = String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
                self.profiles = profiles
            } else {
                throw error("must be a mapping of profile names to files")
            }
        default:
            throw error("unknown setting (known: \(Self.keys.joined(separator: ", ")))")
        }
    }
}

/// A configuration mistake, naming where it was found and which setting.
public struct ServerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, environment variable or `configuration`.
    public var source: String
    /// The setting.
    public var key: String?
    /// What is wrong.
    public var message: String

    public var description: String {
        "[SERVER-CONFIG] \(source)\(key.map { ": \($0)" } ?? ""): \(message)"
    }
}
