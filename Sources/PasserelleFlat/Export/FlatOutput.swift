public import Foundation
public import PasserelleModel

/// A document read from a flat source, with the warnings about it and its original bytes.
///
/// The document (about 0.8 KB inline) and the original bytes live in one copy-on-write box, a
/// single allocation, so that passing a `FlatDocument` or a `FlatOutput` around never copies
/// them; `document` reads and writes in place, `withOriginalBytes` reads the bytes in place.
public struct FlatDocument: Sendable, Hashable {
    /// The box: the document in the header, the original bytes as the elements.
    private typealias Storage = ManagedBuffer<Header, UInt8>

    private struct Header {
        var document: ClinicalDocument
        /// Number of original bytes (the allocation may hold more).
        let count: Int
    }

    // Mutated only through `document`'s `_modify`, after a uniqueness check (copy on write).
    private nonisolated(unsafe) var storage: Storage
    /// Warnings and notes about this document (errors reject instead).
    public var diagnostics: [Diagnostic]
    /// Physical lines the document was read from (1-based), when known.
    public var lines: ClosedRange<Int>?

    /// The document (its `provenance` names the source, records, size and SHA-256).
    public var document: ClinicalDocument {
        _read { yield storage.header.document }
        _modify {
            if !isKnownUniquelyReferenced(&storage) {
                storage = withOriginalBytes { Self.box(storage.header.document, $0) }
            }
            yield &storage.header.document
        }
    }

    /// The exact bytes of the record(s) the document was read from, terminators included (a
    /// copy; `withOriginalBytes` reads them in place).
    public var originalBytes: Data {
        get { withOriginalBytes { Data($0) } }
        set { storage = newValue.withUnsafeBytes { Self.box(storage.header.document, $0) } }
    }

    /// Calls `body` with the original bytes, in place.
    public func withOriginalBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let count = storage.header.count
        return try storage.withUnsafeMutablePointerToElements { try body(UnsafeRawBufferPointer(start: $0, count: count)) }
    }

    /// Creates a flat document; `originalBytes` (a `Data`, an array of bytes...) are copied into
    /// the document's box.
    public init(
        document: consuming ClinicalDocument, diagnostics: [Diagnostic], originalBytes: some ContiguousBytes, lines: ClosedRange<Int>? = nil
    ) {
        storage = originalBytes.withUnsafeBytes { [document] in Self.box(document, $0) }
        self.diagnostics = diagnostics
        self.lines = lines
    }

    /// Creates a flat document whose document `build` fills in place, inside its storage.
    /// `prototype` is the empty document to start from (copying one is cheaper than initialising one).
    init(
        diagnostics: [Diagnostic], originalBytes: UnsafeRawBufferPointer, lines: ClosedRange<Int>?, prototype: ClinicalDocument,
        building build: (inout ClinicalDocument) -> Void
    ) {
        storage = Self.box(prototype, originalBytes)
        build(&storage.header.document)
        self.diagnostics = diagnostics
        self.lines = lines
    }

    /// A new box holding `document` and a copy of `bytes`.
    private static func box(_ document: ClinicalDocument, _ bytes: UnsafeRawBufferPointer) -> Storage {
        let storage = Storage.create(minimumCapacity: bytes.count) { _ in Header(document: document, count: bytes.count) }
        if let source = bytes.baseAddress, !bytes.isEmpty {
            // A raw copy: the caller's bytes need not be bound to `UInt8`.
            storage.withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0).copyMemory(from: source, byteCount: bytes.count) }
        }
        return storage
    }

    public static func == (lhs: FlatDocument, rhs: FlatDocument) -> Bool {
        lhs.diagnostics == rhs.diagnostics && lhs.lines == rhs.lines
            && lhs.withOriginalBytes { left in rhs.withOriginalBytes { right in left.elementsEqual(right) } }
            && lhs.document == rhs.document
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(document)
        hasher.combine(diagnostics)
        withOriginalBytes { hasher.combine(bytes: $0) }
        hasher.combine(lines)
    }
}

/// Records that could not become a document: their exact bytes and the reasons.
public struct RejectedRecord: Sendable, Hashable {
    /// Source name.
    public var sourceName: String
    /// Logical record numbers (1-based; the header row is record 1).
    public var records: ClosedRange<Int>
    /// Physical lines spanned.
    public var lines: ClosedRange<Int>
    /// The exact bytes, terminators included.
    public var originalBytes: Data
    /// Lower-case hex SHA-256 of `originalBytes`.
    public var sha256: String
    /// Why they were rejected (at least one error).
    public var diagnostics: [Diagnostic]

