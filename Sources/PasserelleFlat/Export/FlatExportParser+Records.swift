import Foundation
import PasserelleModel

extension FlatExportParser {
    /// Resolves mapped columns against the header names (or positions when there is no header).
    /// For header names the profile expects and the file lacks, the file's columns that differ
    /// only in case, accents or surrounding spaces (`Nom` for `NOM`), as a hint to end a message.
    static func nearMisses(_ missing: [String], in header: [String]) -> String {
        func key(_ name: String) -> String {
            name.trimmingCharacters(in: .whitespaces).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                .lowercased()
        }
        let hints = missing.compactMap { name in
            header.first { key($0) == key(name) }.map { "'\($0)' for '\(name)'" }
        }
        return hints.isEmpty ? "" : "; the file has \(hints.joined(separator: ", ")): header names must match exactly"
    }

    /// - Parameter locate: where header column N (0-based) is, for errors naming it.
    mutating func compile(header: [String]?, locate: ((Int) -> SourceLocation)? = nil) throws {
        var compiled: [CompiledField] = []
        var missing: [String] = []
        var repeated: [String] = []
        func resolve(_ reference: ColumnReference) -> Int? {
            switch (reference, profile.layout) {
            case (.index(let index), _): return index - 1
            case (.name(let name), .fixedWidth(let columns)): return columns.firstIndex { $0.name == name }
            case (.name(let name), .delimited):
                guard let index = header?.firstIndex(of: name) else {
                    missing.append(name)
                    return nil
                }
                // Two columns of that name: reading either would be a guess.
                if let header, header[(index + 1)...].contains(name), !repeated.contains(name) { repeated.append(name) }
                return index
            }
        }
        for mapping in profile.fields {
            let dates = mapping.dateFormats.isEmpty ? profile.dateFormats : mapping.dateFormats
            switch mapping.source {
            case .constant:
                compiled.append(CompiledField(mapping: mapping, column: nil, columnName: "constant", dateFormats: dates))
            case .column(let reference):
                let index = resolve(reference)
                compiled.append(CompiledField(mapping: mapping, column: index, columnName: reference.description, dateFormats: dates))
            }
        }
        if case .key(let columns, _) = profile.grouping {
            keyColumns = columns.compactMap(resolve)
        }
        guard missing.isEmpty else {
            throw FlatReadError(
                code: .flatHeader, file: sourceName, location: locate?(0),
                message: "the header has no column named \(missing.map { "'\($0)'" }.joined(separator: ", ")) (profile \(profile.name))"
                    + Self.nearMisses(missing, in: header ?? []))
        }
        if !repeated.isEmpty, let header {
            let positions = repeated.map { name in
                "'\(name)' (columns \(header.indices.filter { header[$0] == name }.map { String($0 + 1) }.joined(separator: ", ")))"
            }
            let second = header.indices.filter { header[$0] == repeated[0] }[1]
            throw FlatReadError(
                code: .flatHeader, file: sourceName, location: locate?(second),
                message: "the header has several columns named \(positions.joined(separator: ", ")) (profile \(profile.name)); "
                    + "map the one to read by its position (\"column\": N)")
        }
        let width: Int
        switch profile.layout {
        case .fixedWidth(let columns): width = columns.count
        case .delimited: width = header?.count ?? 0
        }
        expectedColumns = header.map { $0.count } ?? (width > 0 ? width : nil)
        let used = Set(compiled.compactMap(\.column))
        let unmapped = width > 0 ? Set(0..<width).subtracting(used) : []
        mapper = RowMapper(fields: compiled, sourceName: sourceName, decimalSeparator: profile.decimalSeparator, unmappedColumns: unmapped)
        builder = DocumentBuilder(fields: compiled, facilityOID: profile.facilityOID, sourceName: sourceName, receivedAt: receivedAt)
    }

    /// Handles one delimited record.
    mutating func handleDelimited(
        _ bytes: UnsafeBufferPointer<UInt8>, span: RecordSpan, fields: [FieldSpan], _ emit: (FlatOutput) throws -> Void
    ) throws {
        let record = nextRecord
        let lines = nextLine...(nextLine + span.innerLineBreaks)
        nextRecord += 1
        nextLine += span.innerLineBreaks + (span.terminator == .endOfInput ? 0 : 1)
        summary.records += 1
        try checkTerminator(span.terminator, line: lines.upperBound, emit)
        try fields.withUnsafeBufferPointer { fieldSpans in
            try handleDelimited(bytes, span: span, fields: fieldSpans, record: record, lines: lines, emit)
        }
    }

