import Foundation
import Testing

/// SARIF 2.1.0 output: the structure GitHub code scanning requires, checked by hand and,
/// when Python's `jsonschema` is installed, against a JSON schema of that subset.
@Suite("passerelle validate --format sarif")
struct SARIFReportTests {
    static func sarif() async throws -> (log: [String: Any], data: Data) {
        let (dir, names) = try ReportFormatTests.sampleInputs()
        let result = try await CLI.run(["validate", "--rules", "ci-sis", "--format", "sarif"] + names, in: dir.url)
        #expect(result.status == 1)
        let log = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        return (log, result.stdout)
    }

    @Test("required SARIF 2.1.0 structure, one result per diagnostic")
    func structure() async throws {
        let log = try await Self.sarif().log
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.contains("sarif") == true)
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "passerelle")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ruleIDs = rules.compactMap { $0["id"] as? String }
        #expect(ruleIDs.count == rules.count && Set(ruleIDs).count == ruleIDs.count, "rule ids are unique")
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count >= 4, "the broken, non-XML and two CI-SIS-failing documents all have results")
        var uris: Set<String> = []
        for result in results {
            let ruleID = try #require(result["ruleId"] as? String)
            #expect(!ruleID.isEmpty)
            if let index = result["ruleIndex"] as? Int {
                #expect(ruleIDs.indices.contains(index) && ruleIDs[index] == ruleID)
            }
            #expect(["error", "warning", "note"].contains(result["level"] as? String ?? ""))
            #expect(((result["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            let locations = try #require(result["locations"] as? [[String: Any]])
            let physical = try #require(locations.first?["physicalLocation"] as? [String: Any])
            let uri = try #require((physical["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(URL(string: uri) != nil, "uri must be a valid URI reference: \(uri)")
            #expect(!uri.hasPrefix("/"), "relative paths stay relative")
            uris.insert(uri)
            let startLine = try #require((physical["region"] as? [String: Any])?["startLine"] as? Int)
            #expect(startLine >= 1)
        }
        #expect(uris.contains("c%20good%20&%20%3Codd%3E%20name.xml") || uris.contains("c%20good%20%26%20%3Codd%3E%20name.xml"))
        #expect(uris.contains("b-broken.xml") && uris.contains("d-not-xml.xml"))
    }

    @Test("absolute paths under the working directory become relative URIs; others become file:// URIs")
    func absolutePaths() async throws {
        let (dir, names) = try ReportFormatTests.sampleInputs()
        let inside = dir.url.appendingPathComponent("b-broken.xml").path
        let outsideDir = try TemporaryDirectory()
        let outside = outsideDir.url.appendingPathComponent("e-copy.xml")
        try Data(contentsOf: URL(fileURLWithPath: inside)).write(to: outside)
        let result = try await CLI.run(["validate", "--rules", "none", "--format", "sarif", inside, outside.path], in: dir.url)
        #expect(result.status == 1)
        let log = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let uris = Set(((run["artifacts"] as? [[String: Any]]) ?? []).compactMap {
            ($0["location"] as? [String: Any])?["uri"] as? String
        })
        #expect(uris.contains("b-broken.xml"))
        #expect(uris.contains { $0.hasPrefix("file:///") && $0.hasSuffix("/e-copy.xml") })
        #expect(!names.isEmpty)
    }

    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["PASSERELLE_PYTHON"], "python3"].compactMap { $0 }
        return candidates.first { python in
            (try? ReferenceProcess.runBlocking(URL(fileURLWithPath: "/usr/bin/env"), [python, "-c", "import jsonschema"]).status) == 0
        }
    }()

    @Test("validates against a SARIF 2.1.0 subset schema", .enabled(if: python != nil, "Python jsonschema not installed"))
    func jsonSchema() async throws {
        let python = try #require(Self.python)
        let dir = try TemporaryDirectory()
        try await dir.write("report.sarif", try Self.sarif().data)
        try dir.write("schema.json", Self.subsetSchema)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[2]))
            jsonschema.Draft7Validator.check_schema(schema)
            errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(sys.argv[1]))))
            for error in errors: print(list(error.absolute_path), error.message)
            sys.exit(1 if errors else 0)
            """
        let run = try await ReferenceProcess.run(
            [python, "-c", script, dir.url.appendingPathComponent("report.sarif").path, dir.url.appendingPathComponent("schema.json").path])
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
        // The schema does reject what it should: a wrong level fails.
        let broken = await String(decoding: try Self.sarif().data, as: UTF8.self).replacingOccurrences(of: "\"error\"", with: "\"fatal\"")
        try dir.write("broken.sarif", broken)
        let rejected = try await ReferenceProcess.run(
            [python, "-c", script, dir.url.appendingPathComponent("broken.sarif").path, dir.url.appendingPathComponent("schema.json").path])
        #expect(rejected.status == 1)
    }

    /// The part of the SARIF 2.1.0 schema that GitHub code scanning relies on.
    static let subsetSchema = #"""
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "type": "object",
          "required": ["version", "runs"],
          "properties": {
            "$schema": {"type": "string"},
            "version": {"const": "2.1.0"},
            "runs": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/run"}}
          },
          "definitions": {
            "message": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}},
            "artifactLocation": {
              "type": "object", "required": ["uri"],
              "properties": {"uri": {"type": "string", "minLength": 1}, "index": {"type": "integer", "minimum": -1}}
            },
            "run": {
              "type": "object", "required": ["tool", "results"],
              "properties": {
                "tool": {
                  "type": "object", "required": ["driver"],
                  "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {
                      "name": {"type": "string", "minLength": 1}, "version": {"type": "string"},
                      "informationUri": {"type": "string"},
                      "rules": {"type": "array", "items": {
                        "type": "object", "required": ["id"],
                        "properties": {"id": {"type": "string"}, "shortDescription": {"$ref": "#/definitions/message"}}
                      }}
                    }
                  }}
                },
                "results": {"type": "array", "items": {"$ref": "#/definitions/result"}},
                "artifacts": {"type": "array", "items": {
                  "type": "object",
                  "properties": {
                    "location": {"$ref": "#/definitions/artifactLocation"},
                    "length": {"type": "integer", "minimum": -1},
                    "hashes": {"type": "object", "additionalProperties": {"type": "string"}}
                  }
                }}
              }
            },
            "result": {
              "type": "object", "required": ["ruleId", "level", "message", "locations"],
              "properties": {
                "ruleId": {"type": "string", "minLength": 1},
                "ruleIndex": {"type": "integer", "minimum": -1},
                "level": {"enum": ["none", "note", "warning", "error"]},
                "message": {"$ref": "#/definitions/message"},
                "locations": {"type": "array", "minItems": 1, "items": {
                  "type": "object", "required": ["physicalLocation"],
                  "properties": {"physicalLocation": {
                    "type": "object", "required": ["artifactLocation", "region"],
                    "properties": {
                      "artifactLocation": {"$ref": "#/definitions/artifactLocation"},
                      "region": {
                        "type": "object", "required": ["startLine"],
                        "properties": {"startLine": {"type": "integer", "minimum": 1}, "startColumn": {"type": "integer", "minimum": 1}}
                      }
                    }
                  }}
                }}
              }
            }
          }
        }
        """#
}
