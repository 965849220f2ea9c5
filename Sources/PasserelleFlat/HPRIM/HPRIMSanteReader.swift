public import Foundation
import PasserelleModel

/// Reads HPRIM Santé lab result files (H, P, OBR, OBX, C, L records; `A|` continuation lines)
/// into lab-report documents: one document per P record, results as structured entries and
/// one text section per request (OBR).
///
/// Field positions: H per libHprim's grammar (H.5 sender, H.10 receiver, H.13 version,
/// H.14 date); P/OBR/OBX follow the ASTM/HL7-style numbering where the record type is field 1
/// (P.3 requester patient id, P.4 lab patient id, P.6 name, P.7 birth name, P.8 birth date,
/// P.9 sex, P.11 address; OBR.4 lab request id, OBR.5 tests, OBR.8 collection date;
/// OBX.3 value type, OBX.4 test, OBX.6 value, OBX.7 unit, OBX.8 range, OBX.9 flag, OBX.12 status).
public struct HPRIMSanteReader: Sendable {
    /// Declared encoding (`auto`: UTF-8 when valid, else Windows-1252, as HPRIM files usually are).
    public var encoding: TextEncoding
    /// Largest file accepted, in bytes.
    public var maxFileBytes: Int

    /// Creates a reader.
    public init(encoding: TextEncoding = .auto, maxFileBytes: Int = 64 << 20) {
        self.encoding = encoding
        self.maxFileBytes = maxFileBytes
    }

    /// Reads the file at `url`.
    public func read(contentsOf url: URL, sourceName: String? = nil, receivedAt: Date = Date()) throws -> FlatReadResult {
        let bytes = try TextSource.load(url, limit: maxFileBytes)
        return read(bytes: bytes, sourceName: sourceName ?? url.path, receivedAt: receivedAt)
    }

    /// Reads in-memory bytes. Never throws: problems are diagnostics or rejected records.
    public func read(bytes: [UInt8], sourceName: String, receivedAt: Date = Date()) -> FlatReadResult {
        let source = TextSource(bytes: bytes, sourceName: sourceName, declared: encoding)
        var result = FlatReadResult(sourceName: sourceName)
        result.summary.bytes = bytes.count
        result.summary.encoding = source.encoding
        var context = HPRIMSanteContext(source: source, receivedAt: receivedAt)
        context.run(into: &result)
        result.summary.count(result.allDiagnostics)
        return result
    }
}

/// State of one HPRIM Santé read.
struct HPRIMSanteContext {
    let source: TextSource
    let receivedAt: Date
    var fileDiagnostics: [Diagnostic] = []

    init(source: TextSource, receivedAt: Date) {
        self.source = source
        self.receivedAt = receivedAt
    }

    func diagnostic(_ code: DiagnosticCode, _ severity: Severity, _ message: String, line: Int, column: Int = 1) -> Diagnostic {
        Diagnostic(code: code, severity: severity, message: message, file: source.sourceName,
                   location: SourceLocation(line: line, column: column))
    }

    mutating func run(into result: inout FlatReadResult) {
        let lineErrors = source.diagnostics
        guard let first = source.lines.firstIndex(where: { !($0.text ?? "x").isEmpty }),
            let headerText = source.lines[first].text, let delimiters = HPRIMDelimiters(headerLine: headerText)
        else {
            let line = source.lines.first?.number ?? 1
            reject(all: lineErrors + [diagnostic(.hprimHeader, .error, "the file does not start with an H record declaring delimiters (H|~^\\&|)", line: line)], into: &result)
            return
        }
        let records = logicalRecords(delimiters: delimiters, from: first)
        let headerRecord = records[0]
        var blocks: [[HPRIMRecord]] = []
        var sawEnd = false
        for record in records.dropFirst() {
            if sawEnd {
                fileDiagnostics.append(diagnostic(.hprimStructure, .warning, "\(record.label) after the L record", line: record.line))
            }
            switch record.type {
            case "P": blocks.append([record])
            case "L": sawEnd = true
            case "OBR", "OBX", "C":
                if blocks.isEmpty {
                    fileDiagnostics.append(diagnostic(.hprimStructure, .error, "\(record.type) record before any P record", line: record.line))
                } else {
                    blocks[blocks.count - 1].append(record)
                }
            case "H":
                fileDiagnostics.append(diagnostic(.hprimStructure, .warning, "second H record; its fields are not read", line: record.line))
            default:
                fileDiagnostics.append(diagnostic(.hprimUnknownRecord, .warning, "\(record.label) is not read (kept in the original bytes)", line: record.line))
                if !blocks.isEmpty { blocks[blocks.count - 1].append(record) }
            }
        }
        if !sawEnd {
            fileDiagnostics.append(diagnostic(.hprimStructure, .warning, "no L record: the file may be truncated", line: source.lines.last?.number ?? 1))
        }
        if blocks.isEmpty {
            fileDiagnostics.append(diagnostic(.hprimStructure, .error, "no P record: the file holds no patient", line: headerRecord.line))
        }
        let fieldReader = HPRIMFieldReader(delimiters: delimiters)
        let headerErrors = lineErrors.filter { diag in diag.location.map { $0.line <= headerRecord.line } ?? true }
        if fileDiagnostics.containsErrors || headerErrors.containsErrors {
            reject(all: lineErrors + fileDiagnostics, into: &result)
            return
        }
        result.diagnostics += lineErrors.filter { $0.severity != .error } + fileDiagnostics
        // Block i owns the bytes from its P record to the next P record; the first block also
        // owns the H record and the last one the L record, so that the blocks tile the file.
        for (index, block) in blocks.enumerated() {
            let lower = index == 0 ? 0 : block[0].lineIndices.lowerBound
            let upper = index == blocks.count - 1 ? source.lines.count - 1 : blocks[index + 1][0].lineIndices.lowerBound - 1
            let firstRecord = index == 0 ? 1 : block[0].ordinal
            let lastRecord = index == blocks.count - 1 ? (records.last?.ordinal ?? 1) : blocks[index + 1][0].ordinal - 1
            let built = HPRIMSanteDocument(reader: fieldReader, header: headerRecord, records: block, source: source)
            emit(built, lines: lower...upper, records: firstRecord...lastRecord, lineErrors: lineErrors, into: &result)
        }
    }

