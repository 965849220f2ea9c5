import PasserelleModel
import PasserelleXML

/// An INS number (under OIDs 1.2.250.1.213.1.4.8, .9, .10, .11) has 15 characters: 13 digits
/// (Corsica: `2A`/`2B` at positions 6-7) and a 2-digit key equal to 97 − (number mod 97), where
/// `2A`/`2B` are replaced by `19`/`18` before the computation; its first digit is 1 or 2
/// (7 or 8 for provisional numbers).
public struct INSKey: HeaderRule {
    public static let summary = "INS numbers are 13 characters plus a valid 2-digit key (Corsica 2A/2B handled)"
    public static let source = "NIR definition (INSEE); FRCore INS profile (OIDs); DOMAIN.md §1.5 and R6"

    /// Why an INS number is rejected.
    public enum Problem: Sendable, Hashable {
        /// Not 15 characters long.
        case length
        /// A character other than a digit (or `2A`/`2B` at positions 6-7).
        case characters
        /// First digit other than 1, 2, 7 or 8.
        case sexDigit
        /// The key does not match.
        case key
    }

    public init() {}

    /// The key of a 13-character NIR body (`2A`/`2B` allowed at positions 6-7), or `nil` when
    /// the body is not 13 such characters.
    public static func key(ofBody body: String) -> Int? {
        var characters = Array(body)
        guard characters.count == 13 else { return nil }
        switch (characters[5], characters[6]) {
        case ("2", "A"), ("2", "a"): characters[5] = "1"; characters[6] = "9"
        case ("2", "B"), ("2", "b"): characters[5] = "1"; characters[6] = "8"
        default: break
        }
        var remainder = 0
        for character in characters {
            guard let digit = character.wholeNumberValue, character.isASCII else { return nil }
            remainder = (remainder * 10 + digit) % 97
        }
        return 97 - remainder
    }

    /// Checks a 15-character INS number; `nil` when it is valid.
    public static func problem(with number: String) -> Problem? {
        let characters = Array(number)
        guard characters.count == 15 else { return .length }
        let body = String(characters[0..<13])
        guard let expected = key(ofBody: body),
            characters[13].isASCII, characters[14].isASCII,
            let tens = characters[13].wholeNumberValue, let units = characters[14].wholeNumberValue
        else { return .characters }
        guard "1278".contains(characters[0]) else { return .sexDigit }
        return tens * 10 + units == expected ? nil : .key
    }

    public func check(_ subject: RuleSubject) {
        for (element, number) in PatientOID.insIdentifiers(subject.element) {
            guard let problem = Self.problem(with: number) else { continue }
            let message: String
            switch problem {
            case .length: message = "the INS number does not have 15 characters (13 + 2-digit key)"
            case .characters: message = "the INS number has characters other than digits (or 2A/2B for Corsica)"
            case .sexDigit: message = "the INS number does not start with 1, 2, 7 or 8"
            case .key: message = "the INS key does not match the number"
            }
            subject.report(Self.self, message, at: element)
        }
    }
}
