/// An RFC 4180 row iterator over decoded text (quoted fields may hold delimiters, quotes and
/// line breaks).
struct CSVRows: IteratorProtocol {
    struct Row {
        var fields: [String]
        /// Physical line where the row starts (1-based).
        var line: Int
        /// Logical row number (header = 1).
        var number: Int
    }

    private let scalars: [Unicode.Scalar]
    private let delimiter: Unicode.Scalar
    private var index = 0
    private var line = 1
    private var number = 0

    init(_ text: String, delimiter: Character) {
        self.scalars = Array(text.unicodeScalars)
        self.delimiter = delimiter.unicodeScalars.first ?? ","
    }

    mutating func next() -> Row? {
        guard index < scalars.count else { return nil }
        number += 1
        let startLine = line
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        while index < scalars.count {
            let c = scalars[index]
            index += 1
            if quoted {
                if c == "\"" {
                    if index < scalars.count, scalars[index] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"", field.isEmpty {
                quoted = true
            } else if c == delimiter {
                fields.append(String(field))
                field = String.UnicodeScalarView()
            } else if c == "\n" || c == "\r" {
                if c == "\r", index < scalars.count, scalars[index] == "\n" { index += 1 }
                line += 1
                break
            } else {
                field.append(c)
            }
        }
        fields.append(String(field))
        return Row(fields: fields, line: startLine, number: number)
    }
}
