public import ArgumentParser
import Foundation
import PasserelleCDA
import PasserelleFlat
import PasserelleModel
import PasserellePipeline
import PasserelleValidation
import PasserelleXML

extension RuleSelection: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

/// `passerelle validate`: checks documents for CI pipelines.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check documents: well-formedness and safety limits, XSD, CI-SIS header rules; flat files too.",
        discussion: """
            CDA, HPRIM Santé and HPRIM Net are recognised by content. A CSV or fixed-width export needs \
            --profile; without it the file fails with INPUT-FORMAT-UNKNOWN. A flat file holding several \
            documents gets one report per document, named by its rows or records. An export file is read \
            as a stream: its rows' reports are rendered as they come, and what a report holds beyond 1 MiB \
            per input waits in a file with no name in TMPDIR until its totals are known.

            Exit status: 0 when every document passes, 1 when any document has an error, 2 for usage or I/O errors.

            Examples:
              passerelle validate Fixtures/cda
              passerelle validate --schema schemas/ci-sis/infrastructure/cda/CDA_extended.xsd doc.xml
              passerelle validate --format sarif --output results.sarif incoming/
              cat doc.xml | passerelle validate --rules none -
              passerelle validate Fixtures/hprim/sante-two-patients.hpr
              passerelle validate --profile Fixtures/profiles/lgc-semicolon-cp1252.json --format junit export.csv
            """)

    @Argument(help: "Files, directories (searched recursively, see --extension) or - for standard input.")
    var paths: [String]

    @Option(help: "Export profile (JSON or YAML) for CSV / fixed-width exports; CDA and HPRIM files are recognised without one.")
    var profile: String?

    @Option(
        name: .customLong("extension"),
        help: "File extension searched in directories (repeatable; default: xml, hpr, hprim, plus csv, tsv, txt, dat with --profile).")
    var extensions: [String] = []

    @Option(help: "XSD entry file to validate against (e.g. the CI-SIS CDA_extended.xsd).")
    var schema: String?

    @Option(help: "Header rules: auto (CI-SIS for French documents), ci-sis, or none.")
    var rules: RuleSelection = .auto

    @Option(help: "Report format: text, json, junit or sarif.")
    var format: ReportFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "Documents checked in parallel (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard paths.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("standard input (-) can be named once") }
    }

    func run() async throws {
        let exportProfile = try loadExportProfile(profile)
        let collected = InputCollector(extensions: searchedExtensions).collect(paths)
        collected.problems.forEach(printError)
        let hint = "name a file on the command line, or its extension with --extension, to read it"
        if let note = collected.skipped.skippedNote(verb: "validate", hint: hint) { printError(note) }
        var schemaSet: XMLSchemaSet?
        if let schema {
            do {
                schemaSet = try XMLSchemaSet(contentsOf: URL(fileURLWithPath: schema))
            } catch {
                printError(error.description)
                throw ExitCode(ExitStatus.usageOrIO.rawValue)
            }
        }
        let validator = DocumentValidator(schema: schemaSet, rules: rules)
        let (inputs, readProblems) = await validateAll(collected.items, with: validator, profile: exportProfile)
        readProblems.forEach(printError)
        let totals = try writeReport(of: inputs)
        if output != nil, format != .text { FileHandle.standardError.write(Data((totals.summary + "\n").utf8)) }
        if !collected.problems.isEmpty || !readProblems.isEmpty || (totals.documents == 0 && collected.items.isEmpty) {
            if totals.documents == 0 && collected.items.isEmpty && collected.problems.isEmpty { printError("no documents found") }
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        if totals.failed > 0 { throw ExitCode(ExitStatus.documentsFailed.rawValue) }
    }

    /// Writes the report of `inputs` (in input order) to `--output` or standard output, as it is
    /// rendered; returns its totals.
    private func writeReport(of inputs: [RenderedReports]) throws -> ReportTotals {
        let handle: FileHandle
        if let output {
            // open(2) itself, so that the message gives its own reason (a permission, a missing folder).
            let descriptor = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else {
                printError("\(output): cannot write the report (\(String(cString: strerror(errno))))")
                throw ExitCode(ExitStatus.usageOrIO.rawValue)
            }
            handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        } else {
            handle = .standardOutput
        }
        defer { if output != nil { try? handle.close() } }
        do {
            return try ReportWriter(format: format, toolVersion: Passerelle.version).write(inputs) { try handle.write(contentsOf: $0) }
        } catch {
            printError("\(output ?? "standard output"): cannot write the report (\(error))")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
    }

    /// Validates inputs with at most `jobs` in flight; the result keeps the input order. A flat
    /// export is read as a stream and its documents are not kept: reports are rendered as they
    /// come, beyond 1 MiB per input into a spool file with no name.
    private func validateAll(
        _ items: [InputItem], with validator: DocumentValidator, profile: ExportProfile?
    ) async -> ([RenderedReports], [String]) {
        var results = [RenderedReports?](repeating: nil, count: items.count)
        var problems: [String] = []
        let spool = ReportSpool()
        await withTaskGroup(of: (Int, Result<RenderedReports, any Error>).self) { group in
            var next = 0
            func submit() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask { [format] in
                    (index, Result { try Self.reports(on: item, format: format, validator: validator, profile: profile, spool: spool) })
                }
            }
            for _ in 0..<min(jobs, items.count) { submit() }
            for await (index, result) in group {
                switch result {
                case .success(let reports): results[index] = reports
                case .failure(let error): problems.append("\(items[index].name): \(readFailure(error))")
                }
                submit()
            }
        }
        return (results.compactMap { $0 }, problems)
    }

    /// The reports on one input, rendered in `format`.
    static func reports(
        on item: InputItem, format: ReportFormat, validator: DocumentValidator, profile: ExportProfile?, spool: ReportSpool
    ) throws -> RenderedReports {
        let item = try item.readingStandardInput()
        var rendered = RenderedReports(format: format, spool: spool)
        if let url = item.url, let profile, let head = try DocumentReport.streamReports(
            contentsOf: url, sourceName: item.name, profile: profile, { try rendered.appendSharingTime($0) })
        {
            try rendered.finish(head: head.reports, share: head.share)
        } else {
            for report in check(try item.read(), name: item.name, validator: validator, profile: profile) { try rendered.append(report) }
            try rendered.finish(head: [], share: 0)
        }
        return rendered
    }

    /// Reports on one input: the CDA validator for XML, `DocumentSource` (one report per
    /// document or rejected part) for HPRIM and flat exports, INPUT-FORMAT-UNKNOWN otherwise.
    static func check(_ bytes: Data, name: String, validator: DocumentValidator, profile: ExportProfile?) -> [DocumentReport] {
        let format = DocumentSource.detect(bytes, hasProfile: profile != nil)
        if format == .cda { return [validator.validate(bytes, sourceName: name)] }
        let start = ContinuousClock.now
        let result = DocumentSource.readDocuments(bytes: bytes, sourceName: name, profile: profile)
        let elapsed = start.duration(to: .now)
        let seconds = elapsed.inSeconds
        return DocumentReport.reports(for: result, seconds: seconds)
    }

    /// Directory search: the given extensions, else XML and HPRIM files, plus the usual export
    /// extensions when a profile is given.
    private var searchedExtensions: Set<String> {
        if !extensions.isEmpty { return Set(extensions.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }) }
        let base: Set<String> = ["xml", "hpr", "hprim"]
        return profile == nil ? base : base.union(["csv", "tsv", "txt", "dat"])
    }
}

/// What stopped an input from being read, for a message after its name: the spool's and standard
/// input's own messages, `cannot read (…)` otherwise.
func readFailure(_ error: any Error) -> String {
    switch error {
    case let error as ReportSpoolError: error.description
    case let error as StandardInputError: error.description
    default: "cannot read (\(error.localizedDescription))"
    }
}

/// Loads `--profile`; a profile with a mistake is a usage error (exit 2) naming the file and field.
func loadExportProfile(_ path: String?) throws -> ExportProfile? {
    guard let path else { return nil }
    do {
        return try ProfileLoader.load(contentsOf: URL(fileURLWithPath: path))
    } catch {
        printError(String(describing: error))
        throw ExitCode(ExitStatus.usageOrIO.rawValue)
    }
}
