import Foundation
import PasserelleModel
import PasserelleTestSupport
import PasserelleXML
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helpers shared by the XML suites.
enum XMLTestSupport {
    /// Every hostile input must be settled well within this bound.
    static let timeBound: Duration = .seconds(5)

    /// The bytes of `Fixtures/attacks/<name>`.
    static func attack(_ name: String) throws -> Data {
        try Data(contentsOf: TestPaths.fixture("attacks/\(name)"))
    }

    /// Parses `bytes` and measures how long it took.
    static func timedParse(
        _ bytes: Data, limits: XMLParserLimits = .default, sourceName: String = "input.xml"
    ) -> (result: XMLParseResult, elapsed: Duration) {
        let clock = ContinuousClock()
        var result: XMLParseResult?
        let elapsed = clock.measure {
            result = SafeXMLParser(limits: limits).parse(bytes, sourceName: sourceName)
        }
        // `measure` runs its closure exactly once.
        return (result!, elapsed)
    }

    /// The first error of a parse (the reason it was rejected).
    static func firstError(_ result: XMLParseResult) -> Diagnostic? {
        result.diagnostics.first { $0.severity == .error }
    }

    /// Everything a caller could see of a parse: diagnostics and, when parsed, every text node and attribute.
    static func visibleText(_ result: XMLParseResult) -> String {
        var text = result.diagnostics.map { "\($0.description) \($0.path ?? "")" }.joined(separator: "\n")
        if let root = result.tree?.root { text += "\n" + dump(root) }
        return text
    }

    private static func dump(_ element: XMLTree.Element) -> String {
        var text = element.localName
        element.forEachContent(text: { text += $0 }, element: { text += dump($0) })
        return text
    }

    /// The process's peak resident set size, in bytes (Linux reports kilobytes).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        #if canImport(Darwin)
            return Int(usage.ru_maxrss)
        #else
            return Int(usage.ru_maxrss) * 1024
        #endif
    }
}

/// A directory under the system temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-xml-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` (UTF-8) to `name` in the directory and returns its URL.
    @discardableResult
    func write(_ text: String, to name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file
    }
}
