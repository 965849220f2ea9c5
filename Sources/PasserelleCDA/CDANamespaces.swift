/// XML namespaces met in CDA documents.
public enum CDANamespace {
    /// HL7 v3 (CDA R2 elements).
    public static let hl7: StaticString = "urn:hl7-org:v3"
    /// HL7 SDTC extensions.
    public static let sdtc: StaticString = "urn:hl7-org:sdtc"
    /// XML Schema instance (`xsi:type`).
    public static let xsi: StaticString = "http://www.w3.org/2001/XMLSchema-instance"
    /// XSLT, root of CI-SIS "auto-présentable" documents.
    public static let xslt: StaticString = "http://www.w3.org/1999/XSL/Transform"
}
