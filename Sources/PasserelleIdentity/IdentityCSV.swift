public import PasserelleModel
internal import Foundation

/// Reads the identity CSV into ``IdentityRecord``s. Pure: takes the decoded text, not a file.
///
/// RFC 4180 quoting; the delimiter (`,`, `;` or tab) is taken from the header line; a UTF-8 BOM
/// is skipped. Problems become diagnostics with `row:column`; values never appear in messages.
public enum IdentityCSV {
    /// The text of an identity file's bytes, and what was said about its encoding. UTF-16 when
    /// it starts with a byte-order mark (a spreadsheet's "Unicode text"); otherwise UTF-8, line
    /// by line: a line that is not valid UTF-8 is read as Windows-1252, never altered silently —
    /// one note when no line holds UTF-8 beyond ASCII (a Windows-1252 file), a warning per line
    /// when the file mixes the two (exports of two systems joined). `nil` when a line is neither.
    public static func decode(_ bytes: some Collection<UInt8>, file: String) -> (text: String, diagnostics: [Diagnostic])? {
        if ByteScan.startsWithUTF16ByteOrderMark(bytes) {
            return String(bytes: bytes, encoding: .utf16).map { ($0, []) }
        }
        if let text = String(bytes: bytes, encoding: .utf8) { return (text, []) }
        var text = ""
        var fallbackLines: [Int] = []
        var utf8BeyondASCII = false
        var line = 1
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 0x0A).map { bytes.index(after: $0) } ?? bytes.endIndex
            let slice = bytes[start..<end]
            if let piece = String(bytes: slice, encoding: .utf8) {
                if !utf8BeyondASCII, slice.contains(where: { $0 >= 0x80 }) { utf8BeyondASCII = true }
                text += piece
            } else {
                guard let piece = String(bytes: slice, encoding: .windowsCP1252) else { return nil }
                text += piece
                fallbackLines.append(line)
            }
            line += 1
            start = end
        }
        guard utf8BeyondASCII else {
            let note = Diagnostic(
                code: "IDENT-CSV-ENCODING", severity: .note, message: "the file is not UTF-8: read as Windows-1252",
                file: file, location: SourceLocation(line: fallbackLines.first ?? 1, column: 1))
            return (text, [note])
        }
        let warnings = fallbackLines.map { number in
            Diagnostic(
                code: "IDENT-CSV-MIXED-ENCODING", severity: .warning,
                message: "this line is not UTF-8 while others are: read as Windows-1252 (a file joined from two exports?)",
                file: file, location: SourceLocation(line: number, column: 1))
        }
        return (text, warnings)
    }

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
        var diagnostics: [Diagnostic] = []
        let fields = try columns(header.fields, map: map, file: file, diagnostics: &diagnostics)
        var records: [IdentityRecord] = []
        var locations: [SourceLocation] = []
        var seen = Set<String>()
        // Columns without a header name (a trailing delimiter) are reported only if they hold values.
        var unnamedWithValues = Set<Int>()
        while let row = rows.next() {
            if row.fields.allSatisfy(\.isEmpty) { continue }
            var values: [IdentityField: String] = [:]
            for (index, value) in row.fields.enumerated() where index < fields.count {
                let trimmed = trim(value)
                guard let field = fields[index] else {
                    if !trimmed.isEmpty, isUnnamed(header.fields[index]) { unnamedWithValues.insert(index) }
                    continue
                }
                guard field != .ignore, !trimmed.isEmpty else { continue }
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
        for index in unnamedWithValues.sorted() {
            diagnostics.append(unknownColumn("#\(index + 1) (no name in the header)", index: index, file: file))
        }
        return (records, locations, diagnostics)
    }

    /// The field each header column feeds (`nil`: none). A column that is no field is reported
    /// (`IDENT-CSV-UNKNOWN-COLUMN`, a warning: its values are not read); two columns feeding one
    /// field that takes a single column are an error, since joining them would corrupt the trait
    /// (a `nom` read as the birth name next to a `nom_naissance`).
    /// - Throws: ``IdentityCSVError/missingRecordID`` or ``IdentityCSVError/ambiguousColumns(field:columns:)``.
    static func columns(
        _ names: [String], map: ColumnMap, file: String, diagnostics: inout [Diagnostic]
    ) throws(IdentityCSVError) -> [IdentityField?] {
        let fields = names.map { map.field(forColumn: $0) ?? IdentityField(header: $0) }
        guard fields.contains(.recordID) else { throw .missingRecordID }
        for field in IdentityField.allCases where !field.takesSeveralColumns {
            let feeding = zip(names, fields).filter { $0.1 == field }.map(\.0)
            if feeding.count > 1 { throw .ambiguousColumns(field: field.rawValue, columns: feeding) }
        }
        for (index, (name, field)) in zip(names, fields).enumerated() where field == nil && !isUnnamed(name) {
            diagnostics.append(unknownColumn("'\(name)'", index: index, file: file))
        }
        // A --map naming no column of this header does nothing here: say so (a typo, or a map
        // meant for the other file of a link).
        let keys = Set(names.map(IdentityField.headerKey))
        for column in map.fields.keys.sorted() where !names.contains(column) && !keys.contains(IdentityField.headerKey(column)) {
            diagnostics.append(Diagnostic(
                code: "IDENT-MAP-UNUSED", severity: .warning,
                message: "--map names a column '\(column)' that this file's header does not have",
                file: file, location: SourceLocation(line: 1, column: 1, record: 1)))
        }
        return fields
    }

    /// Whether a header cell is empty (a trailing delimiter makes one).
    static func isUnnamed(_ name: String) -> Bool { name.allSatisfy { $0 == " " || $0 == "\t" } }

    static func unknownColumn(_ label: String, index: Int, file: String) -> Diagnostic {
        Diagnostic(
            code: "IDENT-CSV-UNKNOWN-COLUMN", severity: .warning,
            message: "column \(label) is not an identity field and is not read; map it with --map COLUMN=FIELD, or --map COLUMN=ignore",
            file: file, location: SourceLocation(line: 1, column: 1, record: 1), path: "#\(index + 1)")
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
    /// Several columns feed a field that takes one (header recognition or `--map`).
    case ambiguousColumns(field: String, columns: [String])

    /// Stable diagnostic code.
    public var code: String {
        switch self {
        case .emptyFile: "IDENT-CSV-EMPTY"
        case .missingRecordID: "IDENT-CSV-NO-ID-COLUMN"
        case .badMapping: "IDENT-MAP-SYNTAX"
        case .unknownField: "IDENT-MAP-UNKNOWN-FIELD"
        case .ambiguousColumns: "IDENT-CSV-AMBIGUOUS-COLUMNS"
        }
    }

    public var description: String {
        switch self {
        case .emptyFile: "the identity file is empty (no header line)"
        case .missingRecordID: "no column maps to rec_id; use --map COLUMN=rec_id"
        case .badMapping(let spec): "mapping '\(spec)' is not of the form column=field"
        case .unknownField(let name): "'\(name)' is not an identity field (see Docs/identity.md)"
        case .ambiguousColumns(let field, let columns):
            "columns \(columns.map { "'\($0)'" }.joined(separator: ", ")) all feed \(field), which takes one column: "
                + "map the others to their own field or skip them with --map (e.g. --map '\(columns[columns.count - 1])=ignore')"
        }
    }
}