    /// Creates a rejected record.
    public init(
        sourceName: String, records: ClosedRange<Int>, lines: ClosedRange<Int>, originalBytes: Data, sha256: String,
        diagnostics: [Diagnostic]
    ) {
        self.sourceName = sourceName
        self.records = records
        self.lines = lines
        self.originalBytes = originalBytes
        self.sha256 = sha256
        self.diagnostics = diagnostics
    }
}

/// What a flat reader emits while reading.
public enum FlatOutput: Sendable, Hashable {
    /// A document.
    case document(FlatDocument)
    /// Records rejected with their bytes and reasons.
    case rejected(RejectedRecord)
    /// A diagnostic about the whole source (encoding choice, line endings, skipped blank lines...).
    case diagnostic(Diagnostic)

    /// The output's diagnostics: a document's warnings, a rejection's reasons, or the one
    /// file-level diagnostic (read without copying the document or the record).
    public var diagnostics: [Diagnostic] {
        switch self {
        case .document(let document): document.diagnostics
        case .rejected(let record): record.diagnostics
        case .diagnostic(let diagnostic): [diagnostic]
        }
    }
}

/// Counters of one read.
public struct FlatReadSummary: Sendable, Hashable {
    /// Source name.
    public var sourceName: String
    /// Bytes read.
    public var bytes: Int = 0
    /// Logical records, header included.
    public var records: Int = 0
    /// Documents produced.
    public var documents: Int = 0
    /// Rejected outputs (a rejected group counts once).
    public var rejected: Int = 0
    /// Rows inside rejected outputs.
    public var rejectedRecords: Int = 0
    /// The encoding used.
    public var encoding: EncodingChoice?
    /// How many diagnostics of each code were emitted (inside documents, rejections and file-level).
    public var diagnosticCounts: [String: Int] = [:]

    /// Creates an empty summary.
    public init(sourceName: String) { self.sourceName = sourceName }

    mutating func count(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics { diagnosticCounts[diagnostic.code.rawValue, default: 0] += 1 }
    }
}

/// Everything read from a (small) flat source, collected.
public struct FlatReadResult: Sendable, Hashable {
    /// Documents, in source order.
    public var documents: [FlatDocument] = []
    /// Rejected records, in source order.
    public var rejected: [RejectedRecord] = []
    /// Diagnostics about the whole source.
    public var diagnostics: [Diagnostic] = []
    /// Counters.
    public var summary: FlatReadSummary

    /// Creates an empty result.
    public init(sourceName: String) { summary = FlatReadSummary(sourceName: sourceName) }

    /// Every diagnostic: file-level, then per document and per rejection, in source order.
    public var allDiagnostics: [Diagnostic] {
        diagnostics + documents.flatMap(\.diagnostics) + rejected.flatMap(\.diagnostics)
    }

    /// Adds one output.
    public mutating func append(_ output: FlatOutput) {
        switch output {
        case .document(let document): documents.append(document)
        case .rejected(let record): rejected.append(record)
        case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
        }
    }
}

/// A fatal problem: the source cannot be read at all with this profile.
public struct FlatReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable code (`FLAT-HEADER`, `FLAT-IO`...).
    public var code: DiagnosticCode
    /// The source.
    public var file: String
    /// Where in the source, when the error is about a place in it (a header column).
    public var location: SourceLocation?
    /// Trait-free explanation (column names and positions only).
    public var message: String

    /// Creates an error.
    public init(code: DiagnosticCode, file: String, location: SourceLocation? = nil, message: String) {
        self.code = code
        self.file = file
        self.location = location
        self.message = message
    }

    /// The error as a diagnostic of `file` (default: the source it names).
    public func diagnostic(file name: String? = nil) -> Diagnostic {
        Diagnostic(code: code, severity: .error, message: message, file: name ?? file, location: location)
    }

    /// `file[:line:column]: error: [code] message`.
    public var description: String {
        let place = location.map { ":\($0.line):\($0.column)" } ?? ""
        return "\(file)\(place): error: [\(code.rawValue)] \(message)"
    }
}
