import Crypto
public import Foundation
import PasserelleCDA
public import PasserelleFlat
public import PasserelleModel

/// What an input holds, recognised by content (never by file name).
public enum DetectedFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// XML (CDA R2 or auto-présentable CDA): the first non-blank byte is `<` (after a BOM).
    case cda
    /// HPRIM Santé: the first record is `H` declaring its delimiters (`H|~^\&|`).
    case hprimSante = "hprim-sante"
    /// HPRIM Net: the 12-line header followed by `****LAB****` / `****FINFICHIER****`.
    case hprimNet = "hprim-net"
    /// A CSV or fixed-width export: never guessed, only when a profile is given.
    case flatExport = "flat-export"
    /// Empty, or none of the above and no profile.
    case unknown
}

extension DiagnosticCode {
    /// The input is not CDA, HPRIM Santé or HPRIM Net, and no profile was given for a flat export.
    public static let inputFormatUnknown: DiagnosticCode = "INPUT-FORMAT-UNKNOWN"
    /// The input is empty.
    public static let inputEmpty: DiagnosticCode = "INPUT-EMPTY"
}

/// One document read from an input, or one part of the input rejected as a document.
///
/// A CDA file yields one; an HPRIM Santé file one per patient (P record); an HPRIM Net file
/// one; a flat export one per row or group of rows. Rejected parts carry no `document` but
/// keep their exact bytes and the diagnostics that rejected them (for the quarantine).
public struct ReadDocument: Sendable {
    /// The input's name (path as given, or `-`).
    public var sourceName: String
    /// How the input was read.
    public var format: DetectedFormat
    /// The model document; `nil` when this part could not become a document.
    public var document: ClinicalDocument?
    /// Every diagnostic about this document (errors included), in source order.
    public var diagnostics: [Diagnostic]
    /// The exact bytes of this document: the whole file for CDA and HPRIM Net, the P block for
    /// HPRIM Santé, the row(s) for flat exports (terminators included).
    public var originalBytes: Data
    /// Lower-case hex SHA-256 of `originalBytes`.
    public var sha256: String
    /// Logical records (rows, HPRIM records) covered, 1-based; `nil` for a whole XML file.
    public var records: ClosedRange<Int>?
    /// Physical lines covered, 1-based; `nil` for a whole XML file.
    public var lines: ClosedRange<Int>?
    /// Whether XSD validation ran on it (CDA with a schema only).
    public var schemaValidated: Bool
    /// Header rule set applied (`ci-sis` or `none`).
    public var rules: String

    /// Creates a read document.
    public init(
        sourceName: String, format: DetectedFormat, document: ClinicalDocument?, diagnostics: [Diagnostic],
        originalBytes: Data, sha256: String, records: ClosedRange<Int>? = nil, lines: ClosedRange<Int>? = nil,
        schemaValidated: Bool = false, rules: String = "none"
    ) {
        self.sourceName = sourceName
        self.format = format
        self.document = document
        self.diagnostics = diagnostics
        self.originalBytes = originalBytes
        self.sha256 = sha256
        self.records = records
        self.lines = lines
        self.schemaValidated = schemaValidated
        self.rules = rules
    }

    /// `true` when a document was read and no diagnostic is an error.
    public var passed: Bool { document != nil && !diagnostics.containsErrors }

    /// The name of this document in reports: the source, plus its rows and lines when it is
    /// one part of the input (`export.csv rows 3-4 (lines 3-5)`).
    public var name: String { DocumentNaming.name(source: sourceName, format: format, records: records, lines: lines) }
}

/// One step of a streamed read of a flat export (see
/// ``DocumentSource/streamFlatExport(contentsOf:sourceName:profile:receivedAt:jobs:_:)``).
public enum StreamedPart: Sendable {
    /// A document or a rejected part.
    case document(ReadDocument)
    /// A diagnostic about the whole input (the encoding chosen, empty lines skipped): a note or
    /// a warning; what stops the whole input is thrown instead.
    case fileDiagnostic(Diagnostic)

