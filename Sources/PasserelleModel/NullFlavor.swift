/// HL7 v3 `NullFlavor` (code system 2.16.840.1.113883.5.1008): why a value is absent.
///
/// CI-SIS restricts header null flavors to UNK, NASK, ASKU, NAV and MSK; other codes are
/// kept as read so that nothing is lost.
public enum NullFlavor: String, Sendable, Hashable, Codable, CaseIterable {
    case noInformation = "NI"
    case notApplicable = "NA"
    case unknown = "UNK"
    case askedUnknown = "ASKU"
    case temporarilyUnavailable = "NAV"
    case notAsked = "NASK"
    case masked = "MSK"
    case other = "OTH"
    case positiveInfinity = "PINF"
    case negativeInfinity = "NINF"
    case trace = "TRC"
    case notPresent = "NP"
    case sufficientQuantity = "QS"
    case invalid = "INV"
    case derived = "DER"
    case unencoded = "UNC"

    /// The null flavors CI-SIS accepts in the header (DocCore).
    public static let allowedInFrenchHeader: Set<NullFlavor> = [.unknown, .notAsked, .askedUnknown, .temporarilyUnavailable, .masked]
}
