/// Walks a `ProfileNode` tree, collecting every mistake with its JSON path.
struct ProfileReader {
    private(set) var issues: [ProfileIssue] = []
    /// Each field mapping's node by JSON path (`$.fields[3]`, `$.fields[3].column`...), for the
    /// checks made once the whole profile is read, which then still name a line and column.
    var mappingNodes: [String: ProfileNode] = [:]

    mutating func fail(_ path: String, _ node: ProfileNode?, _ message: String) {
        issues.append(ProfileIssue(path: path, message: message, line: node?.line, column: node?.column))
    }

    /// The pairs of an object, reporting keys outside `allowed` and duplicate keys.
    mutating func object(_ node: ProfileNode, _ path: String, allowed: Set<String>) -> [String: ProfileNode]? {
        guard case .mapping(let pairs, _, _) = node else {
            fail(path, node, "expected an object, found \(node.kindName)")
            return nil
        }
        var result: [String: ProfileNode] = [:]
        for (key, value) in pairs {
            if !allowed.contains(key) {
                fail("\(path).\(key)", value, "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
            } else if result[key] != nil {
                fail("\(path).\(key)", value, "duplicate key")
            } else {
                result[key] = value
            }
        }
        return result
    }

    mutating func string(_ node: ProfileNode?, _ path: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let text, _, _, _) = node, !node.isNull else {
            fail(path, node, "expected a string, found \(node.kindName)")
            return nil
        }
        return text
    }

    mutating func bool(_ node: ProfileNode?, _ path: String) -> Bool? {
        guard let node else { return nil }
        if case .scalar(let text, true, _, _) = node {
            if text == "true" { return true }
            if text == "false" { return false }
        }
        fail(path, node, "expected true or false")
        return nil
    }

    mutating func int(_ node: ProfileNode?, _ path: String, min: Int) -> Int? {
        guard let node else { return nil }
        guard case .scalar(let text, true, _, _) = node, let value = Int(text) else {
            fail(path, node, "expected an integer")
            return nil
        }
        guard value >= min else {
            fail(path, node, "must be at least \(min)")
            return nil
        }
        return value
    }

    mutating func array(_ node: ProfileNode?, _ path: String) -> [ProfileNode]? {
        guard let node else { return nil }
        guard case .sequence(let items, _, _) = node else {
            fail(path, node, "expected an array, found \(node.kindName)")
            return nil
        }
        return items
    }

    mutating func strings(_ node: ProfileNode?, _ path: String) -> [String]? {
        guard let items = array(node, path) else { return nil }
        return items.enumerated().compactMap { index, item in string(item, "\(path)[\(index)]") }
    }

    /// A value of a `RawRepresentable` string enum, listing the allowed values on error.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ node: ProfileNode?, _ path: String, _ type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, path) else { return nil }
        if let value = T(rawValue: text) { return value }
        fail(path, node, "unknown value '\(text)' (allowed: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
        return nil
    }

    /// A column reference: a header name (string) or a 1-based position (integer).
    mutating func column(_ node: ProfileNode?, _ path: String) -> ColumnReference? {
        guard let node else { return nil }
        if case .scalar(let text, true, _, _) = node, let index = Int(text) {
            guard index >= 1 else {
                fail(path, node, "column positions start at 1")
                return nil
            }
            return .index(index)
        }
        guard let name = string(node, path) else { return nil }
        guard !name.isEmpty else {
            fail(path, node, "empty column name")
            return nil
        }
        return .name(name)
    }

    /// Date patterns, each checked.
    mutating func datePatterns(_ node: ProfileNode?, _ path: String) -> [DatePattern]? {
        guard let texts = strings(node, path) else { return nil }
        var patterns: [DatePattern] = []
        for (index, text) in texts.enumerated() {
            if let pattern = DatePattern(text) {
                patterns.append(pattern)
            } else {
                let item = array(node, path)?[index]
                fail("\(path)[\(index)]", item, "invalid date format '\(text)' (use yyyy, MM, dd, HH, mm, ss and literals)")
            }
        }
        return patterns
    }

    /// An OID: digits separated by dots.
    mutating func oid(_ node: ProfileNode?, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let valid = parts.count >= 2 && parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
        if !valid { fail(path, node, "not an OID (digits separated by dots)") }
        return valid ? text : nil
    }
}
