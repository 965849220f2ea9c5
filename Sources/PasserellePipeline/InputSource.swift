public import Foundation
import ZIPFoundation
#if canImport(Glibc)
import Glibc
#endif

/// Limits applied while reading inputs.
public struct InputLimits: Sendable, Hashable {
    /// Largest input or archive entry read, in bytes (the XML layer's document limit).
    public var maxEntrySize: Int
    /// Largest declared uncompressed / compressed ratio of an archive entry above
    /// `ratioCheckThreshold` bytes (a zip bomb has ratios in the thousands; XML compresses ~10–30×).
    public var maxCompressionRatio: Double
    /// Entries smaller than this are not ratio-checked.
    public var ratioCheckThreshold: Int

    /// Defaults: 64 MiB per entry, ratio 200 above 1 MiB.
    public init(maxEntrySize: Int = 64 << 20, maxCompressionRatio: Double = 200, ratioCheckThreshold: Int = 1 << 20) {
        self.maxEntrySize = maxEntrySize
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioCheckThreshold = ratioCheckThreshold
    }
}

/// One step of reading the inputs.
public enum InputEvent: Sendable {
    /// An input's bytes.
    case envelope(Envelope)
    /// A file larger than ``InputLimits/maxEntrySize``: not read into memory; the pipeline
    /// streams it when it is a flat export and refuses it otherwise.
    case largeFile(LargeFile)
    /// An input that could not be read (missing, too large, zip bomb, corrupt entry).
    case unreadable(source: String, reason: String)
}

/// A file, or a member of a zip archive, too large to be read whole into memory.
public struct LargeFile: Sendable, Hashable {
    /// Where it is: the file, or the archive holding `member`.
    public var url: URL
    /// The archive member (its path in the archive), when the input is one.
    public var member: String?
    /// Its name in reports (`archive.zip!member` for a member).
    public var name: String
    /// Its size in bytes when it was listed (a member's declared uncompressed size).
    public var size: Int
    /// Its modification time when it was listed (the reception time of what is read from it).
    public var modified: Date
    /// The limit it is above.
    public var limit: Int
    /// Size and modification time of the file at `url` when it was listed.
    var stamp: FileStamp

    /// A file on disk.
    public init(url: URL, name: String, size: Int, modified: Date, limit: Int) {
        self.url = url
        self.name = name
        self.size = size
        self.modified = modified
        self.limit = limit
        stamp = FileStamp(size: size, modified: modified)
    }

    /// A file or a member of the zip archive at `url`, listed when the file had `stamp`.
    init(url: URL, member: String? = nil, name: String, size: Int, modified: Date, limit: Int, stamp: FileStamp) {
        self.url = url
        self.member = member
        self.name = name
        self.size = size
        self.modified = modified
        self.limit = limit
        self.stamp = stamp
    }

    /// Whether the file (or the archive holding the member) still has the size and modification
    /// time it had when listed: a file still being written is not marked complete.
    public func isUnchanged() -> Bool { FileStamp(of: url) == stamp }
}

/// Size and modification time of a file.
struct FileStamp: Sendable, Hashable {
    var size: Int
    var modified: Date

    init(size: Int, modified: Date) {
        self.size = size
        self.modified = modified
    }

    init(_ info: stat) {
        size = Int(info.st_size)
        modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec) + TimeInterval(info.st_mtim.tv_nsec) / 1e9)
    }

    /// The stamp of the file at `url` now; `nil` when it cannot be read.
    init?(of url: URL) {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        self.init(info)
    }
}

/// The inputs of a run: files, directories (recursively), `.zip` archives (read entry by entry
/// in memory, never unpacked to disk) and standard input (`-`).
///
/// Enumeration is lazy: directories are listed one at a time as the walk reaches them, and the
/// iterator reads one input's bytes when asked for it, so memory depends on the largest
/// directory and on how many envelopes the consumer keeps, not on the number of files.
public struct InputSource: Sendable {
    /// One command-line input, expanded.
    public enum Input: Sendable, Hashable {
        /// A file and its name in reports.
        case file(URL, name: String)
        /// A zip archive and its name in reports (entries are named `name!member`).
        case archive(URL, name: String)
        /// A directory, walked when its turn comes: files with one of the extensions, or `.zip`,
        /// in the order of their paths; hidden files included; symbolic links to files followed,
        /// to directories not.
        case directory(URL, name: String)
        /// Standard input.
        case standardInput
    }

