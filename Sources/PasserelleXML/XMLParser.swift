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
    /// XSD diagnostics when the parse validated against a schema set (empty: valid), `nil`
    /// when no schema was given or the document is not well-formed.
    public let schemaDiagnostics: [Diagnostic]?

    init(tree: XMLTree?, diagnostics: [Diagnostic], schemaDiagnostics: [Diagnostic]? = nil) {
        self.tree = tree
        self.diagnostics = diagnostics
        self.schemaDiagnostics = tree == nil ? nil : schemaDiagnostics
    }
}

/// The safe XML parser. Whatever the input says, it never uses the network, never loads or
/// declares entities or a DTD (a DOCTYPE is rejected), never processes XInclude and never
/// recovers from errors; it enforces depth and size limits and reports every problem as a
/// diagnostic with line:column. Each parse has its own error channel, so concurrent parses
/// on several threads do not mix their errors.
public struct SafeXMLParser: Sendable {
    /// Limits applied to every parse.
    public var limits: XMLParserLimits
    /// How parsed trees are stored: the compact read-only tree (default) or libxml2's DOM,
    /// which editing and serialization need.
    public var treeKind: XMLTreeKind

    /// Creates a parser.
    public init(limits: XMLParserLimits = .default, treeKind: XMLTreeKind = .compact) {
        LibXML2Setup.ensure()
        self.limits = limits
        self.treeKind = treeKind
    }

    /// libxml2 options: no network, keep entity references (never substitute), no DTD
    /// loading or attribute defaulting (none of NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE,
    /// RECOVER are set), CDATA merged as text, line numbers beyond 65535. HUGE lifts
    /// libxml2's own fixed 10 MB text cap; the configurable limits above are enforced instead.
    static let options: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue
            | XML_PARSE_HUGE.rawValue | XML_PARSE_NOXINCNODE.rawValue)

    /// Parses `bytes` (any encoding libxml2 knows, honouring the XML declaration and a BOM).
    ///
    /// With `schema`, the document is also validated against it during the same pass
    /// (libxml2's streaming XSD validator plugged into the parse); the schema diagnostics are
    /// in ``XMLParseResult/schemaDiagnostics``. Schema validation is only reported for a
    /// well-formed document, like validating its tree afterwards.
    public func parse(_ bytes: Data, sourceName: String? = nil, validatingAgainst schema: XMLSchemaSet? = nil) -> XMLParseResult {
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
        let compact = treeKind == .compact
        // A compact tree keeps the input and refers to the text runs libxml2 hands over unchanged.
        let state = ParseState(
            limits: limits, sourceName: sourceName,
            builder: compact ? CompactDocumentBuilder(expectedSize: bytes.count, source: bytes) : nil,
            lazyLocations: compact && ParseSource.isPlainUTF8(bytes))
        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        var schemaDiagnostics: [Diagnostic] = []
        let document: xmlDocPtr? = bytes.withUnsafeBytes { buffer -> xmlDocPtr? in
            guard let base = buffer.baseAddress else { return nil }
            // Compact parses stream the input to libxml2 in small chunks (its buffer stays a few
            // KiB instead of a copy of the whole document); libxml2's DOM takes it in one piece.
            let input = InputCursor(base: base.assumingMemoryBound(to: UInt8.self), count: buffer.count)
            defer { input.deallocate() }
            guard
                let context = compact
                    ? xmlCreateIOParserCtxt(nil, nil, InputCursor.read, nil, input.context, XML_CHAR_ENCODING_NONE)
                    : xmlCreateMemoryParserCtxt(base.assumingMemoryBound(to: CChar.self), Int32(buffer.count))
            else { return nil }
            defer { xmlFreeParserCtxt(context) }
            state.builder?.beginParse(base: base.assumingMemoryBound(to: UInt8.self), count: buffer.count)
            defer { state.builder?.endParse() }
            xmlCtxtUseOptions(context, SafeXMLParser.options)
            context.pointee._private = unmanaged.toOpaque()
            SAXHooks.install(on: context, compact: compact)
            state.builder?.retainDictionary(context.pointee.dict)
            if let schema {
                schemaDiagnostics = schema.validateWhileParsing(context, state: state) { xmlParseDocument(context) }
            } else {
                xmlParseDocument(context)
            }
            let document = context.pointee.myDoc
            context.pointee.myDoc = nil
            if context.pointee.wellFormed == 0 { state.notWellFormed = true }
            return document
        }
        var diagnostics = state.diagnostics
        if let builder = state.builder {
            if let document { xmlFreeDoc(document) }
            let tree = XMLTree(compact: builder.finish(), sourceName: sourceName)
            if state.notWellFormed || state.stopped || diagnostics.containsErrors {
                if !diagnostics.containsErrors {
                    diagnostics.append(
                        Diagnostic(code: .xmlNotWellFormed, severity: .error, message: "the document is not well-formed", file: sourceName))
                }
                return XMLParseResult(tree: nil, diagnostics: diagnostics)
            }
            guard tree.root != nil else {
                diagnostics.append(
                    Diagnostic(code: .xmlNotWellFormed, severity: .error, message: "the document could not be parsed", file: sourceName))
                return XMLParseResult(tree: nil, diagnostics: diagnostics)
            }
            return XMLParseResult(tree: tree, diagnostics: diagnostics, schemaDiagnostics: schema == nil ? nil : schemaDiagnostics)
        }
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
        return XMLParseResult(tree: tree, diagnostics: diagnostics, schemaDiagnostics: schema == nil ? nil : schemaDiagnostics)
    }
}

