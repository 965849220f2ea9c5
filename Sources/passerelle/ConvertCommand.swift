public import ArgumentParser
import Foundation
import PasserelleEmit
import PasserellePipeline

extension OutputFormat: ExpressibleByArgument {}

/// `passerelle convert`: the ingest pipeline without a store, writing one file per document.
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert documents to FHIR R4 bundles, CDA or NDJSON files, one per document, with a manifest.",
        discussion: """
            Reads and validates like `ingest` (same inputs, --profile, --rules, --schema) but stores nothing. \
            There is no canonical patient without a store: FHIR bundles carry the document's own patient \
            (identifiers and traits) and no gateway id; --to cda writes CDA inputs unchanged (the normalized \
            CDA with a canonical id is produced from the store); flat and HPRIM inputs cannot become CDA.

            Output names come from the document id (root^extension, other characters as _), else \
            sha256-<hex>. manifest.json lists SUCCESS (source, output, SHA-256s) and FAILURE (source, \
            reasons, SHA-256). Resumable: manifest.ndjson journals every result as it happens; a rerun \
            skips sources already listed with the same SHA-256. Outputs are written atomically.

            Exit status: 0 when every document was converted, 1 when any failed, 2 for usage or I/O errors.

            Examples:
              passerelle convert Fixtures/cda/valid --to fhir --out out/fhir
              passerelle convert archive.zip --to ndjson --out out/ndjson --jobs 2
            """)

    @Argument(help: "Files, directories, .zip archives, or - for standard input.")
    var paths: [String]

    @Option(help: "Output format: fhir, cda or ndjson.")
    var to: OutputFormat

    @Option(help: "Output directory (created when missing).")
    var out: String

    @OptionGroup var pipeline: PipelineOptions

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
        let summary: PipelineSummary
        do {
            let sink = try ConvertSink(directory: URL(fileURLWithPath: out), format: to)
            let survey = inputs.survey()
            if let note = survey.skippedNote(verb: "convert") { printError(note) }
            let reporter = IngestProgress(verb: "convert", survey: survey)
            summary = try await IngestPipeline(configuration: configuration, sink: sink).run(inputs) { reporter.record($0) }
            reporter.finish()
            _ = try await sink.finish()
        } catch {
            printError("convert stopped: \(error)")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        switch format {
        case .json: FileHandle.standardOutput.write(SummaryRendering.json(summary, extra: ["out": out, "to": to.rawValue]))
        case .text:
            let footer = "output: \(out) (manifest.json)"
            FileHandle.standardOutput.write(Data(SummaryRendering.text(summary, verb: "convert", footer: footer).utf8))
        }
        if summary.errors > 0 { throw ExitCode(ExitStatus.documentsFailed.rawValue) }
    }
}