    init(_ output: FlatOutput, sourceName: String) {
        switch output {
        case .document(let flat): self = .document(ReadDocument(flat, sourceName: sourceName, format: .flatExport))
        case .rejected(let rejected): self = .document(ReadDocument(rejected, format: .flatExport))
        case .diagnostic(let diagnostic): self = .fileDiagnostic(diagnostic)
        }
    }
}

/// Everything read from one input.
public struct DocumentSourceResult: Sendable {
    /// The input's name.
    public var sourceName: String
    /// How the input was read.
    public var format: DetectedFormat
    /// Size of the whole input in bytes.
    public var size: Int
    /// Lower-case hex SHA-256 of the whole input (`nil` from the streaming reader).
    public var sha256: String?
    /// Documents and rejected parts, in source order.
    public var documents: [ReadDocument]
    /// Diagnostics about the whole input (encoding chosen, line endings, unknown format, fatal
    /// header mismatch...). When no part could be read at all they hold the reason.
    public var diagnostics: [Diagnostic]

    /// Creates a result.
    public init(
        sourceName: String, format: DetectedFormat, size: Int, sha256: String? = nil, documents: [ReadDocument], diagnostics: [Diagnostic]
    ) {
        self.sourceName = sourceName
        self.format = format
        self.size = size
        self.sha256 = sha256
        self.documents = documents
        self.diagnostics = diagnostics
    }
}

