import Foundation
import PasserelleModel

/// SARIF 2.1.0, as GitHub code scanning accepts it: one run, the rules met, one result per
/// diagnostic with a physical location (relative URI, start line and column).
enum SARIFReport {
    struct Log: Encodable {
        let schema = "https://json.schemastore.org/sarif-2.1.0.json"
        let version = "2.1.0"
        let runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    struct Run: Encodable {
        let tool: Tool
        let results: [Result]
        let artifacts: [Artifact]
    }

    struct Tool: Encodable { let driver: Driver }

    struct Driver: Encodable {
        let name = "passerelle"
        let informationUri = "https://example.invalid/passerelle"
        let version: String
        let rules: [Rule]
    }

    struct Rule: Encodable {
        let id: String
        let shortDescription: Text
    }

    struct Text: Encodable { let text: String }

    struct Result: Encodable {
        let ruleId: String
        let ruleIndex: Int
        let level: String
        let message: Text
        let locations: [Location]
    }

    struct Location: Encodable { let physicalLocation: PhysicalLocation }

    struct PhysicalLocation: Encodable {
        let artifactLocation: ArtifactLocation
        let region: Region?
    }

    struct ArtifactLocation: Encodable {
        let uri: String
        let index: Int
    }

    struct Region: Encodable {
        let startLine: Int
        let startColumn: Int
    }

    struct Artifact: Encodable {
        let location: ArtifactLocation
        /// Size and hash of the whole file; absent when the reports cover parts of it (flat rows).
        let length: Int?
        let hashes: [String: String]?
    }

