public import PasserelleModel

/// The environment an INS belongs to, derived from its OID (DOMAIN.md §1.5, R6).
public enum INSEnvironment: String, Sendable, Hashable, Codable, CaseIterable {
    /// Production OIDs (…4.8 NIR, …4.9 NIA).
    case production
    /// Test OID (…4.10), used by the ANS examples.
    case test
    /// Demonstration OID (…4.11).
    case demo
}

/// Whether the matricule is a NIR or a NIA (temporary number).
public enum INSMatriculeKind: String, Sendable, Hashable, Codable {
    /// Numéro d'inscription au répertoire (social-security number of the person).
    case nir = "NIR"
    /// Numéro identifiant d'attente, for people not (yet) registered.
    case nia = "NIA"
}

/// A checked Identifiant national de santé: 13-character matricule + 2-digit key under a known OID.
///
/// Only values that pass every check exist (R6): the OID is one of the INS OIDs, the matricule has
/// 13 characters (digits, with `2A`/`2B` allowed as Corsican department), and the key equals
/// `97 - (n mod 97)` where `n` is the matricule with `2A → 19` and `2B → 18`.
/// Invalid inputs produce a ``Diagnostic`` through ``INS/parse(_:oid:)`` and are never used.
public struct INS: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 15-character value (matricule + key), upper-cased, without spaces.
    public let value: String
    /// The OID the INS was received under.
    public let oid: String
    /// NIR or NIA.
    public let matriculeKind: INSMatriculeKind
    /// Production, test or demo.
    public let environment: INSEnvironment

    /// The 13-character matricule.
    public var matricule: Substring { value.prefix(13) }
    /// The 2-digit key.
    public var key: Substring { value.suffix(2) }

    /// Redacted form: never prints the number (logs and diagnostics must not carry INS values).
    public var description: String { "INS(\(matriculeKind.rawValue), \(environment.rawValue))" }

    /// Kind and environment of an INS OID, or `nil` for any other OID (NSS OIDs …4.13/…4.14 and
    /// the legacy INS-C …4.2 are not INS, R6).
    public static func classify(oid: String) -> (INSMatriculeKind, INSEnvironment)? {
        switch oid {
        case IdentifierKind.OID.insNIR: (.nir, .production)
        case IdentifierKind.OID.insNIA: (.nia, .production)
        case IdentifierKind.OID.insNIRTest: (.nir, .test)
        case IdentifierKind.OID.insNIRDemo: (.nir, .demo)
        default: nil
        }
    }

    /// Computes the NIR/NIA key of a 13-character matricule (Corsica `2A → 19`, `2B → 18`), or
    /// `nil` when the matricule is malformed.
    public static func key(ofMatricule matricule: some StringProtocol) -> Int? {
        let chars = Array(matricule.uppercased())
        guard chars.count == 13 else { return nil }
        var digits = chars
        if chars[5] == "2", chars[6] == "A" || chars[6] == "B" {
            digits[5] = "1"
            digits[6] = chars[6] == "A" ? "9" : "8"
        }
        var remainder = 0
        for char in digits {
            guard let digit = char.wholeNumberValue, char.isASCII else { return nil }
            remainder = (remainder * 10 + digit) % 97
        }
        return 97 - remainder
    }

    /// Parses and checks an INS; returns either the value or a trait-free diagnostic (R6).
    /// - Parameters:
    ///   - text: the matricule + key as received (spaces are ignored).
    ///   - oid: the authority OID.
    public static func parse(_ text: String, oid: String) -> Result<INS, INSError> {
        guard let (kind, environment) = classify(oid: oid) else { return .failure(.unknownOID) }
        let compact = text.filter { !$0.isWhitespace }.uppercased()
        guard compact.count == 15 else { return .failure(.wrongLength) }
        let matricule = compact.prefix(13)
        guard let expected = key(ofMatricule: matricule) else { return .failure(.invalidCharacters) }
        guard let given = Int(compact.suffix(2)), given == expected else { return .failure(.badKey) }
        guard let first = matricule.first, "12378".contains(first) else { return .failure(.badSexDigit) }
        return .success(INS(value: compact, oid: oid, matriculeKind: kind, environment: environment))
    }

    /// Reads the INS of a model identifier, if it has an INS kind.
    /// - Returns: `nil` when the identifier is not an INS; otherwise the check result.
    public static func parse(_ identifier: Identifier) -> Result<INS, INSError>? {
        guard identifier.kind.isINS, let root = identifier.root else { return nil }
        return parse(identifier.extension ?? "", oid: root)
    }

    private init(value: String, oid: String, matriculeKind: INSMatriculeKind, environment: INSEnvironment) {
        self.value = value
        self.oid = oid
        self.matriculeKind = matriculeKind
        self.environment = environment
    }

    /// Whether two INS belong to the same numbering family, so that a different value means a
    /// different person (R14). A NIR is the person's number whatever the OID environment (a test
    /// and a production OID may carry the same NIR); a NIR and a NIA are not comparable (a person
    /// registered under a NIA later receives a NIR).
    public func isComparable(with other: INS) -> Bool { matriculeKind == other.matriculeKind }
}

/// Why an INS was refused (R6). The description never carries the number.
public enum INSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The OID is not one of the INS OIDs.
    case unknownOID
    /// Not 15 characters.
    case wrongLength
    /// Characters other than digits (and `2A`/`2B` in the department).
    case invalidCharacters
    /// The key does not match `97 - (n mod 97)`.
    case badKey
    /// The first digit is not 1, 2 (or 3, 7, 8 for provisional/NIA numbers).
    case badSexDigit

    /// The stable diagnostic code.
    public var code: DiagnosticCode {
        switch self {
        case .unknownOID: "IDENT-INS-OID"
        case .wrongLength: "IDENT-INS-LENGTH"
        case .invalidCharacters: "IDENT-INS-CHARACTERS"
        case .badKey: "IDENT-INS-KEY"
        case .badSexDigit: "IDENT-INS-SEX-DIGIT"
        }
    }

    public var description: String {
        switch self {
        case .unknownOID: "the identifier's OID is not an INS OID; the INS is ignored"
        case .wrongLength: "the INS does not have 15 characters; the INS is ignored"
        case .invalidCharacters: "the INS holds characters other than digits; the INS is ignored"
        case .badKey: "the INS key does not match its matricule; the INS is ignored"
        case .badSexDigit: "the INS does not start with a valid sex digit; the INS is ignored"
        }
    }

    /// A trait-free diagnostic for this refusal.
    public func diagnostic(file: String? = nil, location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(code: code, severity: .warning, message: description, file: file, location: location)
    }
}
