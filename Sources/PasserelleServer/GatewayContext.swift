public import Hummingbird
public import PasserelleStore
import Foundation

/// The request context of the gateway: the authenticated token and the trace id.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token that authenticated the request (`/v1` routes only).
    public var token: APIToken?
    /// Id of this request in logs, problem documents and the `X-Trace-Id` header.
    public var traceID: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        token = nil
        traceID = TraceID.make()
    }

    /// Largest JSON body decoded by `request.decode` (merge, unmerge, review decisions); documents
    /// are read with the configured `maxBodyBytes`.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The actor written to the audit log: `token:<name>`.
    public var actor: String { token.map { "token:\($0.name)" } ?? "anonymous" }
}

/// Random request ids (128 bits, hex).
enum TraceID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// A value guarded by a lock, for state shared by concurrent requests.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
