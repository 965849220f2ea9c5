import Foundation
import PasserelleModel
import PasserelleTestSupport
import Testing

/// The JSON form of the model conforms to `schemas/document.schema.json` (draft 2020-12),
/// checked with Python's `jsonschema` (installed by `make deps`).
@Suite struct DocumentJSONSchemaTests {
    static let schema = TestPaths.packageRoot.appendingPathComponent("schemas/document.schema.json")

    /// Prints one line per instance: `ok` or `invalid: <first error>`; exits 3 when jsonschema is missing.
    static let validator = """
        import json, sys
        try:
            from jsonschema import Draft202012Validator, FormatChecker
        except ImportError:
            sys.exit(3)
        schema = json.load(open(sys.argv[1]))
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        for path in sys.argv[2:]:
            errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.absolute_path))
            print("ok" if not errors else "invalid: %s at %s" % (errors[0].message, list(errors[0].absolute_path)))
        """

    /// Validates each JSON text; returns one verdict line per instance.
    static func validate(_ instances: [Data]) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("validate.py")
        try Data(validator.utf8).write(to: script)
        var paths: [String] = []
        for (index, instance) in instances.enumerated() {
            let url = directory.appendingPathComponent("instance-\(index).json")
            try instance.write(to: url)
            paths.append(url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, schema.path] + paths
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 3 {
            Issue.record("Python's jsonschema is missing: run `make deps` (or `pip install jsonschema` / `apt-get install python3-jsonschema`)")
            return []
        }
        try #require(process.terminationStatus == 0, "the validator failed (status \(process.terminationStatus))")
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func instances() throws -> [Data] {
        let full = SampleDocument.document
        var levelOne = ClinicalDocument(title: "PDF", body: .nonXML(SampleDocument.attachment))
        levelOne.creationTime = .absent(.unknown)
        return [
            try SampleDocument.encoder().encode(full),
            try SampleDocument.encoder(includePayloads: true).encode(full),
            try SampleDocument.encoder().encode(ClinicalDocument()),
            try SampleDocument.encoder(includePayloads: true).encode(levelOne),
            try SampleDocument.encoder().encode(ClinicalDocument(body: .text("Compte rendu"))),
        ]
    }

    @Test func encodedDocumentsConformToTheSchema() throws {
        let verdicts = try Self.validate(try Self.instances())
        #expect(verdicts == Array(repeating: "ok", count: 5))
    }

    /// The schema is not vacuous: each of these alterations must be refused.
    @Test func alteredDocumentsAreRefused() throws {
        let full = try SampleDocument.encoder().encode(SampleDocument.document)
        let object = try #require(try JSONSerialization.jsonObject(with: full) as? [String: Any])
        func altered(_ change: (inout [String: Any]) -> Void) throws -> Data {
            var copy = object
            change(&copy)
            return try JSONSerialization.data(withJSONObject: copy)
        }
        let instances = [
            try altered { $0["body"] = ["kind": "pdf"] },
            try altered { $0["unknownField"] = 1 },
            try altered { $0.removeValue(forKey: "authors") },
            try altered { $0["title"] = 42 },
            try altered { document in
                var provenance = document["provenance"] as? [String: Any] ?? [:]
                provenance["records"] = [1, 2, 3]
                document["provenance"] = provenance
            },
            try altered { document in
                var provenance = document["provenance"] as? [String: Any] ?? [:]
                provenance["receivedAt"] = 1_704_537_383
                document["provenance"] = provenance
            },
            try altered { document in
                var patient = document["patient"] as? [String: Any] ?? [:]
                patient["identifiers"] = [["root": "1.2.3", "kind": "INS"]]
                document["patient"] = patient
            },
        ]
        let verdicts = try Self.validate(instances)
        #expect(verdicts.count == instances.count)
        for (index, verdict) in verdicts.enumerated() {
            #expect(verdict.hasPrefix("invalid"), "alteration \(index) was accepted")
        }
    }
}
