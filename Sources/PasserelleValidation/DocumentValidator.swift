import Crypto
public import Foundation
public import PasserelleCDA
public import PasserelleModel
public import PasserelleXML

/// Which built-in header rules to run.
public enum RuleSelection: String, Sendable, CaseIterable {
    /// CI-SIS rules for French documents (realm FR or the CI-SIS template), none otherwise.
    case auto
    /// CI-SIS rules for every document.
    case ciSIS = "ci-sis"
    /// No built-in rules.
    case none
}

/// The verdict on one input.
public struct DocumentReport: Sendable, Codable {
    /// Source name (path as given, or `-` for standard input).
    public var source: String
    /// Format the input was read as, when it could be read.
    public var format: SourceFormat?
    /// Size in bytes.
    public var size: Int
    /// Lower-case hex SHA-256 of the input bytes.
    public var sha256: String
    /// Rule set applied (`ci-sis` or `none`).
    public var rules: String
    /// Whether XSD validation ran.
    public var schemaValidated: Bool
    /// Every diagnostic, in order: parse, read, schema, rules.
    public var diagnostics: [Diagnostic]
    /// Wall time spent on this input, in seconds.
    public var seconds: Double
    /// For one document of a multi-document input (flat export rows, HPRIM Santé patients):
    /// the logical records it covers; `nil` for a whole file.
    public var records: ClosedRange<Int>?
    /// Physical lines covered, with `records`.
    public var lines: ClosedRange<Int>?

    /// `true` when no diagnostic is an error.
    public var passed: Bool { !diagnostics.containsErrors }

    /// Number of diagnostics of a severity.
    public func count(_ severity: Severity) -> Int { diagnostics.filter { $0.severity == severity }.count }

    private enum CodingKeys: String, CodingKey {
        case source, format, size, sha256, rules, schemaValidated, diagnostics, seconds, passed, records, lines
    }

    public init(
        source: String, format: SourceFormat?, size: Int, sha256: String, rules: String, schemaValidated: Bool,
        diagnostics: [Diagnostic], seconds: Double, records: ClosedRange<Int>? = nil, lines: ClosedRange<Int>? = nil
    ) {
        self.source = source
        self.format = format
        self.size = size
        self.sha256 = sha256
        self.rules = rules
        self.schemaValidated = schemaValidated
        self.diagnostics = diagnostics
        self.seconds = seconds
        self.records = records
        self.lines = lines
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        format = try container.decodeIfPresent(SourceFormat.self, forKey: .format)
        size = try container.decode(Int.self, forKey: .size)
        sha256 = try container.decode(String.self, forKey: .sha256)
        rules = try container.decode(String.self, forKey: .rules)
        schemaValidated = try container.decode(Bool.self, forKey: .schemaValidated)
        diagnostics = try container.decode([Diagnostic].self, forKey: .diagnostics)
        seconds = try container.decode(Double.self, forKey: .seconds)
        records = try container.decodeIfPresent(ClosedRange<Int>.self, forKey: .records)
        lines = try container.decodeIfPresent(ClosedRange<Int>.self, forKey: .lines)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encode(size, forKey: .size)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(rules, forKey: .rules)
        try container.encode(schemaValidated, forKey: .schemaValidated)
        try container.encode(diagnostics, forKey: .diagnostics)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(passed, forKey: .passed)
        try container.encodeIfPresent(records, forKey: .records)
        try container.encodeIfPresent(lines, forKey: .lines)
    }
}

/// Validates documents in three layers: well-formedness and safety limits, XSD (when a
/// schema set is given), and the built-in header rules. Pure and thread-safe: one
/// validator serves many concurrent tasks.
public struct DocumentValidator: Sendable {
    /// The CDA reader (and its safe parser limits).
    public var reader: CDAReader
    /// Compiled schema set, or `nil` to skip XSD validation.
    public var schema: XMLSchemaSet?
    /// Which header rules to run.
    public var rules: RuleSelection

    /// Creates a validator.
    public init(reader: CDAReader = CDAReader(), schema: XMLSchemaSet? = nil, rules: RuleSelection = .auto) {
        self.reader = reader
        self.schema = schema
        self.rules = rules
    }

    /// Validates one input.
    public func validate(_ bytes: Data, sourceName: String) -> DocumentReport {
        let start = ContinuousClock.now
        let checked = check(bytes, sourceName: sourceName)
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.inSeconds
        return DocumentReport(
            source: sourceName, format: checked.parsed.document?.provenance?.format, size: bytes.count,
            sha256: checked.sha256, rules: checked.rules, schemaValidated: checked.schemaValidated,
            diagnostics: checked.diagnostics, seconds: seconds)
    }

    /// A CDA input read and checked by the three layers.
    public struct CheckedCDA {
        /// The reader's result (model, tree).
        public var parsed: ParsedCDA
        /// Every diagnostic, in order: parse, read, schema, rules.
        public var diagnostics: [Diagnostic]
        /// Whether XSD validation ran.
        public var schemaValidated: Bool
        /// Rule set applied.
        public var rules: String
        /// Lower-case hex SHA-256 of the input bytes.
        public var sha256: String
    }

    /// Reads `bytes` as CDA and checks them: well-formedness and limits, XSD during the same
    /// pass when a schema set is configured, then the selected header rules. `sha256`: the
    /// hash of `bytes` when the caller already has it.
    public func check(_ bytes: Data, sourceName: String, receivedAt: Date = Date(), sha256: String? = nil) -> CheckedCDA {
        let parsed = reader.read(bytes, sourceName: sourceName, receivedAt: receivedAt, validatingAgainst: schema, sha256: sha256)
        var diagnostics = parsed.diagnostics
        let schemaValidated = parsed.schemaDiagnostics != nil
        diagnostics += parsed.schemaDiagnostics ?? []
        let ruleSet = ruleSet(for: parsed.document)
        if let document = parsed.document, let element = parsed.clinicalDocument {
            diagnostics += ruleSet.check(document, element: element, sourceName: sourceName)
        }
        return CheckedCDA(
            parsed: parsed, diagnostics: diagnostics, schemaValidated: schemaValidated, rules: ruleSet.name,
            sha256: parsed.document?.provenance?.sha256 ?? sha256 ?? DocumentSource.hexSHA256(bytes))
    }

    private func ruleSet(for document: ClinicalDocument?) -> RuleSet {
        switch rules {
        case .none: return .none
        case .ciSIS: return .ciSIS
        case .auto:
            guard let document else { return .none }
            let french = document.realmCode == "FR" || document.templates.contains { $0.root == "1.2.250.1.213.1.1.1.1" }
            return french ? .ciSIS : .none
        }
    }
}
