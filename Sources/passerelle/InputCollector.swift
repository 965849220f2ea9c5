import Foundation
import PasserellePipeline

/// One input to process: a file, or standard input.
struct InputItem: Sendable {
    /// Name used in reports: the path as found, or `-` for standard input.
    let name: String
    /// The file (for standard input once spooled, its spool), or `nil` for standard input.
    let url: URL?
    /// Standard input once read, when it was small enough to keep in memory.
    var bytes: Data?

    init(name: String, url: URL?, bytes: Data? = nil) {
        self.name = name
        self.url = url
        self.bytes = bytes
    }

    /// Standard input in memory up to 1 MiB, beyond it spooled to a file with no name: a flat
    /// export piped in is then streamed from the spool as from a file, in bounded memory.
    static let standardInputMemoryLimit = 1 << 20

    /// This item with standard input read (kept in memory, or spooled); any other item as it is.
    func readingStandardInput() throws -> InputItem {
        guard url == nil, bytes == nil else { return self }
        switch try StandardInput.read(memoryLimit: Self.standardInputMemoryLimit) {
        case .bytes(let bytes): return InputItem(name: name, url: nil, bytes: bytes)
        case .spooled(let url, _, _): return InputItem(name: name, url: url)
        }
    }

    /// Reads the bytes (standard input once read: ``readingStandardInput()``).
    func read() throws -> Data {
        if let bytes { return bytes }
        guard let url else { return try readingStandardInput().read() }
        return try Data(contentsOf: url, options: .mappedIfSafe)
    }
}

/// Expands command-line paths: files as given, directories recursively (files with one of
/// `extensions`, sorted), `-` for standard input. Missing paths are reported, not skipped
/// silently, and so are the files a directory holds with other extensions (`skipped`).
struct InputCollector {
    let extensions: Set<String>

    func collect(_ paths: [String]) -> (items: [InputItem], problems: [String], skipped: InputSurvey) {
        var items: [InputItem] = []
        var problems: [String] = []
        var skipped = InputSurvey()
        let fileManager = FileManager.default
        for path in paths {
            if path == "-" {
                items.append(InputItem(name: "-", url: nil))
                continue
            }
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append("\(path): no such file or directory")
                continue
            }
            guard isDirectory.boolValue else {
                items.append(InputItem(name: path, url: URL(fileURLWithPath: path)))
                continue
            }
            let root = URL(fileURLWithPath: path, isDirectory: true)
            guard let enumerator = fileManager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
                problems.append("\(path): cannot read the directory")
                continue
            }
            var found: [InputItem] = []
            for case let url as URL in enumerator {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let ext = url.pathExtension.lowercased()
                guard extensions.contains(ext) else {
                    // Dot files (.DS_Store, .gitkeep) are file-system furniture, not inputs left out.
                    if !url.lastPathComponent.hasPrefix(".") { skipped.skipped[ext, default: 0] += 1 }
                    continue
                }
                let relative = String(url.path.dropFirst(root.path.count)).drop { $0 == "/" }
                let name = path.hasSuffix("/") ? path + relative : path + "/" + relative
                found.append(InputItem(name: name, url: url))
            }
            items += found.sorted { $0.name < $1.name }
        }
        skipped.count = items.count
        return (items, problems, skipped)
    }
}
