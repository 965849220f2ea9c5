import PasserelleModel
import PasserelleXML

/// `componentOf/encompassingEncounter` has an `effectiveTime` and a
/// `location/healthCareFacility/code`.
public struct EncounterRequirements: HeaderRule {
    public static let summary = "encompassingEncounter has an effectiveTime and location/healthCareFacility/code"
    public static let source = "CI-SIS structuration minimale (CI-SISComponentOf); DocCore componentOf row"

    public init() {}

    public func check(_ subject: RuleSubject) {
        // Absence of componentOf is reported by RequiredHeaderElements.
        guard let componentOf = subject.element.v3Present("componentOf") else { return }
        guard let encounter = componentOf.v3("encompassingEncounter") else {
            subject.report(Self.self, "componentOf has no encompassingEncounter", at: componentOf)
            return
        }
        if encounter.v3("effectiveTime") == nil {
            subject.report(Self.self, "encompassingEncounter has no effectiveTime", at: encounter)
        }
        if encounter.v3Path(["location", "healthCareFacility", "code"]) == nil {
            subject.report(Self.self, "encompassingEncounter has no location/healthCareFacility/code", at: encounter)
        }
    }
}
