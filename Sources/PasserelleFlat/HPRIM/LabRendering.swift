public import PasserelleModel

/// Plain-text rendering of lab results, one line per result:
/// `label (code): value unit [low - high] flag (status)`.
public enum LabRendering {
    /// Renders results, one per line.
    public static func render(_ results: [ResultEntry]) -> String {
        results.map(line).joined(separator: "\n")
    }

    /// Renders one result.
    public static func line(_ result: ResultEntry) -> String {
        var text = result.code?.displayName ?? result.code?.code ?? "?"
        if let code = result.code?.code, result.code?.displayName != nil { text += " (\(code))" }
        text += ": " + (result.value ?? "")
        if let unit = result.unit { text += " " + unit }
        if result.referenceLow != nil || result.referenceHigh != nil {
            text += " [" + (result.referenceLow ?? "") + " - " + (result.referenceHigh ?? "") + "]"
        }
        if let flag = result.abnormalFlag { text += " " + flag }
        if let status = result.status { text += " (" + status + ")" }
        return text
    }
}
