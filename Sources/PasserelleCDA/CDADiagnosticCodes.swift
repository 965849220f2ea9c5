public import PasserelleModel

extension DiagnosticCode {
    /// The root element is neither `ClinicalDocument` nor a CI-SIS auto-présentable stylesheet holding one.
    public static let cdaRoot: DiagnosticCode = "CDA-ROOT"
    /// `ClinicalDocument` is not in the `urn:hl7-org:v3` namespace.
    public static let cdaNamespace: DiagnosticCode = "CDA-NAMESPACE"
    /// A timestamp (TS) is not in the HL7 form `YYYYMMDD[HHMM[SS]][+ZZzz]`.
    public static let cdaTimestamp: DiagnosticCode = "CDA-TS"
    /// An integer attribute (e.g. `versionNumber/@value`) is not an integer.
    public static let cdaInteger: DiagnosticCode = "CDA-INT"
    /// A base64 payload has characters outside the base64 alphabet or a wrong length.
    public static let cdaBase64: DiagnosticCode = "CDA-BASE64"
    /// A `nullFlavor` value that HL7 does not define.
    public static let cdaNullFlavor: DiagnosticCode = "CDA-NULLFLAVOR"
    /// The document has no body (`component`), which CDA R2 requires.
    public static let cdaNoBody: DiagnosticCode = "CDA-NO-BODY"
}
