/// A position in a source file, 1-based.
///
/// XML sources use `line` and `column`. Flat files also carry the logical `record`
/// (row) number, which differs from the physical line when a quoted field spans lines.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Physical line, starting at 1.
    public var line: Int
    /// Column (in characters) on that line, starting at 1.
    public var column: Int
    /// Logical record (row) number for flat files, starting at 1; `nil` for XML.
    public var record: Int?

    /// Creates a location.
    public init(line: Int, column: Int, record: Int? = nil) {
        self.line = line
        self.column = column
        self.record = record
    }

    /// `line:column`, or `row R, column C (line L)` for flat records.
    public var description: String {
        if let record {
            return "row \(record):\(column) (line \(line))"
        }
        return "\(line):\(column)"
    }
}
