import ArgumentParser
import Foundation
import PasserelleStore

/// `passerelle audit`: the audit log (who read or changed what, when), newest first.
///
/// Reading the audit log is itself audited (`audit.list`, by `--reader`), after the entries are
/// fetched, so a listing never shows its own entry.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List audit-log entries (reads and changes), newest first.",
        discussion: """
            Here --actor filters the entries; the person reading the log is --reader (default: the OS user). \
            --target takes TYPE:ID (patient:P1, document:3, review:R1, identity:I2, quarantine:4) or an id \
            with its prefix (P1, R1, I2). --since takes a date (2026-11-23), a date-time (2026-11-23T10:00:00Z) \
            or a duration back from now (30m, 12h, 7d).

            Examples:
              passerelle audit --actor alice --limit 20
              passerelle audit --action document.get --since 24h
              passerelle audit --target P1
            """)

    @Option(help: "Only entries by this actor.")
    var actor: String?

    @Option(help: "Only this action (document.get, patient.show, patient.merge, review.accept...).")
    var action: String?

    @Option(help: "Only entries about this object: TYPE:ID, or P1 / I2 / R1.")
    var target: String?

    @Option(help: "Only entries at or after this time: YYYY-MM-DD, an ISO 8601 date-time, or 30m / 12h / 7d.")
    var since: String?

    @Option(help: "Maximum entries.")
    var limit: Int = 100

    @Option(help: "Who reads the log, recorded in the audit log (default: the OS user).")
    var reader: String = defaultActor()

    @OptionGroup var options: QueryStoreOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        if let since { _ = try Self.parseSince(since) }
        if let target { _ = try Self.parseTarget(target) }
    }

    func run() async throws {
        let parsedTarget = try target.map(Self.parseTarget)
        let filter = AuditFilter(actor: actor, action: action, targetType: parsedTarget?.type, targetID: parsedTarget?.id,
            since: try since.map { try Self.parseSince($0) }, limit: limit)
        let entries = try await options.withStore { store -> [AuditEntry] in
            let entries = try await store.auditEntries(filter)
            let used = [("actor", actor), ("action", action), ("target", target), ("since", since)].filter { $0.1 != nil }
                .map { "\($0.0)=\($0.1!)" }.joined(separator: " ")
            try await store.appendAudit(actor: reader, action: "audit.list", target: AuditTarget(type: "audit", id: "*"),
                detail: "\(used) count=\(entries.count)".trimmingCharacters(in: .whitespaces))
            return entries
        }
        if options.resolvedFormat == .json {
            Query.writeJSON(entries.map { entry -> [String: Any] in
                ["sequence": entry.sequence, "date": Query.iso(entry.date), "actor": entry.actor, "action": entry.action,
                 "targetType": entry.target.type, "targetID": entry.target.id, "detail": entry.detail]
            })
            return
        }
        Query.printTable(
            ["SEQ", "DATE", "ACTOR", "ACTION", "TARGET", "DETAIL"],
            entries.map { [String($0.sequence), Query.iso($0.date), $0.actor, $0.action, "\($0.target.type):\($0.target.id)", $0.detail] },
            empty: "no audit entries")
    }

    /// Parses `TYPE:ID`, or an id whose prefix names its type (`P1`, `I2`, `R1`).
    static func parseTarget(_ text: String) throws -> AuditTarget {
        if let colon = text.firstIndex(of: ":") {
            let type = String(text[..<colon]), id = String(text[text.index(after: colon)...])
            guard !type.isEmpty, !id.isEmpty else { throw ValidationError("--target must be TYPE:ID (e.g. patient:P1)") }
            return AuditTarget(type: type, id: id)
        }
        let types: [Character: String] = ["P": "patient", "I": "identity", "R": "review"]
        if let first = text.uppercased().first, let type = types[first], Int(text.dropFirst()) != nil {
            return AuditTarget(type: type, id: text.uppercased())
        }
        throw ValidationError("--target must be TYPE:ID (e.g. document:3, patient:P1) or a prefixed id (P1, I2, R1)")
    }

    /// Parses a date, an ISO 8601 date-time, or a duration back from now (`30m`, `12h`, `7d`).
    static func parseSince(_ text: String, now: Date = Date()) throws -> Date {
        if let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 {
            let seconds: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
            if let factor = seconds[unit] { return now.addingTimeInterval(-amount * factor) }
        }
        let dateTime = ISO8601DateFormatter()
        if let date = dateTime.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return date }
        throw ValidationError("--since must be YYYY-MM-DD, an ISO 8601 date-time or a duration (30m, 12h, 7d)")
    }
}
