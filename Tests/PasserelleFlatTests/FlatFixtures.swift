import Foundation
@testable import PasserelleFlat
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

    /// Feeds `bytes` to a parser in reads ending at each offset of `cuts` (then the rest), as a file
    /// arrives in pieces. `plain` sets a preview limit, which turns batching off: every row goes
    /// through `RowMapper.map` and `DocumentBuilder.build` one at a time.
    static func feed(
        _ bytes: [UInt8], profile: ExportProfile, cuts: [Int], jobs: Int = 1, plain: Bool = false,
        sourceName: String = "fed.csv"
    ) throws -> FlatReadResult {
        var result = FlatReadResult(sourceName: sourceName)
        result.summary = try stream(bytes, profile: profile, cuts: cuts, jobs: jobs, plain: plain, sourceName: sourceName) {
            result.append($0)
        }.summary
        return result
    }

    /// Feeds `bytes` like `feed`, handing every output to `emit` in emission order; returns the
    /// finished parser.
    @discardableResult
    static func stream(
        _ bytes: [UInt8], profile: ExportProfile, cuts: [Int], jobs: Int = 1, plain: Bool = false,
        sourceName: String = "fed.csv", _ emit: (FlatOutput) throws -> Void
    ) throws -> FlatExportParser {
        var parser = FlatExportParser(profile: profile, sourceName: sourceName, receivedAt: Date(timeIntervalSince1970: 0))
        parser.jobs = jobs
        if plain { parser.previewLimit = Int.max }
        var offset = 0
        for cut in cuts + [bytes.count] where cut > offset {
            try bytes[offset..<cut].withUnsafeBytes { try parser.consume($0, emit) }
            offset = cut
        }
        try parser.finish(emit)
        return parser
    }

    /// Offsets cutting `count` bytes into reads of `chunk` bytes.
    static func cuts(every chunk: Int, count: Int) -> [Int] { Array(stride(from: chunk, to: count, by: chunk)) }
}

extension FlatReadResult {
    /// Codes of every diagnostic, sorted, for compact expectations.
    var codes: [String] { allDiagnostics.map(\.code.rawValue).sorted() }
}
