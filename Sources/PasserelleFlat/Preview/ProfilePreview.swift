public import Foundation
public import PasserelleModel

/// One mapped cell of a preview: which column fed which field, and what came out.
public struct PreviewCell: Sendable, Hashable {
    /// Source column (`NOM`, `#3`, `constant`).
    public var column: String
    /// Model field (`patient.birthFamilyName`).
    public var target: String
    /// The column text as decoded, before transforms; `nil` when absent or undecodable.
    public var raw: String?
    /// The value given to the model (dates in ISO 8601); `nil` when empty or rejected.
    public var value: String?
}

/// One previewed row.
public struct PreviewRow: Sendable, Hashable {
    /// Logical record number.
    public var record: Int
    /// First physical line.
    public var line: Int
    /// Cells in mapping order.
    public var cells: [PreviewCell]
    /// Problems found in this row.
    public var diagnostics: [Diagnostic]
    /// Whether the row would become (part of) a document.
    public var accepted: Bool { !diagnostics.containsErrors }
}

/// How the first rows of an export map through a profile, for someone writing a profile.
public struct ProfilePreview: Sendable, Hashable {
    /// Profile name.
    public var profileName: String
    /// Encoding used.
    public var encoding: EncodingChoice?
    /// Previewed rows.
    public var rows: [PreviewRow]
    /// File-level diagnostics seen while previewing.
    public var diagnostics: [Diagnostic]

    /// Reads the first `rows` data rows of `url` through `profile`.
    /// - Throws: `FlatReadError` when the export cannot be read with this profile.
    public static func make(profile: ExportProfile, contentsOf url: URL, rows: Int = 5) throws -> ProfilePreview {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw FlatReadError(code: "FLAT-IO", file: url.path, message: "cannot open the file")
        }
        defer { try? handle.close() }
        var parser = FlatExportParser(profile: profile, sourceName: url.path)
        parser.previewLimit = max(1, rows)
        var fileDiagnostics: [Diagnostic] = []
        let collect: (FlatOutput) -> Void = { if case .diagnostic(let diagnostic) = $0 { fileDiagnostics.append(diagnostic) } }
        while parser.previewRows.count < parser.previewLimit {
            let chunk = (try? handle.read(upToCount: 1 << 16)) ?? nil
            guard let chunk, !chunk.isEmpty else { break }
            try chunk.withUnsafeBytes { try parser.consume($0, collect) }
        }
        if parser.previewRows.count < parser.previewLimit { try parser.finish(collect) }
        return ProfilePreview(
            profileName: profile.name, encoding: parser.summary.encoding, rows: Array(parser.previewRows.prefix(rows)),
            diagnostics: fileDiagnostics)
    }

    /// A readable table: one block per row, one line per cell (`column → field = value`).
    public func rendered() -> String {
        var lines = ["profile \(profileName)" + (encoding.map { ", encoding \($0.encoding.rawValue)" } ?? "")]
        lines += diagnostics.map { "  " + $0.description }
        for row in rows {
            lines.append("row \(row.record) (line \(row.line)): \(row.accepted ? "accepted" : "rejected")")
            let width = row.cells.map(\.column.count).max() ?? 0
            let targetWidth = row.cells.map(\.target.count).max() ?? 0
            for cell in row.cells {
                let column = cell.column.padding(toLength: width, withPad: " ", startingAt: 0)
                let target = cell.target.padding(toLength: targetWidth, withPad: " ", startingAt: 0)
                let raw = cell.raw.map { "\"\(Self.escaped($0))\"" } ?? "(absent)"
                let value = cell.value.map(Self.escaped) ?? "(none)"
                lines.append("  \(column) → \(target) = \(value)    [source \(raw)]")
            }
            lines += row.diagnostics.map { "  " + $0.description }
        }
        return lines.joined(separator: "\n")
    }

    /// Shows line breaks and tabs as escapes so that one cell stays on one line.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\t", with: "\\t")
    }
}

extension FlatExportParser {
    /// Records the preview cells of one mapped row.
    mutating func recordPreview<Columns: RecordColumns>(
        _ columns: Columns, record: Int, line: Int, row: MappedRow?, diagnostics: [Diagnostic]
    ) {
        guard let mapper, previewRows.count < previewLimit else { return }
        var cells: [PreviewCell] = []
        for (index, field) in mapper.fields.enumerated() {
            var raw: String?
            switch field.mapping.source {
            case .constant(let value): raw = value
            case .column:
                if let column = field.column, column < columns.count, case .text(let text, _) = columns.text(at: column) { raw = text }
            }
            let slot = mapper.plans[index].dateSlot
            let value = (slot >= 0 ? row?.dates[slot]?.iso8601 : nil) ?? row?.values[index]
            cells.append(PreviewCell(column: field.columnName, target: field.mapping.target.rawValue, raw: raw, value: value))
        }
        previewRows.append(PreviewRow(record: record, line: line, cells: cells, diagnostics: diagnostics))
    }
}