/// The one entry point "recognise the format, read into documents and diagnostics", shared by
/// `passerelle validate` / `inspect` and the ingest pipeline. Pure and synchronous: no I/O.
public enum DocumentSource {
    /// The format of `bytes`: CDA, HPRIM Santé and HPRIM Net by content; otherwise `.flatExport`
    /// when `hasProfile`, `.unknown` when not (CSV and fixed-width exports are never guessed).
    public static func detect(_ bytes: Data, hasProfile: Bool) -> DetectedFormat {
        var index = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }
        if ByteScan.startsWithUTF16ByteOrderMark(bytes) {
            // UTF-16: XML when its first character after spaces is '<'; other text is a flat
            // export with a profile (whose reader says it cannot read UTF-16), else unknown.
            return isUTF16Markup(bytes) ? .cda : hasProfile ? .flatExport : .unknown
        }
        while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        guard index < bytes.endIndex else { return .unknown }
        if bytes[index] == UInt8(ascii: "<") { return .cda }
        switch FlatFormatDetector.detect(bytes.prefix(1 << 20)) {
        case .hprimSante?: return .hprimSante
        case .hprimNet?: return .hprimNet
        default: return hasProfile ? .flatExport : .unknown
        }
    }

    /// Whether UTF-16 `bytes` (after their byte-order mark) start with `<`, spaces aside.
    static func isUTF16Markup(_ bytes: Data) -> Bool {
        let bigEndian = bytes.starts(with: [0xFE, 0xFF])
        var index = bytes.startIndex + 2
        while index + 1 < bytes.endIndex {
            let unit = bigEndian
                ? UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                : UInt16(bytes[index + 1]) << 8 | UInt16(bytes[index])
            if unit == 0x3C { return true }
            guard [0x20, 0x09, 0x0A, 0x0D].contains(unit) else { return false }
            index += 2
        }
        return false
    }

    /// Reads one input into documents.
    ///
    /// - Parameters:
    ///   - bytes: the whole input.
    ///   - sourceName: name used in diagnostics, provenance and reports.
    ///   - profile: export profile for CSV / fixed-width exports (used only when the content is
    ///     not CDA or HPRIM).
    ///   - validator: for CDA, the XSD and header rules to run; `nil` reads only (well-formedness,
    ///     safety limits, CDA reading). Flat documents have no XML layers.
    ///   - receivedAt: reception time written into provenance.
    ///   - sha256: the lower-case hex SHA-256 of `bytes` when the caller already computed it (the
    ///     input reader does); computed otherwise.
    public static func readDocuments(
        bytes: Data, sourceName: String, profile: ExportProfile? = nil, validator: DocumentValidator? = nil,
        receivedAt: Date = Date(), sha256: String? = nil
    ) -> DocumentSourceResult {
        let format = detect(bytes, hasProfile: profile != nil)
        var result = DocumentSourceResult(sourceName: sourceName, format: format, size: bytes.count, documents: [], diagnostics: [])
        switch format {
        case .cda:
            let read = readCDA(bytes, sourceName: sourceName, validator: validator ?? DocumentValidator(rules: .none),
                receivedAt: receivedAt, sha256: sha256)
            result.sha256 = read.sha256
            result.documents = [read]
        case .hprimSante:
            let read = HPRIMSanteReader().read(bytes: [UInt8](bytes), sourceName: sourceName, receivedAt: receivedAt)
            result.absorb(read, format: format)
        case .hprimNet:
            let read = HPRIMNetReader().read(bytes: [UInt8](bytes), sourceName: sourceName, receivedAt: receivedAt)
            result.absorb(read, format: format)
        case .flatExport:
            guard let profile else { break }
            do {
                let read = try FlatExportReader(profile: profile).read(bytes: [UInt8](bytes), sourceName: sourceName, receivedAt: receivedAt)
                result.absorb(read, format: format)
            } catch let error as FlatReadError {
                result.diagnostics.append(error.diagnostic(file: sourceName))
            } catch {
                result.diagnostics.append(Diagnostic(code: .flatHeader, severity: .error, message: "cannot read the export", file: sourceName))
            }
        case .unknown:
            result.diagnostics.append(
                unknownFormat(sourceName: sourceName, empty: bytes.isEmpty, isUTF16Text: ByteScan.startsWithUTF16ByteOrderMark(bytes)))
        }
        if result.sha256 == nil { result.sha256 = sha256 ?? hexSHA256(bytes) }
        return result
    }

    /// Streams a file: flat exports through `profile` chunk by chunk (memory does not grow with
    /// the file), other formats read whole. `emit` gets every document and rejected part in
    /// source order; the returned result holds the file-level diagnostics (its `documents` is empty).
    /// - Throws: what `emit` throws, or `CocoaError` when the file cannot be opened.
    public static func readDocuments(
        contentsOf url: URL, sourceName: String? = nil, profile: ExportProfile? = nil, validator: DocumentValidator? = nil,
        receivedAt: Date = Date(), _ emit: (ReadDocument) throws -> Void
    ) throws -> DocumentSourceResult {
        let name = sourceName ?? url.path
        guard let profile, try detect(contentsOf: url, hasProfile: true) == .flatExport else {
            var result = readDocuments(
                bytes: try Data(contentsOf: url, options: .mappedIfSafe), sourceName: name, profile: profile, validator: validator,
                receivedAt: receivedAt)
            try result.documents.forEach(emit)
            result.documents = []
            return result
        }
        return try readFlatExport(contentsOf: url, sourceName: name, profile: profile, receivedAt: receivedAt, emit)
    }

    /// The format of the file at `url`, from its first MiB (see ``detect(_:hasProfile:)``).
    public static func detect(contentsOf url: URL, hasProfile: Bool) throws -> DetectedFormat {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return detect(try handle.read(upToCount: 1 << 20) ?? Data(), hasProfile: hasProfile)
    }

    /// Streams a file known to be a flat export through `profile` (see `readDocuments(contentsOf:)`).
    static func readFlatExport(
        contentsOf url: URL, sourceName name: String, profile: ExportProfile, receivedAt: Date = Date(),
        _ emit: (ReadDocument) throws -> Void
    ) throws -> DocumentSourceResult {
        var result = DocumentSourceResult(sourceName: name, format: .flatExport, size: 0, documents: [], diagnostics: [])
        do {
            result.size = try streamFlatExport(contentsOf: url, sourceName: name, profile: profile, receivedAt: receivedAt) { part in
                switch part {
                case .document(let read): try emit(read)
                case .fileDiagnostic(let diagnostic): result.diagnostics.append(diagnostic)
                }
            }
        } catch let error as FlatReadError {
            result.diagnostics.append(error.diagnostic(file: name))
            // Refused before the end: the size is the file's, as when it is read whole.
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            result.size = (attributes?[.size] as? NSNumber)?.intValue ?? result.size
        }
        return result
    }

    /// Streams the flat export in the file at `url` through `profile`: `emit` gets every document
    /// and rejected part, and every file-level diagnostic, as soon as it is read (in source
    /// order); nothing is collected, so memory does not grow with the file.
    /// - Parameter jobs: threads mapping rows (see `FlatExportReader.jobs`).
    /// - Returns: the number of bytes read.
    /// - Throws: `FlatReadError` when the export cannot be read at all with this profile (header
    ///   mismatch, UTF-16, I/O error), or what `emit` throws.
    public static func streamFlatExport(
        contentsOf url: URL, sourceName name: String, profile: ExportProfile, receivedAt: Date = Date(), jobs: Int? = nil,
        _ emit: (StreamedPart) throws -> Void
    ) throws -> Int {
        let reader = jobs.map { FlatExportReader(profile: profile, jobs: $0) } ?? FlatExportReader(profile: profile)
        return try reader.read(contentsOf: url, sourceName: name, receivedAt: receivedAt) { try emit(StreamedPart($0, sourceName: name)) }.bytes
    }

    /// Streams an in-memory flat export through `profile` (see
    /// ``streamFlatExport(contentsOf:sourceName:profile:receivedAt:jobs:_:)``).
    public static func streamFlatExport(
        bytes: Data, sourceName name: String, profile: ExportProfile, receivedAt: Date = Date(), jobs: Int? = nil,
        _ emit: (StreamedPart) throws -> Void
    ) throws -> Int {
        let reader = jobs.map { FlatExportReader(profile: profile, jobs: $0) } ?? FlatExportReader(profile: profile)
        return try reader.read(bytes: bytes, sourceName: name, receivedAt: receivedAt) { try emit(StreamedPart($0, sourceName: name)) }.bytes
    }

    /// Streams a flat export whose bytes are pushed by `chunks` (an archive member inflated
    /// piece by piece): `chunks` calls the function it is given with each piece, in order.
    /// - Returns: the number of bytes read.
    /// - Throws: `FlatReadError`, or what `chunks` or `emit` throws.
    public static func streamFlatExport(
        chunks: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void, sourceName name: String, profile: ExportProfile,
        receivedAt: Date = Date(), jobs: Int? = nil, _ emit: (StreamedPart) throws -> Void
    ) throws -> Int {
        var parser = FlatExportParser(profile: profile, sourceName: name, receivedAt: receivedAt)
        if let jobs { parser.jobs = max(1, jobs) }
        return try withoutActuallyEscaping(emit) { emit in
            let forward = { (output: FlatOutput) in try emit(StreamedPart(output, sourceName: name)) }
            try chunks { piece in try parser.consume(piece, forward) }
            try parser.finish(forward)
            return parser.summary.bytes
        }
    }

    /// Lower-case hex SHA-256 of an input (also of one that could not be read as a document).
    static func hexSHA256(_ bytes: Data) -> String {
        Hex.lowercase(SHA256.hash(data: bytes))
    }

    /// Lower-case hex SHA-256 of a file, read in 1 MiB pieces.
    public static func hexSHA256(contentsOf url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty { hasher.update(data: piece) }
        return Hex.lowercase(hasher.finalize())
    }

    static func unknownFormat(sourceName: String, empty: Bool, isUTF16Text: Bool = false) -> Diagnostic {
        Diagnostic(
            code: empty ? .inputEmpty : .inputFormatUnknown, severity: .error,
            message: empty
                ? "the input is empty"
                : "not recognised as CDA, HPRIM Santé or HPRIM Net; a CSV or fixed-width export needs a profile (--profile FILE)"
                    + (isUTF16Text ? " and a UTF-8 or single-byte encoding (this file is UTF-16)" : ""),
            file: sourceName, location: SourceLocation(line: 1, column: 1))
    }

    /// Parses a CDA document and runs the validator's XSD and header rules on it.
    static func readCDA(
        _ bytes: Data, sourceName: String, validator: DocumentValidator, receivedAt: Date, sha256: String? = nil
    ) -> ReadDocument {
        let checked = validator.check(bytes, sourceName: sourceName, receivedAt: receivedAt, sha256: sha256)
        return ReadDocument(
            sourceName: sourceName, format: .cda, document: checked.parsed.document, diagnostics: checked.diagnostics,
            originalBytes: bytes, sha256: checked.sha256, schemaValidated: checked.schemaValidated, rules: checked.rules)
    }
}