    /// Expanded inputs, in order.
    public var inputs: [Input]
    /// Paths that do not exist or cannot be listed.
    public var problems: [String]
    /// Extensions of the files read from directories and archives (lower case, no dot).
    public var extensions: Set<String>
    /// Limits.
    public var limits: InputLimits
    /// Reception time of standard input. Files are stamped with their modification time and
    /// archive entries with theirs, so that converting the same inputs twice gives the same output.
    public var receivedAt: Date

    /// The default extensions: CDA and HPRIM, plus the usual export extensions with a profile.
    public static func defaultExtensions(withProfile: Bool) -> Set<String> {
        let base: Set<String> = ["xml", "hpr", "hprim"]
        return withProfile ? base.union(["csv", "tsv", "txt", "dat"]) : base
    }

    /// Expands `paths`: files as given (a `.zip` or a file starting with a zip signature is an
    /// archive), directories recursively (files with one of `extensions` or `.zip`, sorted by
    /// name), `-` for standard input.
    public init(paths: [String], extensions: Set<String>, limits: InputLimits = InputLimits(), receivedAt: Date = Date()) {
        self.extensions = extensions
        self.limits = limits
        self.receivedAt = receivedAt
        var inputs: [Input] = []
        var problems: [String] = []
        let fileManager = FileManager.default
        for path in paths {
            if path == "-" {
                inputs.append(.standardInput)
                continue
            }
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append("\(path): no such file or directory")
                continue
            }
            let url = URL(fileURLWithPath: path)
            guard isDirectory.boolValue else {
                inputs.append(Self.isArchive(url) ? .archive(url, name: path) : .file(url, name: path))
                continue
            }
            guard access(url.path, R_OK | X_OK) == 0 else {
                problems.append("\(path): cannot read the directory")
                continue
            }
            inputs.append(.directory(url, name: path))
        }
        self.inputs = inputs
        self.problems = problems
    }

    /// Whether `url` names a zip archive: `.zip`, or a local-file-header signature.
    static func isArchive(_ url: URL) -> Bool {
        if url.pathExtension.lowercased() == "zip" { return true }
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        return magic == Data([0x50, 0x4B, 0x03, 0x04])
    }

    /// The number of inputs to expect (files, plus the entries of each archive), for progress.
    public func estimatedCount() -> Int { survey().count }

    /// Walks the directories and archive listings without reading a document: the number of
    /// inputs to expect (for progress), and the files left out because of their extension, so
    /// that a command can say so instead of skipping them silently.
    public func survey() -> InputSurvey {
        var survey = InputSurvey()
        func listArchive(_ url: URL) {
            guard let archive = try? Archive(url: url, accessMode: .read, pathEncoding: nil) else {
                survey.count += 1
                return
            }
            for entry in archive {
                if accepts(entry: entry) {
                    survey.count += 1
                    survey.bytes += Int(clamping: entry.uncompressedSize)
                } else if entry.type == .file, !Self.isSystemJunk(entry.path) {
                    survey.skip(extension: (entry.path as NSString).pathExtension)
                }
            }
        }
        for input in inputs {
            switch input {
            case .archive(let url, _): listArchive(url)
            case .directory(let url, let name):
                var walker = DirectoryWalker(root: url, name: name, extensions: extensions)
                while let item = walker.next() {
                    switch item {
                    case .archive(let url, _): listArchive(url)
                    case .file(let url, _): survey.addFile(url)
                    case .unreadable: survey.count += 1
                    }
                }
                for (ext, count) in walker.skipped { survey.skipped[ext, default: 0] += count }
            case .file(let url, _): survey.addFile(url)
            case .standardInput:
                survey.count += 1
                survey.readsStandardInput = true
            }
        }
        return survey
    }

    /// Archive members that are file-system metadata, not inputs (`__MACOSX/`, dot files).
    static func isSystemJunk(_ path: String) -> Bool {
        path.hasPrefix("__MACOSX/") || (path as NSString).lastPathComponent.hasPrefix(".")
    }

    func accepts(entry: Entry) -> Bool {
        guard entry.type == .file else { return false }
        let path = entry.path
        if Self.isSystemJunk(path) { return false }
        let ext = (path as NSString).pathExtension.lowercased()
        return ext == "zip" || extensions.contains(ext)
    }

    /// A lazy iterator over the inputs' bytes.
    public func makeIterator() -> Iterator { Iterator(source: self) }

    /// Reads one input at a time.
    public struct Iterator: IteratorProtocol {
        let source: InputSource
        var index = 0
        var entries: (archive: Archive, iterator: AnyIterator<Entry>, name: String)?
        var walker: DirectoryWalker?

        init(source: InputSource) { self.source = source }

        /// The next input's bytes, or why it could not be read.
        public mutating func next() -> InputEvent? {
            while true {
                if let current = entries {
                    if let entry = current.iterator.next() {
                        guard source.accepts(entry: entry) else { continue }
                        return source.read(entry, of: current.archive, archiveName: current.name)
                    }
                    entries = nil
                }
                if walker != nil {
                    if let item = walker?.next() {
                        switch item {
                        case .file(let url, let name): return source.readFile(url, name: name)
                        case .unreadable(let name, let reason): return .unreadable(source: name, reason: reason)
                        case .archive(let url, let name):
                            if let failure = open(archive: url, name: name) { return failure }
                        }
                        continue
                    }
                    walker = nil
                }
                guard index < source.inputs.count else { return nil }
                let input = source.inputs[index]
                index += 1
                switch input {
                case .standardInput:
                    return source.readStandardInput()
                case .file(let url, let name):
                    return source.readFile(url, name: name)
                case .archive(let url, let name):
                    if let failure = open(archive: url, name: name) { return failure }
                case .directory(let url, let name):
                    walker = DirectoryWalker(root: url, name: name, extensions: source.extensions)
                }
            }
        }

        /// Starts reading an archive's entries; the event to report when it cannot be opened.
        private mutating func open(archive url: URL, name: String) -> InputEvent? {
            do {
                let archive = try Archive(url: url, accessMode: .read)
                entries = (archive, archive.makeIterator(), name)
                return nil
            } catch {
                return .unreadable(source: name, reason: "[INPUT-ARCHIVE] not a readable zip archive (\(error))")
            }
        }
    }

    func readFile(_ url: URL, name: String) -> InputEvent {
        // One open, one fstat and the reads: size and modification time come from the same
        // descriptor as the bytes (`URL.resourceValues` cost several system calls and
        // allocations per file).
        let descriptor = url.withUnsafeFileSystemRepresentation { path in path.map { open($0, O_RDONLY | O_CLOEXEC) } ?? -1 }
        guard descriptor >= 0 else {
            return .unreadable(source: name, reason: "[INPUT-IO] cannot read the file (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            return .unreadable(source: name, reason: "[INPUT-IO] cannot read the file (\(String(cString: strerror(errno))))")
        }
        let size = Int(info.st_size)
        let modified = FileStamp(info).modified
        guard size <= limits.maxEntrySize else {
            return .largeFile(LargeFile(url: url, name: name, size: size, modified: modified, limit: limits.maxEntrySize))
        }
        var bytes = Data(count: size)
        var filled = 0
        var failure: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while filled < size {
                let count = Glibc.read(descriptor, buffer.baseAddress! + filled, size - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 {
                    break
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
        }
        guard failure == 0 else {
            return .unreadable(source: name, reason: "[INPUT-IO] cannot read the file (\(String(cString: strerror(failure))))")
        }
        if filled < size { bytes.removeSubrange(filled...) }
        // A file that grew since fstat: read the rest, within the limit.
        var probe: UInt8 = 0
        if Glibc.read(descriptor, &probe, 1) == 1 {
            bytes.append(probe)
            var extra = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let count = Glibc.read(descriptor, &extra, extra.count)
                if count <= 0 { break }
                bytes.append(contentsOf: extra[0..<count])
                guard bytes.count <= limits.maxEntrySize else {
                    return .unreadable(source: name, reason: "[INPUT-TOO-LARGE] \(bytes.count) bytes, above the limit of \(limits.maxEntrySize)")
                }
            }
        }
        guard bytes.count <= limits.maxEntrySize else {
            return .unreadable(source: name, reason: "[INPUT-TOO-LARGE] \(bytes.count) bytes, above the limit of \(limits.maxEntrySize)")
        }
        return .envelope(Envelope(sourceName: name, bytes: bytes, receivedAt: modified))
    }

    /// Reads standard input (`input`: another stream in tests): in memory up to the entry limit,
    /// beyond it spooled to a file with no name (``StandardInput``) and streamed from there.
    func readStandardInput(from input: FileHandle = .standardInput) -> InputEvent {
        do {
            switch try StandardInput.read(input, memoryLimit: limits.maxEntrySize) {
            case .bytes(let bytes):
                return .envelope(Envelope(sourceName: "-", bytes: bytes, receivedAt: receivedAt))
            case .spooled(let url, let size, let modified):
                let stamp = FileStamp(size: size, modified: modified)
                return .largeFile(LargeFile(url: url, name: "-", size: size, modified: receivedAt, limit: limits.maxEntrySize, stamp: stamp))
            }
        } catch {
            return .unreadable(source: "-", reason: error.description)
        }
    }

    /// Reads one archive entry into memory, with the size and ratio guards.
    func read(_ entry: Entry, of archive: Archive, archiveName: String) -> InputEvent {
        let name = archiveName + "!" + entry.path
        if (entry.path as NSString).pathExtension.lowercased() == "zip" {
            return .unreadable(source: name, reason: "[INPUT-NESTED-ARCHIVE] archives inside archives are not read")
        }
        let declared = entry.uncompressedSize
        if declared > UInt64(limits.ratioCheckThreshold) {
            let ratio = Double(declared) / Double(max(entry.compressedSize, 1))
            if ratio > limits.maxCompressionRatio {
                return .unreadable(source: name, reason: "[INPUT-ZIP-BOMB] compression ratio \(Int(ratio)):1 is above \(Int(limits.maxCompressionRatio)):1")
            }
        }
        guard declared <= UInt64(limits.maxEntrySize) else {
            guard let stamp = FileStamp(of: archive.url) else {
                return .unreadable(source: name, reason: "[INPUT-ARCHIVE] the archive can no longer be read")
            }
            return .largeFile(LargeFile(
                url: archive.url, member: entry.path, name: name, size: Int(clamping: declared),
                modified: entry.fileAttributes[.modificationDate] as? Date ?? receivedAt, limit: limits.maxEntrySize, stamp: stamp))
        }
        var bytes = Data()
        bytes.reserveCapacity(Int(declared))
        let cap = Int(declared)
        do {
            _ = try archive.extract(entry, bufferSize: 64 << 10, skipCRC32: false) { chunk in
                guard bytes.count + chunk.count <= cap else { throw InputReadError.largerThanDeclared }
                bytes.append(chunk)
            }
        } catch InputReadError.largerThanDeclared {
            return .unreadable(source: name, reason: "[INPUT-ZIP-BOMB] the entry inflates beyond its declared size of \(declared) bytes")
        } catch {
            return .unreadable(source: name, reason: "[INPUT-ARCHIVE] cannot read the archive entry (\(error))")
        }
        let modified = entry.fileAttributes[.modificationDate] as? Date
        return .envelope(Envelope(sourceName: name, bytes: bytes, receivedAt: modified ?? receivedAt))
    }
}

enum InputReadError: Error {
    case largerThanDeclared
}

extension InputSource.Input {
    /// The name in reports.
    public var name: String {
        switch self {
        case .file(_, let name), .archive(_, let name), .directory(_, let name): name
        case .standardInput: "-"
        }
    }
}

/// Walks a directory tree depth-first, listing one directory at a time: the files with one of
/// `extensions` (or `.zip`) in the order of their paths (`a-b.xml` before `a/c.xml`, as a sort
/// of the full paths gives), named `name/relative/path`.
struct DirectoryWalker {
    enum Item {
        case file(URL, name: String)
        case archive(URL, name: String)
        /// A subdirectory that could not be listed (never skipped silently).
        case unreadable(name: String, reason: String)
    }

    private struct Frame {
        var url: URL
        var prefix: String
        /// Entry names, directories with a trailing `/`, sorted.
        var entries: [String]
        var index = 0
    }

    let extensions: Set<String>
    /// Regular files left out so far because of their extension, by extension (lower case,
    /// `""` for none).
    private(set) var skipped: [String: Int] = [:]
    private var stack: [Frame] = []
    private var pendingRoot: (url: URL, name: String)?

    init(root: URL, name: String, extensions: Set<String>) {
        self.extensions = extensions
        pendingRoot = (root, name)
    }

    mutating func next() -> Item? {
        if let root = pendingRoot {
            pendingRoot = nil
            let prefix = root.name.hasSuffix("/") ? root.name : root.name + "/"
            if let failure = push(root.url, prefix: prefix) { return .unreadable(name: root.name, reason: failure) }
        }
        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].index < stack[top].entries.count else {
                stack.removeLast()
                continue
            }
            let entry = stack[top].entries[stack[top].index]
            stack[top].index += 1
            let prefix = stack[top].prefix
            if entry.hasSuffix("/") {
                let child = stack[top].url.appendingPathComponent(String(entry.dropLast()), isDirectory: true)
                if let failure = push(child, prefix: prefix + entry) { return .unreadable(name: prefix + entry.dropLast(), reason: failure) }
                continue
            }
            let url = stack[top].url.appendingPathComponent(entry, isDirectory: false)
            let ext = (entry as NSString).pathExtension.lowercased()
            return ext == "zip" ? .archive(url, name: prefix + entry) : .file(url, name: prefix + entry)
        }
        return nil
    }

    /// Lists `url` and pushes it; returns the reason when it cannot be listed.
    private mutating func push(_ url: URL, prefix: String) -> String? {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            return "[INPUT-IO] cannot read the directory (\((error as NSError).localizedDescription))"
        }
        var entries: [String] = []
        entries.reserveCapacity(names.count)
        // Paths joined as text: `URL.appendingPathComponent(_:)` without a directory hint asks
        // the file system whether each entry is a directory (one more `stat` per file).
        let directory = url.path.hasSuffix("/") ? url.path : url.path + "/"
        for name in names {
            var info = stat()
            let path = directory + name
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                entries.append(name + "/")
            case S_IFREG, S_IFLNK:
                let ext = (name as NSString).pathExtension.lowercased()
                // A symbolic link counts when it leads to a regular file.
                if info.st_mode & S_IFMT == S_IFLNK {
                    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
                }
                guard ext == "zip" || extensions.contains(ext) else {
                    // Dot files (.DS_Store, .gitkeep) are file-system furniture, not inputs left out.
                    if !name.hasPrefix(".") { skipped[ext, default: 0] += 1 }
                    continue
                }
                entries.append(name)
            default:
                continue
            }
        }
        entries.sort()
        stack.append(Frame(url: url, prefix: prefix, entries: entries))
        return nil
    }
}

