import Crypto
import Foundation
import PasserelleFlat
import PasserelleModel
import PasserelleValidation
import ZIPFoundation

/// Reading a large input without holding it: from its file, or by inflating its archive member
/// piece by piece (never beyond its declared size: a member that inflates further is a zip bomb).
extension LargeFile {
    /// Its first `count` bytes (fewer when it is shorter).
    func prefix(_ count: Int) throws -> Data {
        guard let member else {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            return try handle.read(upToCount: count) ?? Data()
        }
        var bytes = Data()
        do {
            try inflate(member) { piece in
                bytes.append(piece)
                if bytes.count >= count { throw EnoughRead() }
            }
        } catch is EnoughRead {}
        return bytes.prefix(count)
    }

    /// Lower-case hex SHA-256 of its bytes.
    func sha256() throws -> String {
        guard let member else { return try DocumentSource.hexSHA256(contentsOf: url) }
        var hasher = SHA256()
        try inflate(member) { hasher.update(data: $0) }
        return Hex.lowercase(hasher.finalize())
    }

    /// Streams it as a flat export through `profile` (see `DocumentSource.streamFlatExport`).
    /// - Throws: `FlatReadError`, archive failures included (`INPUT-ARCHIVE`, `INPUT-ZIP-BOMB`),
    ///   so that what was read before is kept and the input is reported; or what `emit` throws.
    func streamFlat(profile: ExportProfile, _ emit: (StreamedPart) throws -> Void) throws -> Int {
        guard let member else {
            return try DocumentSource.streamFlatExport(
                contentsOf: url, sourceName: name, profile: profile, receivedAt: modified, jobs: 1, emit)
        }
        do {
            return try DocumentSource.streamFlatExport(
                chunks: { consume in try inflate(member) { piece in try piece.withUnsafeBytes { try consume($0) } } },
                sourceName: name, profile: profile, receivedAt: modified, jobs: 1, emit)
        } catch let error as InflateError {
            throw FlatReadError(code: error.code, file: name, message: error.message)
        }
    }

    /// Inflates `member` in 64 KiB pieces, stopping beyond the declared size.
    private func inflate(_ member: String, _ consume: (Data) throws -> Void) throws {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw InflateError(code: "INPUT-ARCHIVE", message: "not a readable zip archive (\(error))")
        }
        guard let entry = archive[member] else { throw InflateError(code: "INPUT-ARCHIVE", message: "the member is no longer in the archive") }
        var inflated = 0
        let declared = size
        do {
            _ = try archive.extract(entry, bufferSize: 64 << 10, skipCRC32: false) { piece in
                inflated += piece.count
                guard inflated <= declared else { throw InputReadError.largerThanDeclared }
                do {
                    try consume(piece)
                } catch {
                    throw ConsumerError(underlying: error)
                }
            }
        } catch let error as ConsumerError {
            // The reader's own errors (an export refused, enough read, the run stopped) pass as they are.
            throw error.underlying
        } catch InputReadError.largerThanDeclared {
            throw InflateError(code: "INPUT-ZIP-BOMB", message: "the entry inflates beyond its declared size of \(declared) bytes")
        } catch {
            throw InflateError(code: "INPUT-ARCHIVE", message: "cannot read the archive entry (\(error))")
        }
    }
}

/// An error thrown by what consumes the inflated pieces, told apart from the archive's own.
private struct ConsumerError: Error {
    var underlying: any Error
}

/// Stops an inflation once enough was read.
private struct EnoughRead: Error {}

/// An archive member that cannot be inflated (as `code` and message).
struct InflateError: Error, CustomStringConvertible {
    var code: DiagnosticCode
    var message: String

    var description: String { "[\(code.rawValue)] \(message)" }
}
