import CLibXML2
import PasserelleModel

/// The SAX2 callbacks Passerelle installs on each parser context. They wrap libxml2's own
/// tree builders to add safety checks (DTD refusal, depth, text and attribute sizes,
/// XInclude) and record each element's column, and route errors to the parse's own state.
enum SAXHooks {
    static let xincludeNamespaces: [StaticString] = ["http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"]

    /// Installs the hooks. `compact`: build Passerelle's compact tree from the events
    /// instead of libxml2's DOM (no document, node, attribute or text objects are created).
    static func install(on context: xmlParserCtxtPtr, compact: Bool = false) {
        guard let sax = context.pointee.sax else { return }
        if compact {
            sax.pointee.startDocument = { _ in }
            sax.pointee.endDocument = { _ in }
            sax.pointee.reference = nil
            sax.pointee.comment = nil
            sax.pointee.processingInstruction = nil
            sax.pointee.cdataBlock = characters
        }
        sax.pointee.internalSubset = internalSubset
        sax.pointee.externalSubset = nil
        sax.pointee.getEntity = getEntity
        sax.pointee.getParameterEntity = { _, _ in nil }
        sax.pointee.resolveEntity = { _, _, _ in nil }
        sax.pointee.startElementNs = startElement
        sax.pointee.endElementNs = endElement
        sax.pointee.characters = characters
        sax.pointee.ignorableWhitespace = characters
        sax.pointee.serror = structuredError
        sax.pointee.initialized = XML_SAX2_MAGIC
    }

    /// A DOCTYPE is refused before its internal subset is read: no entity can be declared,
    /// so XXE, parameter entities, external DTDs, billion laughs and quadratic blowup all stop here.
    private static let internalSubset: internalSubsetSAXFunc = { context, _, _, _ in
        guard let (parser, state) = ParseState.from(context) else { return }
        state.stop(
            parser, code: .xmlDTDForbidden,
            message: "a document type declaration (DOCTYPE) is not allowed: CDA documents have none, and DTDs can declare entities",
            location: state.currentLocation(parser))
    }

    /// Only the five predefined entities (`&lt;` ...) exist; anything else is undeclared.
    private static let getEntity: getEntitySAXFunc = { _, name in
        guard let name else { return nil }
        return xmlGetPredefinedEntity(name)
    }

    private static let startElement: startElementNsSAX2Func = {
        context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes in
        guard let (parser, state) = ParseState.from(context), !state.stopped else { return }
        // In compact trees of UTF-8 input, the start tag's position is saved as the offset of
        // the parser's cursor in the input and computed only when asked (a diagnostic,
        // `Element.location`); otherwise now.
        var position = (line: 0, column: 0)
        var tagEnd: Int32 = -1
        if state.lazyLocations, let builder = state.builder, let input = parser.pointee.input, let cursor = input.pointee.cur,
            let inputBase = input.pointee.base
        {
            tagEnd = builder.tagEndOffset(
                cursor: cursor, inputBase: inputBase, candidate: ParseSource.offset(of: cursor, in: parser))
        }
        if tagEnd >= 0, let input = parser.pointee.input {
            position = (Int(input.pointee.line), Int(input.pointee.col))
            state.saveLastElement(tagEnd: tagEnd, line: position.line, column: position.column)
        } else {
            position = XMLNodeLocation.startOfCurrentTag(in: parser)
            state.lastElementLocation = SourceLocation(line: position.line, column: position.column)
        }
        state.depth += 1
        state.textRun = 0
        if state.depth > state.limits.maxDepth {
            state.stop(
                parser, code: .xmlTooDeep,
                message: "elements are nested deeper than the limit of \(state.limits.maxDepth) levels",
                location: state.lastElementLocation)
            return
        }
        if let attributes, attributeCount > 0 {
            for index in 0..<Int(attributeCount) {
                guard let start = attributes[index * 5 + 3], let end = attributes[index * 5 + 4] else { continue }
                let size = end - start
                if size > state.limits.maxAttributeBytes {
                    state.stop(
                        parser, code: .xmlAttributeTooLarge,
                        message: "an attribute value of \(size) bytes exceeds the limit of \(state.limits.maxAttributeBytes) bytes",
                        location: state.lastElementLocation)
                    return
                }
            }
        }
        if let uri, xincludeNamespaces.contains(where: { XMLTree.sameName(uri, $0.utf8Start) }) {
            state.stop(
                parser, code: .xmlXIncludeForbidden,
                message: "XInclude elements are not processed: a document must be self-contained",
                location: state.lastElementLocation)
            return
        }
        if let builder = state.builder {
            guard let localName else { return }
            builder.startElement(
                name: localName, prefix: prefix, namespace: uri, attributes: attributes, attributeCount: Int(attributeCount),
                line: position.line, column: position.column, tagEnd: tagEnd)
            return
        }
        xmlSAX2StartElementNs(
            context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes)
        if let node = parser.pointee.node {
            XMLNodeLocation.store(line: position.line, column: position.column, in: node)
        }
    }

    private static let endElement: endElementNsSAX2Func = { context, localName, prefix, uri in
        guard let (_, state) = ParseState.from(context) else { return }
        state.depth -= 1
        state.textRun = 0
        if let builder = state.builder {
            builder.endElement()
            return
        }
        xmlSAX2EndElementNs(context, localName, prefix, uri)
    }

    private static let characters: charactersSAXFunc = { context, characters, length in
        guard let (parser, state) = ParseState.from(context), !state.stopped else { return }
        state.textRun += Int(length)
        if state.textRun > state.limits.maxTextBytes {
            state.stop(
                parser, code: .xmlTextTooLarge,
                message: "a text node exceeds the limit of \(state.limits.maxTextBytes) bytes",
                location: state.currentLocation(parser))
            return
        }
        if let builder = state.builder {
            if let characters {
                builder.characters(
                    UnsafeBufferPointer(start: characters, count: Int(length)),
                    sourceOffset: ParseSource.offset(of: characters, in: parser))
            }
            return
        }
        xmlSAX2Characters(context, characters, length)
    }

    private static let structuredError: xmlStructuredErrorFunc = { userData, error in
        guard let error, let (parser, state) = ParseState.from(userData) else { return }
        // Without recovery libxml2 stops at the first fatal error but may add follow-up errors
        // (and does after a deliberate stop): the first reason is the one that matters.
        if state.stopped || state.notWellFormed, error.pointee.level != XML_ERR_WARNING { return }
        var diagnostic = LibXML2Error.diagnostic(from: error, sourceName: state.sourceName, schemaValidation: false)
        if error.pointee.level == XML_ERR_FATAL {
            state.notWellFormed = true
            // An error at the very end of the input means the input stopped while a construct was open.
            if diagnostic.code == .xmlNotWellFormed, error.pointee.code != Int32(XML_ERR_TAG_NAME_MISMATCH.rawValue), let input = parser.pointee.input, let cur = input.pointee.cur,
                let end = input.pointee.end, cur >= end
            {
                diagnostic.code = .xmlTruncated
            }
        }
        state.diagnostics.append(diagnostic)
    }
}