/// What a walk of the inputs found before reading them (see ``InputSource/survey()``).
public struct InputSurvey: Sendable, Hashable {
    /// Inputs to read: files, archive entries, standard input.
    public var count = 0
    /// Files in the directories and archives left out because of their extension, by extension
    /// (lower case, `""` for none).
    public var skipped: [String: Int] = [:]
    /// Bytes of the inputs to read (archive entries by their declared size); standard input,
    /// whose size is unknown, is not counted.
    public var bytes = 0
    /// Whether standard input is one of the inputs.
    public var readsStandardInput = false

    /// Creates a survey.
    public init(count: Int = 0, skipped: [String: Int] = [:], bytes: Int = 0) {
        self.count = count
        self.skipped = skipped
        self.bytes = bytes
    }

    mutating func skip(extension name: String) { skipped[name.lowercased(), default: 0] += 1 }

    /// Counts a file to read, with its size.
    mutating func addFile(_ url: URL) {
        count += 1
        var info = stat()
        if stat(url.path, &info) == 0 { bytes += Int(info.st_size) }
    }

    /// One line for standard error when files were left out (`nil` when none): how many, by
    /// extension, and `hint`: how to read one anyway.
    public func skippedNote(verb: String, hint: String = "a file named on the command line is read whatever its extension") -> String? {
        let total = skipped.values.reduce(0, +)
        guard total > 0 else { return nil }
        let kinds = skipped.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key.isEmpty ? "no extension" : "." + $0.key) ×\($0.value)" }
        return "\(verb): \(total) file\(total == 1 ? "" : "s") in the directories and archives not read, by extension "
            + "(\(kinds.joined(separator: ", "))); \(hint)"
    }
}