extension DocumentSourceResult {
    /// Adds a collected flat read, documents and rejections merged in source order.
    mutating func absorb(_ read: FlatReadResult, format: DetectedFormat) {
        diagnostics += read.diagnostics
        let parts = read.documents.map { ReadDocument($0, sourceName: sourceName, format: format) }
            + read.rejected.map { ReadDocument($0, format: format) }
        documents += parts.sorted { ($0.records?.lowerBound ?? 0) < ($1.records?.lowerBound ?? 0) }
    }
}

extension ReadDocument {
    /// A document read from a flat source.
    init(_ flat: FlatDocument, sourceName: String, format: DetectedFormat) {
        let provenance = flat.document.provenance
        self.init(
            sourceName: sourceName, format: format, document: flat.document, diagnostics: flat.diagnostics,
            originalBytes: flat.originalBytes,
            sha256: provenance?.sha256 ?? DocumentSource.hexSHA256(flat.originalBytes),
            records: format == .hprimNet ? nil : provenance?.records, lines: format == .hprimNet ? nil : flat.lines)
    }

    /// Records rejected by a flat reader.
    init(_ rejected: RejectedRecord, format: DetectedFormat) {
        self.init(
            sourceName: rejected.sourceName, format: format, document: nil, diagnostics: rejected.diagnostics,
            originalBytes: rejected.originalBytes, sha256: rejected.sha256,
            records: format == .hprimNet ? nil : rejected.records, lines: format == .hprimNet ? nil : rejected.lines)
    }
}

