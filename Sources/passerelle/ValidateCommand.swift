public import ArgumentParser
import Foundation
import PasserelleCDA
import PasserelleFlat
import PasserelleModel
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
            documents gets one report per document, named by its rows or records.

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
        let (reports, readProblems, omittedPasses) = await validateAll(collected.items, with: validator, profile: exportProfile)
        readProblems.forEach(printError)
        let rendered = try format.render(reports, toolVersion: Passerelle.version, omittedPasses: omittedPasses)
        if let output {
            do {
                try rendered.write(to: URL(fileURLWithPath: output))
            } catch {
                printError("\(output): cannot write the report (\(error.localizedDescription))")
                throw ExitCode(ExitStatus.usageOrIO.rawValue)
            }
            if format != .text { FileHandle.standardError.write(TextReportSummary.line(reports, omittedPasses: omittedPasses)) }
        } else {
            FileHandle.standardOutput.write(rendered)
        }
        if !collected.problems.isEmpty || !readProblems.isEmpty || (reports.isEmpty && collected.items.isEmpty) {
            if reports.isEmpty && collected.items.isEmpty && collected.problems.isEmpty { printError("no documents found") }
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        if reports.contains(where: { !$0.passed }) { throw ExitCode(ExitStatus.documentsFailed.rawValue) }
    }

    /// Validates inputs with at most `jobs` in flight; reports keep the input order. The text and
    /// SARIF reports keep no report of a flat-export row that passed without any diagnostic, only
    /// their number (the third value): they would print nothing for them.
    private func validateAll(
        _ items: [InputItem], with validator: DocumentValidator, profile: ExportProfile?
    ) async -> ([DocumentReport], [String], Int) {
        var reports = [[DocumentReport]?](repeating: nil, count: items.count)
        var problems: [String] = []
        var omittedPasses = 0
        let keepingSilentPasses = !format.omitsSilentPasses
        await withTaskGroup(of: (Int, Result<StreamedReports, any Error>).self) { group in
            var next = 0
            func submit() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask {
                    do {
                        // A flat export is read as a stream: its documents are not kept, only their reports.
                        if let url = item.url, let profile, let streamed = try DocumentReport.streamedReports(
                            contentsOf: url, sourceName: item.name, profile: profile, keepingSilentPasses: keepingSilentPasses)
                        {
                            return (index, .success(streamed))
                        }
                        let bytes = try item.read()
                        let checked = Self.check(bytes, name: item.name, validator: validator, profile: profile)
                        return (index, .success(StreamedReports(reports: checked, omittedPasses: 0)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<min(jobs, items.count) { submit() }
            for await (index, result) in group {
                switch result {
                case .success(let itemReports):
                    reports[index] = itemReports.reports
                    omittedPasses += itemReports.omittedPasses
                case .failure(let error): problems.append("\(items[index].name): cannot read (\(error.localizedDescription))")
                }
                submit()
            }
        }
        return (reports.compactMap { $0 }.flatMap { $0 }, problems, omittedPasses)
    }

    /// Reports on one input: the CDA validator for XML, `DocumentSource` (one report per
    /// document or rejected part) for HPRIM and flat exports, INPUT-FORMAT-UNKNOWN otherwise.
    static func check(_ bytes: Data, name: String, validator: DocumentValidator, profile: ExportProfile?) -> [DocumentReport] {
        let format = DocumentSource.detect(bytes, hasProfile: profile != nil)
        if format == .cda { return [validator.validate(bytes, sourceName: name)] }
        let start = ContinuousClock.now
        let result = DocumentSource.readDocuments(bytes: bytes, sourceName: name, profile: profile)
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
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

/// The one-line summary printed on standard error when the report goes to a file.
enum TextReportSummary {
    /// `omittedPasses`: documents that passed and whose reports were not kept.
    static func line(_ reports: [DocumentReport], omittedPasses: Int = 0) -> Data {
        let failed = reports.filter { !$0.passed }.count
        let total = reports.count + omittedPasses
        return Data("\(total) documents checked: \(total - failed) passed, \(failed) failed\n".utf8)
    }
}
