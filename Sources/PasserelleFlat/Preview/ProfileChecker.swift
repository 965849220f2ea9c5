public import Foundation
public import PasserelleModel

/// The outcome of checking a profile file.
public struct ProfileCheckReport: Sendable, Hashable {
    /// The profile file.
    public var file: String
    /// The loaded profile, when it has no error.
    public var profile: ExportProfile?
    /// Errors (with JSON paths) and advice.
    public var diagnostics: [Diagnostic]

    /// Whether the profile can be used.
    public var isValid: Bool { profile != nil && !diagnostics.containsErrors }
}

/// Checks profile files for `passerelle profile check`.
public enum ProfileChecker {
    /// Loads and checks the profile at `url`; never throws: problems are diagnostics.
    public static func check(contentsOf url: URL) -> ProfileCheckReport {
        do {
            let profile = try ProfileLoader.load(contentsOf: url)
            return ProfileCheckReport(file: url.path, profile: profile, diagnostics: advice(profile, file: url.path))
        } catch {
            return ProfileCheckReport(file: url.path, profile: nil, diagnostics: error.diagnostics)
        }
    }

    /// Warnings about a loadable profile that will probably not do what its author wants.
    public static func advice(_ profile: ExportProfile, file: String) -> [Diagnostic] {
        var result: [Diagnostic] = []
        let targets = Set(profile.fields.map(\.target))
        func warn(_ message: String, _ path: String) {
            result.append(Diagnostic(code: "PROFILE-ADVICE", severity: .warning, message: "\(path): \(message)", file: file, path: path))
        }
        if !targets.contains(where: { $0.rawValue.hasPrefix("patient.") }) {
            warn("no patient field is mapped: documents will have no patient", "$.fields")
        }
        if !targets.contains(.patientLocalID), !targets.contains(.patientINS) {
            warn("no patient identifier (patient.localId or patient.ins) is mapped: matching will rely on traits only", "$.fields")
        }
        if profile.encoding == .auto {
            warn("encoding auto only chooses between UTF-8 and windows-1252; declare the encoding when it is known", "$.format.encoding")
        }
        for mapping in profile.fields where mapping.target == .patientSex && mapping.valueMap.isEmpty {
            warn("no value map: the column must already hold M, F, UN or U", "\(mapping.path).map")
        }
        return result
    }
}
