import CLibXML2
import Foundation
import PasserelleModel

/// Turns libxml2 structured errors into diagnostics with stable codes.
enum LibXML2Error {
    /// Converts one libxml2 error. `fallbackLocation` is used when libxml2 gives no line.
    static func diagnostic(from error: xmlErrorPtr, sourceName: String?, schemaValidation: Bool) -> Diagnostic {
        let raw = error.pointee
        var message = raw.message.map { String(cString: $0) } ?? "unknown XML error"
        message = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        let severity: Severity = raw.level == XML_ERR_WARNING ? .warning : .error
        var location: SourceLocation?
        if let node = raw.node, let packed = XMLNodeLocation.read(from: node.assumingMemoryBound(to: xmlNode.self)) {
            location = packed
        } else if raw.line > 0 {
            location = SourceLocation(line: Int(raw.line), column: max(1, Int(raw.int2)))
        }
        let code: DiagnosticCode
        if schemaValidation {
            code = severity == .warning ? .xmlWarning : .xsdInvalid
            message = redactValues(in: message)
        } else {
            code = severity == .warning ? .xmlWarning : parserCode(for: Int(raw.code), domain: Int(raw.domain))
        }
        return Diagnostic(code: code, severity: severity, message: message, file: sourceName, location: location)
    }

    static func parserCode(for code: Int, domain: Int) -> DiagnosticCode {
        if domain == Int(XML_FROM_NAMESPACE.rawValue) { return .xmlNamespace }
        switch code {
        case Int(XML_ERR_DOCUMENT_EMPTY.rawValue), Int(XML_ERR_DOCUMENT_START.rawValue):
            return .xmlNotXML
        case Int(XML_ERR_INVALID_CHAR.rawValue), Int(XML_ERR_UNSUPPORTED_ENCODING.rawValue),
            Int(XML_ERR_INVALID_ENCODING.rawValue), Int(XML_ERR_UNKNOWN_ENCODING.rawValue),
            Int(XML_I18N_CONV_FAILED.rawValue), Int(XML_ERR_INVALID_CHARREF.rawValue):
            return .xmlEncoding
        case Int(XML_ERR_DOCUMENT_END.rawValue), Int(XML_ERR_TAG_NOT_FINISHED.rawValue),
            Int(XML_ERR_LTSLASH_REQUIRED.rawValue), Int(XML_ERR_GT_REQUIRED.rawValue):
            return .xmlTruncated
        case Int(XML_ERR_UNDECLARED_ENTITY.rawValue), Int(XML_WAR_UNDECLARED_ENTITY.rawValue),
            Int(XML_ERR_ENTITY_LOOP.rawValue), Int(XML_ERR_ENTITY_BOUNDARY.rawValue),
            Int(XML_ERR_PEREF_NO_NAME.rawValue), Int(XML_ERR_ENTITYREF_NO_NAME.rawValue):
            return .xmlEntityForbidden
        case Int(XML_NS_ERR_UNDEFINED_NAMESPACE.rawValue), Int(XML_NS_ERR_QNAME.rawValue):
            return .xmlNamespace
        default:
            return .xmlNotWellFormed
        }
    }

    /// Schema errors quote element values ("The value '…' is not accepted", "'…' is not a valid
    /// value of the atomic type"); values may be identity traits, so they are replaced by an
    /// ellipsis. Element and type names stay. A quoted value ends at the first `' ` or `'.`,
    /// so an apostrophe inside a value (O'Brien) does not cut the redaction short.
    static func redactValues(in message: String) -> String {
        let redacted = redact(after: "value '", in: message)
        return redact(after: ": '", in: redacted, onlyBefore: " is not a valid value")
    }

    private static func redact(after opening: String, in message: String, onlyBefore continuation: String? = nil) -> String {
        var result = ""
        var rest = Substring(message)
        while let marker = rest.range(of: opening) {
            result += rest[..<marker.upperBound]
            let afterQuote = rest[marker.upperBound...]
            let close = [afterQuote.range(of: "' "), afterQuote.range(of: "'.")].compactMap { $0?.lowerBound }.min()
                ?? afterQuote.lastIndex(of: "'")
            guard let close else {
                rest = afterQuote
                break
            }
            if let continuation, !afterQuote[afterQuote.index(after: close)...].hasPrefix(continuation) {
                rest = afterQuote
                continue
            }
            result += "…"
            rest = afterQuote[close...]
        }
        return result + rest
    }
}