    /// Emits one patient block as a document, or rejects it when it holds errors.
    private func emit(
        _ built: HPRIMSanteDocument, lines range: ClosedRange<Int>, records: ClosedRange<Int>, lineErrors: [Diagnostic],
        into result: inout FlatReadResult
    ) {
        let lineNumbers = source.lines[range.lowerBound].number...source.lines[range.upperBound].number
        let errors = lineErrors.filter { diag in diag.severity == .error && diag.location.map { lineNumbers.contains($0.line) } ?? false }
        let bytes = source.bytes(ofLines: range)
        let digest = Hashing.sha256(bytes)
        result.summary.records += records.count
        if !errors.isEmpty || built.diagnostics.containsErrors {
            result.summary.rejected += 1
            result.rejected.append(RejectedRecord(
                sourceName: source.sourceName, records: records, lines: lineNumbers, originalBytes: Data(bytes),
                sha256: digest.hex, diagnostics: errors + built.diagnostics))
            return
        }
        var document = built.document
        document.provenance = Provenance(
            sourceName: source.sourceName, size: bytes.count, sha256: digest, format: .hprimSante, receivedAt: receivedAt,
            records: records)
        result.summary.documents += 1
        result.documents.append(FlatDocument(document: document, diagnostics: built.diagnostics, originalBytes: bytes, lines: lineNumbers))
    }

    /// Rejects the whole file.
    private func reject(all diagnostics: [Diagnostic], into result: inout FlatReadResult) {
        let count = source.lines.count
        let bytes = source.bytes
        result.summary.rejected += 1
        result.rejected.append(RejectedRecord(
            sourceName: source.sourceName, records: 1...max(1, count), lines: 1...max(1, count), originalBytes: Data(bytes),
            sha256: Hashing.sha256(bytes).hex, diagnostics: diagnostics))
    }

    /// Joins `A|` continuation lines to the record they continue; skips blank lines.
    mutating func logicalRecords(delimiters: HPRIMDelimiters, from first: Int) -> [HPRIMRecord] {
        var records: [HPRIMRecord] = []
        var texts: [String] = []
        let continuation = "A" + String(delimiters.field)
        for index in first..<source.lines.count {
            let line = source.lines[index]
            let text = line.text ?? ""
            if text.isEmpty { continue }
            if text.hasPrefix(continuation) {
                guard !records.isEmpty else {
                    fileDiagnostics.append(diagnostic(.hprimContinuation, .error, "continuation line with no record to continue", line: line.number))
                    continue
                }
                texts[texts.count - 1] += text.dropFirst(continuation.count)
                records[records.count - 1].lineIndices = records[records.count - 1].lineIndices.lowerBound...index
                continue
            }
            let type = String(text.prefix { $0 != delimiters.field })
            records.append(HPRIMRecord(type: type, fields: [], lineIndices: index...index, line: line.number, ordinal: records.count + 1))
            texts.append(text)
        }
        for index in records.indices {
            records[index].fields = texts[index].split(separator: delimiters.field, omittingEmptySubsequences: false).map(String.init)
        }
        return records
    }
}
