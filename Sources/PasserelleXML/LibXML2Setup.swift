import CLibXML2
import Foundation

/// One-time, process-wide libxml2 set-up: initialise the library (required before using it
/// from several threads) and replace the external entity loader by one that never touches
/// the network and never loads anything while a document is parsed.
enum LibXML2Setup {
    /// The loader libxml2 had before ours; used for local schema files only.
    nonisolated(unsafe) private static var defaultLoader: xmlExternalEntityLoader?

    /// Runs the set-up once; cheap to call again.
    static func ensure() {
        _ = once
    }

    private static let once: Void = {
        xmlInitParser()
        // The built-in XSD types are initialised on first use without a lock (libxml2 2.9): two
        // schemas compiled at once on two threads could both build them, and one compile then
        // failed with a spurious derivation error. They are built here, once, before any thread.
        xmlSchemaInitTypes()
        defaultLoader = xmlGetExternalEntityLoader()
        xmlSetExternalEntityLoader(refusingLoader)
    }()

    /// External resources are refused unless they are local files requested while compiling
    /// an XML schema (its includes and imports). Document parses mark their context with a
    /// `ParseState` in `_private`, so nothing is ever loaded on behalf of a document.
    private static let refusingLoader: xmlExternalEntityLoader = { url, id, ctxt in
        if let ctxt, ctxt.pointee._private != nil {
            return nil
        }
        guard let url else { return nil }
        let text = String(cString: url)
        if let schemeEnd = text.range(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "file" else {
                // libxml2's no-network loader refuses http and ftp and records an I/O error, so
                // the schema compiler skips a remote import with a warning (as `xmllint --nonet`
                // does) instead of failing on a missing document. Other schemes: refused here.
                return scheme == "http" || scheme == "ftp" ? xmlNoNetExternalEntityLoader(url, id, ctxt) : nil
            }
        }
        guard let loader = defaultLoader else { return nil }
        return loader(url, id, ctxt)
    }

    /// Silences libxml2's generic (stderr) error channel on the calling thread.
    static func silenceCurrentThread() {
        passerelle_silence_generic_errors()
    }
}
