import ArgumentParser
import Foundation
import PasserelleModel
import PasserellePipeline
import PasserelleStore

/// `passerelle quarantine`: documents that failed reading or validation.
struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "List, show and retry quarantined inputs.",
        discussion: """
            Examples:
              passerelle quarantine list
              passerelle quarantine show 3
              passerelle quarantine retry 3 --profile Fixtures/profiles/lgc-semicolon-cp1252.json
            """,
        subcommands: [List.self, Show.self, Retry.self])

    /// Options of every quarantine subcommand.
    struct StoreOptions: ParsableArguments {
        @Option(help: "Record store: a SQLite file, or postgres://user@host/db.")
        var store: String = "./passerelle.sqlite"

        @Option(help: "Who acts (audit log); default: the OS user.")
        var actor: String = defaultActor()

        @Option(help: "Output format: text or json.")
        var format: SummaryFormat = .text

        func open() async throws -> any RecordStore {
            do {
                return try await openStore(store)
            } catch {
                printError("\(store): cannot open the store (\(error))")
                throw ExitCode(ExitStatus.usageOrIO.rawValue)
            }
        }
    }

    static func json(_ item: QuarantineItem, withDiagnostics: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "id": item.id.description, "source": item.sourceName, "sha256": item.sha256, "size": item.size,
            "reason": item.reason, "state": item.state.rawValue, "receivedAt": ISO8601DateFormatter().string(from: item.receivedAt),
            "updatedAt": ISO8601DateFormatter().string(from: item.updatedAt),
        ]
        if let document = item.document { object["document"] = document.description }
        if withDiagnostics {
            object["diagnostics"] = item.diagnostics.map { diagnostic -> [String: Any] in
                var entry: [String: Any] = ["code": diagnostic.code.rawValue, "severity": diagnostic.severity.rawValue, "message": diagnostic.message]
                if let file = diagnostic.file { entry["file"] = file }
                if let line = diagnostic.location?.line { entry["line"] = line }
                if let column = diagnostic.location?.column { entry["column"] = column }
                return entry
            }
        }
        return object
    }

    static func write(json: Any) {
        var data = (try? JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(data)
    }

    static func parseID(_ text: String) throws -> QuarantineID {
        let digits = text.hasPrefix("Q") || text.hasPrefix("q") ? String(text.dropFirst()) : text
        guard let number = Int64(digits), number > 0 else { throw ValidationError("'\(text)' is not a quarantine id (a number, e.g. 3 or Q3)") }
        return QuarantineID(rawValue: number)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List quarantine items (open ones by default).",
            discussion: """
                Examples:
                  passerelle quarantine list
                  passerelle quarantine list --state all --format json
                  passerelle quarantine list --store postgres://gateway@db.example/passerelle
                """)

        @Option(help: "State: open, retried, resolved or all.")
        var state: String = "open"

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let filter: QuarantineState?
            if state == "all" {
                filter = nil
            } else if let parsed = QuarantineState(rawValue: state) {
                filter = parsed
            } else {
                throw ValidationError("--state must be open, retried, resolved or all")
            }
            let store = try await options.open()
            let items = try await store.quarantineItems(state: filter)
            try await store.appendAudit(actor: options.actor, action: "quarantine.list", target: AuditTarget(type: "quarantine", id: "*"),
                detail: "state=\(state) count=\(items.count)")
            try? await store.close()
            if options.format == .json {
                QuarantineCommand.write(json: items.map { QuarantineCommand.json($0, withDiagnostics: false) })
                return
            }
            guard !items.isEmpty else {
                print("no quarantine items (\(state))")
                return
            }
            print("ID".padding(toLength: 6, withPad: " ", startingAt: 0) + "STATE     SIZE      SOURCE / REASON")
            for item in items {
                let id = "Q\(item.id)".padding(toLength: 6, withPad: " ", startingAt: 0)
                let stateText = item.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                let size = String(item.size).padding(toLength: 10, withPad: " ", startingAt: 0)
                print(id + stateText + size + item.sourceName)
                print(String(repeating: " ", count: 26) + item.reason)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one quarantine item with its diagnostics.",
            discussion: """
                Examples:
                  passerelle quarantine show Q3
                  passerelle quarantine show 3 --format json
                """)

        @Argument(help: "Quarantine id (3 or Q3).")
        var id: String

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let qid = try QuarantineCommand.parseID(id)
            let store = try await options.open()
            guard let item = try await store.quarantineItem(qid) else {
                try? await store.close()
                printError("quarantine item \(id) not found")
                throw ExitCode(ExitStatus.documentsFailed.rawValue)
            }
            try await store.appendAudit(actor: options.actor, action: "quarantine.show", target: AuditTarget(type: "quarantine", id: qid.description))
            try? await store.close()
            if options.format == .json {
                QuarantineCommand.write(json: QuarantineCommand.json(item, withDiagnostics: true))
                return
            }
            print("quarantine item Q\(item.id) (\(item.state.rawValue))")
            print("  source:    \(item.sourceName)")
            print("  size:      \(item.size) bytes, sha256 \(item.sha256)")
            print("  received:  \(ISO8601DateFormatter().string(from: item.receivedAt))")
            print("  reason:    \(item.reason)")
            if let document = item.document { print("  document:  \(document) (after retry)") }
            print("  diagnostics:")
            for diagnostic in item.diagnostics { print("    \(diagnostic.description)") }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-run the pipeline on a quarantined input's original bytes (e.g. after fixing a profile).",
            discussion: """
                On success the item becomes `retried`, linked to the stored document; on failure it stays open \
                and the new diagnostics are printed (no new quarantine item is created).

                Examples:
                  passerelle quarantine retry Q3
                  passerelle quarantine retry Q7 --profile Fixtures/profiles/lgc-semicolon-cp1252.json
                """)

        @Argument(help: "Quarantine id (3 or Q3).")
        var id: String

        @OptionGroup var pipeline: PipelineOptions

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let qid = try QuarantineCommand.parseID(id)
            let configuration = try pipeline.configuration()
            let store = try await options.open()
            do {
                guard let item = try await store.quarantineItem(qid), let bytes = try await store.quarantineBytes(qid) else {
                    try? await store.close()
                    printError("quarantine item \(id) not found")
                    throw ExitCode(ExitStatus.documentsFailed.rawValue)
                }
                guard item.state == .open else {
                    try? await store.close()
                    printError("quarantine item Q\(qid) is \(item.state.rawValue), not open")
                    throw ExitCode(ExitStatus.documentsFailed.rawValue)
                }
                let sink = StoreSink(store: store, actor: options.actor, run: nil, quarantines: false)
                let results = try await IngestPipeline(configuration: configuration, sink: sink)
                    .process(Envelope(sourceName: item.sourceName, bytes: bytes, receivedAt: item.receivedAt))
                let stored = results.compactMap { result -> DocumentID? in
                    switch result.outcome {
                    case .stored(let id), .duplicate(let id), .newVersion(let id, _), .storedSuperseded(let id, _):
                        Int64(id).map(DocumentID.init(rawValue:))
                    default: nil
                    }
                }
                let failed = results.filter(\.outcome.isError)
                if failed.isEmpty, let document = stored.first {
                    try await store.markQuarantineRetried(qid, document: document, actor: options.actor)
                }
                try? await store.close()
                for result in results {
                    print("Q\(qid) \(result.name): \(result.outcome.isError ? IngestProgress.describe(result.outcome) : result.outcome.kind)"
                        + (stored.isEmpty ? "" : " (document \(stored.map(\.description).joined(separator: ", ")))"))
                    if result.outcome.isError { result.diagnostics.forEach { print("  \($0.description)") } }
                }
                if !failed.isEmpty || stored.isEmpty {
                    printError("quarantine item Q\(qid) stays open")
                    throw ExitCode(ExitStatus.documentsFailed.rawValue)
                }
                print("quarantine item Q\(qid) retried: linked to document \(stored[0])")
            } catch let exit as ExitCode {
                throw exit
            } catch {
                try? await store.close()
                printError("retry failed: \(error)")
                throw ExitCode(ExitStatus.usageOrIO.rawValue)
            }
        }
    }
}
