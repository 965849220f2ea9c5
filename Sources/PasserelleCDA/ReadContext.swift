import PasserelleModel
import PasserelleXML

/// Diagnostics collected while reading one document.
final class ReadContext {
    let sourceName: String?
    private(set) var diagnostics: [Diagnostic] = []

    init(sourceName: String?) {
        self.sourceName = sourceName
    }

    func report(_ code: DiagnosticCode, _ severity: Severity, _ message: String, at element: XMLTree.Element) {
        diagnostics.append(
            Diagnostic(code: code, severity: severity, message: message, file: sourceName, location: element.location, path: element.path))
    }
}
