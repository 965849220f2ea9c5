import PasserelleModel
import PasserelleXML

/// The main act (first `documentationOf/serviceEvent`) has an `effectiveTime` with a `low` bound
/// and a `performer`.
public struct ServiceEventRequirements: HeaderRule {
    public static let summary = "the first documentationOf/serviceEvent has an effectiveTime with low and a performer"
    public static let source = "CI-SIS structuration minimale (SMDS_CDAClinicalDocument DocumentationOf asserts); DocCore documentationOf row"

    public init() {}

    public func check(_ subject: RuleSubject) {
        // Absence of documentationOf is reported by RequiredHeaderElements.
        guard let documentation = subject.element.v3All("documentationOf").first else { return }
        guard let event = documentation.v3("serviceEvent") else {
            subject.report(Self.self, "the first documentationOf has no serviceEvent", at: documentation)
            return
        }
        if let time = event.v3("effectiveTime") {
            if time.v3("low") == nil {
                subject.report(Self.self, "the main serviceEvent effectiveTime has no low bound", at: time)
            }
        } else {
            subject.report(Self.self, "the main serviceEvent has no effectiveTime", at: event)
        }
        if event.v3("performer") == nil {
            subject.report(Self.self, "the main serviceEvent has no performer", at: event)
        }
    }
}
