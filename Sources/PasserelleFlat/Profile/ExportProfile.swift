/// A declarative description of one vendor's flat export: how to split it into records and
/// columns, how to decode it, and how columns map to the document model.
///
/// Profiles are written in JSON or YAML (schema: `schemas/profile.schema.json`) and loaded with
/// `ProfileLoader`; the loader rejects mistakes with the file and the JSON path of the field.
public struct ExportProfile: Sendable, Hashable {
    /// Short name (shown in diagnostics and previews).
    public var name: String
    /// Free description.
    public var summary: String?
    /// File the profile was loaded from, when it was.
    public var sourceFile: String?
    /// Record and column layout.
    public var layout: Layout
    /// Whether the first record is a header row naming the columns.
    public var hasHeader: Bool
    /// Encoding of the export.
    public var encoding: TextEncoding
    /// Record terminator.
    public var lineEnding: LineEnding
    /// What to do with rows holding fewer columns than expected.
    public var raggedRows: RaggedRowPolicy
    /// Date formats tried in order (`dd/MM/yyyy`, `yyyyMMdd`...).
    public var dateFormats: [DatePattern]
    /// Decimal separator of numeric values.
    public var decimalSeparator: DecimalSeparator
    /// OID of the facility that assigns local identifiers (IPP, document ids), used when a field has none.
    public var facilityOID: String?
    /// Column → model field mappings.
    public var fields: [FieldMapping]
    /// How rows group into documents.
    public var grouping: Grouping
    /// Upper bound of one record's size in bytes (protects memory against a quote never closed).
    public var maxRecordBytes: Int

    /// Creates a profile.
    public init(
        name: String, summary: String? = nil, sourceFile: String? = nil, layout: Layout, hasHeader: Bool,
        encoding: TextEncoding = .utf8, lineEnding: LineEnding = .auto, raggedRows: RaggedRowPolicy = .reject,
        dateFormats: [DatePattern] = [], decimalSeparator: DecimalSeparator = .point, facilityOID: String? = nil,
        fields: [FieldMapping], grouping: Grouping = .row, maxRecordBytes: Int = 8 << 20
    ) {
        self.name = name
        self.summary = summary
        self.sourceFile = sourceFile
        self.layout = layout
        self.hasHeader = hasHeader
        self.encoding = encoding
        self.lineEnding = lineEnding
        self.raggedRows = raggedRows
        self.dateFormats = dateFormats
        self.decimalSeparator = decimalSeparator
        self.facilityOID = facilityOID
        self.fields = fields
        self.grouping = grouping
        self.maxRecordBytes = maxRecordBytes
    }

    /// Record and column layout.
    public enum Layout: Sendable, Hashable {
        /// Delimiter-separated values.
        case delimited(DelimitedLayout)
        /// One record per line, columns at fixed character positions.
        case fixedWidth([FixedColumn])
    }
}

/// Delimiter-separated layout (RFC 4180 and its common variants).
public struct DelimitedLayout: Sendable, Hashable {
    /// Field delimiter: `;`, `,`, tab or `|`.
    public var delimiter: UInt8
    /// Quote character, or `nil` when quoting is not used.
    public var quote: UInt8?
    /// How a quote (or delimiter) is written inside a quoted field.
    public var escape: EscapeStyle

    /// Creates a layout.
    public init(delimiter: UInt8, quote: UInt8? = UInt8(ascii: "\""), escape: EscapeStyle = .doubled) {
        self.delimiter = delimiter
        self.quote = quote
        self.escape = escape
    }
}

/// How special characters are escaped in delimited exports.
public enum EscapeStyle: String, Sendable, Hashable, CaseIterable {
    /// RFC 4180: a quote inside a quoted field is written twice.
    case doubled
    /// A backslash makes the next quote, delimiter, backslash or line break literal.
    case backslash
}

/// One column of a fixed-width layout, positions in characters, 1-based.
public struct FixedColumn: Sendable, Hashable {
    /// Column name (referenced by mappings).
    public var name: String
    /// First character, 1-based.
    public var start: Int
    /// Width in characters.
    public var length: Int

    /// Creates a column.
    public init(name: String, start: Int, length: Int) {
        self.name = name
        self.start = start
        self.length = length
    }
}

/// Record terminators.
public enum LineEnding: String, Sendable, Hashable, CaseIterable {
    /// LF or CRLF, whichever each record uses.
    case auto
    /// CRLF (a bare LF is accepted with one warning per file).
    case crlf
    /// LF (a CR before the LF is removed as part of the terminator).
    case lf
    /// CR alone (old Mac OS files, some HPRIM producers).
    case cr
}

/// What happens to rows with fewer columns than expected. Rows with more columns are always
/// rejected: dropping the extra values would lose data.
public enum RaggedRowPolicy: String, Sendable, Hashable, CaseIterable {
    /// The row is rejected with `FLAT-COLUMN-COUNT`.
    case reject
    /// Missing trailing columns read as empty, with a `FLAT-COLUMN-COUNT` warning.
    case padShort = "pad-short"
}

/// Decimal separator.
public enum DecimalSeparator: String, Sendable, Hashable, CaseIterable {
    /// `12.5`.
    case point
    /// `12,5` (French locale); values are normalised to a point in the model.
    case comma
}

/// How rows form documents.
public enum Grouping: Sendable, Hashable {
    /// One row, one document.
    case row
    /// Consecutive rows with the same values in `columns` form one document, up to `maxRows` rows.
    case key(columns: [ColumnReference], maxRows: Int)
}

/// A column by header name or by 1-based position.
public enum ColumnReference: Sendable, Hashable, CustomStringConvertible {
    /// By header (or fixed-width) name.
    case name(String)
    /// By 1-based position.
    case index(Int)

    public var description: String {
        switch self {
        case .name(let name): name
        case .index(let index): "#\(index)"
        }
    }
}
