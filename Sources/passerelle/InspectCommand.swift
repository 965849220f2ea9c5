import ArgumentParser
import Foundation
import PasserelleFlat
import PasserelleModel
import PasserelleValidation

/// `passerelle inspect`: prints the common document model of one input as JSON.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the common document model of a document (CDA, HPRIM, or a flat export with --profile) as JSON.",
        discussion: """
            The format is recognised by content: CDA and HPRIM Net print one JSON object; HPRIM Santé \
            (one document per patient) and flat exports read through --profile (one document per row or \
            group) print a JSON array, streamed. Diagnostics go to standard error.

            Exit status: 0 when every document was read, 1 when the input (or one of its rows or \
            records) could not be read as a document, 2 for usage or I/O errors.

            Examples:
              passerelle inspect Fixtures/cda/valid/ldl-ses-complete.xml
              passerelle inspect --include-attachments report.xml > report.json
              passerelle inspect Fixtures/hprim/sante-two-patients.hpr | jq '.[0].body.results'
              passerelle inspect --profile Fixtures/profiles/lgc-semicolon-cp1252.json export.csv
            """)

    @Argument(help: "The document, or - for standard input.")
    var path: String

    @Option(help: "Export profile (JSON or YAML) for a CSV / fixed-width export.")
    var profile: String?

    @Flag(help: "Include attachment bytes (base64) in the JSON output.")
    var includeAttachments = false

    func run() async throws {
        let exportProfile = try loadExportProfile(profile)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.userInfo[.includeAttachmentPayloads] = includeAttachments
        let output = FileHandle.standardOutput
        var printer = DocumentPrinter(encoder: encoder, output: output)
        let result: DocumentSourceResult
        do {
            // Standard input above 1 MiB is spooled, then streamed like a file.
            let item = try InputItem(name: path, url: path == "-" ? nil : URL(fileURLWithPath: path)).readingStandardInput()
            if let url = item.url {
                result = try DocumentSource.readDocuments(contentsOf: url, sourceName: path, profile: exportProfile) { read in
                    try printer.print(read)
                }
            } else {
                let bytes = try item.read()
                result = DocumentSource.readDocuments(bytes: bytes, sourceName: path, profile: exportProfile)
                for read in result.documents { try printer.print(read) }
            }
        } catch {
            printError("\(path): \(readFailure(error))")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        result.diagnostics.forEach { printError($0.description) }
        if result.format == .hprimSante || result.format == .flatExport { printer.finishArray() }
        if result.diagnostics.containsErrors || printer.failed || printer.printed == 0 {
            throw ExitCode(ExitStatus.documentsFailed.rawValue)
        }
    }
}

/// Prints documents as they are read: one JSON object for single-document formats, the
/// elements of a JSON array for HPRIM Santé and flat exports (memory stays bounded).
struct DocumentPrinter {
    let encoder: JSONEncoder
    let output: FileHandle
    private(set) var printed = 0
    private(set) var failed = false
    private var openedArray = false

    init(encoder: JSONEncoder, output: FileHandle) {
        self.encoder = encoder
        self.output = output
    }

    mutating func print(_ read: ReadDocument) throws {
        read.diagnostics.forEach { printError($0.description) }
        guard let document = read.document else {
            failed = true
            printError("\(read.name): not read as a document")
            return
        }
        let json = try encoder.encode(document)
        let multiple = read.format == .hprimSante || read.format == .flatExport
        guard multiple else {
            output.write(json + Data("\n".utf8))
            printed += 1
            return
        }
        output.write(Data((openedArray ? ",\n" : "[\n").utf8))
        openedArray = true
        output.write(json)
        printed += 1
    }

    /// Closes the array (an empty one when nothing was printed).
    mutating func finishArray() {
        output.write(Data((openedArray ? "\n]\n" : "[]\n").utf8))
    }
}
