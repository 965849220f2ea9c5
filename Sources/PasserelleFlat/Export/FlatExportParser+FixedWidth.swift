import PasserelleModel

extension FlatExportParser {
    /// Handles one fixed-width line: decoded as a whole, then cut by character positions.
    mutating func handleFixedWidth(
        _ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, next: Int, terminator: RecordTerminator,
        _ emit: (FlatOutput) throws -> Void
    ) throws {
        guard case .fixedWidth(let layout) = profile.layout else { return }
        let record = nextRecord
        let line = nextLine
        nextRecord += 1
        nextLine += terminator == .endOfInput ? 0 : 1
        summary.records += 1
        try checkTerminator(terminator, line: line, emit)
        let content = UnsafeBufferPointer(rebasing: bytes[start..<end])
        let recordBytes = UnsafeBufferPointer(rebasing: bytes[start..<next])
        if profile.hasHeader, record == 1 { return }
        if content.isEmpty {
            if emptyRecords == 0 { firstEmptyLine = line }
            emptyRecords += 1
            return
        }
        var errors: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        let (text, issue) = decoder.decode(content)
        guard let text else {
            let offset = issue?.byteOffset ?? 0
            let column = decoder.characterCount(UnsafeBufferPointer(rebasing: content[0..<offset])) + 1
            errors.append(
                Diagnostic(
                    code: .flatEncoding, severity: .error,
                    message: "byte 0x\(EncodingDetector.hex(issue?.byte ?? 0)) is not valid in the declared encoding",
                    file: sourceName, location: SourceLocation(line: line, column: column, record: record)))
            let empty = FixedWidthColumns(scalars: [], columns: layout, recordNumber: record, line: line)
            try addRecord(empty, bytes: recordBytes, record: record, lines: line...line, key: [], errors: errors, warnings: warnings, emit)
            return
        }
        if let issue {
            let location = SourceLocation(line: line, column: issue.byteOffset + 1, record: record)
            warnings.append(
                issue.kind == .readAsUTF8
                    ? Diagnostic(
                        code: .flatEncodingMixed, severity: .warning,
                        message: "this line is UTF-8 while the file was detected as windows-1252: read as UTF-8",
                        file: sourceName, location: location)
                    : Diagnostic(
                        code: .flatEncodingSuspect, severity: .warning,
                        message: "control character 0x\(EncodingDetector.hex(issue.byte)): the source is probably windows-1252, not ISO-8859",
                        file: sourceName, location: location))
        }
        let scalars = Array(text.unicodeScalars)
        let width = layout.map { $0.start + $0.length - 1 }.max() ?? 0
        if scalars.count > width, scalars[width...].contains(where: { $0 != " " }) {
            errors.append(
                Diagnostic(
                    code: .flatColumnCount, severity: .error,
                    message: "\(scalars.count) characters where the layout ends at \(width); the extra text would be lost",
                    file: sourceName, location: SourceLocation(line: line, column: width + 1, record: record)))
        } else if scalars.count < width {
            let message = "\(scalars.count) characters where the layout needs \(width)"
            let location = SourceLocation(line: line, column: scalars.count + 1, record: record)
            if profile.raggedRows == .reject {
                errors.append(Diagnostic(code: .flatColumnCount, severity: .error, message: message, file: sourceName, location: location))
            } else {
                warnings.append(
                    Diagnostic(code: .flatColumnCount, severity: .warning, message: message + "; missing text read as empty",
                               file: sourceName, location: location))
            }
        }
        let columns = FixedWidthColumns(scalars: scalars, columns: layout, recordNumber: record, line: line)
        let key: [[UInt8]] = keyColumns.map { index in
            if case .text(let value, _) = columns.text(at: index) { return Array(value.utf8) }
            return []
        }
        try addRecord(columns, bytes: recordBytes, record: record, lines: line...line, key: key, errors: errors, warnings: warnings, emit)
    }
}
