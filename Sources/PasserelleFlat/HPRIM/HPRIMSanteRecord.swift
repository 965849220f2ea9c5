import Foundation
import PasserelleModel

/// The delimiters an HPRIM Santé file declares in its H record (`H|~^\&|`).
///
/// Positions follow libHprim's `HPRIMSDelimiters`: field, then **component** (`~`), then
/// **repetition** (`^`), escape, sub-component — the reverse of HL7 v2's `^` and `~`.
struct HPRIMDelimiters: Sendable, Hashable {
    var field: Character
    var component: Character
    var repetition: Character
    var escape: Character
    var subcomponent: Character

    /// Reads the delimiters from the text of an H record; `nil` when malformed.
    init?(headerLine text: String) {
        let characters = Array(text.prefix(7))
        guard characters.count >= 7, characters[0] == "H" else { return nil }
        let declared = Array(characters[1...5])
        guard characters[6] == characters[1], Set(declared).count == 5,
            declared.allSatisfy({ !$0.isLetter && !$0.isNumber && !$0.isWhitespace })
        else { return nil }
        field = declared[0]
        component = declared[1]
        repetition = declared[2]
        escape = declared[3]
        subcomponent = declared[4]
    }
}

/// One logical HPRIM Santé record: a line plus its `A|` continuation lines.
struct HPRIMRecord: Sendable {
    /// Record type (`H`, `P`, `OBR`, `OBX`, `C`, `L`...).
    var type: String
    /// Raw field texts; index 0 is the type, so HPRIM field `P.6` is `fields[5]`.
    var fields: [String]
    /// Indices into the source's lines.
    var lineIndices: ClosedRange<Int>
    /// Physical line number of the first line.
    var line: Int
    /// Logical record number in the file (the H record is 1).
    var ordinal: Int

    /// The record for a message: `record type OBX`, or, for a line whose start is no record type
    /// (free text, which may hold identity traits), a description that quotes none of it.
    var label: String {
        let looksLikeType = (1...3).contains(type.count) && type.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return looksLikeType ? "record type \(type)" : "a line that is no HPRIM record (no record type before '|')"
    }

    /// Field `number` in HPRIM numbering (the type is field 1); empty when absent.
    func field(_ number: Int) -> String {
        number - 1 < fields.count && number >= 1 ? fields[number - 1] : ""
    }
}

/// Splits field texts into components and resolves escape sequences.
struct HPRIMFieldReader: Sendable {
    let delimiters: HPRIMDelimiters

    /// The components of a field, with escapes resolved (`\F\`, `\S\`, `\R\`, `\E\`, `\T\`).
    func components(_ text: String, problems: inout [String]) -> [String] {
        text.split(separator: delimiters.component, omittingEmptySubsequences: false).map {
            unescape(String($0), problems: &problems)
        }
    }

    /// The field with escapes resolved but separators kept as written.
    func value(_ text: String, problems: inout [String]) -> String? {
        let value = unescape(text, problems: &problems)
        return value.isEmpty ? nil : value
    }

    /// Component `index` (1-based), trimmed; `nil` when empty.
    func component(_ text: String, _ index: Int, problems: inout [String]) -> String? {
        let parts = components(text, problems: &problems)
        guard index >= 1, index <= parts.count else { return nil }
        let value = parts[index - 1].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    func unescape(_ text: String, problems: inout [String]) -> String {
        guard text.contains(delimiters.escape) else { return text }
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == delimiters.escape else {
                result.append(character)
                continue
            }
            var sequence = ""
            var closed = false
            while let next = iterator.next() {
                if next == delimiters.escape {
                    closed = true
                    break
                }
                sequence.append(next)
            }
            switch (closed, sequence) {
            case (true, "F"): result.append(delimiters.field)
            case (true, "S"): result.append(delimiters.component)
            case (true, "R"): result.append(delimiters.repetition)
            case (true, "E"): result.append(delimiters.escape)
            case (true, "T"): result.append(delimiters.subcomponent)
            default:
                problems.append("escape sequence not defined by HPRIM; kept as written")
                result.append(delimiters.escape)
                result += sequence
                if closed { result.append(delimiters.escape) }
            }
        }
        return result
    }
}
