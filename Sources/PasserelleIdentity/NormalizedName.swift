/// A name in comparison form, keeping the original text (R1).
///
/// `key` removes particles (DE, DU, LE, D', ...) and spaces, so that `DE LA FONTAINE`,
/// `Delafontaine` and `Fontaine (de la)` compare equal through `key` or `fullKey`.
/// A class: immutable and shared by every comparison without copying its strings.
public final class NormalizedName: Sendable {
    /// The text as received.
    public let original: String
    /// Folded text (mojibake repaired, accents removed, upper case, punctuation as spaces).
    /// Recomputed on demand: it is not used by comparisons, and a million-record index should
    /// not hold it.
    public var folded: String { TextFolding.fold(Mojibake.repaired(original)) }
    /// Significant tokens (particles removed unless nothing else remains).
    public let tokens: [String]
    /// Significant tokens joined without spaces.
    public let key: String
    /// All tokens, particles included, joined without spaces.
    public var fullKey: String { particleKey ?? key }
    /// `fullKey` when it differs from `key` (a particle was removed), else `nil` (compact).
    private let particleKey: String?
    /// French phonetic key of `key`.
    public let phonetic: String
    /// `key` as bytes, for fast string similarity.
    let keyBytes: [UInt8]
    /// The first token starting with a digit (a house number in an address).
    let leadingNumber: String?

    /// Normalizes `original`; returns `nil` when nothing significant remains (empty, `-`, `?`).
    public init?(_ original: String) {
        let folded = TextFolding.fold(Mojibake.repaired(original))
        let all = TextFolding.tokens(folded)
        guard !all.isEmpty else { return nil }
        let significant = all.filter { !NameRules.particles.contains($0) }
        let tokens = significant.isEmpty ? all : significant
        self.original = original
        self.tokens = tokens
        self.key = tokens.joined()
        let full = all.joined()
        self.particleKey = full == key ? nil : full
        self.phonetic = FrenchPhonetic.key(key)
        self.keyBytes = Array(key.utf8)
        self.leadingNumber = all.first { $0.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if NameRules.placeholders.contains(key) { return nil }
    }
}

/// French naming rules used by normalization.
public enum NameRules {
    /// Particles ignored in the comparison key.
    public static let particles: Set<String> = [
        "DE", "DU", "DES", "D", "LE", "LA", "LES", "L", "DI", "DA", "DEL", "DELLA", "VAN", "VON", "DER", "DEN",
    ]
    /// Values that mean "unknown" rather than a name.
    public static let placeholders: Set<String> = ["X", "XX", "XXX", "INCONNU", "INCONNUE", "ANONYME", "NC", "NR"]

    /// The birth and used names found in one family-name field holding a marriage pattern:
    /// `X épouse Y` / `X ép. Y` (birth X, used Y), `X née Y` (used X, birth Y),
    /// `veuve Y` / `X veuve Y` (used Y) (R2). Returns `nil` when there is no such pattern.
    public static func splitMarriagePattern(_ text: String) -> (birth: String?, used: String?)? {
        let folded = TextFolding.fold(Mojibake.repaired(text))
        let tokens = TextFolding.tokens(folded)
        guard let index = tokens.firstIndex(where: { marriageWords.keys.contains($0) }),
            let role = marriageWords[tokens[index]]
        else { return nil }
        let before = tokens[..<index].joined(separator: " ")
        let after = tokens[(index + 1)...].joined(separator: " ")
        func nonEmpty(_ value: String) -> String? { value.isEmpty ? nil : value }
        switch role {
        case .spouse, .widow: return (nonEmpty(before), nonEmpty(after))
        case .born: return (nonEmpty(after), nonEmpty(before))
        }
    }

    private enum MarriageRole { case spouse, born, widow }
    private static let marriageWords: [String: MarriageRole] = [
        "EPOUSE": .spouse, "EP": .spouse, "EPSE": .spouse, "EPX": .spouse,
        "NEE": .born, "VEUVE": .widow, "VVE": .widow,
    ]
}
