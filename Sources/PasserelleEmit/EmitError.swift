public import PasserelleModel

extension DiagnosticCode {
    /// A FHIR bundle or model line could not be encoded as JSON.
    public static let emitEncode: DiagnosticCode = "EMIT-ENCODE"
    /// The input of the normalized-CDA emitter is not a readable CDA document.
    public static let emitNotCDA: DiagnosticCode = "EMIT-NOT-CDA"
    /// The CDA document has no `recordTarget/patientRole` to add the canonical id to.
    public static let emitNoPatientRole: DiagnosticCode = "EMIT-NO-PATIENT-ROLE"
    /// libxml2 failed to edit or serialize the document.
    public static let emitXML: DiagnosticCode = "EMIT-XML"
    /// Writing an output failed.
    public static let emitWrite: DiagnosticCode = "EMIT-WRITE"
    /// An argument is not usable (empty canonical id, invalid OID...).
    public static let emitArgument: DiagnosticCode = "EMIT-ARGUMENT"
}

/// Why an emitter failed: a stable code and a readable message that names no identity trait.
public struct EmitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One of the `EMIT-*` codes.
    public var code: DiagnosticCode
    /// Readable explanation (source name, element, encoding; never names, dates or INS).
    public var message: String
    /// The document source, when known (`Provenance.sourceName`).
    public var sourceName: String?
    /// Where in the source, when the error concerns one element.
    public var location: SourceLocation?

    /// Creates an error.
    public init(code: DiagnosticCode, message: String, sourceName: String? = nil, location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.sourceName = sourceName
        self.location = location
    }

    /// The error as a diagnostic (severity error), for reports and manifests.
    public var diagnostic: Diagnostic {
        Diagnostic(code: code, severity: .error, message: message, file: sourceName, location: location)
    }

    public var description: String { diagnostic.description }
}
