import PasserelleModel
import PasserelleXML

/// `nullFlavor`s in the header (not the body) are UNK, NASK, ASKU, NAV or MSK (DocCore), or NA
/// (not applicable): the ANS examples use NA throughout for `participant/time`,
/// `functionCode` and unused ids, so it is accepted (calibration on the TCC-3.0 examples).
public struct HeaderNullFlavors: HeaderRule {
    public static let summary = "header nullFlavors are UNK, NASK, ASKU, NAV or MSK (NA tolerated, as in the ANS examples)"
    public static let source =
        "DocCore ressourcesCDA-entete (header nullFlavor restriction); CI-SIS structuration minimale (CI-SISTelecom); NA per ANS examples"

    static let allowed: Set<String> = ["UNK", "NASK", "ASKU", "NAV", "MSK", "NA"]

    public init() {}

    public func check(_ subject: RuleSubject) {
        Header.walk(subject.element) { element in
            guard let flavor = element.attribute("nullFlavor"), !Self.allowed.contains(flavor) else { return }
            subject.report(
                Self.self, "\(element.localName) has nullFlavor '\(flavor)'; the header allows UNK, NASK, ASKU, NAV, MSK (and NA)",
                at: element)
        }
    }
}
