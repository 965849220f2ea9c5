import ArgumentParser
import Foundation
import Hummingbird
import PasserelleServer
import PasserelleStore

/// `passerelle serve`: the long-running HTTP gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP gateway: authenticated /v1 API, /health, /ready, /metrics.",
        discussion: """
            Settings come from the YAML file given with --config, then PASSERELLE_* environment variables \
            (e.g. PASSERELLE_PORT, PASSERELLE_STORE, PASSERELLE_MAX_BODY_BYTES), then these options. \
            Create tokens first with `passerelle tokens create`. SIGTERM stops accepting requests, finishes \
            in-flight requests and accepted asynchronous jobs, then exits.

            Examples:
              passerelle serve --port 8080
              passerelle serve --config /etc/passerelle/passerelle.yaml
              passerelle serve --store postgres://gateway@db.example/passerelle --host 0.0.0.0 \\
                --tls-cert /etc/passerelle/cert.pem --tls-key /etc/passerelle/key.pem
            """)

    @Option(help: "YAML configuration file.")
    var config: String?

    @Option(help: "Address to bind (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port (default 8080; 0 picks a free port).")
    var port: Int?

    @Option(help: "Record store: a SQLite file (default ./passerelle.sqlite), or postgres://user@host/db.")
    var store: String?

    @Option(help: "PEM certificate chain: serve HTTPS (with --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(help: "Log level: trace, debug, info (default), notice, warning, error, critical.")
    var logLevel: String?

    func run() async throws {
        var settings: ServerConfiguration
        do {
            settings = try config.map { try ServerConfiguration.load(file: $0) } ?? ServerConfiguration()
            try settings.applyEnvironment(ProcessInfo.processInfo.environment)
            if let host { settings.host = host }
            if let port { settings.port = port }
            if let store { settings.store = store }
            if let tlsCert { settings.tlsCertificate = tlsCert }
            if let tlsKey { settings.tlsKey = tlsKey }
            if let logLevel { settings.logLevel = logLevel }
            try settings.validate()
        } catch let error as ServerConfigurationError {
            printError(error.description)
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        let configuration = settings
        let logger = GatewayServer.logger(level: configuration.logLevel)
        let recordStore: any RecordStore
        do {
            recordStore = try await openStore(configuration.store)
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        do {
            let service = try GatewayService(store: recordStore, configuration: configuration, logger: logger)
            let scheme = configuration.tlsCertificate == nil ? "http" : "https"
            let app = try GatewayServer.application(service) { port in
                // One machine-readable line on standard error, for scripts and supervisors.
                printError("passerelle serve: listening on \(scheme)://\(configuration.host):\(port) (store: \(recordStore.adapter.rawValue))")
            }
            try await app.runService()
        } catch let error as ServerConfigurationError {
            try? await recordStore.close()
            printError(error.description)
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        } catch {
            try? await recordStore.close()
            throw error
        }
        try? await recordStore.close()
        printError("passerelle serve: stopped")
    }
}
