import CLibXML2
public import Foundation
public import PasserelleModel

/// A compiled XML schema set: the entry XSD and everything it includes or imports, read
/// from local files only (remote imports are skipped, as `xmllint --nonet` does).
///
/// Compile once, validate many documents: the compiled schema is read-only and each
/// validation uses its own context, so one instance can serve several tasks at once.
public final class XMLSchemaSet: @unchecked Sendable {
    let schema: xmlSchemaPtr
    /// The entry file.
    public let entryURL: URL
    /// Warnings from compiling the schema (e.g. skipped imports).
    public let compileWarnings: [Diagnostic]

    /// A schema that could not be compiled.
    public struct CompileError: Error, CustomStringConvertible {
        /// The entry file.
        public let entryURL: URL
        /// What went wrong.
        public let diagnostics: [Diagnostic]

        public var description: String {
            let first = diagnostics.first { $0.severity == .error }?.description ?? "unknown error"
            return "cannot compile XML schema \(entryURL.path): \(first)"
        }
    }

    /// Compiles the schema set whose entry is `url` (a local file).
    public init(contentsOf url: URL) throws(CompileError) {
        LibXML2Setup.ensure()
        LibXML2Setup.silenceCurrentThread()
        let collector = ErrorCollector(sourceName: url.path, schemaValidation: false)
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw CompileError(entryURL: url, diagnostics: [
                Diagnostic(code: .xsdSchemaError, severity: .error, message: "the schema file cannot be read", file: url.path)
            ])
        }
        guard let parserContext = xmlSchemaNewParserCtxt(url.path) else {
            throw CompileError(entryURL: url, diagnostics: [
                Diagnostic(code: .xsdSchemaError, severity: .error, message: "cannot create a schema parser", file: url.path)
            ])
        }
        defer { xmlSchemaFreeParserCtxt(parserContext) }
        xmlSchemaSetParserStructuredErrors(parserContext, ErrorCollector.handler, unmanaged.toOpaque())
        // Errors raised while loading included files go through the thread's structured channel.
        xmlSetStructuredErrorFunc(unmanaged.toOpaque(), ErrorCollector.handler)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let compiled = xmlSchemaParse(parserContext)
        let diagnostics = collector.diagnostics.map { diagnostic -> Diagnostic in
            var schemaDiagnostic = diagnostic
            schemaDiagnostic.code = diagnostic.severity == .error ? .xsdSchemaError : .xsdSchemaWarning
            return schemaDiagnostic
        }
        guard let compiled else {
            throw CompileError(entryURL: url, diagnostics: diagnostics)
        }
        self.schema = compiled
        self.entryURL = url
        self.compileWarnings = diagnostics.filter { $0.severity != .error }
    }

    deinit { xmlSchemaFree(schema) }

    /// Validates a document parsed into libxml2's DOM (``XMLTreeKind/libxml2``); returns
    /// schema diagnostics (empty when valid). A compact tree keeps no DOM to validate: pass the
    /// schema set to the parse instead (`SafeXMLParser.parse(_:sourceName:validatingAgainst:)`).
    public func validate(_ tree: XMLTree) -> [Diagnostic] {
        LibXML2Setup.silenceCurrentThread()
        guard let document = tree.document else {
            return [
                Diagnostic(
                    code: .xsdSchemaError, severity: .error,
                    message: "a compact tree cannot be validated after the parse: validate while parsing", file: tree.sourceName)
            ]
        }
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            return [Diagnostic(code: .xsdSchemaError, severity: .error, message: "cannot create a validation context", file: tree.sourceName)]
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = ErrorCollector(sourceName: tree.sourceName, schemaValidation: true)
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        xmlSchemaSetValidStructuredErrors(context, ErrorCollector.handler, unmanaged.toOpaque())
        let result = xmlSchemaValidateDoc(context, document)
        var diagnostics = collector.diagnostics
        if result != 0, !diagnostics.containsErrors {
            diagnostics.append(
                Diagnostic(
                    code: .xsdInvalid, severity: .error,
                    message: result < 0 ? "internal error while validating" : "the document does not conform to the schema",
                    file: tree.sourceName))
        }
        return diagnostics
    }
}

extension XMLSchemaSet {
    /// Runs `parse` with libxml2's streaming XSD validator plugged into the parser's SAX
    /// handler, so the document is validated as it is read, without a DOM. Returns the
    /// schema diagnostics (empty when the document conforms).
    func validateWhileParsing(_ context: xmlParserCtxtPtr, state: ParseState, parse: () -> Void) -> [Diagnostic] {
        guard let validation = xmlSchemaNewValidCtxt(schema) else {
            parse()
            return [Diagnostic(code: .xsdSchemaError, severity: .error, message: "cannot create a validation context", file: state.sourceName)]
        }
        defer { xmlSchemaFreeValidCtxt(validation) }
        let collector = ErrorCollector(sourceName: state.sourceName, schemaValidation: true)
        collector.fallbackLocation = { [unowned state] in state.lastElementLocation }
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        xmlSchemaSetValidStructuredErrors(validation, ErrorCollector.handler, unmanaged.toOpaque())
        // The plug swaps the context's handler and user data in place and puts them back on
        // unplug, so it needs the addresses of those two fields.
        let raw = UnsafeMutableRawPointer(context)
        let saxField = (raw + MemoryLayout<xmlParserCtxt>.offset(of: \.sax)!).assumingMemoryBound(to: xmlSAXHandlerPtr?.self)
        let userField = (raw + MemoryLayout<xmlParserCtxt>.offset(of: \.userData)!)
            .assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        guard let plug = xmlSchemaSAXPlug(validation, saxField, userField) else {
            parse()
            return [Diagnostic(code: .xsdSchemaError, severity: .error, message: "cannot start streaming validation", file: state.sourceName)]
        }
        parse()
        xmlSchemaSAXUnplug(plug)
        var diagnostics = collector.diagnostics
        if xmlSchemaIsValid(validation) != 1, !diagnostics.containsErrors {
            diagnostics.append(
                Diagnostic(code: .xsdInvalid, severity: .error, message: "the document does not conform to the schema", file: state.sourceName))
        }
        return diagnostics
    }
}

/// Collects structured errors from a libxml2 context into diagnostics.
final class ErrorCollector {
    let sourceName: String?
    let schemaValidation: Bool
    var diagnostics: [Diagnostic] = []
    /// Where to report an error that libxml2 gives no position for (streaming validation).
    var fallbackLocation: (() -> SourceLocation)?

    init(sourceName: String?, schemaValidation: Bool) {
        self.sourceName = sourceName
        self.schemaValidation = schemaValidation
    }

    static let handler: xmlStructuredErrorFunc = { userData, error in
        guard let userData, let error else { return }
        let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
        var diagnostic = LibXML2Error.diagnostic(
            from: error, sourceName: collector.sourceName, schemaValidation: collector.schemaValidation)
        if diagnostic.location == nil, let fallback = collector.fallbackLocation { diagnostic.location = fallback() }
        collector.diagnostics.append(diagnostic)
    }
}
