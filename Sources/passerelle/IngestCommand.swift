import ArgumentParser
import Foundation
import PasserelleModel
import PasserellePipeline
import PasserelleStore
import PasserelleValidation
import PasserelleXML

#if canImport(Glibc)
import Glibc
#endif

/// Options shared by `ingest`, `convert` and `quarantine retry`: what is read and how it is validated.
struct PipelineOptions: ParsableArguments {
    @Option(help: "Export profile (JSON or YAML) for CSV / fixed-width exports; CDA and HPRIM are recognised without one.")
    var profile: String?

    @Option(help: "Header rules: auto (CI-SIS for French documents), ci-sis, or none (well-formedness and safety limits only).")
    var rules: RuleSelection = .auto

    @Option(help: "XSD entry file: documents must also be schema-valid (e.g. the CI-SIS CDA_extended.xsd).")
    var schema: String?

    @Option(help: "Inputs processed in parallel (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    /// The pipeline configuration; a bad profile or schema is a usage error (exit 2).
    func configuration() throws -> PipelineConfiguration {
        let exportProfile = try loadExportProfile(profile)
        var schemaSet: XMLSchemaSet?
        if let schema {
            do {
                schemaSet = try XMLSchemaSet(contentsOf: URL(fileURLWithPath: schema))
            } catch {
                printError(error.description)
                throw ExitCode(ExitStatus.usageOrIO.rawValue)
            }
        }
        return PipelineConfiguration(validator: DocumentValidator(schema: schemaSet, rules: rules), profile: exportProfile, jobs: jobs)
    }

    /// Text identifying the options in a run id.
    var fingerprint: String { "profile=\(profile ?? "")|rules=\(rules.rawValue)|schema=\(schema ?? "")" }
}

/// The OS user, the default `--actor`.
func defaultActor() -> String {
    if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return "unknown"
}

/// Summary output format.
enum SummaryFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `passerelle ingest`: reads documents into the record store.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read documents into the record store: parse, validate, resolve the patient, store (or quarantine).",
        discussion: """
            Inputs: files, directories (recursively: .xml, .hpr, .hprim, .zip; plus .csv, .tsv, .txt, .dat with \
            --profile), .zip archives (read entry by entry in memory, never unpacked), - for standard input. \
            Each document is stored atomically with its patient resolved (documents written together may \
            share a commit; one that fails is rolled back alone). The same document \
            (same id, same bytes) is a duplicate and changes nothing; the same id with other bytes is a \
            conflict and is refused. Documents that fail reading or validation go to quarantine \
            (see `passerelle quarantine`). A CSV or fixed-width export is streamed to the store row by row \
            whatever its size (a file, a .zip member or standard input); other inputs are read whole, up \
            to 64 MiB.

            Resumable: every source (every row of an export) is journaled with its SHA-256 in the same \
            transaction as the document; rerunning an interrupted command skips what was done. A finished command run again starts \
            a new run (everything already stored is then a duplicate).

            Exit status: 0 when every document was stored (or was a duplicate / new version), 1 when any \
            document was quarantined, in conflict or unreadable, 2 for usage, store or I/O errors.

            Examples:
              passerelle ingest Fixtures/cda/valid
              passerelle ingest --store postgres://passerelle@localhost/passerelle archive.zip
              passerelle ingest --profile Fixtures/profiles/lgc-semicolon-cp1252.json exports/
              cat document.xml | passerelle ingest -
              passerelle ingest --format json incoming/ | jq .stored
            """)

    @Argument(help: "Files, directories, .zip archives, or - for standard input.")
    var paths: [String]

    @OptionGroup var pipeline: PipelineOptions

    @Option(help: "Record store: a SQLite file, or postgres://user@host/db.")
    var store: String = "./passerelle.sqlite"

    @Option(help: "Who ingests (audit log); default: the OS user.")
    var actor: String = defaultActor()

    @Option(help: "Summary format: text or json.")
    var format: SummaryFormat = .text

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one input") }
        guard paths.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("standard input (-) can be named once") }
    }

    func run() async throws {
        let configuration = try pipeline.configuration()
        let inputs = InputSource(paths: paths, extensions: InputSource.defaultExtensions(withProfile: configuration.profile != nil))
        inputs.problems.forEach(printError)
        guard inputs.problems.isEmpty else { throw ExitCode(ExitStatus.usageOrIO.rawValue) }
        let recordStore: any RecordStore
        do {
            recordStore = try await openStore(store)
        } catch {
            printError("\(store): cannot open the store (\(error))")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        var summary = PipelineSummary()
        var run = ""
        do {
            run = try await StoreSink.openRun(store: recordStore, base: runBase())
            let sink = StoreSink(store: recordStore, actor: actor, run: run)
            try await sink.prepareRun()
            let survey = inputs.survey()
            if let note = survey.skippedNote(verb: "ingest") { printError(note) }
            let reporter = IngestProgress(verb: "ingest", survey: survey)
            let crashAfter = FaultInjection.killAfterDocuments
            summary = try await IngestPipeline(configuration: configuration, sink: sink).run(inputs) { progress in
                reporter.record(progress)
                if let crashAfter, reporter.documents >= crashAfter { FaultInjection.killSelf() }
            }
            reporter.finish()
            try await sink.finishRun(summary)
        } catch {
            try? await recordStore.close()
            printError("ingest stopped: \(error)")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        try? await recordStore.close()
        let location = (try? StoreLocation(parsing: store).description) ?? store
        switch format {
        case .json: FileHandle.standardOutput.write(SummaryRendering.json(summary, extra: ["store": location, "run": run]))
        case .text: FileHandle.standardOutput.write(Data(SummaryRendering.text(summary, verb: "ingest", footer: "store: \(location)").utf8))
        }
        if summary.errors > 0 { throw ExitCode(ExitStatus.documentsFailed.rawValue) }
    }

    /// The run id base: a hash of the inputs (absolute paths) and options, so that the same command
    /// resumes the same run.
    func runBase() -> String {
        let absolute = paths.map { $0 == "-" ? "-" : URL(fileURLWithPath: $0).standardizedFileURL.path }
        return "ingest-" + String(Hashing.sha256Hex(Data((absolute.joined(separator: "\n") + "\n" + pipeline.fingerprint).utf8)).prefix(16))
    }
}

/// Progress on standard error: a bar redrawn in place on a terminal, plain lines every few
/// seconds otherwise; one line per document in error. Not thread-safe by itself: the pipeline
/// calls its observer serially.
final class IngestProgress: @unchecked Sendable {
    let verb: String
    let total: Int?
    /// Bytes to read, when known (no standard input): progress and ETA go by bytes, which
    /// also move inside one large export.
    let totalBytes: Int?
    let terminal = isatty(STDERR_FILENO) == 1
    let start = Date()
    let interval: TimeInterval
    var inputs = 0
    var documents = 0
    var bytes = 0
    var errors = 0
    var lastDraw = Date.distantPast
    var drawn = false

    init(verb: String, survey: InputSurvey) {
        self.verb = verb
        total = survey.readsStandardInput ? nil : survey.count
        totalBytes = survey.readsStandardInput || survey.bytes == 0 ? nil : survey.bytes
        interval = terminal ? 0.1 : Double(ProcessInfo.processInfo.environment["PASSERELLE_PROGRESS_SECONDS"] ?? "") ?? 5
    }

    func record(_ progress: PipelineProgress) {
        if progress.finishesInput { inputs += 1 }
        documents += progress.results.count
        bytes += progress.bytes
        for result in progress.results where result.outcome.isError {
            errors += 1
            clearLine()
            printError("\(result.name): \(result.alreadyQuarantined ? "already " : "")\(Self.describe(result.outcome))")
        }
        if Date().timeIntervalSince(lastDraw) >= interval { draw() }
    }

    func finish() {
        if terminal { draw(); FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func describe(_ outcome: PipelineOutcome) -> String {
        switch outcome {
        case .quarantined(let item, let reason): "quarantined as Q\(item): \(reason)"
        case .conflict(let document, let existing, let new):
            "conflict with stored document \(document): same id, other bytes (stored sha256 \(existing.prefix(12))…, new \(new.prefix(12))…); not stored"
        case .failed(let reason): "failed: \(reason)"
        default: outcome.kind
        }
    }

    private func clearLine() {
        if terminal && drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    private func draw() {
        lastDraw = Date()
        let elapsed = max(lastDraw.timeIntervalSince(start), 0.001)
        let rate = Double(documents) / elapsed
        var line: String
        if let total, total > 0 {
            let fraction = totalBytes.map { min(1, Double(bytes) / Double(max(1, $0))) } ?? min(1, Double(inputs) / Double(total))
            let remaining = fraction > 0 ? elapsed / fraction * (1 - fraction) : 0
            let eta = fraction > 0 ? String(format: "%d:%02d", Int(remaining) / 60, Int(remaining) % 60) : "?"
            if terminal {
                let width = 24
                let filled = Int(fraction * Double(width))
                line = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            } else {
                line = "\(verb): "
            }
            let megabytes = totalBytes.map { String(format: " (%.1f/%.1f MB)", Double(bytes) / 1e6, Double($0) / 1e6) } ?? ""
            line += "\(inputs)/\(total) files\(megabytes), \(documents) documents, \(String(format: "%.1f", rate)) documents/s, "
                + "\(errors) errors, ETA \(eta)"
        } else {
            line = "\(verb): \(inputs) files, \(documents) documents, \(String(format: "%.1f", rate)) documents/s, \(errors) errors"
        }
        if terminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
            drawn = true
        } else {
            printError(line)
        }
    }
}

/// The final summary, as text or JSON.
enum SummaryRendering {
    static func text(_ summary: PipelineSummary, verb: String, footer: String) -> String {
        var lines = [
            "\(verb): \(summary.inputs) inputs, \(summary.documents) documents in \(String(format: "%.2f", summary.seconds)) s "
                + "(\(String(format: "%.1f", summary.documentsPerSecond)) documents/s, \(String(format: "%.2f", summary.megabytesPerSecond)) MB/s)"
        ]
        var rows: [(String, Int)] = []
        if verb == "convert" {
            rows = [("converted", summary.converted), ("failed", summary.failed), ("already converted", summary.resumed)]
        } else {
            rows = [
                ("stored", summary.stored), ("duplicates", summary.duplicates), ("new versions", summary.newVersions),
                ("conflicts", summary.conflicts), ("quarantined", summary.quarantined),
                ("  already in quarantine", summary.alreadyQuarantined), ("unreadable", summary.failed),
                ("already done (resumed)", summary.resumed),
            ]
        }
        lines += rows.map { "  " + $0.0.padding(toLength: 24, withPad: " ", startingAt: 0) + String($0.1) }
        if verb != "convert" {
            lines.append("patients: \(summary.patientsCreated) created, \(summary.patientsLinked) linked, "
                + "\(summary.patientsInReview) in review, \(summary.patientsKnown) already known")
        }
        lines.append(footer)
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ summary: PipelineSummary, extra: [String: String]) -> Data {
        var object: [String: Any] = [
            "inputs": summary.inputs, "bytes": summary.bytes, "documents": summary.documents, "stored": summary.stored,
            "duplicates": summary.duplicates, "newVersions": summary.newVersions, "conflicts": summary.conflicts,
            "quarantined": summary.quarantined, "alreadyQuarantined": summary.alreadyQuarantined,
            "converted": summary.converted, "failed": summary.failed,
            "resumed": summary.resumed, "seconds": summary.seconds, "documentsPerSecond": summary.documentsPerSecond,
            "megabytesPerSecond": summary.megabytesPerSecond,
            "patients": [
                "created": summary.patientsCreated, "linked": summary.patientsLinked, "inReview": summary.patientsInReview,
                "known": summary.patientsKnown,
            ],
        ]
        for (key, value) in extra { object[key] = value }
        var data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

/// Crash testing: with `PASSERELLE_FAULT_KILL_AFTER_DOCUMENTS=N` in the environment, `ingest`
/// kills itself with SIGKILL once N documents are done, which is what the resumability test
/// needs to stop a batch at a known point, whatever the machine's speed. Unset, nothing changes.
enum FaultInjection {
    static let killAfterDocuments: Int? = ProcessInfo.processInfo.environment["PASSERELLE_FAULT_KILL_AFTER_DOCUMENTS"]
        .flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }

    static func killSelf() -> Never {
        kill(getpid(), SIGKILL)
        fatalError("SIGKILL did not stop the process")
    }
}
