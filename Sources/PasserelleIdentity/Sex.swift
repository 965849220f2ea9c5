internal import Foundation
public import PasserelleModel

/// Sex as used for matching. Only M and F are compared; anything else is "not determined" and is
/// never scored as a mismatch (R5).
public enum Sex: String, Sendable, Hashable, Codable, CaseIterable {
    /// Male.
    case male = "M"
    /// Female.
    case female = "F"
    /// Unknown, undifferentiated or other: kept, never compared (R5).
    case unknown = "U"

    /// Reads a source code (`M`, `F`, `1`, `2`, `H`, `homme`, `femme`, ...).
    public init(code: String?) {
        // The usual one-letter codes without the trimming and case mapping.
        switch code {
        case "M"?: self = .male; return
        case "F"?: self = .female; return
        default: break
        }
        switch code?.trimmingWhitespace.uppercased() {
        case "M", "1", "H", "HOMME", "MASCULIN", "MALE": self = .male
        case "F", "2", "FEMME", "FEMININ", "FÉMININ", "FEMALE": self = .female
        default: self = .unknown
        }
    }

    /// From the model's administrative sex.
    public init(_ sex: AdministrativeSex?) {
        switch sex {
        case .male?: self = .male
        case .female?: self = .female
        default: self = .unknown
        }
    }

    /// Whether the value is M or F.
    public var isDetermined: Bool { self != .unknown }
}
