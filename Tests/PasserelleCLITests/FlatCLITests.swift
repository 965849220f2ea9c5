import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import PasserelleTestSupport
import Testing

/// `passerelle validate` / `inspect` on flat files: HPRIM recognised by content, CSV exports
/// through `--profile`, one report per document, every report format.
@Suite("passerelle validate / inspect on flat files")
struct FlatCLITests {
    static let profile = TestPaths.fixture("profiles/lgc-semicolon-cp1252.json").path

    /// A scratch directory holding fixtures under neutral names (detection must not use them).
    static func scratch(_ files: [String: String]) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        for (name, fixture) in files {
            try dir.write(name, try Data(contentsOf: TestPaths.fixture(fixture)))
        }
        return dir
    }

    static func json(_ data: Data) throws -> Any { try JSONSerialization.jsonObject(with: data) }

    /// The `name` attribute of every JUnit test case.
    static func testCaseNames(_ xml: String) -> [String] {
        var names: [String] = []
        for chunk in xml.components(separatedBy: "<testcase ").dropFirst() {
            guard let range = chunk.range(of: " name=\"") else { continue }
            let rest = chunk[range.upperBound...]
            names.append(String(rest.prefix { $0 != "\"" }))
        }
        return names
    }

    @Test("HPRIM Santé is recognised by content: one report per patient, named by its records")
    func hprimSanteValidate() async throws {
        let dir = try Self.scratch(["incoming/results.dat": "hprim/sante-two-patients.hpr"])
        let result = try await CLI.run(["validate", "incoming/results.dat"], in: dir.url)
        #expect(result.status == 0, "\(result.stdoutText)\(result.stderr)")
        #expect(result.stdoutText.contains("incoming/results.dat:15:1: warning: [HPRIM-RANGE]"))
        #expect(result.stdoutText.hasSuffix("2 documents checked: 2 passed, 0 failed (0 errors, 1 warning)\n"))

        let junit = try await CLI.run(["validate", "--format", "junit", "incoming/results.dat"], in: dir.url)
        #expect(junit.status == 0)
        let names = Self.testCaseNames(junit.stdoutText)
        #expect(names.count == 2)
        #expect(names.allSatisfy { $0.hasPrefix("incoming/results.dat records ") })
        #expect(Set(names).count == 2)
    }

    @Test("HPRIM Net is recognised by content, whatever the extension")
    func hprimNetValidate() async throws {
        let dir = try Self.scratch(["report.txt": "hprim/net-report.hpr"])
        let result = try await CLI.run(["validate", "--format", "json", "report.txt"], in: dir.url)
        #expect(result.status == 0, "\(result.stdoutText)\(result.stderr)")
        let summary = try #require(try Self.json(result.stdout) as? [String: Any])
        let reports = try #require(summary["reports"] as? [[String: Any]])
        #expect(reports.count == 1)
        #expect(reports.first?["format"] as? String == "hprim-net")
        #expect(reports.first?["passed"] as? Bool == true)
    }

    @Test("inspect prints an array of documents for HPRIM Santé and one object for HPRIM Net")
    func inspectHPRIM() async throws {
        let dir = try Self.scratch(["a.bin": "hprim/sante-two-patients.hpr", "b.bin": "hprim/net-report.hpr"])
        let sante = try await CLI.run(["inspect", "a.bin"], in: dir.url)
        #expect(sante.status == 0, "\(sante.stderr)")
        let documents = try #require(try Self.json(sante.stdout) as? [[String: Any]])
        #expect(documents.count == 2)
        for document in documents {
            let provenance = try #require(document["provenance"] as? [String: Any])
            #expect(provenance["format"] as? String == "hprim-sante")
            let body = try #require(document["body"] as? [String: Any])
            #expect(!((body["results"] as? [Any]) ?? []).isEmpty)
        }
        let net = try await CLI.run(["inspect", "b.bin"], in: dir.url)
        #expect(net.status == 0, "\(net.stderr)")
        let document = try #require(try Self.json(net.stdout) as? [String: Any])
        #expect((document["provenance"] as? [String: Any])?["format"] as? String == "hprim-net")
    }

    @Test("a CSV export without --profile fails with INPUT-FORMAT-UNKNOWN naming the file; other files are still checked")
    func csvWithoutProfile() async throws {
        let dir = try Self.scratch(["export.csv": "lgc/lgc-cp1252-crlf.csv", "lab.hpr": "hprim/sante-two-patients.hpr"])
        let result = try await CLI.run(["validate", "export.csv", "lab.hpr"], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("export.csv:1:1: error: [INPUT-FORMAT-UNKNOWN]"))
        #expect(result.stdoutText.contains("--profile"))
        #expect(result.stdoutText.hasSuffix("3 documents checked: 2 passed, 1 failed (1 error, 1 warning)\n"))
        let inspect = try await CLI.run(["inspect", "export.csv"], in: dir.url)
        #expect(inspect.status == 1)
        #expect(inspect.stderr.contains("export.csv:1:1: error: [INPUT-FORMAT-UNKNOWN]"))
    }

    /// `text` in UTF-16LE with its byte-order mark.
    static func utf16(_ text: String) -> Data {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return Data(bytes)
    }

    @Test("a UTF-16 export is refused whole with FLAT-ENCODING at 1:1, not read as XML; UTF-16 XML is still CDA")
    func utf16Inputs() async throws {
        let dir = try TemporaryDirectory()
        let csv = try Data(contentsOf: TestPaths.fixture("lgc/lgc-cp1252-crlf.csv"))
        let text = try #require(String(data: csv, encoding: .windowsCP1252))
        try dir.write("export.csv", Self.utf16(text))
        let result = try await CLI.run(["validate", "--profile", Self.profile, "export.csv"], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("export.csv:1:1: error: [FLAT-ENCODING] the file starts with a UTF-16 byte-order mark"))
        #expect(!result.stdoutText.contains("XML-"))
        let unprofiled = try await CLI.run(["validate", "export.csv"], in: dir.url)
        #expect(unprofiled.stdoutText.contains("[INPUT-FORMAT-UNKNOWN]") && unprofiled.stdoutText.contains("this file is UTF-16"))
        // UTF-16 XML keeps going to the CDA reader, spaces before the root included.
        try dir.write("doc.xml", Self.utf16("  \n<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<notCDA/>"))
        let xml = try await CLI.run(["validate", "--profile", Self.profile, "doc.xml"], in: dir.url)
        #expect(xml.stdoutText.contains("doc.xml") && !xml.stdoutText.contains("FLAT-"), "\(xml.stdoutText)")
    }

    @Test("with --profile, bad rows are reported with row:column and line, and the good rows still pass")
    func csvWithProfile() async throws {
        let dir = try Self.scratch(["export.csv": "lgc/lgc-cp1252-crlf.csv"])
        let result = try await CLI.run(["validate", "--profile", Self.profile, "export.csv"], in: dir.url)
        #expect(result.status == 1)
        let text = result.stdoutText
        #expect(text.contains("export.csv:5:43: error: [FLAT-DATE] DATE_CONSULTATION is not a valid date in format dd/MM/yyyy (row 4)"))
        #expect(text.contains("export.csv:6:52: error: [FLAT-COLUMN-COUNT]"))
        #expect(text.contains("export.csv:7:42: error: [FLAT-VALUE]"))
        #expect(text.hasSuffix("5 documents checked: 2 passed, 3 failed (3 errors, 0 warnings)\n"))
        // Messages name columns, never values (no identity traits in CI logs).
        #expect(!text.contains("ESSAI") && !text.contains("31/02/2024"))

        let json = try await CLI.run(["validate", "--profile", Self.profile, "--format", "json", "export.csv"], in: dir.url)
        let summary = try #require(try Self.json(json.stdout) as? [String: Any])
        let reports = try #require(summary["reports"] as? [[String: Any]])
        #expect(reports.map { $0["records"] as? [Int] ?? [] } == [[2, 2], [3, 3], [4, 4], [5, 5], [6, 6]])
        #expect(reports.map { $0["passed"] as? Bool ?? false } == [true, true, false, false, false])
        #expect(reports[1]["lines"] as? [Int] == [3, 4])
        #expect(Set(reports.compactMap { $0["sha256"] as? String }).count == 5)
        let diagnostics = try #require(reports[2]["diagnostics"] as? [[String: Any]])
        let location = try #require(diagnostics.first?["location"] as? [String: Any])
        #expect(location["record"] as? Int == 4 && location["line"] as? Int == 5 && location["column"] as? Int == 43)
    }

    @Test("an export whose rows all map passes with exit 0; directories include .csv only with --profile")
    func cleanExportAndDirectories() async throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            "in/clean.csv",
            "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
                + "ALPHA;ALPHA;Anne;01/02/1970;F;;P1;03/04/2024;Suivi;RAS\r\n"
                + "BETA;BETA;Paul Louis;05/06/1980;1;;P2;07/08/2024;Bilan;\"Deux\r\nlignes\"\r\n")
        let result = try await CLI.run(["validate", "--profile", Self.profile, "in"], in: dir.url)
        #expect(result.status == 0, "\(result.stdoutText)\(result.stderr)")
        #expect(result.stdoutText.hasSuffix("2 documents checked: 2 passed, 0 failed (0 errors, 0 warnings)\n"))
        let withoutProfile = try await CLI.run(["validate", "in"], in: dir.url)
        #expect(withoutProfile.status == 2)
        #expect(withoutProfile.stderr.contains("no documents found"))

        let inspect = try await CLI.run(["inspect", "--profile", Self.profile, "in/clean.csv"], in: dir.url)
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let documents = try #require(try Self.json(inspect.stdout) as? [[String: Any]])
        #expect(documents.count == 2)
        #expect((documents[1]["body"] as? [String: Any])?["text"] as? String == "Deux\r\nlignes")
    }

    @Test("SARIF and JUnit reports for a flat file: one artifact, one test case per row")
    func sarifAndJUnit() async throws {
        let dir = try Self.scratch(["export.csv": "lgc/lgc-cp1252-crlf.csv"])
        let sarif = try await CLI.run(["validate", "--profile", Self.profile, "--format", "sarif", "export.csv"], in: dir.url)
        #expect(sarif.status == 1)
        let log = try #require(try Self.json(sarif.stdout) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let artifacts = try #require(run["artifacts"] as? [[String: Any]])
        #expect(artifacts.count == 1)
        #expect((artifacts[0]["location"] as? [String: Any])?["uri"] as? String == "export.csv")
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 3)
        let regions = results.compactMap {
            ((($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
        }
        #expect(regions.map { [$0["startLine"] as? Int ?? 0, $0["startColumn"] as? Int ?? 0] } == [[5, 43], [6, 52], [7, 42]])
        #expect(results.map { $0["ruleId"] as? String ?? "" } == ["FLAT-DATE", "FLAT-COLUMN-COUNT", "FLAT-VALUE"])
        // Written to a file, the same log; the summary on stderr counts every row, those that
        // passed silently (whose reports SARIF does not need) included.
        let written = try await CLI.run(["validate", "--profile", Self.profile, "--format", "sarif", "--output", "r.sarif", "export.csv"], in: dir.url)
        #expect(written.status == 1)
        #expect(try Data(contentsOf: dir.url.appendingPathComponent("r.sarif")) == sarif.stdout)
        #expect(written.stderr.contains("5 documents checked: 2 passed, 3 failed"), "\(written.stderr)")

        let junit = try await CLI.run(["validate", "--profile", Self.profile, "--format", "junit", "export.csv"], in: dir.url)
        #expect(junit.status == 1)
        let xml = junit.stdoutText
        #expect(xml.contains("tests=\"5\" failures=\"3\""))
        #expect(xml.contains("name=\"export.csv row 2\""))
        #expect(xml.contains("name=\"export.csv row 3 (lines 3-4)\""))
        #expect(xml.contains("<failure type=\"FLAT-DATE\""))
    }

    @Test("JSON and JUnit reports of a 3,000-row export, beyond what validate keeps in memory: every row in order, as when read whole")
    func largeExportReports() async throws {
        let dir = try TemporaryDirectory()
        var export = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
        for row in 0..<3000 {
            let consultation = row % 500 == 7 ? "31/02/2024" : "03/04/2024"
            export += "ESSAI;ESSAI;Anne;01/02/1970;F;;P\(row);\(consultation);Suivi;\"Observation \(row)\r\nsur deux lignes\"\r\n"
        }
        try dir.write("export.csv", export)
        let failing = (0..<3000).filter { $0 % 500 == 7 }.map { $0 + 2 }
        // The JSON report of 3,000 rows (about 2 MB) goes beyond the 1 MiB kept in memory per input.
        let json = try await CLI.run(["validate", "--profile", Self.profile, "--format", "json", "--output", "r.json", "export.csv"], in: dir.url)
        #expect(json.status == 1, "\(json.stderr)")
        #expect(json.stderr.contains("3000 documents checked: 2994 passed, 6 failed"), "\(json.stderr)")
        let written = try Data(contentsOf: dir.url.appendingPathComponent("r.json"))
        #expect(written.count > 1 << 20)
        let summary = try JSONDecoder().decode(JSONSummary.self, from: written)
        #expect((summary.documents, summary.passed, summary.failed) == (3000, 2994, 6))
        let reports = try #require(try Self.json(written) as? [String: Any])["reports"] as? [[String: Any]]
        #expect(reports?.map { ($0["records"] as? [Int])?.first ?? 0 } == Array(2...3001))
        #expect(reports?.filter { $0["passed"] as? Bool == false }.map { ($0["records"] as? [Int])?.first ?? 0 } == failing)
        // Standard input is read whole, not streamed: the same reports (source and times aside).
        let whole = try await CLI.run(["validate", "--profile", Self.profile, "--format", "json", "-"], in: dir.url, stdin: Data(export.utf8))
        let wholeSummary = try JSONDecoder().decode(JSONSummary.self, from: whole.stdout)
        #expect(wholeSummary.reports.map(\.sha256) == summary.reports.map(\.sha256))
        let unnamed = { (reports: [JSONSummary.Report]) in
            reports.map { $0.diagnostics.map { "\($0.code) \($0.location.map { "\($0.line):\($0.column)" } ?? "") \($0.message)" } }
        }
        #expect(unnamed(wholeSummary.reports) == unnamed(summary.reports))

        let junit = try await CLI.run(["validate", "--profile", Self.profile, "--format", "junit", "export.csv"], in: dir.url)
        #expect(junit.status == 1)
        let collector = JUnitCollector()
        let parser = XMLParser(data: junit.stdout)
        parser.delegate = collector
        #expect(parser.parse(), "JUnit output must be well-formed XML")
        #expect(collector.testcases.count == 3000)
        #expect(collector.testcases.first == "export.csv row 2 (lines 2-3)" && collector.testcases.last == "export.csv row 3001 (lines 6000-6001)")
        #expect(collector.failed == failing.map { "export.csv row \($0) (lines \(2 * $0 - 2)-\(2 * $0 - 1))" })
        #expect(collector.rootCounts == JUnitCollector.Counts(tests: 3000, failures: 6))
    }

    @Test("an export above 1 MiB on standard input is spooled and streamed: validate and inspect report every row, as for its file")
    func largeExportOnStandardInput() async throws {
        let dir = try TemporaryDirectory()
        var export = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
        let padding = String(repeating: "suivi sans particularite ", count: 8)
        for row in 0..<6000 {
            let consultation = row == 4321 ? "31/02/2024" : "03/04/2024"
            export += "ESSAI;ESSAI;Anne;01/02/1970;F;;P\(row);\(consultation);Suivi;Observation \(row) \(padding)\r\n"
        }
        #expect(export.utf8.count > 1 << 20)
        try dir.write("export.csv", export)
        let fromFile = try await CLI.run(["validate", "--profile", Self.profile, "--format", "json", "export.csv"], in: dir.url)
        let piped = try await CLI.run(["validate", "--profile", Self.profile, "--format", "json", "-"], in: dir.url, stdin: Data(export.utf8))
        #expect(piped.status == 1, "\(piped.stderr)")
        let fileSummary = try JSONDecoder().decode(JSONSummary.self, from: fromFile.stdout)
        let pipedSummary = try JSONDecoder().decode(JSONSummary.self, from: piped.stdout)
        #expect((pipedSummary.documents, pipedSummary.failed) == (6000, 1))
        #expect(pipedSummary.reports.allSatisfy { $0.source == "-" })
        #expect(pipedSummary.reports.map(\.sha256) == fileSummary.reports.map(\.sha256))
        #expect(pipedSummary.reports.map(\.passed) == fileSummary.reports.map(\.passed))

        let inspected = try await CLI.run(["inspect", "--profile", Self.profile, "-"], in: dir.url, stdin: Data(export.utf8))
        #expect(inspected.status == 1, "one row fails")
        let documents = try #require(try Self.json(inspected.stdout) as? [[String: Any]])
        #expect(documents.count == 5999)
        #expect(inspected.stderr.contains("-:4323:"), "\(inspected.stderr.prefix(500))")
    }

    @Test("a profile with a mistake is a usage error naming the profile")
    func badProfile() async throws {
        let dir = try Self.scratch(["export.csv": "lgc/lgc-cp1252-crlf.csv"])
        try dir.write("bad.json", #"{"name": "x", "format": {"type": "delimited"}, "fields": [{"target": "patient.nope", "column": "A"}]}"#)
        for command in ["validate", "inspect"] {
            let result = try await CLI.run([command, "--profile", "bad.json", "export.csv"], in: dir.url)
            #expect(result.status == 2)
            #expect(result.stderr.contains("bad.json"))
        }
    }
}