    /// Handles one delimited record whose fields are `fields` (alive during the call).
    private mutating func handleDelimited(
        _ bytes: UnsafeBufferPointer<UInt8>, span: RecordSpan, fields: UnsafeBufferPointer<FieldSpan>, record: Int,
        lines: ClosedRange<Int>, _ emit: (FlatOutput) throws -> Void
    ) throws {
        let columns = DelimitedColumns(
            buffer: bytes, fields: fields, recordStart: span.start, recordNumber: record, line: lines.lowerBound,
            decoder: decoder, escape: scanner?.escape ?? .doubled, quote: scanner?.quote)
        if mapper == nil {
            try readHeader(columns, record: record)
            return
        }
        if fields.count == 1, fields[0].start == fields[0].end, !fields[0].quoted, span.problem == nil {
            if emptyRecords == 0 { firstEmptyLine = lines.lowerBound }
            emptyRecords += 1
            return
        }
        var errors: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        if let problem = span.problem {
            errors.append(
                Diagnostic(
                    code: .flatQuote, severity: .error, message: "text after the closing quote of a field",
                    file: sourceName, location: columns.location(ofByte: problem.offset)))
        }
        if expectedColumns == nil { expectedColumns = fields.count }
        let key = keyColumns.map { index in index < fields.count ? Array(UnsafeBufferPointer(rebasing: bytes[fields[index].start..<fields[index].end])) : [] }
        if let expected = expectedColumns, expected != fields.count {
            let at = columns.location(ofColumn: fields.count > expected ? expected : fields.count - 1)
            checkColumnCount(fields.count, at, record: record, errors: &errors, warnings: &warnings)
        }
        if batching {
            let firstField = batchFields.count
            batchFields.append(contentsOf: fields)
            batch.append(.record(PendingRecord(
                span: span, firstField: firstField, fieldCount: fields.count, record: record, lines: lines, errors: errors,
                warnings: warnings)))
            return
        }
        let recordBytes = UnsafeBufferPointer(rebasing: bytes[span.start..<span.next])
        try addRecord(columns, bytes: recordBytes, record: record, lines: lines, key: key, errors: errors, warnings: warnings, emit)
    }

    /// Reads the header row and compiles the mappings against it.
    private mutating func readHeader(_ columns: DelimitedColumns, record: Int) throws {
        var names: [String] = []
        for index in 0..<columns.count {
            guard case .text(let name, _) = columns.text(at: index) else {
                throw FlatReadError(
                    code: .flatHeader, file: sourceName, location: columns.location(ofColumn: index),
                    message: "header column \(index + 1) cannot be decoded as \(decoder.encoding.rawValue)")
            }
            names.append(RowMapper.trimmed(name))
        }
        try compile(header: names) { columns.location(ofColumn: $0) }
    }

    /// Rejects rows with extra columns; short rows per the profile's policy.
    func checkColumnCount(
        _ count: Int, _ location: SourceLocation, record: Int, errors: inout [Diagnostic], warnings: inout [Diagnostic]
    ) {
        guard let expected = expectedColumns, count != expected else { return }
        let message = "\(count) columns where \(expected) are expected"
        if count > expected || profile.raggedRows == .reject {
            errors.append(Diagnostic(code: .flatColumnCount, severity: .error, message: message, file: sourceName, location: location))
        } else {
            warnings.append(
                Diagnostic(code: .flatColumnCount, severity: .warning, message: message + "; missing columns read as empty",
                           file: sourceName, location: location))
        }
    }

