import Foundation
import PasserellePipeline
import PasserelleStore
import PasserelleTestSupport
import Testing
import ZIPFoundation

/// CDA documents for the ingest and convert command tests.
enum IngestSamples {
    /// A CDA document with a patient; `index` picks one of `patients` patients.
    static func document(_ id: String, patient: Int = 1, note: String = "Nothing to report.") -> Data {
        let families = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "PETIT", "DURAND", "LEROY"]
        let givens = ["Claire", "Paul", "Julie", "Marc", "Sophie", "Luc", "Anne", "Yves"]
        let family = families[patient % families.count] + (patient >= families.count ? "-\(patient / families.count)" : "")
        let given = givens[(patient / 3) % givens.count]
        let birth = String(format: "19%02d%02d%02d", 40 + patient % 60, 1 + patient % 12, 1 + patient % 28)
        return Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ClinicalDocument xmlns="urn:hl7-org:v3">
              <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
              <id root="1.2.3.4.5" extension="\(id)"/>
              <code code="11488-4" codeSystem="2.16.840.1.113883.6.1"/>
              <title>Consultation</title>
              <effectiveTime value="20240102103000+0100"/>
              <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
              <setId root="1.2.3.4.5" extension="set-\(id)"/>
              <versionNumber value="1"/>
              <recordTarget><patientRole><id root="1.2.250.1.999.1" extension="IPP\(patient)"/>
                <patient><name><family qualifier="BR">\(family)</family><given>\(given)</given></name>
                <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="\(birth)"/></patient>
              </patientRole></recordTarget>
              <author><time value="20240102"/><assignedAuthor><id root="1.2.3.4.7" extension="a1"/></assignedAuthor></author>
              <custodian><assignedCustodian><representedCustodianOrganization><id root="1.2.3.4.8"/>
              </representedCustodianOrganization></assignedCustodian></custodian>
              <component><structuredBody><component><section><title>Note</title><text>\(note)</text>
              </section></component></structuredBody></component>
            </ClinicalDocument>

