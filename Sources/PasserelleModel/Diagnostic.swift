/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The document is rejected.
    case error
    /// Worth a look; the document is accepted.
    case warning
    /// Information only.
    case note

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A stable, machine-readable diagnostic code such as `XML-DTD-FORBIDDEN` or `CISIS-INS-KEY`.
///
/// Codes are extensible (any module can declare its own in an extension) and stable:
/// once published, a code keeps its meaning so that CI pipelines can filter on it.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The code text.
    public var rawValue: String

    /// Creates a code from its text.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates a code from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// One finding about one input: where, which code, how serious, and a readable message.
///
/// Diagnostics are values collected along the pipeline, never printed from deep inside.
/// Messages must not quote identity traits (names, birth dates, identifiers of patients):
/// they end up in CI logs and reports.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file (or source name) the diagnostic is about.
    public var file: String?
    /// Where in the file; `nil` when the problem concerns the whole input.
    public var location: SourceLocation?
    /// The stable code.
    public var code: DiagnosticCode
    /// Severity.
    public var severity: Severity
    /// A readable, trait-free message.
    public var message: String
    /// Optional path of the XML element or flat field concerned (e.g. `/ClinicalDocument/recordTarget`).
    public var path: String?

    /// Creates a diagnostic.
    public init(
        code: DiagnosticCode, severity: Severity, message: String,
        file: String? = nil, location: SourceLocation? = nil, path: String? = nil
    ) {
        self.code = code
        self.severity = severity
        self.message = message
        self.file = file
        self.location = location
        self.path = path
    }

    /// `file:line:col: severity: [code] message`, the classic compiler form; flat-file
    /// diagnostics end with their logical row: `... message (row 4)`.
    public var description: String {
        var prefix = file ?? "<input>"
        if let location { prefix += ":\(location.line):\(location.column)" }
        let row = location?.record.map { " (row \($0))" } ?? ""
        return "\(prefix): \(severity.rawValue): [\(code.rawValue)] \(message)\(row)"
    }

    /// Returns a copy attributed to `file`.
    public func inFile(_ file: String) -> Diagnostic {
        var copy = self
        copy.file = file
        return copy
    }
}

extension Sequence where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }
}
