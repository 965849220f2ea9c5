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
        let length: Int
        let hashes: [String: String]
    }

    static func render(_ reports: [DocumentReport], toolVersion: String) throws -> Data {
        var ruleIndex: [String: Int] = [:]
        var rules: [Rule] = []
        var results: [Result] = []
        var artifacts: [Artifact] = []
        for (artifactIndex, report) in reports.enumerated() {
            let uri = relativeURI(report.source)
            artifacts.append(
                Artifact(location: ArtifactLocation(uri: uri, index: artifactIndex), length: report.size, hashes: ["sha-256": report.sha256]))
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

    /// A relative URI with percent-encoded characters, as SARIF consumers expect.
    static func relativeURI(_ path: String) -> String {
        var trimmed = path
        while trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        let allowed = CharacterSet.urlPathAllowed
        return trimmed.addingPercentEncoding(withAllowedCharacters: allowed) ?? trimmed
    }
}
