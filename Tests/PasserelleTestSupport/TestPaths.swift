public import Foundation

/// Locations of the project's fixtures and of the shared corpus for tests.
public enum TestPaths {
    /// The package root (the folder holding `Package.swift`).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `Fixtures/` in the package.
    public static var fixtures: URL { packageRoot.appendingPathComponent("Fixtures") }

    /// A fixture file by relative path (e.g. `cda/minimal.xml`).
    public static func fixture(_ relativePath: String) -> URL {
        fixtures.appendingPathComponent(relativePath)
    }

    /// The shared corpus: `$PASSERELLE_CORPUS` when set, else `../shared/corpus` beside the checkout.
    /// `nil` when it is not there (a user's fresh clone): corpus tests are then skipped.
    public static let corpus: URL? = {
        let candidate: URL
        if let override = ProcessInfo.processInfo.environment["PASSERELLE_CORPUS"], !override.isEmpty {
            candidate = URL(fileURLWithPath: override)
        } else {
            candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        return candidate
    }()

    /// Files with the given extension under a directory, sorted by path.
    public static func files(in directory: URL, withExtension ext: String = "xml") -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var result: [URL] = []
        for case let url as URL in enumerator where url.pathExtension == ext {
            result.append(url)
        }
        return result.sorted { $0.path < $1.path }
    }

    /// Corpus documents (`cda/fr` and `cda/intl`), or an empty list when the corpus is absent.
    public static func corpusDocuments(_ subfolder: String = "cda") -> [URL] {
        guard let corpus else { return [] }
        return files(in: corpus.appendingPathComponent(subfolder))
    }
}
