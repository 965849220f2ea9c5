import Foundation
import PasserelleTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The four report formats of `passerelle validate`, read back by independent parsers.
@Suite("passerelle validate report formats")
struct ReportFormatTests {
    /// Two passing and two failing documents (one not well-formed, one failing a CI-SIS rule).
    static func sampleInputs() throws -> (TemporaryDirectory, [String]) {
        let dir = try TemporaryDirectory()
        let names = [
            try dir.write("a-good.xml", SampleCDA.valid(id: "a")),
            try dir.write("b-broken.xml", SampleCDA.truncated),
            try dir.write("c good & <odd> name.xml", SampleCDA.valid(id: "c")),
            try dir.write("d-not-xml.xml", "%PDF-1.4 this is not XML"),
        ]
        return (dir, names)
    }
    static let failing: Set<String> = ["b-broken.xml", "d-not-xml.xml"]

    static let diagnosticLine = #"^(.+):([0-9]+):([0-9]+): (error|warning|note): \[[A-Za-z0-9._-]+\] \S.*$"#
    static let summaryLine = #"^[0-9]+ documents? checked: [0-9]+ passed, [0-9]+ failed \([0-9]+ errors?, [0-9]+ warnings?\)$"#

    /// The capture groups of `pattern` in `line`, or `nil` when it does not match.
    static func matches(_ pattern: String, _ line: String) -> [String]? {
        let range = NSRange(line.startIndex..., in: line)
        guard let regex = try? NSRegularExpression(pattern: pattern), let match = regex.firstMatch(in: line, range: range) else {
            return nil
        }
        return (0..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: line).map { String(line[$0]) } ?? ""
        }
    }

    @Test("text: file:line:col: severity: [code] message, then a summary")
    func textFormat() async throws {
        let (dir, names) = try Self.sampleInputs()
        let result = try await CLI.run(["validate", "--rules", "none", "--format", "text"] + names, in: dir.url)
        #expect(result.status == 1)
        var lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trailing = lines.popLast()
        #expect(trailing == "", "the report ends with a newline")
        let last = lines.popLast()
        let summary = try #require(last)
        #expect(Self.matches(Self.summaryLine, summary) != nil, "summary: \(summary)")
        #expect(summary.hasPrefix("4 documents checked: 2 passed, 2 failed"))
        #expect(!lines.isEmpty)
        var files: Set<String> = []
        for line in lines {
            let groups = try #require(Self.matches(Self.diagnosticLine, line), "not a diagnostic line: \(line)")
            files.insert(groups[1])
            #expect((Int(groups[2]) ?? 0) >= 1 && (Int(groups[3]) ?? 0) >= 1, "\(line)")
        }
        #expect(files == Self.failing)
    }

    @Test("text lines on the whole corpus with the CI-SIS schema and rules", CLI.corpusEnabled)
    func textFormatOnCorpus() async throws {
        let corpus = try #require(TestPaths.corpus)
        let schema = try #require(CLI.ciSISSchema)
        let result = try await CLI.run(["validate", "--schema", schema, "--rules", "auto", corpus.appendingPathComponent("cda").path])
        #expect(result.status == 1)
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.count > 10)
        for line in lines.dropLast() {
            #expect(Self.matches(Self.diagnosticLine, line) != nil, "not a diagnostic line: \(line)")
        }
        #expect(lines.last.map { Self.matches(Self.summaryLine, $0) != nil } == true)
    }

    @Test("json: decodes, with consistent counts")
    func jsonFormat() async throws {
        let (dir, names) = try Self.sampleInputs()
        let result = try await CLI.run(["validate", "--rules", "none", "--format", "json"] + names, in: dir.url)
        #expect(result.status == 1)
        let summary = try JSONDecoder().decode(JSONSummary.self, from: result.stdout)
        #expect(summary.tool == "passerelle")
        #expect(!summary.version.isEmpty)
        #expect((summary.documents, summary.passed, summary.failed) == (4, 2, 2))
        #expect(summary.reports.map(\.source) == names)
        #expect(Set(summary.reports.filter { !$0.passed }.map(\.source)) == Self.failing)
        for report in summary.reports {
            #expect(report.passed == !report.diagnostics.contains { $0.severity == .error })
            #expect(report.sha256.count == 64)
            #expect(report.size == (try Data(contentsOf: dir.url.appendingPathComponent(report.source))).count)
        }
    }

    @Test("--output writes the report to a file and keeps standard output clean")
    func outputFile() async throws {
        let (dir, names) = try Self.sampleInputs()
        let result = try await CLI.run(["validate", "--rules", "none", "--format", "json", "--output", "report.json"] + names, in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let summary = try JSONDecoder().decode(
            JSONSummary.self, from: try Data(contentsOf: dir.url.appendingPathComponent("report.json")))
        #expect(summary.documents == 4)
    }

    @Test("junit: one testcase per document, a failure for each failed one")
    func junitFormat() async throws {
        let (dir, names) = try Self.sampleInputs()
        let result = try await CLI.run(["validate", "--rules", "none", "--format", "junit"] + names, in: dir.url)
        #expect(result.status == 1)
        let junit = JUnitCollector()
        let parser = XMLParser(data: result.stdout)
        parser.delegate = junit
        #expect(parser.parse(), "JUnit output must be well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(junit.testcases == names)
        #expect(Set(junit.failed) == Self.failing)
        #expect(junit.failed.count == Self.failing.count, "one failure element per failed document")
        #expect(junit.suiteCounts == [JUnitCollector.Counts(tests: 4, failures: 2)])
        #expect(junit.rootCounts == JUnitCollector.Counts(tests: 4, failures: 2))
    }
}

/// Collects the testcase names and failures of a JUnit report.
final class JUnitCollector: NSObject, XMLParserDelegate {
    struct Counts: Equatable {
        let tests: Int
        let failures: Int
    }

    var testcases: [String] = []
    var failed: [String] = []
    var suiteCounts: [Counts] = []
    var rootCounts: Counts?
    private var current: String?

    private static func counts(_ attributes: [String: String]) -> Counts? {
        guard let tests = attributes["tests"].flatMap(Int.init), let failures = attributes["failures"].flatMap(Int.init) else {
            return nil
        }
        return Counts(tests: tests, failures: failures)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch elementName {
        case "testsuites": rootCounts = Self.counts(attributes)
        case "testsuite": Self.counts(attributes).map { suiteCounts.append($0) }
        case "testcase":
            current = attributes["name"]
            testcases.append(attributes["name"] ?? "")
        case "failure": failed.append(current ?? "")
        default: break
        }
    }
}