/// How reports name one document of a multi-document input.
enum DocumentNaming {
    /// `export.csv row 3`, `export.csv rows 3-4 (lines 3-5)`, `lab.hpr records 2-9 (lines 2-11)`.
    static func name(source: String, format: DetectedFormat, records: ClosedRange<Int>?, lines: ClosedRange<Int>?) -> String {
        guard let records else { return source }
        let unit = format == .flatExport ? "row" : "record"
        var name = source + (records.count == 1 ? " \(unit) \(records.lowerBound)" : " \(unit)s \(records.lowerBound)-\(records.upperBound)")
        if let lines, lines != records {
            name += lines.count == 1 ? " (line \(lines.lowerBound))" : " (lines \(lines.lowerBound)-\(lines.upperBound))"
        }
        return name
    }
}

extension DocumentReport {
    /// The name of the document in reports: `source`, plus its rows (flat exports) or records
    /// (HPRIM Santé) and lines when it is one of several documents of the input.
    public var name: String {
        DocumentNaming.name(source: source, format: format == .flatExport ? .flatExport : .hprimSante, records: records, lines: lines)
    }

    /// The report on one document read by `DocumentSource`.
    public init(_ read: ReadDocument, seconds: Double, extraDiagnostics: [Diagnostic] = []) {
        self.init(
            source: read.sourceName, format: read.document?.provenance?.format ?? read.format.sourceFormat,
            size: read.originalBytes.count, sha256: read.sha256, rules: read.rules, schemaValidated: read.schemaValidated,
            diagnostics: extraDiagnostics + read.diagnostics, seconds: seconds, records: read.records, lines: read.lines)
    }

