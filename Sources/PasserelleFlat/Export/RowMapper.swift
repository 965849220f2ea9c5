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
    var constant: String?
    var transforms: [ValueTransform]
    let hasMap: Bool
    let required: Bool
    let kind: FieldTarget.Kind
    let numeric: Bool
    /// Index into `MappedRow.dates` for date targets, else -1.
    let dateSlot: Int
    /// Whether the target is a patient field (see `RowCache.patientChanged`).
    let patient: Bool
    /// Date formats of a date target (read here, not through the compiled field, which a read
    /// per row would copy whole).
    var dateFormats: [DatePattern]
}

/// Maps decoded columns to field values: transforms, value maps, required checks, dates, sex codes.
struct RowMapper: Sendable {
    private(set) var fields: [CompiledField]
    private(set) var sourceName: String
    let decimalSeparator: DecimalSeparator
    /// Columns no mapping reads (checked for encoding only).
    private(set) var unmappedColumns: [Int]
    private(set) var plans: [FieldPlan]
    let dateCount: Int
    /// An empty date array of the right size, copied per row (cheaper than building it).
    private var emptyDates: [Timestamp?]

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
                numeric: field.mapping.numeric, dateSlot: kind == .date ? dates : -1,
                patient: field.mapping.target.rawValue.hasPrefix("patient."), dateFormats: field.dateFormats))
            if kind == .date { dates += 1 }
        }
        self.plans = plans
        dateCount = dates
        emptyDates = [Timestamp?](repeating: nil, count: dates)
    }

    /// A copy for one worker thread: everything it reads or puts into documents for every row
    /// (constants, transforms, value maps, date patterns) gets storage of its own, so that no
    /// reference count is shared with another worker (see `OwnStorage.swift`).
    func forWorker() -> RowMapper {
        var copy = self
        copy.fields = fields.map(\.withOwnStorage)
        copy.sourceName = sourceName.withOwnStorage
        copy.unmappedColumns = unmappedColumns.withOwnStorage
        copy.emptyDates = emptyDates.withOwnStorage
        copy.plans = plans.map { plan in
            var own = plan
            own.constant = plan.constant?.withOwnStorage
            own.transforms = plan.transforms.withOwnStorage
            own.dateFormats = plan.dateFormats.map(\.withOwnStorage)
            return own
        }
        return copy
    }

    /// Maps one row; returns the row, or the errors rejecting it.
    func map<Columns: RecordColumns>(
        _ columns: Columns, record: Int, firstLine: Int, lastLine: Int, warnings: [Diagnostic]
    ) -> (row: MappedRow?, errors: [Diagnostic], warnings: [Diagnostic]) {
        var cache = RowCache(enabled: false)
        let mapped = mapRow(columns, record: record, firstLine: firstLine, lastLine: lastLine, warnings: warnings, cache: &cache)
        return (mapped.errors.isEmpty ? cache.row : nil, mapped.errors, mapped.warnings)
    }

    /// Maps one row into `cache.row` (overwritten in place); the row is meaningful only when
    /// `errors` is empty. Sets `cache.patientChanged`.
    ///
    /// With an enabled `cache` (rows of one buffer, in order), a column whose bytes equal the
    /// previous row's keeps the previous row's final value without decoding, transforming or
    /// parsing it again, when that value came with no diagnostic; a constant mapping is
    /// computed once.
    func mapRow<Columns: RecordColumns>(
        _ columns: Columns, record: Int, firstLine: Int, lastLine: Int, warnings: [Diagnostic], cache: inout RowCache
    ) -> (errors: [Diagnostic], warnings: [Diagnostic]) {
        var errors: [Diagnostic] = []
        var warnings = warnings
        var patientChanged = false
        if cache.row.values.count != plans.count || cache.row.dates.count != dateCount || cache.spans.count != plans.count {
            cache.row.values = [String?](repeating: nil, count: plans.count)
            cache.row.dates = emptyDates
            cache.spans = [RowCache.Span](repeating: .none, count: plans.count)
            patientChanged = true
        }
        cache.row.record = record
        cache.row.firstLine = firstLine
        cache.row.lastLine = lastLine
        let columnCount = columns.count
        func location(_ column: Int) -> SourceLocation {
            column >= 0 && column < columnCount
                ? columns.location(ofColumn: column) : SourceLocation(line: firstLine, column: 1, record: record)
        }
        // Borrowed through a pointer, not copied: a `FieldPlan` copy retains its strings and arrays.
        plans.withUnsafeBufferPointer { plans in
            guard let base = plans.baseAddress else { return }
            for index in plans.indices {
                let plan = base + index
                let column = plan.pointee.column
                var span = RowCache.Span.none
                var text: String?
                if let constant = plan.pointee.constant {
                    if cache.enabled, cache.spans[index] == .constant { continue }
                    text = constant
                    span = .constant
                } else if column >= 0, column < columnCount {
                    if cache.enabled {
                        span = columns.span(at: column)
                        let previous = cache.spans[index]
                        if span.start >= 0, previous.start >= 0, columns.sameBytes(previous, span) {
                            // Same bytes as the previous row: same final value (and date).
                            cache.spans[index] = span
                            continue
                        }
                    }
                    switch columns.text(at: column) {
                    case .text(let value, let warning):
                        text = value
                        if let warning {
                            warnings.append(c1Warning(warning, location(column), fields[index].columnName))
                            // A value that came with a warning is not reused: the warning names this row.
                            span = .none
                        }
                    case .undecodable(let issue, let where_):
                        errors.append(encodingError(issue, where_, fields[index].columnName))
                        store(index, plan, nil, nil, span: .none, cache: &cache, patientChanged: &patientChanged)
                        continue
                    }
                }
                var date: Timestamp?
                let outcome = finish(text, index: index, plan: plan, date: &date, location: { location(column) })
                switch outcome {
                case .value(let value):
                    store(index, plan, value, date, span: span, cache: &cache, patientChanged: &patientChanged)
                case .failure(let diagnostic):
                    errors.append(diagnostic)
                    store(index, plan, nil, nil, span: .none, cache: &cache, patientChanged: &patientChanged)
                }
            }
        }
        cache.patientChanged = patientChanged
        for column in unmappedColumns where column < columnCount {
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
        return (errors, warnings)
    }

    /// A field's final value, or why there is none. Small on purpose (the date is returned
    /// apart, the diagnostic boxed): it is returned for every field of every row.
    private enum Outcome {
        /// The value (`nil`: empty, not required).
        case value(String?)
        /// No value: the error rejecting the row.
        indirect case failure(Diagnostic)
    }

    /// Transforms, value map, required check and typed parsing of one decoded value; a date
    /// target's parsed date goes to `date`.
    @inline(__always)
    private func finish(
        _ decoded: String?, index: Int, plan: UnsafePointer<FieldPlan>, date: inout Timestamp?, location: () -> SourceLocation
    ) -> Outcome {
        var text = decoded
        if !plan.pointee.transforms.isEmpty { text = apply(plan.pointee.transforms, to: text) }
        if let value = text, value.isEmpty { text = nil }
        if plan.pointee.hasMap, let value = text {
            // Read through the array, not bound: a bound `CompiledField` is a copy of all its members.
            if let mapped = fields[index].mapping.valueMap[value] {
                text = mapped.isEmpty ? nil : mapped
            } else if fields[index].mapping.unmapped == .error {
                let field = fields[index]
                return .failure(error(.flatValue, "value of \(field.columnName) is not listed in the map of \(field.mapping.path)", location(), field))
            }
        }
        guard let value = text else {
            if plan.pointee.required {
                let field = fields[index]
                return .failure(error(.flatMissingField, "\(field.mapping.target.rawValue) is required but \(field.columnName) is empty", location(), field))
            }
            return .value(nil)
        }
        switch plan.pointee.kind {
        case .date:
            for format in plan.pointee.dateFormats {
                if let parsed = format.parse(value) {
                    date = parsed
                    return .value(value)
                }
            }
            let field = fields[index]
            let names = plan.pointee.dateFormats.map(\.pattern).joined(separator: " or ")
            return .failure(error(.flatDate, "\(field.columnName) is not a valid date in format \(names)", location(), field))
        case .sex:
            guard value == "M" || value == "F" || value == "UN" || value == "U" else {
                let field = fields[index]
                return .failure(error(.flatValue, "\(field.columnName) is not a sex code (M, F, UN, U); map the source codes with \"map\"", location(), field))
            }
        case .perRow where plan.pointee.numeric:
            guard let number = normalizedNumber(value) else {
                let field = fields[index]
                let separator = decimalSeparator == .comma ? "comma" : "point"
                return .failure(error(.flatNumber, "\(field.columnName) is not a number with a decimal \(separator)", location(), field))
            }
            return .value(number)
        default:
            break
        }
        return .value(value)
    }

    /// Writes a field's final value into the row, noting whether a patient field changed.
    @inline(__always)
    private func store(
        _ index: Int, _ plan: UnsafePointer<FieldPlan>, _ value: String?, _ date: Timestamp?, span: RowCache.Span,
        cache: inout RowCache, patientChanged: inout Bool
    ) {
        let slot = plan.pointee.dateSlot
        if plan.pointee.patient, !patientChanged {
            patientChanged = slot >= 0 ? cache.row.dates[slot] != date : cache.row.values[index] != value
        }
        cache.row.values[index] = value
        if slot >= 0 { cache.row.dates[slot] = date }
        cache.spans[index] = cache.enabled ? span : .none
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

    /// The warning for a value kept despite an encoding issue (see `DecodeIssue.Kind`).
    private func c1Warning(_ issue: DecodeIssue, _ location: SourceLocation, _ column: String) -> Diagnostic {
        issue.kind == .readAsUTF8
            ? Diagnostic(
                code: .flatEncodingMixed, severity: .warning,
                message: "\(column) is UTF-8 while the file was detected as windows-1252: read as UTF-8",
                file: sourceName, location: location, path: column)
            : Diagnostic(
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
