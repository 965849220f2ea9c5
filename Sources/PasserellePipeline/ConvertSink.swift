public import Foundation
import CPasserelleSystem
public import PasserelleEmit
public import PasserelleModel
public import PasserelleValidation
#if canImport(Glibc)
import Glibc
#endif

/// The output format of `passerelle convert`.
public typealias ConvertFormat = PasserelleEmit.OutputFormat

/// Writes one output file per document into a directory, with a manifest; no store.
///
/// Without a store there is no canonical patient: FHIR bundles carry the document's own patient
/// (its identifiers and traits) with no gateway id; CDA output is the original CDA unchanged (the
/// normalized CDA needs a canonical id, which only `ingest` assigns); flat and HPRIM inputs cannot
/// be written as CDA (FAILURE). Output names come from the document id (`root^extension`,
/// characters outside `[A-Za-z0-9._-]` replaced by `_`), or `sha256-<hex>` without an id.
///
/// Resumable: every result is appended to `manifest.ndjson` after its output was written
/// atomically (temporary file + rename); a rerun skips sources already listed with the same
/// SHA-256, and ``finish()`` writes `manifest.json` from the journal.
public actor ConvertSink: DocumentSink {
    /// One manifest line.
    public struct ManifestEntry: Codable, Sendable, Hashable {
        /// `SUCCESS` or `FAILURE`.
        public var status: String
        /// The source key.
        public var source: String
        /// SHA-256 of the source document's bytes.
        public var sha256: String
        /// The output file name (SUCCESS).
        public var output: String?
        /// SHA-256 of the output file (SUCCESS).
        public var outputSHA256: String?
        /// Reasons (FAILURE).
        public var reasons: [String]?
    }

    /// Output directory.
    public let directory: URL
    /// Output format.
    public let format: ConvertFormat
    private let journal: FileHandle
    /// Each source's latest SHA-256, and each output name's, keyed by the SHA-256 of the source
    /// or name: 64 bytes a document instead of two strings (a resume index of a million
    /// documents in tens of megabytes).
    private var done: [SHA256Hash: SHA256Hash]
    private var outputsBySHA: [SHA256Hash: SHA256Hash]
    private let fhir = FHIRBundleEmitter()
    /// Outputs are synced in groups before their manifest lines are written.
    private let durability: DurabilityBarrier
    /// Manifest lines waiting for the next sync of the outputs (see ``journalPending()``).
    private var pendingLines: [Data] = []
    private var pendingSince: ContinuousClock.Instant?
    /// Manifest lines journaled together at most, and how long one waits at most (checked when
    /// the next line comes; ``finish()`` journals the rest).
    static let maxPendingLines = 256
    static let maxPendingAge: Duration = .seconds(1)

    /// Opens `directory` (created when missing) and reads an existing `manifest.ndjson`.
    public init(directory: URL, format: ConvertFormat) throws {
        self.directory = directory
        self.format = format
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let journalURL = directory.appendingPathComponent("manifest.ndjson")
        var done: [SHA256Hash: SHA256Hash] = [:]
        var outputs: [SHA256Hash: SHA256Hash] = [:]
        if let existing = try? FileHandle(forReadingFrom: journalURL) {
            defer { try? existing.close() }
            try Self.forEachLine(of: existing) { line, _ in
                guard let entry = try? JSONDecoder().decode(ManifestEntry.self, from: line) else { return }  // a torn last line
                guard let digest = SHA256Hash(hex: entry.sha256) else { return }  // an unreadable source: tried again
                done[Hashing.key(entry.source)] = digest
                if let output = entry.output { outputs[Hashing.key(output)] = digest }
            }
        } else {
            _ = FileManager.default.createFile(atPath: journalURL.path, contents: nil)
        }
        self.done = done
        self.outputsBySHA = outputs
        let handle = try FileHandle(forUpdating: journalURL)
        let end = try handle.seekToEnd()
        if end > 0 {
            // A line torn by a crash while appending must not swallow the next line: end it.
            try handle.seek(toOffset: end - 1)
            if try handle.read(upToCount: 1) != Data([UInt8(ascii: "\n")]) {
                try handle.seekToEnd()
                try handle.write(contentsOf: Data([UInt8(ascii: "\n")]))
            }
            try handle.seekToEnd()
        }
        journal = handle
        durability = try DurabilityBarrier(directory: directory)
    }

    public func previousOutcome(source: String, sha256: String) async throws -> String? {
        SHA256Hash(hex: sha256).map { done[Hashing.key(source)] == $0 } == true ? "converted" : nil
    }

    nonisolated public func accept(_ read: ReadDocument, source: String, receivedAt: Date) async throws -> DocumentResult {
        guard let document = read.document else { preconditionFailure("accept is only called with a document") }
        let name = Self.outputName(for: document, sha256: read.sha256, format: format)
        // Emission runs in the caller's task (in parallel); only the file and manifest writes are serialized.
        let output: Data
        do throws(EmitError) {
            switch format {
            case .fhir:
                output = try fhir.bundle(for: document, originalBytes: read.format == .cda ? read.originalBytes : nil, canonicalPatientID: nil)
            case .ndjson:
                output = try NDJSONWriter.line(for: document)
            case .cda:
                guard read.format == .cda else {
                    throw EmitError(code: .emitNotCDA, message: "only CDA inputs can be written as CDA (this one is \(read.format.rawValue))")
                }
                output = read.originalBytes
            }
        } catch {
            return try await record(failure: source, name: read.name, sha256: read.sha256, size: read.originalBytes.count,
                reasons: ["[\(error.code.rawValue)] \(error.message)"])
        }
        return try await commit(output, name: name, read: read, source: source)
    }

    /// Writes `output` as `name` and journals it. The name is reserved on the actor (a name
    /// already written for other bytes is a `CONVERT-CONFLICT`); the file is written and
    /// renamed into place in the caller's task, in parallel with the others; the manifest line
    /// is appended on the actor once the file is in place.
    nonisolated private func commit(_ output: Data, name: String, read: ReadDocument, source: String) async throws -> DocumentResult {
        if let other = await reserve(name, sha256: read.sha256) {
            let reason = "[CONVERT-CONFLICT] another document with the same id was already written to \(name) (sha256 \(other))"
            return try await record(failure: source, name: read.name, sha256: read.sha256, size: read.originalBytes.count, reasons: [reason])
        }
        // A failure here stops the run (the error is thrown), as before. The file is synced with
        // the others of its group before its manifest line is journaled (`journalPending`).
        try Self.writeAtomically(output, name: name, in: directory)
        let line = try Self.encode(ManifestEntry(status: "SUCCESS", source: source, sha256: read.sha256, output: name,
            outputSHA256: Hashing.sha256Hex(output)))
        try await append(line, source: source, sha256: read.sha256)
        return DocumentResult(source: source, name: read.name, sha256: read.sha256, size: read.originalBytes.count,
            outcome: .converted(output: name), diagnostics: read.diagnostics)
    }

    /// Reserves `name` for the bytes `sha256`; returns the other SHA-256 when the name is taken
    /// by other bytes.
    private func reserve(_ name: String, sha256: String) -> String? {
        guard let digest = SHA256Hash(hex: sha256) else { return nil }
        let key = Hashing.key(name)
        if let other = outputsBySHA[key], other != digest { return other.hex }
        outputsBySHA[key] = digest
        return nil
    }

    /// Writes `data` to a temporary file in `directory` and renames it to `name` (rename(2)
    /// replaces an existing file atomically: readers see the old or the new file, never a part).
    /// Not synced: the caller syncs in groups (see ``DurabilityBarrier``).
    static func writeAtomically(_ data: Data, name: String, in directory: URL) throws {
        let target = directory.appendingPathComponent(name, isDirectory: false)
        let temporary = directory.appendingPathComponent(
            ".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)", isDirectory: false)
        try write(data, to: temporary)
        try rename(temporary, to: target)
    }

    /// Creates (or truncates) `url` and writes `data` into it, without `fsync` (Foundation's
    /// `Data.write(to:)` syncs every file).
    static func write(_ data: Data, to url: URL) throws {
        let descriptor = url.withUnsafeFileSystemRepresentation { path in
            path.map { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666) } ?? -1
        }
        guard descriptor >= 0 else { throw writeError(url, errno) }
        var failure = data.withUnsafeBytes { passerelle_write_all(descriptor, $0.baseAddress, $0.count, -1) }
        if close(descriptor) != 0, failure == 0 { failure = errno }
        guard failure == 0 else {
            try? FileManager.default.removeItem(at: url)
            throw writeError(url, failure)
        }
    }

    private static func writeError(_ url: URL, _ code: Int32) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [
            NSLocalizedDescriptionKey: "cannot write \(url.lastPathComponent): \(String(cString: strerror(code)))",
        ])
    }

    /// Journals the pending manifest lines after one sync of the output file system: a line is
    /// never on disk before the output it names (journaled ⇒ complete, even after a power loss).
    /// After `kill -9`, the pending lines are lost and a rerun converts those sources again
    /// (same outputs, written atomically).
    private func journalPending() throws {
        guard !pendingLines.isEmpty else { return }
        try durability.sync()
        var batch = Data()
        batch.reserveCapacity(pendingLines.reduce(0) { $0 + $1.count })
        for line in pendingLines { batch.append(line) }
        try journal.write(contentsOf: batch)
        pendingLines.removeAll(keepingCapacity: true)
        pendingSince = nil
    }

    /// `rename(2)`: replaces `target` atomically; the temporary file is removed on failure.
    static func rename(_ temporary: URL, to target: URL) throws {
        let moved = temporary.withUnsafeFileSystemRepresentation { from in
            target.withUnsafeFileSystemRepresentation { to in
                guard let from, let to else { return false }
                return Glibc.rename(from, to) == 0
            }
        }
        guard moved else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot rename \(temporary.lastPathComponent) into place: \(reason)"])
        }
    }

    public func reject(_ rejection: Rejection) async throws -> DocumentResult {
        let reasons = rejection.diagnostics.filter { $0.severity == .error }.map { "[\($0.code.rawValue)] \($0.message)" }
        var result = try record(failure: rejection.source, name: rejection.name, sha256: rejection.sha256, size: rejection.bytes.count,
            reasons: reasons.isEmpty ? [rejection.reason] : reasons)
        result.diagnostics = rejection.diagnostics
        return result
    }

    public func unreadable(source: String, reason: String) async throws -> DocumentResult {
        try record(failure: source, name: source, sha256: "", size: 0, reasons: [reason])
    }

    public func sourceComplete(source: String, sha256: String, parts: Int) async throws {}

    /// How many sources `manifest.json` lists as converted and as failed.
    public struct ManifestCounts: Sendable, Hashable {
        /// Sources listed under `success`.
        public var success: Int
        /// Sources listed under `failure`.
        public var failure: Int

        /// Creates counts.
        public init(success: Int, failure: Int) {
            self.success = success
            self.failure = failure
        }
    }

    /// Writes `manifest.json` from `manifest.ndjson`: `{"failure": [...], "format": "...",
    /// "success": [...]}`, the latest entry of each source, sorted by source. Streamed: only the
    /// position of each source's latest line is kept in memory, so a manifest of a million
    /// sources needs tens of megabytes, not the whole journal decoded at once.
    @discardableResult
    public func finish() throws -> ManifestCounts {
        try journalPending()
        try journal.synchronize()
        let journalURL = directory.appendingPathComponent("manifest.ndjson")
        let reader = try FileHandle(forReadingFrom: journalURL)
        defer { try? reader.close() }
        var latest: [String: ManifestLine] = [:]
        try Self.forEachLine(of: reader) { line, offset in
            // A torn last line (a crash while appending) is skipped, as on resume.
            guard let entry = try? JSONDecoder().decode(ManifestEntry.self, from: line) else { return }
            latest[entry.source] = ManifestLine(offset: offset, length: line.count, success: entry.status == "SUCCESS")
        }
        let sources = latest.keys.sorted()
        let target = directory.appendingPathComponent("manifest.json")
        let temporary = directory.appendingPathComponent(".manifest.json.tmp")
        _ = FileManager.default.createFile(atPath: temporary.path, contents: nil)
        let writer = try FileHandle(forWritingTo: temporary)
        var counts = ManifestCounts(success: 0, failure: 0)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            func list(success: Bool) throws {
                var first = true
                for source in sources {
                    guard let position = latest[source], position.success == success else { continue }
                    try reader.seek(toOffset: UInt64(position.offset))
                    let line = try reader.read(upToCount: position.length) ?? Data()
                    let entry = try JSONDecoder().decode(ManifestEntry.self, from: line)
                    // One level further in than the pretty form, inside the list.
                    let element = JSONText.indented(Array(try encoder.encode(entry))[...], by: 4)
                    try writer.write(contentsOf: Data((first ? "\n" : ",\n").utf8) + element)
                    first = false
                    if success { counts.success += 1 } else { counts.failure += 1 }
                }
                try writer.write(contentsOf: Data((first ? "]" : "\n  ]").utf8))
            }
            try writer.write(contentsOf: Data("{\n  \"failure\" : [".utf8))
            try list(success: false)
            let format = String(decoding: try JSONEncoder().encode(format.rawValue), as: UTF8.self)
            try writer.write(contentsOf: Data(",\n  \"format\" : \(format),\n  \"success\" : [".utf8))
            try list(success: true)
            try writer.write(contentsOf: Data("\n}\n".utf8))
            try writer.synchronize()
            try writer.close()
        } catch {
            try? writer.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        try Self.rename(temporary, to: target)
        return counts
    }

    /// Where a source's latest manifest line is in `manifest.ndjson`.
    private struct ManifestLine {
        var offset: Int
        var length: Int
        var success: Bool
    }

    /// Calls `body` with each newline-terminated line of `file` (without its newline) and its
    /// byte offset, reading 1 MiB at a time; a last line without a newline is passed too.
    static func forEachLine(of file: FileHandle, _ body: (Data, Int) throws -> Void) throws {
        var pending = Data()
        var pendingOffset = 0
        while let chunk = try file.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if newline > start { try body(pending[start..<newline], pendingOffset + (start - pending.startIndex)) }
                start = newline + 1
            }
            pendingOffset += start - pending.startIndex
            pending = Data(pending[start...])
        }
        if !pending.isEmpty { try body(pending, pendingOffset) }
    }

    private func record(failure source: String, name: String, sha256: String, size: Int, reasons: [String]) throws -> DocumentResult {
        try append(ManifestEntry(status: "FAILURE", source: source, sha256: sha256, reasons: reasons))
        return DocumentResult(source: source, name: name, sha256: sha256, size: size, outcome: .failed(reason: reasons.joined(separator: "; ")))
    }

    private func append(_ entry: ManifestEntry) throws {
        try append(try Self.encode(entry), source: entry.source, sha256: entry.sha256)
    }

    /// Appends an encoded manifest line: kept pending until the group's outputs are synced.
    private func append(_ line: Data, source: String, sha256: String) throws {
        pendingLines.append(line)
        let since = pendingSince ?? .now
        pendingSince = since
        if pendingLines.count >= Self.maxPendingLines || ContinuousClock.now - since >= Self.maxPendingAge {
            try journalPending()
        }
        if let digest = SHA256Hash(hex: sha256) { done[Hashing.key(source)] = digest }
    }

    /// One manifest line (JSON, sorted keys, newline-terminated).
    static func encode(_ entry: ManifestEntry) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(entry)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// The deterministic output file name of a document.
    public static func outputName(for document: ClinicalDocument, sha256: String, format: ConvertFormat) -> String {
        var base = "sha256-" + sha256
        if let id = document.id, let root = id.root, !root.isEmpty {
            let key = id.extension.map { $0.isEmpty ? root : root + "^" + $0 } ?? root
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            let cleaned = String(key.map { allowed.contains($0) ? $0 : "_" })
            if cleaned.count <= 200, !cleaned.hasPrefix(".") { base = cleaned }
        }
        return base + "." + format.fileExtension
    }
}
