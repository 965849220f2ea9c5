import Foundation
import PasserelleFlat
import PasserelleModel

/// Locates the repository's `Fixtures/` (through symlinked test folders too) and loads them.
enum FlatFixtures {
    /// The package root: `$PASSERELLE_ROOT`, else three levels above this file with symlinks resolved.
    static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["PASSERELLE_ROOT"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { url.deleteLastPathComponent() }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Fixtures").path) { return url }
        return URL(fileURLWithPath: "/work/main")
    }()

    static func url(_ relative: String) -> URL { root.appendingPathComponent("Fixtures").appendingPathComponent(relative) }

    static func bytes(_ relative: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(relative))) }

    static func profile(_ name: String) throws -> ExportProfile {
        try ProfileLoader.load(contentsOf: url("profiles/\(name)"))
    }

    /// Reads an export fixture through a profile.
    static func read(_ relative: String, profile: ExportProfile, chunkSize: Int = 1 << 20) throws -> FlatReadResult {
        try FlatExportReader(profile: profile, chunkSize: chunkSize).read(bytes: bytes(relative), sourceName: relative)
    }
}

extension FlatReadResult {
    /// Codes of every diagnostic, sorted, for compact expectations.
    var codes: [String] { allDiagnostics.map(\.code.rawValue).sorted() }
}
