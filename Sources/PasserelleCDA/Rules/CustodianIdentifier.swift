import PasserelleModel
import PasserelleXML

/// `custodian/assignedCustodian/representedCustodianOrganization/id` has root
/// 1.2.250.1.71.4.2.2 (national structure id) or 1.2.250.1.213.4.1 (organisation hosting
/// documents produced by the patient).
public struct CustodianIdentifier: HeaderRule {
    public static let summary = "the custodian organisation id has root 1.2.250.1.71.4.2.2 or 1.2.250.1.213.4.1"
    public static let source = "CI-SIS structuration minimale (CI-SISCustodian assert on @root)"

    static let roots: Set<String> = ["1.2.250.1.71.4.2.2", "1.2.250.1.213.4.1"]

    public init() {}

    public func check(_ subject: RuleSubject) {
        // Absence of custodian is reported by RequiredHeaderElements.
        guard let custodian = subject.element.v3Present("custodian") else { return }
        guard let organization = custodian.v3Path(["assignedCustodian", "representedCustodianOrganization"]) else {
            subject.report(Self.self, "custodian has no assignedCustodian/representedCustodianOrganization", at: custodian)
            return
        }
        guard let id = organization.v3("id") else {
            subject.report(Self.self, "the custodian organisation has no id", at: organization)
            return
        }
        let root = id.attribute("root") ?? ""
        if !Self.roots.contains(root) {
            subject.report(
                Self.self, "the custodian organisation id root is '\(root)', expected 1.2.250.1.71.4.2.2 or 1.2.250.1.213.4.1",
                at: id)
        }
    }
}