    /// Streams the reports of a flat export in a file without keeping any, so that validating a
    /// large export holds neither its documents nor their reports (the same reports as
    /// ``reports(for:seconds:)`` on the file's bytes, times aside): `each` gets the report of every
    /// document after the first as soon as it is read, with no time (``StreamedReportsHead/share``
    /// is each one's time, known at the end). The first report is held back: the file-level diagnostics, known at the end, go with it or in
    /// a report of the whole file before it (``StreamedReportsHead/reports``).
    /// - Returns: the reports that go before every report `each` got; `nil` when the file is no
    ///   flat export (`each` is then never called).
    /// - Throws: when the file cannot be opened, or what `each` throws.
    public static func streamReports(
        contentsOf url: URL, sourceName: String, profile: ExportProfile, _ each: (DocumentReport) throws -> Void
    ) throws -> StreamedReportsHead? {
        guard try DocumentSource.detect(contentsOf: url, hasProfile: true) == .flatExport else { return nil }
        let start = ContinuousClock.now
        var first: DocumentReport?
        var documents = 0
        var result = try DocumentSource.readFlatExport(contentsOf: url, sourceName: sourceName, profile: profile) { read in
            documents += 1
            let report = DocumentReport(read, seconds: 0)
            if first == nil { first = report } else { try each(report) }
        }
        if first == nil || result.diagnostics.containsErrors, result.sha256 == nil {
            result.sha256 = try? DocumentSource.hexSHA256(contentsOf: url)
        }
        let elapsed = start.duration(to: .now)
        let seconds = elapsed.inSeconds
        return StreamedReportsHead(
            reports: withFileLevel(first.map { [$0] } ?? [], of: result, seconds: seconds, documents: documents),
            share: seconds / Double(max(1, documents)))
    }

    /// Reports for everything read from one input: one per document or rejected part. File-level
    /// diagnostics go with the first document, or in a report of their own (naming the whole
    /// file) when they hold an error or when nothing else was read.
    /// - Parameter seconds: time spent on the input, shared out evenly.
    public static func reports(for result: DocumentSourceResult, seconds: Double) -> [DocumentReport] {
        withFileLevel(
            result.documents.map { DocumentReport($0, seconds: 0) }, of: result, seconds: seconds, documents: result.documents.count)
    }

    /// `reports` (one per document read, in order) with their share of `seconds` among
    /// `documents`, and `result`'s file-level diagnostics: on the first report, or in a report of
    /// the whole file put first when they hold an error or when nothing else was read.
    private static func withFileLevel(
        _ reports: [DocumentReport], of result: DocumentSourceResult, seconds: Double, documents: Int
    ) -> [DocumentReport] {
        var reports = reports
        let share = seconds / Double(max(1, documents))
        for index in reports.indices { reports[index].seconds = share }
        let pending = result.diagnostics
        if reports.isEmpty || pending.containsErrors {
            let whole = DocumentReport(
                source: result.sourceName, format: result.format.sourceFormat, size: result.size, sha256: result.sha256 ?? "", rules: "none",
                schemaValidated: false, diagnostics: pending, seconds: reports.isEmpty ? seconds : 0)
            reports.insert(whole, at: 0)
        } else if !pending.isEmpty {
            reports[0].diagnostics = pending + reports[0].diagnostics
        }
        return reports
    }
}

extension DetectedFormat {
    /// The model's format for this detection (`nil` for `.unknown`).
    public var sourceFormat: SourceFormat? {
        switch self {
        case .cda: .cda
        case .hprimSante: .hprimSante
        case .hprimNet: .hprimNet
        case .flatExport: .flatExport
        case .unknown: nil
        }
    }
}

/// The end of a streamed read of reports (see ``DocumentReport/streamReports(contentsOf:sourceName:profile:_:)``).
public struct StreamedReportsHead: Sendable {
    /// The reports that go before every report handed out: the first document's, after a report
    /// of the whole file when its diagnostics hold an error (or when no document was read).
    public var reports: [DocumentReport]
    /// The time of each document: the time spent on the file shared out evenly.
    public var share: Double
}

