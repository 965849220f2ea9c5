public import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Builds and runs the gateway's HTTP server.
public enum GatewayServer {
    /// The application for a service: HTTP/1.1 (or TLS when a certificate and key are configured),
    /// the `/v1` API, graceful shutdown on SIGTERM/SIGINT that finishes in-flight requests and
    /// accepted asynchronous jobs.
    public static func application(
        _ service: GatewayService, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let configuration = service.configuration
        var http = HTTP1Channel.Configuration()
        http.idleTimeout = .milliseconds(Int64(configuration.idleTimeoutSeconds * 1_000))
        var server = HTTPServerBuilder.http1(configuration: http)
        if let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
                // Load the key now so that a missing or unreadable file stops the start-up, not the first handshake.
                let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
                let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
                server = try .tls(server, tlsConfiguration: tls)
            } catch {
                throw ServerConfigurationError(source: certificate, key: "tlsCertificate", message: "cannot load the certificate or key (\(error))")
            }
        }
        return Application(
            router: GatewayRoutes.router(service),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                serverName: "passerelle"),
            services: [JobDrainService(jobs: service.jobs)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: service.logger)
    }

    /// A logger at the configured level (`info` by default: requests without traits or content).
    public static func logger(level: String) -> Logger {
        var logger = Logger(label: "passerelle.server")
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}

/// Finishes accepted asynchronous jobs when the server shuts down gracefully.
struct JobDrainService: Service {
    let jobs: JobRegistry

    func run() async throws {
        try? await gracefulShutdown()
        await jobs.drain()
    }
}
