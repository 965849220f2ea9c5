import PasserelleModel
import PasserelleXML

/// Each `author` has a `time`, an `assignedAuthor/id`, and either an `assignedPerson` or an
/// `assignedAuthoringDevice`.
public struct AuthorRequirements: HeaderRule {
    public static let summary = "each author has time, assignedAuthor/id, and assignedPerson or assignedAuthoringDevice"
    public static let source = "CI-SIS structuration minimale (CI-SISAuthor); DocCore author row"

    public init() {}

    public func check(_ subject: RuleSubject) {
        for author in subject.element.v3All("author") where !author.isNullFlavored {
            if author.v3("time") == nil {
                subject.report(Self.self, "author has no time", at: author)
            }
            guard let assigned = author.v3("assignedAuthor") else {
                subject.report(Self.self, "author has no assignedAuthor", at: author)
                continue
            }
            if assigned.v3("id") == nil {
                subject.report(Self.self, "assignedAuthor has no id", at: assigned)
            }
            if assigned.v3("assignedPerson") == nil && assigned.v3("assignedAuthoringDevice") == nil {
                subject.report(Self.self, "assignedAuthor has neither assignedPerson nor assignedAuthoringDevice", at: assigned)
            }
        }
    }
}
