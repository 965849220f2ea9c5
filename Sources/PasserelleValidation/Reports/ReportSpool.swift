import CPasserelleSystem
public import Foundation

/// A file with no name in the temporary directory, shared by the inputs of one `validate` run,
/// that holds rendered reports beyond what an input keeps in memory until the whole report can be
/// written (its totals come first). Opened on the first overflow; no other process can open it,
/// and the system frees it when the process ends, crash included, so no report — and no row of
/// an export it names — is left behind.
///
/// Thread-safe: the inputs validated in parallel append to it at once.
public final class ReportSpool: @unchecked Sendable {
    private let directory: String
    private let lock = NSLock()
    private var descriptor: Int32 = -1
    private var end: Int64 = 0

    /// A spool in `directory` (default: the temporary directory, `TMPDIR`).
    public init(directory: URL = FileManager.default.temporaryDirectory) {
        self.directory = directory.path
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Bytes written so far.
    public var size: Int64 { lock.withLock { end } }

    /// Appends `bytes`; returns where they are.
    func append(_ bytes: [UInt8]) throws(ReportSpoolError) -> Range<Int64> {
        lock.lock()
        defer { lock.unlock() }
        if descriptor < 0 {
            descriptor = passerelle_open_anonymous_file(directory)
            guard descriptor >= 0 else { throw ReportSpoolError(directory: directory, operation: "create", errno: errno) }
        }
        let start = end
        let failure = bytes.withUnsafeBytes { passerelle_write_all(descriptor, $0.baseAddress, $0.count, start) }
        guard failure == 0 else { throw ReportSpoolError(directory: directory, operation: "write", errno: failure) }
        end += Int64(bytes.count)
        return start..<end
    }

    /// Reads back a range `append` returned.
    func read(_ range: Range<Int64>) throws(ReportSpoolError) -> [UInt8] {
        let descriptor = lock.withLock { self.descriptor }
        var bytes = [UInt8](repeating: 0, count: Int(range.count))
        let failure = bytes.withUnsafeMutableBytes { passerelle_read_exactly(descriptor, $0.baseAddress, $0.count, range.lowerBound) }
        guard failure == 0 else { throw ReportSpoolError(directory: directory, operation: "read", errno: failure) }
        return bytes
    }
}

/// The report spool could not be created, written or read.
public struct ReportSpoolError: Error, CustomStringConvertible {
    /// The directory the spool is in.
    public let directory: String
    /// `create`, `write` or `read`.
    public let operation: String
    /// The system's error number.
    public let errno: Int32

    public var description: String {
        "[REPORT-SPOOL] cannot \(operation) the report spool in \(directory) (\(String(cString: strerror(errno))))"
    }
}
