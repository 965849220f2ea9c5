import ArgumentParser
import Foundation
import PasserelleCDA
import PasserelleModel

/// `passerelle inspect`: prints the common document model of one document as JSON.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the common document model of a document as JSON.",
        discussion: """
            Diagnostics go to standard error. Exit status: 0 when the document was read, 1 when it could
            not be read as a document, 2 for usage or I/O errors.

            Examples:
              passerelle inspect Fixtures/cda/valid/ldl-ses-complete.xml
              passerelle inspect --include-attachments report.xml > report.json
            """)

    @Argument(help: "The document, or - for standard input.")
    var path: String

    @Flag(help: "Include attachment bytes (base64) in the JSON output.")
    var includeAttachments = false

    func run() async throws {
        let item = InputItem(name: path, url: path == "-" ? nil : URL(fileURLWithPath: path))
        let bytes: Data
        do {
            bytes = try item.read()
        } catch {
            printError("\(path): cannot read (\(error.localizedDescription))")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        let parsed = CDAReader().read(bytes, sourceName: path)
        parsed.diagnostics.forEach { printError($0.description) }
        guard let document = parsed.document else { throw ExitCode(ExitStatus.documentsFailed.rawValue) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.userInfo[.includeAttachmentPayloads] = includeAttachments
        FileHandle.standardOutput.write(try encoder.encode(document) + Data("\n".utf8))
    }
}