    /// Maps the record and adds it to the current group, flushing the previous group when the key changes.
    mutating func addRecord<Columns: RecordColumns>(
        _ columns: Columns, bytes: UnsafeBufferPointer<UInt8>, record: Int, lines: ClosedRange<Int>, key: [[UInt8]],
        errors: [Diagnostic], warnings: [Diagnostic], _ emit: (FlatOutput) throws -> Void
    ) throws {
        if case .key(_, let maxRows) = profile.grouping, !group.isEmpty {
            if group.key != key {
                try flushGroup(emit)
            } else if group.count >= maxRows {
                try flushGroup(emit)
                try report(
                    Diagnostic(
                        code: .flatGroupSplit, severity: .warning, message: "group reached \(maxRows) rows; a new document starts",
                        file: sourceName, location: SourceLocation(line: lines.lowerBound, column: 1, record: record)), emit)
            }
        }
        var row: MappedRow?
        var allErrors = errors
        var allWarnings = warnings
        if let mapper {
            let mapped = mapper.map(columns, record: record, firstLine: lines.lowerBound, lastLine: lines.upperBound, warnings: [])
            row = errors.isEmpty ? mapped.row : nil
            allErrors += mapped.errors
            allWarnings += mapped.warnings
        }
        if previewLimit > 0 {
            recordPreview(columns, record: record, line: lines.lowerBound, row: row, diagnostics: allErrors + allWarnings)
        }
        if group.isEmpty { group.key = key }
        group.add(bytes, record: record, lines: lines, row: allErrors.isEmpty ? row : nil, errors: allErrors, warnings: allWarnings)
        if case .row = profile.grouping { try flushGroup(emit) }
    }

    /// Emits the pending group as a document or a rejection.
    mutating func flushGroup(_ emit: (FlatOutput) throws -> Void) throws {
        guard !group.isEmpty, let builder else { return }
        defer { group.reset() }
        let digest = Hashing.sha256(group.bytes)
        var errors = group.errors
        if errors.isEmpty { errors = builder.conflicts(group.rows) }
        summary.count(errors + group.warnings)
        if !errors.isEmpty || group.rows.isEmpty {
            summary.rejected += 1
            summary.rejectedRecords += group.count
            try emit(.rejected(RejectedRecord(
                sourceName: sourceName, records: group.firstRecord...group.lastRecord, lines: group.firstLine...group.lastLine,
                originalBytes: Data(group.bytes), sha256: digest.hex, diagnostics: errors + group.warnings)))
            return
        }
        summary.documents += 1
        let flat = FlatDocument(
            document: builder.build(group.rows, size: group.bytes.count, sha256: digest), diagnostics: group.warnings,
            originalBytes: group.bytes, lines: group.firstLine...group.lastLine)
        try emit(.document(flat))
    }

    /// Rejects the first physical line at `start` (quote never closed, record too large) and resumes after it.
    mutating func recoverLine(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, code: DiagnosticCode, _ emit: (FlatOutput) throws -> Void
    ) throws -> Int {
        try drainBatches(bytes, emit)
        try flushGroup(emit)
        let (_, next, terminator) = Self.lineEnd(bytes, from: start, cr: profile.lineEnding == .cr, atEnd: true)
            ?? (bytes.count, bytes.count, .endOfInput)
        let record = nextRecord
        let line = nextLine
        nextRecord += 1
        nextLine += terminator == .endOfInput ? 0 : 1
        summary.records += 1
        let message = code == .flatQuote
            ? "a quoted field opened on this line is never closed; the line is rejected and reading resumes on the next line"
            : "record longer than \(profile.maxRecordBytes) bytes; the line is rejected and reading resumes on the next line"
        let diagnostic = Diagnostic(
            code: code, severity: .error, message: message, file: sourceName, location: SourceLocation(line: line, column: 1, record: record))
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<next])
        summary.count([diagnostic])
        summary.rejected += 1
        summary.rejectedRecords += 1
        try emit(.rejected(RejectedRecord(
            sourceName: sourceName, records: record...record, lines: line...line, originalBytes: Data(buffer: slice),
            sha256: Hashing.sha256(UnsafeRawBufferPointer(slice)).hex, diagnostics: [diagnostic])))
        return next
    }

    /// Warns once when the terminators differ from the profile's declaration.
    mutating func checkTerminator(_ terminator: RecordTerminator, line: Int, _ emit: (FlatOutput) throws -> Void) throws {
        guard !lineEndingWarned else { return }
        let mismatch = (profile.lineEnding == .crlf && terminator == .lf) || (profile.lineEnding == .lf && terminator == .crlf)
        guard mismatch else { return }
        lineEndingWarned = true
        try report(
            Diagnostic(
                code: .flatLineEnding, severity: .warning,
                message: "line \(line) ends with \(terminator == .lf ? "LF" : "CRLF") but the profile declares \(profile.lineEnding.rawValue) (reported once)",
                file: sourceName, location: SourceLocation(line: line, column: 1)), emit)
    }
}
