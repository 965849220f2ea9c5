import PasserelleModel
import PasserelleXML

/// Document-level `templateId`s: HL7 France (2.16.840.1.113883.2.8.2.1) and CI-SIS structuration
/// minimale (1.2.250.1.213.1.1.1.1) once each, plus at least one content-profile template. A
/// level-1 document (`nonXMLBody`) carries exactly those two plus IHE XDS-SD 1.3.6.1.4.1.19376.1.2.20.
public struct HeaderTemplates: HeaderRule {
    public static let summary =
        "at least three templateIds including HL7 France and CI-SIS structuration minimale; level-1 documents carry exactly those two plus IHE XDS-SD"
    public static let source = "CI-SIS structuration minimale (asserts on templateId, SMDS_CDAClinicalDocument); DocCore [3..*]"

    static let hl7France = "2.16.840.1.113883.2.8.2.1"
    static let structurationMinimale = "1.2.250.1.213.1.1.1.1"
    static let xdsSD = "1.3.6.1.4.1.19376.1.2.20"

    public init() {}

    public func check(_ subject: RuleSubject) {
        let templates = subject.element.v3All("templateId")
        let roots = templates.map { $0.attribute("root") ?? "" }
        for required in [Self.hl7France, Self.structurationMinimale] {
            let count = roots.filter { $0 == required }.count
            if count == 0 {
                subject.report(Self.self, "templateId \(required) is missing")
            } else if count > 1 {
                subject.report(Self.self, "templateId \(required) appears \(count) times, expected once")
            }
        }
        let isLevelOne = subject.element.v3("component")?.v3("nonXMLBody") != nil
        if isLevelOne {
            let expected: Set<String> = [Self.hl7France, Self.structurationMinimale, Self.xdsSD]
            if !roots.contains(Self.xdsSD) {
                subject.report(Self.self, "a document with a nonXMLBody must carry templateId \(Self.xdsSD) (IHE XDS-SD)")
            }
            let others = roots.filter { !expected.contains($0) }
            if !others.isEmpty || roots.count != 3 {
                let listed = others.isEmpty ? "" : " (unexpected: \(others.joined(separator: ", ")))"
                subject.report(
                    Self.self,
                    "a document with a nonXMLBody must carry exactly the templateIds \(Self.hl7France), \(Self.structurationMinimale) and \(Self.xdsSD)\(listed)"
                )
            }
        } else if !roots.contains(where: { $0 != Self.hl7France && $0 != Self.structurationMinimale }) {
            subject.report(Self.self, "no content-profile (volet) templateId besides \(Self.hl7France) and \(Self.structurationMinimale)")
        }
    }
}
