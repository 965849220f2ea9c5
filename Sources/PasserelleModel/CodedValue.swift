/// A coded value (HL7 CE/CD/CV/CS): a code from a code system, its display name, translations.
public struct CodedValue: Sendable, Hashable, Codable {
    /// The code.
    public var code: String?
    /// OID of the code system (e.g. `2.16.840.1.113883.6.1` for LOINC).
    public var codeSystem: String?
    /// Name of the code system, when given.
    public var codeSystemName: String?
    /// Human-readable display name, when given.
    public var displayName: String?
    /// Why the code is absent, when it is.
    public var nullFlavor: NullFlavor?
    /// Original text, when given.
    public var originalText: String?
    /// Translations into other code systems.
    public var translations: [CodedValue]

    /// Creates a coded value.
    public init(
        code: String?, codeSystem: String? = nil, codeSystemName: String? = nil,
        displayName: String? = nil, nullFlavor: NullFlavor? = nil, originalText: String? = nil,
        translations: [CodedValue] = []
    ) {
        self.code = code
        self.codeSystem = codeSystem
        self.codeSystemName = codeSystemName
        self.displayName = displayName
        self.nullFlavor = nullFlavor
        self.originalText = originalText
        self.translations = translations
    }

    /// Well-known code system OIDs.
    public enum System {
        public static let loinc = "2.16.840.1.113883.6.1"
        public static let ciSISDocumentTypes = "1.2.250.1.213.1.1.4.12"
        public static let confidentiality = "2.16.840.1.113883.5.25"
        public static let administrativeGender = "2.16.840.1.113883.5.1"
        public static let healthcareFacilityType = "1.2.250.1.71.4.2.4"
        public static let practiceSetting = "1.2.250.1.213.1.1.4.9"
    }
}
