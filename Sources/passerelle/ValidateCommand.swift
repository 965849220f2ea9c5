public import ArgumentParser
import Foundation
import PasserelleCDA
import PasserelleValidation
import PasserelleXML

extension RuleSelection: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

/// `passerelle validate`: checks documents for CI pipelines.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check documents: well-formedness and safety limits, XSD, CI-SIS header rules.",
        discussion: """
            Exit status: 0 when every document passes, 1 when any document has an error, 2 for usage or I/O errors.

            Examples:
              passerelle validate Fixtures/cda
              passerelle validate --schema schemas/ci-sis/infrastructure/cda/CDA_extended.xsd doc.xml
              passerelle validate --format sarif --output results.sarif incoming/
              cat doc.xml | passerelle validate --rules none -
            """)

    @Argument(help: "Files, directories (searched recursively for .xml files) or - for standard input.")
    var paths: [String]

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
        let collected = InputCollector(extensions: ["xml"]).collect(paths)
        collected.problems.forEach(printError)
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
        let (reports, readProblems) = await validateAll(collected.items, with: validator)
        readProblems.forEach(printError)
        let rendered = try format.render(reports, toolVersion: Passerelle.version)
        if let output {
            do {
                try rendered.write(to: URL(fileURLWithPath: output))
            } catch {
                printError("\(output): cannot write the report (\(error.localizedDescription))")
                throw ExitCode(ExitStatus.usageOrIO.rawValue)
            }
            if format != .text { FileHandle.standardError.write(TextReportSummary.line(reports)) }
        } else {
            FileHandle.standardOutput.write(rendered)
        }
        if !collected.problems.isEmpty || !readProblems.isEmpty || (reports.isEmpty && collected.items.isEmpty) {
            if reports.isEmpty && collected.items.isEmpty && collected.problems.isEmpty { printError("no documents found") }
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        if reports.contains(where: { !$0.passed }) { throw ExitCode(ExitStatus.documentsFailed.rawValue) }
    }

    /// Validates inputs with at most `jobs` in flight; reports keep the input order.
    private func validateAll(_ items: [InputItem], with validator: DocumentValidator) async -> ([DocumentReport], [String]) {
        var reports = [DocumentReport?](repeating: nil, count: items.count)
        var problems: [String] = []
        await withTaskGroup(of: (Int, Result<DocumentReport, any Error>).self) { group in
            var next = 0
            func submit() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask {
                    do {
                        let bytes = try item.read()
                        return (index, .success(validator.validate(bytes, sourceName: item.name)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<min(jobs, items.count) { submit() }
            for await (index, result) in group {
                switch result {
                case .success(let report): reports[index] = report
                case .failure(let error): problems.append("\(items[index].name): cannot read (\(error.localizedDescription))")
                }
                submit()
            }
        }
        return (reports.compactMap { $0 }, problems)
    }
}

/// The one-line summary printed on standard error when the report goes to a file.
enum TextReportSummary {
    static func line(_ reports: [DocumentReport]) -> Data {
        let failed = reports.filter { !$0.passed }.count
        return Data("\(reports.count) documents checked: \(reports.count - failed) passed, \(failed) failed\n".utf8)
    }
}
