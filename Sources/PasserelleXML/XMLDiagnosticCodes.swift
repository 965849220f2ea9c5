public import PasserelleModel

extension DiagnosticCode {
    /// The input is empty.
    public static let xmlEmpty: DiagnosticCode = "XML-EMPTY"
    /// The input does not start like an XML document (no root element, binary data).
    public static let xmlNotXML: DiagnosticCode = "XML-NOT-XML"
    /// The input is not well-formed XML.
    public static let xmlNotWellFormed: DiagnosticCode = "XML-NOT-WELL-FORMED"
    /// The input ends before the document is complete.
    public static let xmlTruncated: DiagnosticCode = "XML-TRUNCATED"
    /// Bytes that are invalid in the document's declared (or default UTF-8) encoding, or an unsupported encoding.
    public static let xmlEncoding: DiagnosticCode = "XML-ENCODING"
    /// A document type declaration (DTD) was found: refused, so no entity can be declared or loaded.
    public static let xmlDTDForbidden: DiagnosticCode = "XML-DTD-FORBIDDEN"
    /// An entity reference other than the five predefined ones.
    public static let xmlEntityForbidden: DiagnosticCode = "XML-ENTITY-FORBIDDEN"
    /// An XInclude element: never processed.
    public static let xmlXIncludeForbidden: DiagnosticCode = "XML-XINCLUDE-FORBIDDEN"
    /// The document exceeds the size limit.
    public static let xmlTooLarge: DiagnosticCode = "XML-TOO-LARGE"
    /// Elements are nested deeper than the depth limit.
    public static let xmlTooDeep: DiagnosticCode = "XML-TOO-DEEP"
    /// A text node exceeds the text size limit.
    public static let xmlTextTooLarge: DiagnosticCode = "XML-TEXT-TOO-LARGE"
    /// An attribute value exceeds the attribute size limit.
    public static let xmlAttributeTooLarge: DiagnosticCode = "XML-ATTRIBUTE-TOO-LARGE"
    /// A namespace problem (undeclared prefix...).
    public static let xmlNamespace: DiagnosticCode = "XML-NAMESPACE"
    /// A parser warning.
    public static let xmlWarning: DiagnosticCode = "XML-WARNING"
    /// The document does not conform to the XML schema.
    public static let xsdInvalid: DiagnosticCode = "XSD-INVALID"
    /// The XML schema itself could not be loaded or compiled.
    public static let xsdSchemaError: DiagnosticCode = "XSD-SCHEMA"
    /// A warning while loading the XML schema (e.g. a skipped remote import).
    public static let xsdSchemaWarning: DiagnosticCode = "XSD-SCHEMA-WARNING"
}
