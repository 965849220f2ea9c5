import PasserelleModel
import PasserelleXML

/// Every `patientRole/id` has a `root` and an `extension`. Identifiers under the legacy INS-C OID
/// (1.2.250.1.213.1.4.2) or the social-security OIDs (1.2.250.1.213.1.4.13, .14) are reported as
/// warnings: they are not an INS nor a patient identifier.
public struct PatientIdentifiers: HeaderRule {
    public static let summary =
        "each patient id has root and extension; legacy INS-C and NSS identifiers are flagged (warning)"
    public static let source =
        "CI-SIS structuration minimale (CI-SISRecordTarget id asserts); FRCore identifier types; ANS CDA header constraints (NSS OIDs)"

    public init() {}

    public func check(_ subject: RuleSubject) {
        guard let role = Header.patientRole(subject.element) else { return }
        let ids = role.v3All("id").filter { !$0.isNullFlavored }
        if ids.isEmpty {
            subject.report(Self.self, "the patient has no identifier (patientRole/id)", at: role)
        }
        for id in ids {
            let root = id.attribute("root") ?? ""
            if root.isEmpty {
                subject.report(Self.self, "a patient identifier has no root", at: id)
            }
            if (id.attribute("extension") ?? "").isEmpty {
                subject.report(Self.self, "a patient identifier has no extension", at: id)
            }
            if root == PatientOID.legacyINSC {
                subject.report(
                    Self.self,
                    "a patient identifier uses the legacy INS-C OID \(root), which is not an INS since 2021",
                    at: id, severity: .warning)
            } else if PatientOID.nss.contains(root) {
                subject.report(
                    Self.self,
                    "a patient identifier uses the social-security OID \(root): an NSS is not a patient identifier",
                    at: id, severity: .warning)
            }
        }
    }
}
