import PasserelleModel
import PasserelleXML

/// Header addresses are either structured (houseNumber, streetName, postalCode, city...) or made
/// of `streetAddressLine`s, not both; `use` (when given) is in H, HP, HV, WP, TMP.
public struct AddressForm: HeaderRule {
    public static let summary = "header addresses are structured parts or streetAddressLine, not both, with use in H, HP, HV, WP, TMP"
    public static let source = "CI-SIS structuration minimale (CI-SISAddr: addr[streetAddressLine] vs addr[not(streetAddressLine)], use asserts)"

    static let uses: Set<Substring> = ["H", "HP", "HV", "WP", "TMP"]

    public init() {}

    public func check(_ subject: RuleSubject) {
        for address in Header.elements(named: "addr", in: subject.element) {
            let parts = address.children.filter { $0.isHL7 && !$0.is("useablePeriod", in: CDANamespace.hl7) }
            let lines = parts.filter { $0.is("streetAddressLine", in: CDANamespace.hl7) }
            if !lines.isEmpty && lines.count != parts.count {
                subject.report(
                    Self.self, "address mixes streetAddressLine with structured parts (use one form only)", at: address)
            }
            let invalid = Header.tokens(address.attribute("use") ?? "").filter { !Self.uses.contains($0) }
            if !invalid.isEmpty {
                subject.report(
                    Self.self, "address use '\(invalid.joined(separator: " "))' is not one of H, HP, HV, WP, TMP",
                    at: address)
            }
        }
    }
}
