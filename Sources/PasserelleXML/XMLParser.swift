import CLibXML2
public import Foundation
public import PasserelleModel

/// The outcome of a parse: a tree when the input is well-formed and within limits, and
/// every diagnostic produced on the way (warnings included).
public struct XMLParseResult {
    /// The tree, or `nil` when the input was rejected.
    public let tree: XMLTree?
    /// Diagnostics, in the order they were found.
    public let diagnostics: [Diagnostic]
}

/// The safe XML parser. Whatever the input says, it never uses the network, never loads or
/// declares entities or a DTD (a DOCTYPE is rejected), never processes XInclude and never
/// recovers from errors; it enforces depth and size limits and reports every problem as a
/// diagnostic with line:column. Each parse has its own error channel, so concurrent parses
/// on several threads do not mix their errors.
public struct SafeXMLParser: Sendable {
    /// Limits applied to every parse.
    public var limits: XMLParserLimits

    /// Creates a parser.
    public init(limits: XMLParserLimits = .default) {
        LibXML2Setup.ensure()
        self.limits = limits
    }

    /// libxml2 options: no network, keep entity references (never substitute), no DTD
    /// loading or attribute defaulting (none of NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE,
    /// RECOVER are set), CDATA merged as text, line numbers beyond 65535. HUGE lifts
    /// libxml2's own fixed 10 MB text cap; the configurable limits above are enforced instead.
    static let options: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue
            | XML_PARSE_HUGE.rawValue | XML_PARSE_NOXINCNODE.rawValue)

    /// Parses `bytes` (any encoding libxml2 knows, honouring the XML declaration and a BOM).
    public func parse(_ bytes: Data, sourceName: String? = nil) -> XMLParseResult {
        if bytes.isEmpty {
            return XMLParseResult(tree: nil, diagnostics: [
                Diagnostic(code: .xmlEmpty, severity: .error, message: "the input is empty", file: sourceName)
            ])
        }
        if bytes.count > limits.maxDocumentBytes {
            return XMLParseResult(tree: nil, diagnostics: [
                Diagnostic(
                    code: .xmlTooLarge, severity: .error,
                    message: "the document is \(bytes.count) bytes, over the limit of \(limits.maxDocumentBytes) bytes",
                    file: sourceName)
            ])
        }
        LibXML2Setup.silenceCurrentThread()
        let state = ParseState(limits: limits, sourceName: sourceName)
        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        let document: xmlDocPtr? = bytes.withUnsafeBytes { buffer -> xmlDocPtr? in
            guard let base = buffer.baseAddress,
                let context = xmlCreateMemoryParserCtxt(base.assumingMemoryBound(to: CChar.self), Int32(buffer.count))
            else { return nil }
            defer { xmlFreeParserCtxt(context) }
            xmlCtxtUseOptions(context, SafeXMLParser.options)
            context.pointee._private = unmanaged.toOpaque()
            SAXHooks.install(on: context)
            xmlParseDocument(context)
            let document = context.pointee.myDoc
            context.pointee.myDoc = nil
            if context.pointee.wellFormed == 0 { state.notWellFormed = true }
            return document
        }
        var diagnostics = state.diagnostics
        guard let document else {
            if !diagnostics.containsErrors {
                diagnostics.append(
                    Diagnostic(code: .xmlNotWellFormed, severity: .error, message: "the document could not be parsed", file: sourceName))
            }
            return XMLParseResult(tree: nil, diagnostics: diagnostics)
        }
        let tree = XMLTree(document: document, sourceName: sourceName)
        if state.notWellFormed || state.stopped || diagnostics.containsErrors {
            if !diagnostics.containsErrors {
                diagnostics.append(
                    Diagnostic(code: .xmlNotWellFormed, severity: .error, message: "the document is not well-formed", file: sourceName))
            }
            return XMLParseResult(tree: nil, diagnostics: diagnostics)
        }
        return XMLParseResult(tree: tree, diagnostics: diagnostics)
    }
}

/// Per-parse state, reachable from libxml2 callbacks through the context's `_private`.
final class ParseState {
    let limits: XMLParserLimits
    let sourceName: String?
    var diagnostics: [Diagnostic] = []
    var depth = 0
    var textRun = 0
    var stopped = false
    var notWellFormed = false

    init(limits: XMLParserLimits, sourceName: String?) {
        self.limits = limits
        self.sourceName = sourceName
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, ParseState)? {
        guard let context else { return nil }
        let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let opaque = parser.pointee._private else { return nil }
        return (parser, Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue())
    }

    /// Records a fatal problem and stops the parser.
    func stop(_ context: xmlParserCtxtPtr, code: DiagnosticCode, message: String, location: SourceLocation?) {
        guard !stopped else { return }
        stopped = true
        diagnostics.append(Diagnostic(code: code, severity: .error, message: message, file: sourceName, location: location))
        xmlStopParser(context)
    }

    func currentLocation(_ context: xmlParserCtxtPtr) -> SourceLocation {
        let input = context.pointee.input
        return SourceLocation(line: Int(input?.pointee.line ?? 0), column: max(1, Int(input?.pointee.col ?? 1)))
    }
}
