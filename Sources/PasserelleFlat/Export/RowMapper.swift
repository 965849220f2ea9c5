public import PasserelleModel

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

/// Maps decoded columns to field values: transforms, value maps, required checks, dates, sex codes.
struct RowMapper: Sendable {
    let fields: [CompiledField]
    let sourceName: String
    let decimalSeparator: DecimalSeparator
    /// Columns no mapping reads (checked for encoding only).
    let unmappedColumns: Set<Int>

    /// Maps one row; returns the row, or the errors rejecting it.
    func map<Columns: RecordColumns>(
        _ columns: Columns, record: Int, firstLine: Int, lastLine: Int, warnings: [Diagnostic]
    ) -> (row: MappedRow?, errors: [Diagnostic], warnings: [Diagnostic]) {
        var errors: [Diagnostic] = []
        var warnings = warnings
        var values = [String?](repeating: nil, count: fields.count)
        var dates = [Timestamp?](repeating: nil, count: fields.count)
        let rowLocation = SourceLocation(line: firstLine, column: 1, record: record)
        for (index, field) in fields.enumerated() {
            var text: String?
            var location = rowLocation
            switch field.mapping.source {
            case .constant(let value):
                text = value
            case .column(_):
                guard let column = field.column, column < columns.count else { break }
                location = columns.location(ofColumn: column)
                switch columns.text(at: column) {
                case .text(let value, let warning):
                    text = value
                    if let warning { warnings.append(c1Warning(warning, columns.location(ofColumn: column), field.columnName)) }
                case .undecodable(let issue, let where_):
                    errors.append(encodingError(issue, where_, field.columnName))
                    continue
                }
            }
            text = apply(field.mapping.transforms, to: text)
            if let value = text, value.isEmpty { text = nil }
            if let value = text, !field.mapping.valueMap.isEmpty {
                if let mapped = field.mapping.valueMap[value] {
                    text = mapped.isEmpty ? nil : mapped
                } else if field.mapping.unmapped == .error {
                    errors.append(error(.flatValue, "value of \(field.columnName) is not listed in the map of \(field.mapping.path)", location, field))
                    continue
                }
            }
            guard let value = text else {
                if field.mapping.required {
                    errors.append(error(.flatMissingField, "\(field.mapping.target.rawValue) is required but \(field.columnName) is empty", location, field))
                }
                continue
            }
            switch field.mapping.target.kind {
            case .date:
                guard let date = field.dateFormats.lazy.compactMap({ $0.parse(value) }).first else {
                    let formats = field.dateFormats.map(\.pattern).joined(separator: " or ")
                    errors.append(error(.flatDate, "\(field.columnName) is not a valid date in format \(formats)", location, field))
                    continue
                }
                dates[index] = date
            case .sex:
                guard ["M", "F", "UN", "U"].contains(value) else {
                    errors.append(error(.flatValue, "\(field.columnName) is not a sex code (M, F, UN, U); map the source codes with \"map\"", location, field))
                    continue
                }
            case .perRow where field.mapping.numeric:
                guard let number = normalizedNumber(value) else {
                    let separator = decimalSeparator == .comma ? "comma" : "point"
                    errors.append(error(.flatNumber, "\(field.columnName) is not a number with a decimal \(separator)", location, field))
                    continue
                }
                text = number
            default:
                break
            }
            values[index] = text
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
        guard errors.isEmpty else { return (nil, errors, warnings) }
        let row = MappedRow(record: record, firstLine: firstLine, lastLine: lastLine, values: values, dates: dates, warnings: warnings)
        return (row, [], warnings)
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
            case 0x2B, 0x2D where index == 0: out.append(byte)
            case 0x3C, 0x3E where index == 0: out.append(byte)
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
            case .upper: value = value.uppercased()
            case .lower: value = value.lowercased()
            case .collapseSpaces: value = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            case .splitGivenNames:
                value = value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).joined(separator: " ")
            }
        }
        return value
    }

    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        guard let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        if first == utf8.startIndex, utf8.index(after: last) == utf8.endIndex { return text }
        return String(text[first...last])
    }
}
