import PasserelleModel
import PasserelleXML

/// Header timestamps (document `effectiveTime`, `author/time`, `legalAuthenticator/time`, the
/// bounds of `serviceEvent` and `encompassingEncounter`) are valid HL7 TS values; the document
/// time has at least day precision; a value with a time of day carries a UTC offset.
///
/// The reader drops unparseable values (with `CDA-TS` warnings), so this rule reads the raw
/// attribute texts on the elements.
public struct HeaderTimestamps: HeaderRule {
    public static let summary =
        "header timestamps are valid HL7 TS; the document time is at least day-precise; times of day carry a UTC offset"
    public static let source = "CDA R2 TS datatype; CI-SIS structuration minimale (TS asserts); DocCore (effectiveTime example with offset)"

    public init() {}

    public func check(_ subject: RuleSubject) {
        let document = subject.element
        if let time = document.v3Present("effectiveTime") {
            check(time, label: "document effectiveTime", minimumDay: true, in: subject)
        }
        for author in document.v3All("author") {
            if let time = author.v3("time") { check(time, label: "author time", in: subject) }
        }
        if let time = document.v3Path(["legalAuthenticator", "time"]) {
            check(time, label: "legalAuthenticator time", in: subject)
        }
        for documentation in document.v3All("documentationOf") {
            if let time = documentation.v3Path(["serviceEvent", "effectiveTime"]) {
                checkInterval(time, label: "serviceEvent effectiveTime", in: subject)
            }
        }
        if let time = document.v3Path(["componentOf", "encompassingEncounter", "effectiveTime"]) {
            checkInterval(time, label: "encompassingEncounter effectiveTime", in: subject)
        }
    }

    private func checkInterval(_ element: XMLTree.Element, label: String, in subject: RuleSubject) {
        if element.attribute("value") != nil { check(element, label: label, in: subject) }
        if let low = element.v3("low") { check(low, label: "\(label) low", in: subject) }
        if let high = element.v3("high") { check(high, label: "\(label) high", in: subject) }
    }

    private func check(_ element: XMLTree.Element, label: String, minimumDay: Bool = false, in subject: RuleSubject) {
        if element.isNullFlavored { return }
        guard let text = element.attribute("value") else {
            subject.report(Self.self, "\(label) has neither a value nor a nullFlavor", at: element)
            return
        }
        guard let timestamp = Timestamp(hl7: text) else {
            subject.report(
                Self.self, "\(label) '\(text)' is not a valid HL7 timestamp (YYYYMMDD[HHMM[SS]][+|-ZZZZ])", at: element)
            return
        }
        if minimumDay && timestamp.precision < .day {
            subject.report(Self.self, "\(label) '\(text)' is less precise than a day", at: element)
        }
        if timestamp.precision >= .hour && timestamp.utcOffsetMinutes == nil {
            subject.report(Self.self, "\(label) '\(text)' has a time of day but no UTC offset (e.g. +0100)", at: element)
        }
    }
}
