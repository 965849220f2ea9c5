import PasserelleModel

/// A mapping with its column resolved against the header.
struct CompiledField: Sendable {
    let mapping: FieldMapping
    /// 0-based column, `nil` for constants.
    let column: Int?
    /// Column name for diagnostics (`NOM`, `#3`).
    let columnName: String
    let dateFormats: [DatePattern]
}

/// One row mapped to field values, parallel to the compiled fields.
struct MappedRow: Sendable {
    var record: Int
    var firstLine: Int
    var lastLine: Int
    var values: [String?]
    var dates: [Timestamp?]
    var warnings: [Diagnostic]
}

/// Per-field facts the hot loop needs, flattened out of `FieldMapping` (no reference counting per row).
struct FieldPlan: Sendable {
    let column: Int
    let constant: String?
    let transforms: [ValueTransform]
    let hasMap: Bool
    let required: Bool
    let kind: FieldTarget.Kind
    let numeric: Bool
    /// Index into `MappedRow.dates` for date targets, else -1.
    let dateSlot: Int
}

/// Maps decoded columns to field values: transforms, value maps, required checks, dates, sex codes.
struct RowMapper: Sendable {
    let fields: [CompiledField]
    let sourceName: String
    let decimalSeparator: DecimalSeparator
    /// Columns no mapping reads (checked for encoding only).
    let unmappedColumns: [Int]
    let plans: [FieldPlan]
    let dateCount: Int
    /// An empty date array of the right size, copied per row (cheaper than building it).
    private let emptyDates: [Timestamp?]

    init(fields: [CompiledField], sourceName: String, decimalSeparator: DecimalSeparator, unmappedColumns: Set<Int>) {
        self.fields = fields
        self.sourceName = sourceName
        self.decimalSeparator = decimalSeparator
        self.unmappedColumns = unmappedColumns.sorted()
        var plans: [FieldPlan] = []
        var dates = 0
        for field in fields {
            let kind = field.mapping.target.kind
            var constant: String?
            if case .constant(let value) = field.mapping.source { constant = value }
            plans.append(FieldPlan(
                column: field.column ?? -1, constant: constant, transforms: field.mapping.transforms,
                hasMap: !field.mapping.valueMap.isEmpty, required: field.mapping.required, kind: kind,
                numeric: field.mapping.numeric, dateSlot: kind == .date ? dates : -1))
            if kind == .date { dates += 1 }
        }
        self.plans = plans
        dateCount = dates
        emptyDates = [Timestamp?](repeating: nil, count: dates)
    }

    /// Maps one row; returns the row, or the errors rejecting it.
    func map<Columns: RecordColumns>(
        _ columns: Columns, record: Int, firstLine: Int, lastLine: Int, warnings: [Diagnostic]
    ) -> (row: MappedRow?, errors: [Diagnostic], warnings: [Diagnostic]) {
        var cache = RowCache(enabled: false)
        let mapped = mapRow(columns, record: record, firstLine: firstLine, lastLine: lastLine, warnings: warnings, cache: &cache)
        return (mapped.errors.isEmpty ? mapped.row : nil, mapped.errors, mapped.warnings)
    }