    /// The results of one report, one per diagnostic, each an element of `results` (indented by
    /// eight spaces) with its rule and artifact indexes as holes: the input's own numbering in
    /// `tables`, made run-wide when the log is written. The report's artifact (its file, named by
    /// the first report that names it) is numbered even when it has no diagnostic.
    static func results(of report: DocumentReport, tables: inout SARIFTables) throws -> [ReportFragment] {
        let uri = tables.uri(of: report.source)
        let artifact = tables.artifact(uri) {
            // One artifact per file, even when a flat file yields several document reports.
            let whole = report.records == nil
            return Artifact(location: ArtifactLocation(uri: uri, index: 0), length: whole ? report.size : nil,
                hashes: whole ? ["sha-256": report.sha256] : nil)
        }
        guard !report.diagnostics.isEmpty else { return [] }
        let encoder = JSONReport.encoder()
        return try report.diagnostics.map { diagnostic in
            let id = diagnostic.code.rawValue
            let rule = tables.rule(id)
            let region = diagnostic.location.map { Region(startLine: max(1, $0.line), startColumn: max(1, $0.column)) }
            let result = Result(
                ruleId: id, ruleIndex: 0, level: level(diagnostic.severity), message: Text(text: diagnostic.message),
                locations: [
                    Location(
                        physicalLocation: PhysicalLocation(
                            artifactLocation: ArtifactLocation(uri: uri, index: 0), region: region ?? Region(startLine: 1, startColumn: 1)))
                ])
            let encoded = Array(try encoder.encode(result))
            // Both indexes were written 0; keys are found with their quotes (a quote inside a
            // string is escaped, so a message cannot imitate them).
            var holes: [(at: Int, hole: ReportHole)] = []
            for (key, hole) in [("\"index\" : ", ReportHole.artifactIndex(artifact)), ("\"ruleIndex\" : ", .ruleIndex(rule))] {
                guard let start = JSONText.find(Array(key.utf8), in: encoded) else { throw ReportRenderingError.holeNotFound(key) }
                holes.append((start + key.utf8.count, hole))
            }
            holes.sort { $0.at < $1.at }
            var pieces: [[UInt8]] = []
            var from = 0
            for (index, (at, _)) in holes.enumerated() {
                pieces.append(JSONText.indented(encoded[from..<at], by: 8, first: index == 0))
                from = encoded[at...].firstIndex { !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? encoded.endIndex
            }
            pieces.append(JSONText.indented(encoded[from...], by: 8, first: false))
            return ReportFragment(pieces: pieces, holes: holes.map(\.hole))
        }
    }

    /// The log around its results: the artifacts and rules of the whole run.
    static func envelope(_ run: SARIFTables, toolVersion: String) throws -> (head: [UInt8], end: [UInt8]) {
        let artifacts = run.artifacts.enumerated().map { index, artifact in
            Artifact(location: ArtifactLocation(uri: artifact.location.uri, index: index), length: artifact.length, hashes: artifact.hashes)
        }
        let rules = run.rules.map { Rule(id: $0, shortDescription: Text(text: $0)) }
        let log = Log(runs: [Run(tool: Tool(driver: Driver(version: toolVersion, rules: rules)), results: [], artifacts: artifacts)])
        let encoded = Array(try JSONReport.encoder().encode(log)) + Array("\n".utf8)
        let marker = Array("\"results\" : [\n".utf8)
        guard let start = JSONText.find(marker, in: encoded) else { throw ReportRenderingError.holeNotFound("results") }
        let split = start + marker.count
        return (Array(encoded[..<split]), Array(encoded[split...]))
    }

    private static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// The artifact URI of a source path, percent-encoded: relative to `base` (the working
    /// directory, which is the repository root in CI) when the path lies under it, as GitHub
    /// code scanning expects; an absolute `file://` URI for an absolute path elsewhere.
    static func relativeURI(_ path: String, base: String = FileManager.default.currentDirectoryPath) -> String {
        let allowed = CharacterSet.urlPathAllowed
        var trimmed = path
        if trimmed.hasPrefix("/") {
            let prefix = base.hasSuffix("/") ? base : base + "/"
            guard trimmed.hasPrefix(prefix), trimmed.count > prefix.count else {
                return "file://" + (trimmed.addingPercentEncoding(withAllowedCharacters: allowed) ?? trimmed)
            }
            trimmed.removeFirst(prefix.count)
        }
        while trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        return trimmed.addingPercentEncoding(withAllowedCharacters: allowed) ?? trimmed
    }
}

/// The rules and artifacts of SARIF results, numbered in order of appearance: an input's own, or
/// the whole run's.
struct SARIFTables: Sendable {
    private(set) var rules: [String] = []
    private var ruleIndexes: [String: Int] = [:]
    private(set) var artifacts: [SARIFReport.Artifact] = []
    private var artifactIndexes: [String: Int] = [:]
    /// The last source's URI: the rows of an export share one source, whose URI (relative to
    /// the working directory, percent-encoded) is worth making once.
    private var lastURI: (source: String, uri: String)?

    /// The artifact URI of `source` (``SARIFReport/relativeURI(_:base:)``).
    mutating func uri(of source: String) -> String {
        if let lastURI, lastURI.source == source { return lastURI.uri }
        let uri = SARIFReport.relativeURI(source)
        lastURI = (source, uri)
        return uri
    }

    /// The number of rule `id`, numbered now when it is new.
    mutating func rule(_ id: String) -> Int {
        if let known = ruleIndexes[id] { return known }
        ruleIndexes[id] = rules.count
        rules.append(id)
        return rules.count - 1
    }

    /// The number of the artifact at `uri`, made by `make` when it is new.
    mutating func artifact(_ uri: String, make: () -> SARIFReport.Artifact) -> Int {
        if let known = artifactIndexes[uri] { return known }
        artifactIndexes[uri] = artifacts.count
        artifacts.append(make())
        return artifacts.count - 1
    }

    /// Numbers `part`'s rules and artifacts here (the run's tables, after the parts before it);
    /// returns what each of `part`'s numbers becomes.
    mutating func absorb(_ part: SARIFTables) -> SARIFNumbering {
        SARIFNumbering(
            rules: part.rules.map { rule($0) },
            artifacts: part.artifacts.map { artifact in self.artifact(artifact.location.uri) { artifact } })
    }
}

/// The run-wide numbers of an input's rules and artifacts, by the input's own numbers.
struct SARIFNumbering: Sendable {
    var rules: [Int] = []
    var artifacts: [Int] = []
}
