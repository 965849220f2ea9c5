internal import CPasserelleSystem
import Foundation

/// Makes the files written in an output directory durable with one `syncfs(2)` of its file
/// system, for `convert`: its outputs are written without `fsync`, and a group of manifest lines
/// is journaled only after the outputs they name were synced this way.
///
/// A journaled output is thus complete on disk after a power loss, as when each file was synced
/// on its own, with one file-system sync per group instead of one `fsync` per file (which cost
/// ~1.1 ms per document, each blocking a worker thread).
final class DurabilityBarrier: Sendable {
    /// A descriptor of the output directory (any file of the file system would do).
    private let descriptor: Int32
    /// The output directory, named in errors.
    let directory: URL

    /// A failed `open` of the directory or `syncfs`.
    struct SyncError: Error, CustomStringConvertible {
        let directory: String
        let code: Int32
        var description: String { "cannot sync the output directory \(directory): \(String(cString: strerror(code)))" }
    }

    /// A barrier for the file system holding `directory`.
    init(directory: URL) throws {
        let descriptor = directory.withUnsafeFileSystemRepresentation { path in
            path.map { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } ?? -1
        }
        guard descriptor >= 0 else { throw SyncError(directory: directory.path, code: errno) }
        self.descriptor = descriptor
        self.directory = directory
    }

    deinit { close(descriptor) }

    /// Returns once every file written (and renamed) before this call is on stable storage.
    func sync() throws {
        guard passerelle_syncfs(descriptor) == 0 else { throw SyncError(directory: directory.path, code: errno) }
    }
}
