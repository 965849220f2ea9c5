import Yams

/// A parsed profile document: JSON or YAML, with the line and column of every node.
indirect enum ProfileNode: Sendable {
    /// A scalar; `plain` is false for quoted scalars (which are always strings).
    case scalar(String, plain: Bool, line: Int?, column: Int?)
    case mapping([(key: String, value: ProfileNode)], line: Int?, column: Int?)
    case sequence([ProfileNode], line: Int?, column: Int?)

    var line: Int? {
        switch self {
        case .scalar(_, _, let line, _), .mapping(_, let line, _), .sequence(_, let line, _): line
        }
    }

    var column: Int? {
        switch self {
        case .scalar(_, _, _, let column), .mapping(_, _, let column), .sequence(_, _, let column): column
        }
    }

    /// A short name of the node's kind, for messages.
    var kindName: String {
        switch self {
        case .scalar(let text, let plain, _, _):
            if plain, text == "null" || text == "~" || text.isEmpty { return "null" }
            return "a scalar"
        case .mapping: return "an object"
        case .sequence: return "an array"
        }
    }

    /// Whether this is a plain `null` (or `~`, or nothing).
    var isNull: Bool {
        if case .scalar(let text, let plain, _, _) = self, plain { return text == "null" || text == "~" || text.isEmpty }
        return false
    }

    /// Parses JSON or YAML text (JSON is read as YAML flow style).
    static func parse(_ text: String) throws -> ProfileNode? {
        guard let root = try Yams.compose(yaml: text) else { return nil }
        return convert(root)
    }

    private static func convert(_ node: Node) -> ProfileNode {
        // Yams marks are 1-based lines and 0-based columns.
        let line = node.mark.map { $0.line }
        let column = node.mark.map { $0.column + 1 }
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string, plain: scalar.style == .plain, line: line, column: column)
        case .mapping(let mapping):
            let pairs = mapping.map { pair in (key: pair.key.string ?? "", value: convert(pair.value)) }
            return .mapping(pairs, line: line, column: column)
        case .sequence(let sequence):
            return .sequence(sequence.map(convert), line: line, column: column)
        }
    }
}
