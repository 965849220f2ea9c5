public import PasserelleModel
internal import Foundation

/// Reads the identity CSV into ``IdentityRecord``s. Pure: takes the decoded text, not a file.
///
/// RFC 4180 quoting; the delimiter (`,`, `;` or tab) is taken from the header line; a UTF-8 BOM
/// is skipped. Problems become diagnostics with `row:column`; values never appear in messages.
public enum IdentityCSV {
    /// The records and diagnostics of `text`.
    /// - Parameters:
    ///   - text: the file content.
    ///   - file: the name used in diagnostics.
    ///   - map: column overrides.
    public static func read(_ text: String, file: String, map: ColumnMap = ColumnMap()) throws(IdentityCSVError)
        -> (records: [IdentityRecord], diagnostics: [Diagnostic])
    {
        let table = try readLocated(text, file: file, map: map)
        return (table.records, table.diagnostics)
    }

    /// As ``read(_:file:map:)``, with the line and row of each record, so that later diagnostics
    /// (normalization, INS checks) can name their place in the file.
    public static func readLocated(_ text: String, file: String, map: ColumnMap = ColumnMap()) throws(IdentityCSVError)
        -> (records: [IdentityRecord], locations: [SourceLocation], diagnostics: [Diagnostic])
    {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let firstLine = body.prefix { $0 != "\n" && $0 != "\r\n" }
        let delimiter = detectDelimiter(String(firstLine))
        var rows = CSVRows(body, delimiter: delimiter)
        guard let header = rows.next() else { throw .emptyFile }
        let fields = header.fields.map { map.fields[$0] ?? IdentityField(header: $0) }
        guard fields.contains(.recordID) else { throw .missingRecordID }
        var records: [IdentityRecord] = []
        var locations: [SourceLocation] = []
        var diagnostics: [Diagnostic] = []
        var seen = Set<String>()
        while let row = rows.next() {
            if row.fields.allSatisfy(\.isEmpty) { continue }
            var values: [IdentityField: String] = [:]
            for (index, value) in row.fields.enumerated() where index < fields.count {
                guard let field = fields[index], field != .ignore else { continue }
                let trimmed = trim(value)
                guard !trimmed.isEmpty else { continue }
                values[field] = values[field].map { $0 + " " + trimmed } ?? trimmed
            }
            let location = SourceLocation(line: row.line, column: 1, record: row.number)
            guard let id = values[.recordID] else {
                diagnostics.append(Diagnostic(code: "IDENT-CSV-NO-ID", severity: .error,
                    message: "row without a record id; skipped", file: file, location: location))
                continue
            }
            guard seen.insert(id).inserted else {
                diagnostics.append(Diagnostic(code: "IDENT-CSV-DUPLICATE-ID", severity: .error,
                    message: "duplicate record id; row skipped", file: file, location: location))
                continue
            }
            if row.fields.count != fields.count {
                diagnostics.append(Diagnostic(code: "IDENT-CSV-FIELD-COUNT", severity: .warning,
                    message: "row has \(row.fields.count) fields, header has \(fields.count)", file: file, location: location))
            }
            records.append(record(values, id: id))
            locations.append(location)
        }
        return (records, locations, diagnostics)
    }

    static func record(_ v: [IdentityField: String], id: String) -> IdentityRecord {
        let local = v[.localID].map { LocalIdentifier(authority: v[.source] ?? "", value: $0) }
        return IdentityRecord(
            id: IdentityRecordID(rawValue: id), source: v[.source], localIdentifier: local, ins: v[.ins],
            insOID: v[.insOID], birthFamilyName: v[.birthFamilyName], usedFamilyName: v[.usedFamilyName],
            firstBirthGivenName: v[.firstGivenName], birthGivenNames: v[.givenNames], usedGivenName: v[.usedGivenName],
            birthDate: v[.birthDate], sex: v[.sex], birthplaceCode: v[.birthplaceCode], address: v[.address],
            postcode: v[.postcode], city: v[.city], phone: v[.phone], weakIdentifier: v[.weakIdentifier],
            status: IdentityStatus(code: v[.status]), attributes: IdentityAttributes(codes: v[.attributes]))
    }

    /// Removes leading and trailing spaces and tabs (faster than Foundation's trimming).
    static func trim(_ value: String) -> String {
        guard let first = value.utf8.first, let last = value.utf8.last else { return value }
        if first != 0x20, first != 0x09, last != 0x20, last != 0x09 { return value }
        return String(value.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    static func detectDelimiter(_ line: String) -> Character {
        let counts: [(Character, Int)] = [",", ";", "\t"].map { c in (c, line.filter { $0 == c }.count) }
        return counts.max { $0.1 < $1.1 }.flatMap { $0.1 > 0 ? $0.0 : nil } ?? ","
    }

    /// Quotes a CSV field when needed (RFC 4180).
    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A fatal problem with an identity CSV. Descriptions never carry values.
public enum IdentityCSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No header line.
    case emptyFile
    /// No column maps to the record id.
    case missingRecordID
    /// A `--map` specification is not `column=field`.
    case badMapping(String)
    /// A `--map` target is not a known field.
    case unknownField(String)

    /// Stable diagnostic code.
    public var code: String {
        switch self {
        case .emptyFile: "IDENT-CSV-EMPTY"
        case .missingRecordID: "IDENT-CSV-NO-ID-COLUMN"
        case .badMapping: "IDENT-MAP-SYNTAX"
        case .unknownField: "IDENT-MAP-UNKNOWN-FIELD"
        }
    }

    public var description: String {
        switch self {
        case .emptyFile: "the identity file is empty (no header line)"
        case .missingRecordID: "no column maps to rec_id; use --map COLUMN=rec_id"
        case .badMapping(let spec): "mapping '\(spec)' is not of the form column=field"
        case .unknownField(let name): "'\(name)' is not an identity field (see Docs/identity.md)"
        }
    }
}
