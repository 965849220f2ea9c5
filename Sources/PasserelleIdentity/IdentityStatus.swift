import Foundation

/// Identity status of a stored identity (RNIV, FR Core `fr-core-cs-identity-status`; R10).
///
/// The gateway never sees an identity document, so matching never raises a status (R10): it is
/// carried from the source.
public enum IdentityStatus: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Provisoire: local identity, neither retrieved from INSi nor checked.
    case provisional = "PROV"
    /// Récupérée: retrieved from INSi, not checked against an identity document.
    case retrieved = "RECUP"
    /// Validée: checked against a high-trust document, not retrieved from INSi.
    case validated = "VALI"
    /// Qualifiée: retrieved from INSi and checked. Only this status allows using the INS (R8).
    case qualified = "QUAL"

    /// Reads a source code, accepting the long French spellings; `nil` when unknown.
    public init?(code: String?) {
        guard let code = code?.uppercased().trimmingCharacters(in: .whitespaces), !code.isEmpty else { return nil }
        switch code {
        case "PROV", "PROVISOIRE": self = .provisional
        case "RECUP", "RECUPEREE", "RÉCUPÉRÉE": self = .retrieved
        case "VALI", "VALIDEE", "VALIDÉE": self = .validated
        case "QUAL", "QUALIFIEE", "QUALIFIÉE": self = .qualified
        default: return nil
        }
    }

    private var rank: Int {
        switch self {
        case .provisional: 0
        case .retrieved: 1
        case .validated: 2
        case .qualified: 3
        }
    }

    public static func < (lhs: IdentityStatus, rhs: IdentityStatus) -> Bool { lhs.rank < rhs.rank }
}

/// Identity attributes (FR Core `fr-core-cs-fiabilite-identite`; R11).
public struct IdentityAttributes: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// DOUT, identité douteuse: goes to review, never auto-linked (R11).
    public static let doubtful = IdentityAttributes(rawValue: 1 << 0)
    /// FICT, identité fictive (tests, training, anonymous care): never auto-linked (R11).
    public static let fictitious = IdentityAttributes(rawValue: 1 << 1)
    /// HOMA, homonyme: a known homonym exists; links go to review (R11).
    public static let homonym = IdentityAttributes(rawValue: 1 << 2)

    /// Reads codes such as `DOUT`, `FICT`, `HOMA` (or French words) separated by spaces, commas,
    /// `|` or `;`.
    public init(codes: String?) {
        var value = IdentityAttributes()
        let separators: Set<Character> = [" ", ",", "|", ";", "+"]
        for token in (codes ?? "").uppercased().split(whereSeparator: { separators.contains($0) }) {
            switch token {
            case "DOUT", "DOUTEUSE": value.insert(.doubtful)
            case "FICT", "FICTIVE": value.insert(.fictitious)
            case "HOMA", "HOMONYME": value.insert(.homonym)
            default: break
            }
        }
        self = value
    }

    /// Whether the combination is allowed: only douteuse + homonyme may be combined (R11).
    public var isValidCombination: Bool {
        !(contains(.fictitious) && (contains(.doubtful) || contains(.homonym)))
    }

    /// The status these attributes force: douteuse and fictive force PROV (R11).
    public func constrain(_ status: IdentityStatus?) -> IdentityStatus? {
        contains(.doubtful) || contains(.fictitious) ? .provisional : status
    }
}
