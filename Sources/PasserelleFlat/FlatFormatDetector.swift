public import PasserelleModel

/// Recognises HPRIM Santé and HPRIM Net files by content. CSV and fixed-width exports cannot be
/// recognised reliably: they need an explicit profile.
public enum FlatFormatDetector {
    /// The format of `bytes` (the whole file or at least its first few kilobytes), or `nil`.
    ///
    /// - HPRIM Santé: the first non-blank line is an H record declaring five distinct delimiters
    ///   followed by the field delimiter again (`H|~^\&|`), or at least starts with `H|` (a
    ///   malformed H record, which the reader then reports as `HPRIM-HEADER`).
    /// - HPRIM Net: a `****LAB****` or `****FINFICHIER****` marker after at least 12 lines, or,
    ///   for a truncated prefix, a DD/MM/YYYY date on header line 7.
    public static func detect<Bytes: Collection>(_ bytes: Bytes) -> SourceFormat? where Bytes.Element == UInt8 {
        var content = Array(bytes.prefix(1 << 20))
        if content.starts(with: EncodingDetector.utf8BOM) { content.removeFirst(3) }
        let text = String(decoding: content.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        if let first = lines.first(where: { !$0.trimmingSpaces.isEmpty }),
            HPRIMDelimiters(headerLine: String(first)) != nil || first.hasPrefix("H|")
        {
            return .hprimSante
        }
        guard lines.count >= 12 else { return nil }
        for line in lines.dropFirst(12) {
            let marker = line.trimmingSpaces.uppercased()
            if marker == "****LAB****" || marker == "****FINFICHIER****" { return .hprimNet }
        }
        let birth = lines[6].trimmingSpaces
        if lines.count < 100, DatePattern("dd/MM/yyyy")?.parse(String(birth)) != nil,
            !lines.prefix(12).contains(where: { $0.contains(";") || $0.contains(",") && $0.count > 60 })
        {
            return .hprimNet
        }
        return nil
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
