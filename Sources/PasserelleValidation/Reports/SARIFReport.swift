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

    static func render(_ reports: [DocumentReport], toolVersion: String) throws -> Data {
        var ruleIndex: [String: Int] = [:]
        var rules: [Rule] = []
        var results: [Result] = []
        var artifacts: [Artifact] = []
        var artifactIndices: [String: Int] = [:]
        for report in reports {
            // One artifact per file, even when a flat file yields several document reports.
            let uri = relativeURI(report.source)
            let artifactIndex: Int
            if let known = artifactIndices[uri] {
                artifactIndex = known
            } else {
                artifactIndex = artifacts.count
                artifactIndices[uri] = artifactIndex
                let whole = report.records == nil
                artifacts.append(
                    Artifact(
                        location: ArtifactLocation(uri: uri, index: artifactIndex), length: whole ? report.size : nil,
                        hashes: whole ? ["sha-256": report.sha256] : nil))
            }
            for diagnostic in report.diagnostics {
                let id = diagnostic.code.rawValue
                let index: Int
                if let known = ruleIndex[id] {
                    index = known
                } else {
                    index = rules.count
                    ruleIndex[id] = index
                    rules.append(Rule(id: id, shortDescription: Text(text: id)))
                }
                let region = diagnostic.location.map { Region(startLine: max(1, $0.line), startColumn: max(1, $0.column)) }
                results.append(
                    Result(
                        ruleId: id, ruleIndex: index, level: level(diagnostic.severity), message: Text(text: diagnostic.message),
                        locations: [
                            Location(
                                physicalLocation: PhysicalLocation(
                                    artifactLocation: ArtifactLocation(uri: uri, index: artifactIndex),
                                    region: region ?? Region(startLine: 1, startColumn: 1)))
                        ]))
            }
        }
        let log = Log(runs: [Run(tool: Tool(driver: Driver(version: toolVersion, rules: rules)), results: results, artifacts: artifacts)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(log) + Data("\n".utf8)
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