/// The read position of a compact parse in its input: libxml2 pulls the input through
/// ``read`` as it needs it.
struct InputCursor {
    private struct Position {
        let base: UnsafePointer<UInt8>
        let count: Int
        var offset = 0
    }

    /// The callback's context (owned: ``deallocate()`` frees it).
    let context: UnsafeMutableRawPointer

    init(base: UnsafePointer<UInt8>, count: Int) {
        let position = UnsafeMutablePointer<Position>.allocate(capacity: 1)
        position.initialize(to: Position(base: base, count: count))
        context = UnsafeMutableRawPointer(position)
    }

    func deallocate() {
        context.assumingMemoryBound(to: Position.self).deallocate()
    }

    /// Copies up to `length` of the next bytes into libxml2's buffer; 0 at the end.
    static let read: xmlInputReadCallback = { context, buffer, length in
        guard let context, let buffer, length > 0 else { return -1 }
        let position = context.assumingMemoryBound(to: Position.self)
        let count = min(Int(length), position.pointee.count - position.pointee.offset)
        guard count > 0 else { return 0 }
        UnsafeMutableRawPointer(buffer).copyMemory(from: position.pointee.base + position.pointee.offset, byteCount: count)
        position.pointee.offset += count
        return Int32(count)
    }
}

/// Per-parse state, reachable from libxml2 callbacks through the context's `_private`.
///
/// The counters read on every SAX event live behind a pointer: stored class properties would
/// pay a dynamic exclusivity check on each access.
final class ParseState {
    private struct Counters {
        var depth = 0
        var textRun = 0
        var stopped = false
        var lastElementLocation = SourceLocation(line: 0, column: 0)
        /// When `>= 0`: the most recent start tag's position was saved lazily, as this offset
        /// of the parser's cursor in the input, `lastElementLocation` holding the cursor's line
        /// and column.
        var lastTagEnd = -1
    }

    let limits: XMLParserLimits
    let sourceName: String?
    var diagnostics: [Diagnostic] = []
    var notWellFormed = false
    /// Set for compact parses: receives the element and text events.
    let builder: CompactDocumentBuilder?
    /// Whether element positions may be saved as input offsets and computed when asked
    /// (compact parses of input that libxml2 reads as UTF-8 without transcoding).
    let lazyLocations: Bool
    private let counters: UnsafeMutablePointer<Counters>

    /// Current element depth.
    var depth: Int {
        get { counters.pointee.depth }
        set { counters.pointee.depth = newValue }
    }
    /// Bytes of the text run being read.
    var textRun: Int {
        get { counters.pointee.textRun }
        set { counters.pointee.textRun = newValue }
    }
    /// Whether the parse was stopped on purpose (a safety rule).
    var stopped: Bool {
        get { counters.pointee.stopped }
        set { counters.pointee.stopped = newValue }
    }
    /// Start of the most recent start tag (where streaming schema errors are reported).
    var lastElementLocation: SourceLocation {
        get {
            let saved = counters.pointee
            guard saved.lastTagEnd >= 0, let source = builder?.sourceDuringParse, let base = source.baseAddress else {
                return saved.lastElementLocation
            }
            let start = XMLNodeLocation.startOfTag(
                base: base, cursor: base + saved.lastTagEnd, line: saved.lastElementLocation.line,
                column: saved.lastElementLocation.column)
            return SourceLocation(line: start.line, column: start.column)
        }
        set {
            counters.pointee.lastElementLocation = newValue
            counters.pointee.lastTagEnd = -1
        }
    }

    /// Saves the most recent start tag's position as the parser's cursor (parsing in place);
    /// ``lastElementLocation`` computes the tag's start from it when asked.
    func saveLastElement(tagEnd: Int32, line: Int, column: Int) {
        counters.pointee.lastElementLocation = SourceLocation(line: line, column: column)
        counters.pointee.lastTagEnd = Int(tagEnd)
    }

    init(limits: XMLParserLimits, sourceName: String?, builder: CompactDocumentBuilder? = nil, lazyLocations: Bool = false) {
        self.limits = limits
        self.sourceName = sourceName
        self.builder = builder
        self.lazyLocations = lazyLocations && builder != nil
        counters = .allocate(capacity: 1)
        counters.initialize(to: Counters())
    }

    deinit {
        counters.deinitialize(count: 1)
        counters.deallocate()
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
