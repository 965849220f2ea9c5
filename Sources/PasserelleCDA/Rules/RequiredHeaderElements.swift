import PasserelleModel
import PasserelleXML

/// Header element cardinalities: `id` (with `root`), `code`, `effectiveTime`, `confidentialityCode`,
/// `languageCode`, `setId`, `versionNumber` (positive), `recordTarget`, `custodian`,
/// `legalAuthenticator` and `componentOf` exactly once; `author` and `documentationOf` at least
/// once; `relatedDocument` at most once. A missing `title` is a warning: DocCore makes it optional
/// while the 2017 schematron requires it.
public struct RequiredHeaderElements: HeaderRule {
    public static let summary =
        "header elements are present with their DocCore/StrucMin cardinalities (title missing: warning)"
    public static let source = "DocCore ressourcesCDA-entete (cardinalities); CI-SIS structuration minimale (SMDS_CDAClinicalDocument)"

    /// Elements required exactly once (not null-flavored).
    static let exactlyOnce: [StaticString] = [
        "id", "code", "effectiveTime", "confidentialityCode", "languageCode", "setId", "versionNumber",
        "recordTarget", "custodian", "legalAuthenticator", "componentOf",
    ]
    /// Elements required at least once.
    static let atLeastOnce: [StaticString] = ["author", "documentationOf"]

    public init() {}

    public func check(_ subject: RuleSubject) {
        let document = subject.element
        for name in Self.exactlyOnce {
            let present = document.v3All(name).filter { !$0.isNullFlavored }
            if present.isEmpty {
                subject.report(Self.self, "\(name) is missing (required once)")
            } else if present.count > 1 {
                subject.report(Self.self, "\(name) appears \(present.count) times, expected once", at: present[1])
            }
        }
        for name in Self.atLeastOnce where document.v3All(name).allSatisfy(\.isNullFlavored) {
            subject.report(Self.self, "\(name) is missing (at least one required)")
        }
        let related = document.v3All("relatedDocument")
        if related.count > 1 {
            subject.report(Self.self, "relatedDocument appears \(related.count) times, at most one allowed", at: related[1])
        }
        let titles = document.v3All("title").filter { !$0.isNullFlavored }
        if titles.isEmpty {
            subject.report(
                Self.self, "title is missing (optional in DocCore, required by the CI-SIS 2017 schematron)", severity: .warning)
        } else if titles.count > 1 {
            subject.report(Self.self, "title appears \(titles.count) times, expected once", at: titles[1])
        }
        checkIdentifier("id", in: subject)
        checkIdentifier("setId", in: subject)
        if let version = document.v3Present("versionNumber") {
            let value = version.attribute("value") ?? ""
            if (Int(value) ?? 0) < 1 {
                subject.report(Self.self, "versionNumber value '\(value)' is not a positive integer", at: version)
            }
        }
    }

    private func checkIdentifier(_ name: StaticString, in subject: RuleSubject) {
        guard let element = subject.element.v3Present(name) else { return }
        if (element.attribute("root") ?? "").isEmpty {
            subject.report(Self.self, "\(name) has no root", at: element)
        }
    }
}