            """.utf8)
    }

    /// Writes a zip archive with `entries` (deflated).
    static func zip(_ entries: [(String, Data)], to url: URL) throws {
        let archive = try Archive(url: url, accessMode: .create)
        for (name, data) in entries {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    static func json(_ result: CLIResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "stdout: \(result.stdoutText)")
    }
}

@Suite("passerelle ingest and quarantine")
struct IngestCommandTests {
    @Test("ingesting twice: the second run is all duplicates, nothing stored twice")
    func idempotence() async throws { try await Self.idempotenceCase(.sqlite) }
    static func idempotenceCase(_ backend: CLIStoreBackend) async throws {
        let directory = try TemporaryDirectory()
        let location = backend.freshLocation()
        for index in 1...4 { try directory.write("in/d\(index).xml", IngestSamples.document("d\(index)", patient: index)) }
        try directory.write("in/scan.pdf", "%PDF-1.4 not an input")
        let first = try await CLI.run(["ingest", "in", "--store", location, "--format", "json", "--rules", "none"], in: directory.url)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("ingest: 1 file in the directories and archives not read, by extension (.pdf ×1)"), "\(first.stderr)")
        let summary = try IngestSamples.json(first)
        #expect(summary["stored"] as? Int == 4)
        #expect((summary["patients"] as? [String: Any])?["created"] as? Int == 4)
        let second = try await CLI.run(["ingest", "in", "--store", location, "--format", "json", "--rules", "none"], in: directory.url)
        #expect(second.status == 0, "\(second.stderr)")
        let again = try IngestSamples.json(second)
        #expect(again["duplicates"] as? Int == 4)
        #expect(again["stored"] as? Int == 0)
    }

    @Test("a replacement is a new version, the same id with other bytes a conflict (exit 1)")
    func versionAndConflict() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("a/d1.xml", IngestSamples.document("d1"))
        try directory.write("b/d1-changed.xml", IngestSamples.document("d1", note: "changed"))
        _ = try await CLI.run(["ingest", "a", "--store", "s.sqlite", "--rules", "none"], in: directory.url)
        let result = try await CLI.run(["ingest", "b", "--store", "s.sqlite", "--rules", "none"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("b/d1-changed.xml: conflict with stored document"))
        #expect(result.stdoutText.contains("conflicts                 1") || result.stdoutText.contains("conflicts"))
    }

    @Test("standard input is one input named -")
    func standardInput() async throws {
        let directory = try TemporaryDirectory()
        let result = try await CLI.run(["ingest", "-", "--store", "s.sqlite", "--format", "json", "--rules", "none"], in: directory.url,
            stdin: IngestSamples.document("stdin-1"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try IngestSamples.json(result)["stored"] as? Int == 1)
    }

    @Test("a zip archive is read entry by entry; a broken entry is quarantined and can be listed and shown")
    func zipAndQuarantine() async throws { try await Self.zipAndQuarantineCase(.sqlite) }
    static func zipAndQuarantineCase(_ backend: CLIStoreBackend) async throws {
        let directory = try TemporaryDirectory()
        let location = backend.freshLocation()
        try IngestSamples.zip(
            [("docs/z1.xml", IngestSamples.document("z1")), ("docs/z2.xml", IngestSamples.document("z2", patient: 2)),
             ("docs/broken.xml", Data("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id".utf8)), ("README.txt", Data("skip me".utf8))],
            to: directory.url.appendingPathComponent("batch.zip"))
        let result = try await CLI.run(["ingest", "batch.zip", "--store", location, "--format", "json", "--rules", "none"], in: directory.url)
        #expect(result.status == 1)
        let summary = try IngestSamples.json(result)
        #expect(summary["stored"] as? Int == 2)
        #expect(summary["quarantined"] as? Int == 1)
        #expect(summary["inputs"] as? Int == 3)
        let list = try await CLI.run(["quarantine", "list", "--store", location, "--format", "json"], in: directory.url)
        let items = try #require(try JSONSerialization.jsonObject(with: list.stdout) as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items.first?["source"] as? String == "batch.zip!docs/broken.xml")
        let show = try await CLI.run(["quarantine", "show", "1", "--store", location], in: directory.url)
        #expect(show.status == 0)
        #expect(show.stdoutText.contains("XML-"))
    }

    @Test("a zip bomb entry is refused without inflating it")
    func zipBomb() async throws {
        let directory = try TemporaryDirectory()
        try IngestSamples.zip([("bomb.xml", Data(repeating: 0x20, count: 8 << 20)), ("ok.xml", IngestSamples.document("ok"))],
            to: directory.url.appendingPathComponent("bomb.zip"))
        let result = try await CLI.run(["ingest", "bomb.zip", "--store", "s.sqlite", "--format", "json", "--rules", "none"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("INPUT-ZIP-BOMB"))
        #expect(try IngestSamples.json(result)["stored"] as? Int == 1)
    }

    @Test("quarantine retry with other options stores the document and links the item")
    func retry() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("in/r1.xml", IngestSamples.document("r1"))
        let strict = try await CLI.run(["ingest", "in", "--store", "s.sqlite", "--rules", "ci-sis"], in: directory.url)
        #expect(strict.status == 1)
        let failing = try await CLI.run(["quarantine", "retry", "1", "--store", "s.sqlite", "--rules", "ci-sis"], in: directory.url)
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("stays open"))
        let retried = try await CLI.run(["quarantine", "retry", "Q1", "--store", "s.sqlite", "--rules", "none"], in: directory.url)
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stdoutText.contains("retried: linked to document 1"))
        let list = try await CLI.run(["quarantine", "list", "--state", "retried", "--store", "s.sqlite", "--format", "json"], in: directory.url)
        let items = try #require(try JSONSerialization.jsonObject(with: list.stdout) as? [[String: Any]])
        #expect(items.first?["document"] as? String == "1")
    }

    @Test("kill -9 in the middle, rerun: the same documents and hashes as a clean run")
    func crashAndResume() async throws { try await Self.crashAndResumeCase(.sqlite) }
    static func crashAndResumeCase(_ backend: CLIStoreBackend) async throws {
        let directory = try TemporaryDirectory()
        let crashStore = backend.freshLocation("crash.sqlite")
        let cleanStore = backend.freshLocation("clean.sqlite")
        let count = 400
        var expected: [String: String] = [:]
        for index in 0..<count {
            let note = String(repeating: "Observation \(index). ", count: 40)
            let bytes = IngestSamples.document("k\(index)", patient: index % 90, note: note)
            try directory.write(String(format: "in/%04d.xml", index), bytes)
            expected["1.2.3.4.5^k\(index)"] = sha256(bytes)
        }
        let binary = try #require(CLI.binary)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["ingest", "in", "--store", crashStore, "--rules", "none", "--jobs", "2"]
        process.currentDirectoryURL = directory.url
        var environment = ProcessInfo.processInfo.environment
        environment["PASSERELLE_PROGRESS_SECONDS"] = "0"
        // The process kills itself with SIGKILL after 40 documents: a mid-batch crash at a known
        // point, whatever the machine's load (polling from a busy test process was not reliable).
        environment["PASSERELLE_FAULT_KILL_AFTER_DOCUMENTS"] = "40"
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try await process.runUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        let resumed = try await CLI.run(["ingest", "in", "--store", crashStore, "--rules", "none", "--format", "json"], in: directory.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let resumedSummary = try IngestSamples.json(resumed)
        #expect((resumedSummary["resumed"] as? Int ?? 0) > 0)
        #expect(resumedSummary["duplicates"] as? Int == 0)
        let clean = try await CLI.run(["ingest", "in", "--store", cleanStore, "--rules", "none"], in: directory.url)
        #expect(clean.status == 0)
        for name in [crashStore, cleanStore] {
            let store = try await openStore(backend.openable(name, in: directory.url))
            let statistics = try await store.statistics()
            #expect(statistics.documents == count, "\(name)")
            var found: [String: String] = [:]
            for key in expected.keys {
                if let summary = try await store.document(key: key) { found[key] = summary.sha256 }
            }
            #expect(found == expected, "\(name)")
            try await store.close()
        }
        let crashPatients = try await patientsCount(backend.openable(crashStore, in: directory.url))
        let cleanPatients = try await patientsCount(backend.openable(cleanStore, in: directory.url))
        #expect(crashPatients == cleanPatients)
    }

    @Test("a flat export killed half-way, rerun: its rows stored once each, as by a clean run; progress counts its megabytes")
    func flatExportCrashAndResume() async throws {
        let directory = try TemporaryDirectory()
        let profile = try directory.write("p.json", try Data(contentsOf: TestPaths.fixture("profiles/lgc-semicolon-cp1252.json")))
        var text = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n"
        var expected: Set<String> = []
        for row in 0..<600 {
            let patient = row % 90
            let line = "FAMILLE\(patient);FAMILLE\(patient);Prenom;\(String(format: "%02d", patient % 28 + 1))/04/1961;M;;P\(patient);"
                + "\(String(format: "%02d", row % 28 + 1))/\(String(format: "%02d", row % 12 + 1))/2023;Suivi \(row);\"Ligne 1\r\nLigne 2\"\r\n"
            text += line
            expected.insert(Hashing.sha256Hex(Data(line.utf8)))
        }
        try directory.write("export.csv", Data(text.utf8))
        let crashed = try await Self.runIngest(
            ["export.csv", "--profile", profile, "--store", "crash.sqlite", "--jobs", "2"], in: directory.url,
            environment: ["PASSERELLE_FAULT_KILL_AFTER_DOCUMENTS": "100"])
        #expect(crashed.status == -1, "the run finished before it could be killed")
        let resumed = try await CLI.run(["ingest", "export.csv", "--profile", profile, "--store", "crash.sqlite", "--format", "json"], in: directory.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let resumedSummary = try IngestSamples.json(resumed)
        #expect((resumedSummary["resumed"] as? Int ?? 0) > 0)
        #expect(resumedSummary["duplicates"] as? Int == 0)
        let clean = try await Self.runIngest(["export.csv", "--profile", profile, "--store", "clean.sqlite"], in: directory.url, environment: [:])
        #expect(clean.status == 0, "\(clean.stderr)")
        let size = text.utf8.count
        let megabytes = String(format: "%.1f/%.1f MB", Double(size) / 1e6, Double(size) / 1e6)
        #expect(clean.stderr.contains("ingest: 1/1 files (\(megabytes)), 600 documents"), "\(clean.stderr)")
        for name in ["crash.sqlite", "clean.sqlite"] {
            let store = try await openStore(directory.url.appendingPathComponent(name).path)
            #expect(try await store.statistics().documents == 600, "\(name)")
            var found: Set<String> = []
            for id in 1...1_200 {
                if let document = try await store.document(DocumentID(rawValue: Int64(id))) { found.insert(document.summary.sha256) }
            }
            #expect(found == expected, "\(name): each row stored once, byte-exact")
            #expect(try await store.statistics().patients == 90, "\(name)")
            try await store.close()
        }
    }

    /// Runs `passerelle ingest arguments...` with progress lines at every report and `environment`
    /// added; the status is -1 when the process was killed by a signal.
    static func runIngest(_ arguments: [String], in directory: URL, environment extra: [String: String]) async throws -> CLIResult {
        let binary = try #require(CLI.binary)
        let errors = directory.appendingPathComponent("ingest-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["ingest"] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["PASSERELLE_PROGRESS_SECONDS"] = "0"
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardOutput = FileHandle.nullDevice
        try await process.runUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? -1 : process.terminationStatus
        return CLIResult(status: status, stdout: Data(), stderr: String(decoding: try Data(contentsOf: errors), as: UTF8.self))
    }

    private static func patientsCount(_ location: String) async throws -> Int {
        let store = try await openStore(location)
        let count = try await store.statistics().patients
        try await store.close()
        return count
    }

    private static func sha256(_ data: Data) -> String { Hashing.sha256Hex(data) }
}

@Suite("passerelle ingest on PostgreSQL",
    .enabled(if: CLIStoreBackend.postgresURL != nil, "PASSERELLE_TEST_POSTGRES_URL is not set: run through scripts/with-postgres.sh"))
struct PostgresIngestCommandTests {
    @Test("ingesting twice: the second run is all duplicates, nothing stored twice")
    func idempotence() async throws { try await IngestCommandTests.idempotenceCase(.postgres) }
    @Test("a zip archive is read entry by entry; a broken entry is quarantined and can be listed and shown")
    func zipAndQuarantine() async throws { try await IngestCommandTests.zipAndQuarantineCase(.postgres) }
    @Test("kill -9 in the middle, rerun: the same documents and hashes as a clean run")
    func crashAndResume() async throws { try await IngestCommandTests.crashAndResumeCase(.postgres) }
}
