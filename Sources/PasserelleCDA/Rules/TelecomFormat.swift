import PasserelleModel
import PasserelleXML

/// Header `telecom`s: a `value` prefixed `tel:`, `fax:`, `mailto:`, `http:`, `https:`, `ftp:` or
/// `mllp:` followed by something, or a `nullFlavor` — one of the two, not both; `use` (when
/// given) in H, HP, HV, WP, DIR, PUB, EC, MC, PG. The body is not checked.
public struct TelecomFormat: HeaderRule {
    public static let summary =
        "header telecom values are tel:/fax:/mailto:/http(s):/ftp:/mllp: URLs xor a nullFlavor, with use in H, HP, HV, WP, DIR, PUB, EC, MC, PG"
    public static let source = "CI-SIS structuration minimale (CI-SISTelecom asserts); https added as in current ANS examples"

    static let schemes: Set<String> = ["tel", "fax", "mailto", "http", "https", "ftp", "mllp"]
    static let uses: Set<Substring> = ["H", "HP", "HV", "WP", "DIR", "PUB", "EC", "MC", "PG"]

    public init() {}

    public func check(_ subject: RuleSubject) {
        for telecom in Header.elements(named: "telecom", in: subject.element) {
            let value = telecom.attribute("value")
            switch (value, telecom.isNullFlavored) {
            case (nil, false):
                subject.report(Self.self, "telecom has neither a value nor a nullFlavor", at: telecom)
            case (.some, true):
                subject.report(Self.self, "telecom has both a value and a nullFlavor (only one is allowed)", at: telecom)
            case (let value?, false):
                let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let scheme = parts.first.map { String($0).lowercased() } ?? ""
                if parts.count < 2 || !Self.schemes.contains(scheme)
                    || parts[1].allSatisfy(\.isWhitespace)
                {
                    subject.report(
                        Self.self,
                        "telecom value is not a tel:, fax:, mailto:, http:, https:, ftp: or mllp: address", at: telecom)
                }
            case (nil, true):
                break
            }
            let invalid = Header.tokens(telecom.attribute("use") ?? "").filter { !Self.uses.contains($0) }
            if !invalid.isEmpty {
                subject.report(
                    Self.self,
                    "telecom use '\(invalid.joined(separator: " "))' is not one of H, HP, HV, WP, DIR, PUB, EC, MC, PG",
                    at: telecom)
            }
        }
    }
}
