import ArgumentParser
import Foundation
import PasserelleIdentity
import PasserelleStore

#if canImport(Glibc)
import Glibc
#endif

/// Output format of the query commands (`patients`, `review`, `documents`, `audit`).
enum QueryFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns for people.
    case table
    /// Pretty-printed JSON with sorted keys, for scripts.
    case json
}

/// Store and output options shared by the query commands.
///
/// `--format` defaults to `table` when standard output is a terminal and to `json` otherwise
/// (pipes, files, scripts).
struct QueryStoreOptions: ParsableArguments {
    @Option(help: "Record store: a SQLite file, or postgres://user@host/db.")
    var store: String = "./passerelle.sqlite"

    @Option(help: "Output format: table or json (default: table on a terminal, json otherwise).")
    var format: QueryFormat?

    /// The format to write: `--format`, else table on a TTY and JSON otherwise.
    var resolvedFormat: QueryFormat {
        format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)
    }

    /// Opens the store. A SQLite file that does not exist is an error here (queries never create
    /// an empty store); any failure exits with status 2 and names the location without password.
    func open() async throws -> any RecordStore {
        let location: StoreLocation
        do {
            location = try StoreLocation(parsing: store)
        } catch {
            printError("STORE-LOCATION: \(error)")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            printError("[STORE-OPEN] no store at \(location): run `passerelle ingest` first or give --store")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
        // A PostgreSQL server that never answers must not hang a query: give up after 30 s.
        let description = location.description
        let watchdog = Task {
            try await Task.sleep(for: .seconds(30))
            printError("[STORE-OPEN] cannot open the store at \(description): no answer within 30 s")
            Foundation.exit(ExitStatus.usageOrIO.rawValue)
        }
        defer { watchdog.cancel() }
        do {
            return try await openStore(location)
        } catch let error as StoreError {
            printError(error.description)
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        } catch {
            printError("[STORE-OPEN] cannot open the store at \(location): \(type(of: error))")
            throw ExitCode(ExitStatus.usageOrIO.rawValue)
        }
    }

    /// Opens the store, runs `body`, closes the store, and turns store errors into messages and
    /// exit statuses: unknown objects and refused operations exit 1, other failures exit 2.
    func withStore<T>(_ body: (any RecordStore) async throws -> T) async throws -> T {
        let store = try await open()
        do {
            let result = try await body(store)
            try? await store.close()
            return result
        } catch let exit as ExitCode {
            try? await store.close()
            throw exit
        } catch let error as StoreError {
            try? await store.close()
            printError(error.description)
            switch error {
            case .notFound, .invalidOperation, .invalidInput: throw ExitCode(ExitStatus.documentsFailed.rawValue)
            default: throw ExitCode(ExitStatus.usageOrIO.rawValue)
            }
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Who runs a query command, for the audit log.
struct ActorOption: ParsableArguments {
    @Option(help: "Who acts, recorded in the audit log (default: the OS user).")
    var actor: String = defaultActor()
}

/// Helpers shared by the query commands: id parsing, JSON and table output.
enum Query {
    /// Reports an unknown object and exits with status 1.
    static func notFound(_ kind: String, _ id: String) -> ExitCode {
        printError("[QUERY-NOT-FOUND] no \(kind) \(id)")
        return ExitCode(ExitStatus.documentsFailed.rawValue)
    }

    /// Parses `P3` or `3` as a patient id.
    static func patientID(_ text: String) throws -> PatientID {
        PatientID(rawValue: try prefixed(text, "P", kind: "patient"))
    }

    /// Parses `I5` or `5` as an identity-record id.
    static func identityID(_ text: String) throws -> IdentityRecordID {
        IdentityRecordID(rawValue: try prefixed(text, "I", kind: "identity"))
    }

    /// Parses `R2` or `2` as a review id.
    static func reviewID(_ text: String) throws -> ReviewID {
        ReviewID(rawValue: try prefixed(text, "R", kind: "review"))
    }

    /// Parses `12` (or `D12`) as a document id.
    static func documentID(_ text: String) throws -> DocumentID {
        let digits = text.first.map { "Dd".contains($0) } == true ? String(text.dropFirst()) : text
        guard let number = Int64(digits), number > 0 else {
            throw ValidationError("'\(text)' is not a document id (a number, e.g. 12)")
        }
        return DocumentID(rawValue: number)
    }

    private static func prefixed(_ text: String, _ prefix: Character, kind: String) throws -> String {
        let digits = text.first.map { $0.uppercased() == String(prefix) } == true ? String(text.dropFirst()) : text
        guard let number = Int(digits), number > 0 else {
            throw ValidationError("'\(text)' is not a \(kind) id (e.g. \(prefix)3 or 3)")
        }
        return "\(prefix)\(number)"
    }

    /// Writes a JSON value (pretty, sorted keys) and a newline to standard output.
    static func writeJSON(_ value: Any) {
        var data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(data)
    }

    /// Prints rows as left-aligned columns under a header; `empty` when there are no rows.
    static func printTable(_ header: [String], _ rows: [[String]], empty: String) {
        guard !rows.isEmpty else {
            print(empty)
            return
        }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        rows.forEach { print(line($0)) }
    }

    /// ISO 8601 text of a date (UTC).
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// JSON of a link-history entry.
    static func json(_ entry: HistoryEntry) -> [String: Any] {
        var object: [String: Any] = [
            "sequence": entry.sequence, "event": entry.change.kind, "description": entry.change.summary,
            "actor": entry.metadata.actor, "date": iso(entry.metadata.date), "reason": entry.metadata.reason,
        ]
        if let score = entry.metadata.score { object["score"] = score }
        return object
    }

    /// JSON of a document summary (metadata only, no traits).
    static func json(_ summary: DocumentSummary) -> [String: Any] {
        var object: [String: Any] = [
            "id": summary.id.description, "documentKey": summary.documentKey, "sourceName": summary.sourceName,
            "size": summary.size, "sha256": summary.sha256, "receivedAt": iso(summary.receivedAt), "status": summary.status.rawValue,
        ]
        object["setKey"] = summary.setKey
        object["versionNumber"] = summary.versionNumber
        object["typeCode"] = summary.typeCode
        object["typeSystem"] = summary.typeSystem
        object["title"] = summary.title
        object["creationTime"] = summary.creationTime
        object["patient"] = summary.patient?.rawValue
        object["identity"] = summary.identity?.rawValue
        object["format"] = summary.format
        object["supersededBy"] = summary.supersededBy?.description
        return object
    }

    /// Table rows for document summaries.
    static let documentHeader = ["ID", "CREATED", "TYPE", "VERSION", "STATUS", "SIZE", "TITLE"]

    static func row(_ summary: DocumentSummary) -> [String] {
        [
            summary.id.description, summary.creationTime ?? "-", summary.typeCode ?? "-",
            summary.versionNumber.map(String.init) ?? "-",
            summary.status.rawValue + (summary.supersededBy.map { " by \($0)" } ?? ""), String(summary.size), summary.title ?? "",
        ]
    }
}