    /// Maps one row; the row is meaningful only when `errors` is empty (no optional to unwrap
    /// and destroy on the hot path).
    ///
    /// With an enabled `cache` (rows of one buffer, in order), a column whose bytes equal the
    /// previous row's takes the previous row's final value without decoding, transforming or
    /// parsing it again, when that value came with no diagnostic.
    func mapRow<Columns: RecordColumns>(
        _ columns: Columns, record: Int, firstLine: Int, lastLine: Int, warnings: [Diagnostic], cache: inout RowCache
    ) -> (row: MappedRow, errors: [Diagnostic], warnings: [Diagnostic]) {
        var errors: [Diagnostic] = []
        var warnings = warnings
        var values = [String?](repeating: nil, count: plans.count)
        var dates = emptyDates
        if cache.enabled, cache.spans.count != plans.count {
            cache.spans = [RowCache.Span](repeating: .none, count: plans.count)
        }
        func location(_ plan: FieldPlan) -> SourceLocation {
            plan.column >= 0 && plan.column < columns.count
                ? columns.location(ofColumn: plan.column) : SourceLocation(line: firstLine, column: 1, record: record)
        }
        // Borrowed, not copied: a `FieldPlan` copy retains its strings and arrays.
        plans.withUnsafeBufferPointer { plans in
            for index in plans.indices {
                let plan = plans[index]
                var text: String?
                var span = RowCache.Span.none
                if let constant = plan.constant {
                    text = constant
                } else if plan.column >= 0, plan.column < columns.count {
                    if cache.enabled {
                        span = columns.span(at: plan.column)
                        let previous = cache.spans[index]
                        cache.spans[index] = .none
                        if span.start >= 0, previous.start >= 0, columns.sameBytes(previous, span) {
                            values[index] = cache.values[index]
                            if plan.dateSlot >= 0 { dates[plan.dateSlot] = cache.dates[plan.dateSlot] }
                            cache.spans[index] = span
                            continue
                        }
                    }
                    let warningCount = warnings.count
                    switch columns.text(at: plan.column) {
                    case .text(let value, let warning):
                        text = value
                        if let warning { warnings.append(c1Warning(warning, location(plan), fields[index].columnName)) }
                    case .undecodable(let issue, let where_):
                        errors.append(encodingError(issue, where_, fields[index].columnName))
                        continue
                    }
                    // A value that came with a warning is not reused: the warning names this row.
                    if warnings.count != warningCount { span = .none }
                }
                if !plan.transforms.isEmpty { text = apply(plan.transforms, to: text) }
                if let value = text, value.isEmpty { text = nil }
                if plan.hasMap, let value = text {
                    let field = fields[index]
                    if let mapped = field.mapping.valueMap[value] {
                        text = mapped.isEmpty ? nil : mapped
                    } else if field.mapping.unmapped == .error {
                        errors.append(error(.flatValue, "value of \(field.columnName) is not listed in the map of \(field.mapping.path)", location(plan), field))
                        continue
                    }
                }
                guard let value = text else {
                    if plan.required {
                        let field = fields[index]
                        errors.append(error(.flatMissingField, "\(field.mapping.target.rawValue) is required but \(field.columnName) is empty", location(plan), field))
                    }
                    continue
                }
                switch plan.kind {
                case .date:
                    let formats = fields[index].dateFormats
                    var parsed: Timestamp?
                    for format in formats {
                        parsed = format.parse(value)
                        if parsed != nil { break }
                    }
                    guard let date = parsed else {
                        let field = fields[index]
                        let names = formats.map(\.pattern).joined(separator: " or ")
                        errors.append(error(.flatDate, "\(field.columnName) is not a valid date in format \(names)", location(plan), field))
                        continue
                    }
                    dates[plan.dateSlot] = date
                case .sex:
                    guard value == "M" || value == "F" || value == "UN" || value == "U" else {
                        let field = fields[index]
                        errors.append(error(.flatValue, "\(field.columnName) is not a sex code (M, F, UN, U); map the source codes with \"map\"", location(plan), field))
                        continue
                    }
                case .perRow where plan.numeric:
                    guard let number = normalizedNumber(value) else {
                        let field = fields[index]
                        let separator = decimalSeparator == .comma ? "comma" : "point"
                        errors.append(error(.flatNumber, "\(field.columnName) is not a number with a decimal \(separator)", location(plan), field))
                        continue
                    }
                    text = number
                default:
                    break
                }
                values[index] = text
                if cache.enabled { cache.spans[index] = span }
            }
        }
        if cache.enabled {
            cache.values = values
            cache.dates = dates
        }
        for column in unmappedColumns where column < columns.count {
            if let (issue, where_) = columns.check(at: column) {
                let diagnostic = issue.kind == .undecodable
                    ? Diagnostic(
                        code: .flatEncoding, severity: .warning,
                        message: "byte 0x\(EncodingDetector.hex(issue.byte)) in unmapped column #\(column + 1) is not valid in the declared encoding",
                        file: sourceName, location: where_, path: "#\(column + 1)")
                    : c1Warning(issue, where_, "#\(column + 1)")
                warnings.append(diagnostic)
            }
        }
        let row = MappedRow(record: record, firstLine: firstLine, lastLine: lastLine, values: values, dates: dates, warnings: [])
        return (row, errors, warnings)
    }

    private func error(_ code: DiagnosticCode, _ message: String, _ location: SourceLocation, _ field: CompiledField) -> Diagnostic {
        Diagnostic(code: code, severity: .error, message: message, file: sourceName, location: location, path: field.columnName)
    }

    private func encodingError(_ issue: DecodeIssue, _ location: SourceLocation, _ column: String) -> Diagnostic {
        Diagnostic(
            code: .flatEncoding, severity: .error,
            message: "byte 0x\(EncodingDetector.hex(issue.byte)) in \(column) is not valid in the declared encoding",
            file: sourceName, location: location, path: column)
    }

    private func c1Warning(_ issue: DecodeIssue, _ location: SourceLocation, _ column: String) -> Diagnostic {
        Diagnostic(
            code: .flatEncodingSuspect, severity: .warning,
            message: "control character 0x\(EncodingDetector.hex(issue.byte)) in \(column): the source is probably windows-1252, not ISO-8859",
            file: sourceName, location: location, path: column)
    }

    /// A number in the profile's decimal form, rewritten with a point; `nil` when not a number.
    func normalizedNumber(_ text: String) -> String? {
        let separator: UInt8 = decimalSeparator == .comma ? 0x2C : 0x2E
        var out: [UInt8] = []
        var digits = 0
        var seenSeparator = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case 0x30...0x39: digits += 1; out.append(byte)
            case 0x2B, 0x2D, 0x3C, 0x3E:
                guard index == 0 else { return nil }
                out.append(byte)
            case separator where !seenSeparator: seenSeparator = true; out.append(0x2E)
            default: return nil
            }
        }
        return digits > 0 ? String(decoding: out, as: UTF8.self) : nil
    }

    /// Applies text transforms in order.
    func apply(_ transforms: [ValueTransform], to text: String?) -> String? {
        guard var value = text, !transforms.isEmpty else { return text }
        for transform in transforms {
            switch transform {
            case .trim: value = Self.trimmed(value)
            case .upper:
                if value.utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A || $0 >= 0x80 }) { value = value.uppercased() }
            case .lower:
                if value.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A || $0 >= 0x80 }) { value = value.lowercased() }
            case .collapseSpaces:
                if Self.needsSpacing(value, separators: false) {
                    value = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                }
            case .splitGivenNames:
                if Self.needsSpacing(value, separators: true) {
                    value = value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).joined(separator: " ")
                }
            }
        }
        return value
    }

    /// Whether collapsing spaces (and, with `separators`, commas and tabs) would change `text`.
    static func needsSpacing(_ text: String, separators: Bool) -> Bool {
        var previousSpace = true
        for byte in text.utf8 {
            if separators, byte == 0x2C || byte == 0x09 { return true }
            let space = byte == 0x20
            if space, previousSpace { return true }
            previousSpace = space
        }
        return previousSpace && !text.isEmpty
    }

    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        guard let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        if first == utf8.startIndex, utf8.index(after: last) == utf8.endIndex { return text }
        return String(text[first...last])
    }
}
