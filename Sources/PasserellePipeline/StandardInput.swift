public import Foundation
import CPasserelleSystem
#if canImport(Glibc)
import Glibc
#endif

/// Standard input as a command reads it: in memory while it stays small, else spooled as it comes
/// to a file with no name in the temporary directory — no other process can open it, and the
/// system frees it when this process ends, crash included, so no patient data is left behind —
/// from which a flat export is then streamed as from a file (`zcat export.csv.gz | passerelle
/// ingest --profile P -`). Standard input is read once: the spool stays open for the process.
public enum StandardInput: Sendable {
    /// All of it, in memory.
    case bytes(Data)
    /// Spooled: `url` names the open file (`/proc/self/fd/N`), `size` its bytes, `modified` when
    /// it was last written.
    case spooled(url: URL, size: Int, modified: Date)

    /// Reads `input` to its end: in memory while it holds at most `memoryLimit` bytes, else
    /// spooled to a file with no name in `directory` (Linux; elsewhere above the limit is an error).
    /// - Throws: ``StandardInputError`` when the spool cannot be created or written.
    public static func read(
        _ input: FileHandle = .standardInput, memoryLimit: Int, directory: URL = FileManager.default.temporaryDirectory
    ) throws(StandardInputError) -> StandardInput {
        var bytes = Data()
        while let chunk = try? input.read(upToCount: 1 << 20), !chunk.isEmpty {
            bytes.append(chunk)
            if bytes.count > memoryLimit { return try spool(after: bytes, from: input, memoryLimit: memoryLimit, directory: directory.path) }
        }
        return .bytes(bytes)
    }

    private static func spool(after prefix: Data, from input: FileHandle, memoryLimit: Int, directory: String) throws(StandardInputError)
        -> StandardInput
    {
        #if os(Linux)
        let descriptor = passerelle_open_anonymous_file(directory)
        guard descriptor >= 0 else {
            throw StandardInputError(code: "INPUT-TOO-LARGE", message: "standard input is above \(memoryLimit) bytes "
                + "and cannot be spooled to \(directory) (\(String(cString: strerror(errno))))")
        }
        var chunk = prefix
        repeat {
            let failure = chunk.withUnsafeBytes { passerelle_write_all(descriptor, $0.baseAddress, $0.count, -1) }
            guard failure == 0 else {
                close(descriptor)
                throw StandardInputError(code: "INPUT-IO", message: "cannot spool standard input to \(directory) (\(String(cString: strerror(failure))))")
            }
            chunk = (try? input.read(upToCount: 1 << 20)) ?? Data()
        } while !chunk.isEmpty
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw StandardInputError(code: "INPUT-IO", message: "cannot spool standard input (\(String(cString: strerror(errno))))")
        }
        let stamp = FileStamp(info)
        return .spooled(url: URL(fileURLWithPath: "/proc/self/fd/\(descriptor)"), size: stamp.size, modified: stamp.modified)
        #else
        throw StandardInputError(code: "INPUT-TOO-LARGE", message: "standard input is above the limit of \(memoryLimit) bytes")
        #endif
    }
}

/// Standard input could not be read or spooled.
public struct StandardInputError: Error, CustomStringConvertible {
    /// `INPUT-TOO-LARGE` or `INPUT-IO`.
    public let code: String
    /// What went wrong.
    public let message: String

    public var description: String { "[\(code)] \(message)" }
}
