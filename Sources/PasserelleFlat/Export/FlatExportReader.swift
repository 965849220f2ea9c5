public import Foundation
import PasserelleModel

/// Reads a flat export file through a profile, in chunks: memory does not grow with the file.
public struct FlatExportReader: Sendable {
    /// The profile.
    public let profile: ExportProfile
    /// Most bytes per `read` call on the file (reads start at 64 KiB and double up to it).
    public var chunkSize: Int
    /// Threads mapping rows into documents (see `FlatExportParser.jobs`); at least 1.
    public var jobs: Int

    /// Creates a reader; `chunkSize` defaults to 4 MiB, `jobs` to `FlatExportParser.defaultJobs`.
    public init(profile: ExportProfile, chunkSize: Int = 4 << 20, jobs: Int = FlatExportParser.defaultJobs) {
        self.profile = profile
        self.chunkSize = max(4096, chunkSize)
        self.jobs = max(1, jobs)
    }

    /// Streams the file at `url`, calling `emit` for every document, rejection and file-level diagnostic.
    /// - Parameter sourceName: name written into diagnostics and provenance (default: the path).
    /// - Throws: `FlatReadError` (unreadable file, header mismatch) or what `emit` throws.
    @discardableResult
    public func read(
        contentsOf url: URL, sourceName: String? = nil, receivedAt: Date = Date(), _ emit: (FlatOutput) throws -> Void
    ) throws -> FlatReadSummary {
        let name = sourceName ?? url.path
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw FlatReadError(code: "FLAT-IO", file: name, message: "cannot open the file")
        }
        defer { try? handle.close() }
        var parser = FlatExportParser(profile: profile, sourceName: name, receivedAt: receivedAt)
        parser.jobs = jobs
        // Reads grow from 64 KiB to `chunkSize`: a small file does not get a buffer of `chunkSize`.
        var request = min(chunkSize, 1 << 16)
        while true {
            let received = try parser.consume(reading: handle, upTo: request, emit)
            if received == 0 { break }
            if received == request { request = min(chunkSize, request * 2) }
        }
        try parser.finish(emit)
        return parser.summary
    }

    /// Reads the file at `url` and collects everything (for small files, tests and previews).
    public func read(contentsOf url: URL, sourceName: String? = nil, receivedAt: Date = Date()) throws -> FlatReadResult {
        var result = FlatReadResult(sourceName: sourceName ?? url.path)
        result.summary = try read(contentsOf: url, sourceName: sourceName, receivedAt: receivedAt) { result.append($0) }
        return result
    }

    /// Reads in-memory bytes and collects everything.
    public func read(bytes: [UInt8], sourceName: String, receivedAt: Date = Date()) throws -> FlatReadResult {
        var result = FlatReadResult(sourceName: sourceName)
        result.summary = try read(bytes: bytes, sourceName: sourceName, receivedAt: receivedAt) { result.append($0) }
        return result
    }

    /// Reads in-memory bytes chunk by chunk, calling `emit` for every document, rejection and
    /// file-level diagnostic as it is read (nothing is collected).
    /// - Throws: `FlatReadError` (header mismatch) or what `emit` throws.
    @discardableResult
    public func read(
        bytes: some Collection<UInt8>, sourceName: String, receivedAt: Date = Date(), _ emit: (FlatOutput) throws -> Void
    ) throws -> FlatReadSummary {
        var parser = FlatExportParser(profile: profile, sourceName: sourceName, receivedAt: receivedAt)
        parser.jobs = jobs
        var start = bytes.startIndex
        repeat {
            let end = bytes.index(start, offsetBy: chunkSize, limitedBy: bytes.endIndex) ?? bytes.endIndex
            let chunk = bytes[start..<end]
            if try chunk.withContiguousStorageIfAvailable({ try parser.consume(UnsafeRawBufferPointer($0), emit) }) == nil {
                try parser.consume(Array(chunk), emit)
            }
            start = end
        } while start < bytes.endIndex
        try parser.finish(emit)
        return parser.summary
    }
}
