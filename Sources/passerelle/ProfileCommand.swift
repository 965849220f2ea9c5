import ArgumentParser
import Foundation
import PasserelleFlat
import PasserelleModel

/// `passerelle profile`: write and try export profiles for flat (CSV / fixed-width) exports.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Check export profiles and preview how an export maps through one.",
        discussion: """
            Examples:
              passerelle profile check Fixtures/profiles/lgc-semicolon-cp1252.json
              passerelle profile preview --profile Fixtures/profiles/lgc-semicolon-cp1252.json export.csv
            """,
        subcommands: [Check.self, Preview.self, Read.self])

    /// `passerelle profile check FILE`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a profile file (JSON or YAML); errors name the file and the field's JSON path.",
            discussion: """
                Examples:
                  passerelle profile check Fixtures/profiles/lgc-semicolon-cp1252.json
                  passerelle profile check my-profile.yaml
                """)

        @Argument(help: "The profile file.")
        var file: String

        func run() async throws {
            let report = ProfileChecker.check(contentsOf: URL(fileURLWithPath: file))
            for diagnostic in report.diagnostics { print(diagnostic.description) }
            guard report.isValid, let profile = report.profile else { throw ExitCode(1) }
            print("\(file): ok: profile \(profile.name), \(profile.fields.count) field mapping(s)")
        }
    }

    /// `passerelle profile preview --profile P EXPORT [--rows N]`.
    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how the first rows of an export map: column → field → value.",
            discussion: """
                Examples:
                  passerelle profile preview --profile Fixtures/profiles/lgc-semicolon-cp1252.json export.csv
                """)

        @Option(name: .long, help: "The profile file.")
        var profile: String

        @Argument(help: "The export file.")
        var export: String

        @Option(name: .long, help: "Number of data rows to show.")
        var rows: Int = 5

        func validate() throws {
            guard rows > 0 else { throw ValidationError("--rows must be positive") }
        }

        func run() async throws {
            let loaded = try ProfileCommand.loadProfile(profile)
            do {
                let preview = try ProfilePreview.make(profile: loaded, contentsOf: URL(fileURLWithPath: export), rows: rows)
                print(preview.rendered())
            } catch let error as FlatReadError {
                print(error.description)
                throw ExitCode(1)
            }
        }
    }

    /// `passerelle profile read --profile P EXPORT`: read a whole export and print counts.
    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a whole export through a profile into the model and print a JSON summary.",
            discussion: """
                Examples:
                  passerelle profile read --profile Fixtures/profiles/lgc-semicolon-cp1252.json export.csv
                  passerelle profile read --jobs 1 --profile Fixtures/profiles/lgc-semicolon-cp1252.json export.csv
                """)

        @Option(name: .long, help: "The profile file.")
        var profile: String

        @Argument(help: "The export file.")
        var export: String

        @Option(name: .long, help: "Print at most this many diagnostics.")
        var maxDiagnostics: Int = 20

        @Option(name: .long, help: "Threads mapping rows into documents (default: the number of cores, at most 4).")
        var jobs: Int = FlatExportParser.defaultJobs

        func validate() throws {
            guard jobs > 0 else { throw ValidationError("--jobs must be positive") }
        }

        func run() async throws {
            let loaded = try ProfileCommand.loadProfile(profile)
            let start = ContinuousClock.now
            var printed = 0
            // Read once: an option's getter is far slower than a local, and this runs per row.
            let limit = maxDiagnostics
            let summary: FlatReadSummary
            do {
                summary = try FlatExportReader(profile: loaded, jobs: jobs).read(contentsOf: URL(fileURLWithPath: export)) { output in
                    guard printed < limit else { return }
                    for diagnostic in output.diagnostics where printed < limit {
                        FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
                        printed += 1
                    }
                }
            } catch let error as FlatReadError {
                print(error.description)
                throw ExitCode(1)
            }
            let elapsed = start.duration(to: .now)
            let seconds = elapsed.inSeconds
            let rows = max(0, summary.records - (loaded.hasHeader ? 1 : 0))
            var fields: [String] = [
                "\"tool\":\"passerelle\"", "\"rows\":\(rows)", "\"documents\":\(summary.documents)",
                "\"rejected\":\(summary.rejected)", "\"bytes\":\(summary.bytes)",
                "\"seconds\":\(String(format: "%.3f", seconds))",
                "\"rows_per_s\":\(Int(Double(rows) / max(seconds, 1e-9)))",
                "\"mb_per_s\":\(String(format: "%.1f", Double(summary.bytes) / max(seconds, 1e-9) / 1e6))",
                "\"jobs\":\(jobs)",
            ]
            fields.append("\"encoding\":\"\(summary.encoding?.encoding.rawValue ?? "")\"")
            print("{" + fields.joined(separator: ",") + "}")
        }
    }

    static func loadProfile(_ path: String) throws -> ExportProfile {
        do {
            return try ProfileLoader.load(contentsOf: URL(fileURLWithPath: path))
        } catch {
            print(error.description)
            throw ExitCode(1)
        }
    }
}
