public import Foundation
public import PasserelleModel

/// One mistake in a profile file, located by JSON path (and line:column when known).
public struct ProfileIssue: Sendable, Hashable, CustomStringConvertible {
    /// JSON path of the field, e.g. `$.fields[3].target`.
    public var path: String
    /// What is wrong.
    public var message: String
    /// 1-based line in the profile file.
    public var line: Int?
    /// 1-based column in the profile file.
    public var column: Int?

    /// Creates an issue.
    public init(path: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { "\(path): \(message)" }
}

/// A profile that cannot be used: the file, and every mistake found in it.
public struct ProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The profile file (or the name given for in-memory text).
    public var file: String
    /// The mistakes, in file order.
    public var issues: [ProfileIssue]

    /// Creates an error.
    public init(file: String, issues: [ProfileIssue]) {
        self.file = file
        self.issues = issues
    }

    /// One line per issue: `file:line:column: $.path: message`. Profiles hold no patient data.
    public var description: String {
        issues.map { issue in
            var prefix = file
            if let line = issue.line { prefix += ":\(line)" + (issue.column.map { ":\($0)" } ?? "") }
            return "\(prefix): \(issue.path): \(issue.message)"
        }.joined(separator: "\n")
    }

    /// The issues as diagnostics (`PROFILE-INVALID` / `PROFILE-SYNTAX`), for `profile check`.
    public var diagnostics: [Diagnostic] {
        issues.map { issue in
            Diagnostic(
                code: issue.path == "$" && issue.message.hasPrefix("not valid") ? .profileSyntax : .profileInvalid,
                severity: .error, message: "\(issue.path): \(issue.message)", file: file,
                location: issue.line.map { SourceLocation(line: $0, column: issue.column ?? 1) }, path: issue.path)
        }
    }
}

/// Loads and checks export profiles written in JSON or YAML.
public enum ProfileLoader {
    /// Loads the profile at `url`.
    /// - Throws: `ProfileError` naming the file and every wrong field.
    public static func load(contentsOf url: URL) throws(ProfileError) -> ExportProfile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ProfileError(file: url.path, issues: [ProfileIssue(path: "$", message: "cannot read the file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProfileError(file: url.path, issues: [ProfileIssue(path: "$", message: "not valid UTF-8 text")])
        }
        return try load(text: text, file: url.path)
    }

    /// Loads a profile from its text; `file` names it in errors.
    /// - Throws: `ProfileError` naming the file and every wrong field.
    public static func load(text: String, file: String) throws(ProfileError) -> ExportProfile {
        let root: ProfileNode?
        do {
            root = try ProfileNode.parse(text)
        } catch {
            let detail = String(describing: error).split(separator: "\n").first.map(String.init) ?? "syntax error"
            throw ProfileError(file: file, issues: [ProfileIssue(path: "$", message: "not valid JSON or YAML: \(detail)")])
        }
        guard let root else {
            throw ProfileError(file: file, issues: [ProfileIssue(path: "$", message: "the file is empty")])
        }
        var reader = ProfileReader()
        let profile = reader.profile(root, file: file)
        guard reader.issues.isEmpty, let profile else {
            let issues = reader.issues.isEmpty ? [ProfileIssue(path: "$", message: "not a profile")] : reader.issues
            throw ProfileError(file: file, issues: issues)
        }
        return profile
    }
}
