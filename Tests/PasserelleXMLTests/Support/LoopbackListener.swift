#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP listener on 127.0.0.1 (ephemeral port) that never accepts on its own: tests point
/// hostile documents at it, parse them, then ask whether anyone connected. A connection
/// attempt completes in the kernel (it waits in the backlog) even without `accept`, so a
/// parser that tried to fetch a URL synchronously leaves a trace here when `parse` returns.
final class LoopbackListener {
    private let socketDescriptor: Int32
    /// The port the listener is bound to.
    let port: UInt16

    struct SocketError: Error, CustomStringConvertible {
        let operation: String
        let code: Int32
        var description: String { "\(operation) failed: errno \(code)" }
    }

    init() throws {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw SocketError(operation: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            let code = errno
            close(descriptor)
            throw SocketError(operation: "bind/listen", code: code)
        }
        var actual = sockaddr_in()
        var actualLength = length
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &actualLength) }
        }
        guard named == 0 else {
            let code = errno
            close(descriptor)
            throw SocketError(operation: "getsockname", code: code)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        socketDescriptor = descriptor
        port = UInt16(bigEndian: actual.sin_port)
    }

    deinit { close(socketDescriptor) }

    /// `http://127.0.0.1:PORT/` followed by `path`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    /// The number of connections waiting in the backlog (each is accepted and closed).
    func drainConnections() -> Int {
        var count = 0
        while true {
            let client = accept(socketDescriptor, nil, nil)
            if client < 0 { return count }
            close(client)
            count += 1
        }
    }

    /// Connects to the listener itself: used to prove that `drainConnections` sees connections.
    static func openConnection(toPort port: UInt16) -> Bool {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}
