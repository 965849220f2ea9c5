import Foundation
import PasserelleStore
import PasserelleTestSupport
import Testing

/// What one run of the `passerelle` binary produced.
struct CLIResult: Sendable {
    let status: Int32
    let stdout: Data
    let stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
}

/// Runs the built `passerelle` executable as a subprocess.
///
/// The binary is `$PASSERELLE_BIN` when set, else the one beside the test bundle (SwiftPM puts
/// executables and the test bundle in the same `.build/<triple>/debug/` folder), else
/// `.build/debug/passerelle` under the package root (`make test` builds it first).
enum CLI {
    static let binary: URL? = {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["PASSERELLE_BIN"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("passerelle"))
        }
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("passerelle"))
        }
        candidates.append(TestPaths.packageRoot.appendingPathComponent(".build/debug/passerelle"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `passerelle arguments...` and waits, blocking the calling thread: only for values
    /// computed before the tests run (test arguments, conditions).
    static func runBlocking(_ arguments: [String]) throws -> CLIResult {
        guard let binary else { throw CLIError(description: "passerelle binary not found") }
        return try ReferenceProcess.runBlocking(binary, arguments)
    }

    /// Runs `passerelle arguments...` in `directory`, feeding `stdin` when given.
    static func run(_ arguments: [String], in directory: URL? = nil, stdin: Data? = nil) async throws -> CLIResult {
        guard let binary else {
            throw CLIError(description: "passerelle binary not found: run `swift build --product passerelle` or set PASSERELLE_BIN")
        }
        return try await ReferenceProcess.run(binary, arguments, in: directory, stdin: stdin)
    }
}

/// Runs any program; outputs go through files so that large outputs cannot block the pipe.
enum ReferenceProcess {
    /// Runs a program found on `PATH` (`arguments[0]`).
    static func run(_ arguments: [String]) async throws -> CLIResult {
        try await run(URL(fileURLWithPath: "/usr/bin/env"), arguments)
    }

    /// Runs `executable` and waits, blocking the calling thread: only for values computed before
    /// the tests run (test arguments, conditions).
    static func runBlocking(_ executable: URL, _ arguments: [String]) throws -> CLIResult {
        let run = try PreparedRun(executable, arguments)
        try run.process.run()
        run.process.waitUntilExit()
        return try run.result()
    }

    /// Waits for the program without blocking a thread of the test run's concurrency pool: the
    /// tests run in parallel in one process, and a test blocked on a subprocess would hold a
    /// thread that others (a live server answering a timed request) need.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil, stdin: Data? = nil) async throws -> CLIResult {
        let run = try PreparedRun(executable, arguments, in: directory, stdin: stdin)
        try await run.process.runUntilExit()
        return try run.result()
    }

    /// A process set up to read `stdin` and write its outputs to files in a scratch directory.
    private struct PreparedRun {
        let process = Process()
        let scratch: TemporaryDirectory
        var outURL: URL { scratch.url.appendingPathComponent("stdout") }
        var errURL: URL { scratch.url.appendingPathComponent("stderr") }

        init(_ executable: URL, _ arguments: [String], in directory: URL? = nil, stdin: Data? = nil) throws {
            scratch = try TemporaryDirectory()
            let inURL = scratch.url.appendingPathComponent("stdin")
            for url in [outURL, errURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
            try (stdin ?? Data()).write(to: inURL)
            process.executableURL = executable
            process.arguments = arguments
            if let directory { process.currentDirectoryURL = directory }
            process.standardInput = try FileHandle(forReadingFrom: inURL)
            process.standardOutput = try FileHandle(forWritingTo: outURL)
            process.standardError = try FileHandle(forWritingTo: errURL)
        }

        func result() throws -> CLIResult {
            CLIResult(
                status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
        }
    }
}

/// A temporary directory removed when the value is deinitialised.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `contents` to `name` (subfolders created) and returns the relative name.
    @discardableResult
    func write(_ name: String, _ contents: Data) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: file)
        return name
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Data(text.utf8)) }
}

/// Small CDA documents written by the tests themselves (no dependency on the corpus).
enum SampleCDA {
    /// Bytes of the PDF carried by `nonXMLPDF`.
    static let pdfBytes = Data("%PDF-1.4\n% passerelle test payload\n1 0 obj << >> endobj\n%%EOF\n".utf8)

    /// A minimal CDA R2 document, valid against the HL7 normative schema.
    static func valid(id: String = "doc-1", body: String? = nil) -> String {
        let structured =
            "<structuredBody><component><section><title>Note</title><text>Nothing to report.</text>"
            + "</section></component></structuredBody>"
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <ClinicalDocument xmlns="urn:hl7-org:v3">
              <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
              <id root="1.2.3.4.5" extension="\(id)"/>
              <code code="11488-4" codeSystem="2.16.840.1.113883.6.1"/>
              <effectiveTime value="20240102103000+0100"/>
              <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
              <setId root="1.2.3.4.5" extension="set-\(id)"/>
              <versionNumber value="1"/>
              <recordTarget><patientRole><id root="1.2.3.4.6" extension="p1"/></patientRole></recordTarget>
              <author><time value="20240102"/><assignedAuthor><id root="1.2.3.4.7" extension="a1"/></assignedAuthor></author>
              <custodian><assignedCustodian><representedCustodianOrganization><id root="1.2.3.4.8"/>
              </representedCustodianOrganization></assignedCustodian></custodian>
              <component>\(body ?? structured)</component>
            </ClinicalDocument>

            """
    }

    /// A level-1 document whose body is `pdfBytes` in base64.
    static var nonXMLPDF: String {
        valid(
            id: "doc-pdf",
            body: "<nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">"
                + pdfBytes.base64EncodedString() + "</text></nonXMLBody>")
    }

    /// Not well-formed: the document is cut in the middle of the header (error on line 3).
    static let truncated = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ClinicalDocument xmlns="urn:hl7-org:v3">
          <id root="1.2.3.4.5" extension="cut
        """
}

extension CLI {
    /// Whether the shared corpus is there, for the tests that use it.
    static let corpusEnabled = ConditionTrait.enabled(
        if: TestPaths.corpus != nil, "shared corpus not found: set PASSERELLE_CORPUS")

    /// `validate` arguments for the CI-SIS schema of the corpus.
    static var ciSISSchema: String? {
        TestPaths.corpus?.appendingPathComponent("schemas/ci-sis/infrastructure/cda/CDA_extended.xsd").path
    }
}

extension Process {
    /// Subprocesses run by the tests at once: one per core. The tests run in parallel, and dozens
    /// of subprocesses at a time would starve the timed tests of the test process itself.
    static let testSlots = AsyncSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// Starts the process and waits for it to end without blocking a thread of the concurrency
    /// pool (see ``ReferenceProcess/run(_:_:in:stdin:)``), holding one of ``testSlots``.
    func runUntilExit() async throws {
        try await Self.testSlots.withPermit {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                terminationHandler = { _ in continuation.resume() }
                do {
                    try run()
                } catch {
                    terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
