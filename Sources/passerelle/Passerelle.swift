import ArgumentParser
import Foundation

/// The `passerelle` command: an interoperability gateway for French e-health documents.
@main
struct Passerelle: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "passerelle",
        abstract: "Validate, inspect and match French e-health documents and identities (CDA R2 / CI-SIS, INS).",
        discussion: """
            Examples:
              passerelle validate --format sarif --output results.sarif incoming/
              passerelle inspect document.xml
              passerelle match patients.csv --output links.csv
              passerelle profile check my-export-profile.json
              passerelle ingest archive.zip --store postgres://gateway@db/passerelle
              passerelle serve --config passerelle.yaml
            """,
        version: version,
        subcommands: [
            ValidateCommand.self, InspectCommand.self, MatchCommand.self, ProfileCommand.self, IngestCommand.self,
            ConvertCommand.self, QuarantineCommand.self, PatientsCommand.self, DocumentsCommand.self, ReviewCommand.self,
            AuditCommand.self, ServeCommand.self, TokensCommand.self,
        ])

    /// Runs the command line. Usage errors exit with status 2 (the documented contract for
    /// CI pipelines), not ArgumentParser's default 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usageOrIO.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Process exit statuses.
enum ExitStatus: Int32 {
    /// Every document passed.
    case success = 0
    /// At least one document failed.
    case documentsFailed = 1
    /// A usage or I/O error.
    case usageOrIO = 2
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
