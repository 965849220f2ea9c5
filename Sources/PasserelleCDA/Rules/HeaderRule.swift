public import PasserelleModel
public import PasserelleXML

/// A built-in CI-SIS header rule. One rule per type; the type's name is the diagnostic code
/// (e.g. `INSKey`), so a finding can be traced back to the rule that made it.
public protocol HeaderRule: Sendable {
    /// What the rule checks, in one sentence.
    static var summary: String { get }
    /// Where the requirement comes from (CI-SIS structuration minimale, DocCore, INS rules...).
    static var source: String { get }
    /// Creates the rule.
    init()
    /// Checks one document and reports findings through `subject`.
    func check(_ subject: RuleSubject)
}

extension HeaderRule {
    /// The rule's code: its type name.
    public static var code: DiagnosticCode { DiagnosticCode(rawValue: String(describing: Self.self)) }
}

/// What a rule looks at: the model read from the document and the `ClinicalDocument`
/// element (for locations). Findings are collected here.
public final class RuleSubject {
    /// The document model.
    public let document: ClinicalDocument
    /// The `ClinicalDocument` element.
    public let element: XMLTree.Element
    /// The source name used in diagnostics.
    public let sourceName: String?
    /// Findings so far.
    public private(set) var findings: [Diagnostic] = []

    /// Creates a subject.
    public init(document: ClinicalDocument, element: XMLTree.Element, sourceName: String?) {
        self.document = document
        self.element = element
        self.sourceName = sourceName
    }

    /// Records a finding of rule `rule` located at `element`.
    public func report<Rule: HeaderRule>(
        _ rule: Rule.Type, _ message: String, at element: XMLTree.Element? = nil, severity: Severity = .error
    ) {
        let target = element ?? self.element
        findings.append(
            Diagnostic(
                code: Rule.code, severity: severity, message: message, file: sourceName, location: target.location,
                path: target.path))
    }
}

/// A named set of rules, selectable with `--rules`.
public struct RuleSet: Sendable {
    /// The set's name (`ci-sis`, `none`).
    public let name: String
    /// The rules, in reporting order.
    public let rules: [any HeaderRule.Type]

    /// Creates a rule set.
    public init(name: String, rules: [any HeaderRule.Type]) {
        self.name = name
        self.rules = rules
    }

    /// No rules.
    public static let none = RuleSet(name: "none", rules: [])

    /// Runs every rule on a document and returns the findings.
    public func check(_ document: ClinicalDocument, element: XMLTree.Element, sourceName: String?) -> [Diagnostic] {
        let subject = RuleSubject(document: document, element: element, sourceName: sourceName)
        for rule in rules { rule.init().check(subject) }
        return subject.findings
    }
}
