import Foundation
import PasserelleModel
import PasserelleTestSupport
import Testing

/// `passerelle validate` end to end: exit statuses, standard input, parallelism.
@Suite("passerelle validate (exit codes, stdin, jobs)")
struct ValidateCommandTests {
    @Test("exit 0 when every document passes")
    func passingDocuments() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("in/a.xml", SampleCDA.valid(id: "a"))
        try dir.write("in/sub/b.xml", SampleCDA.valid(id: "b"))
        try dir.write("in/ignored.txt", "not a document, not an .xml file")
        let result = try await CLI.run(["validate", "--rules", "none", "in"], in: dir.url)
        #expect(result.status == 0, "\(result.stdoutText)\(result.stderr)")
        #expect(result.stdoutText.hasSuffix("2 documents checked: 2 passed, 0 failed (0 errors, 0 warnings)\n"))
        // The file left out is said on standard error, with how to read it.
        #expect(result.stderr.contains("validate: 1 file in the directories and archives not read, by extension (.txt ×1)"), "\(result.stderr)")
        let widened = try await CLI.run(["validate", "--rules", "none", "--extension", "txt", "--extension", "xml", "in"], in: dir.url)
        #expect(widened.status == 1 && widened.stdoutText.contains("ignored.txt:1:1: error: [INPUT-FORMAT-UNKNOWN]"))
        #expect(!widened.stderr.contains("not read, by extension"))
    }

    @Test("a report that cannot be written is an I/O error (exit 2) naming the file and the system's reason")
    func unwritableReport() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.xml", SampleCDA.valid(id: "a"))
        let result = try await CLI.run(["validate", "--rules", "none", "--format", "json", "--output", "missing/report.json", "a.xml"], in: dir.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing/report.json: cannot write the report (No such file or directory)"), "\(result.stderr)")
    }

    @Test("exit 1 when a document fails, and the other documents are still reported")
    func failingDocument() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("good.xml", SampleCDA.valid())
        try dir.write("broken.xml", SampleCDA.truncated)
        let result = try await CLI.run(["validate", "--rules", "none", "good.xml", "broken.xml"], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("broken.xml:3:"))
        #expect(!result.stdoutText.contains("good.xml:"))
        #expect(result.stdoutText.hasSuffix("2 documents checked: 1 passed, 1 failed (1 error, 0 warnings)\n"))
    }

    @Test("exit 1 when CI-SIS rules find an error in a document without realmCode")
    func ruleFailure() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("doc.xml", SampleCDA.valid())
        #expect(try await CLI.run(["validate", "--rules", "none", "doc.xml"], in: dir.url).status == 0)
        let result = try await CLI.run(["validate", "--rules", "ci-sis", "doc.xml"], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("error: [RealmCode]"))
    }

    @Test(
        "exit 2 for usage and I/O errors",
        arguments: [
            ["validate", "--bogus", "doc.xml"],
            ["validate", "--format", "yaml", "doc.xml"],
            ["validate", "--jobs", "0", "doc.xml"],
            ["validate"],
            ["validate", "missing.xml"],
            ["validate", "doc.xml", "missing.xml"],
            ["validate", "--schema", "missing.xsd", "doc.xml"],
            ["validate", "--schema", "not-a-schema.xsd", "doc.xml"],
            ["validate", "--schema", "doc.xml", "doc.xml"],
            ["validate", "--output", "no/such/dir/report.json", "doc.xml"],
            ["validate", "empty-dir"],
            ["inspect", "missing.xml"],
            ["frobnicate"],
        ])
    func usageErrors(_ arguments: [String]) async throws {
        let dir = try TemporaryDirectory()
        try dir.write("doc.xml", SampleCDA.valid())
        try dir.write("not-a-schema.xsd", "this is { not XML")
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("empty-dir"), withIntermediateDirectories: true)
        let result = try await CLI.run(arguments, in: dir.url)
        #expect(result.status == 2, "stdout: \(result.stdoutText) stderr: \(result.stderr)")
        #expect(!result.stderr.isEmpty, "a usage or I/O error must be explained on standard error")
    }

    @Test("standard input is read with -")
    func standardInput() async throws {
        let good = try await CLI.run(["validate", "--rules", "none", "-"], stdin: Data(SampleCDA.valid().utf8))
        #expect(good.status == 0)
        #expect(good.stdoutText == "1 document checked: 1 passed, 0 failed (0 errors, 0 warnings)\n")
        let bad = try await CLI.run(["validate", "--rules", "none", "--format", "json", "-"], stdin: Data(SampleCDA.truncated.utf8))
        #expect(bad.status == 1)
        let summary = try JSONDecoder().decode(JSONSummary.self, from: bad.stdout)
        #expect(summary.reports.map(\.source) == ["-"])
        #expect(summary.reports.first?.diagnostics.first?.file == "-")
        #expect(summary.failed == 1)
    }

    @Test("--jobs 1 and --jobs 2 give identical reports, in input order")
    func jobsDoNotChangeReports() async throws {
        let dir = try TemporaryDirectory()
        var inputs: [String] = []
        if let corpus = TestPaths.corpus {
            inputs = [corpus.appendingPathComponent("cda").path]
        } else {
            for index in 0..<12 {
                try dir.write("docs/\(index).xml", index % 3 == 0 ? SampleCDA.truncated : SampleCDA.valid(id: "d\(index)"))
            }
            inputs = ["docs"]
        }
        var texts: [String] = []
        var summaries: [JSONSummary] = []
        for jobs in ["1", "2"] {
            let text = try await CLI.run(["validate", "--jobs", jobs] + inputs, in: dir.url)
            texts.append(text.stdoutText)
            let json = try await CLI.run(["validate", "--jobs", jobs, "--format", "json"] + inputs, in: dir.url)
            #expect(json.status == text.status)
            summaries.append(try JSONDecoder().decode(JSONSummary.self, from: json.stdout))
        }
        #expect(texts[0] == texts[1])
        #expect(summaries[0].reports == summaries[1].reports)
        #expect(summaries[0].reports.map(\.source) == summaries[0].reports.map(\.source).sorted())
        #expect(summaries[0].documents > 1)
    }

    @Test("CI-SIS schema on the French corpus: every document passes (exit 0)", CLI.corpusEnabled)
    func ciSISSchemaOnFrenchCorpus() async throws {
        let corpus = try #require(TestPaths.corpus)
        let schema = try #require(CLI.ciSISSchema)
        let result = try await CLI.run([
            "validate", "--schema", schema, "--rules", "none", "--jobs", "2", "--format", "json",
            corpus.appendingPathComponent("cda/fr").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONDecoder().decode(JSONSummary.self, from: result.stdout)
        #expect(summary.documents == 43)
        #expect(summary.passed == 43)
        #expect(summary.reports.allSatisfy { $0.schemaValidated })
    }

    @Test("HL7 normative schema on the French corpus: the 19 extended documents fail (exit 1)", CLI.corpusEnabled)
    func normativeSchemaOnFrenchCorpus() async throws {
        let corpus = try #require(TestPaths.corpus)
        let result = try await CLI.run([
            "validate", "--schema", corpus.appendingPathComponent("schemas/cda-r2/CDA.xsd").path, "--rules", "none",
            "--format", "json", corpus.appendingPathComponent("cda/fr").path,
        ])
        #expect(result.status == 1)
        let summary = try JSONDecoder().decode(JSONSummary.self, from: result.stdout)
        #expect(summary.documents == 43)
        #expect(summary.passed == 24)
        #expect(summary.failed == 19)
        let failedWithoutXSD = summary.reports.filter { report in
            !report.passed && !report.diagnostics.contains { $0.code.rawValue.hasPrefix("XSD") }
        }
        #expect(failedWithoutXSD.isEmpty)
    }
}

/// The JSON report of `passerelle validate`, decoded independently of the library types.
struct JSONSummary: Decodable {
    let tool: String
    let version: String
    let documents: Int
    let passed: Int
    let failed: Int
    let reports: [Report]

    /// One document's report, without its timing (which varies from run to run).
    struct Report: Decodable, Equatable {
        let source: String
        let format: String?
        let size: Int
        let sha256: String
        let rules: String
        let schemaValidated: Bool
        let passed: Bool
        let diagnostics: [Diagnostic]
    }
}
