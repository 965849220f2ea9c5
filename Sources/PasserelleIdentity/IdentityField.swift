internal import Foundation

/// A field of the documented identity CSV (`Docs/identity-csv.md`). Raw values are the default
/// column names; ``aliases`` lists other accepted headers.
public enum IdentityField: String, Sendable, Hashable, Codable, CaseIterable {
    /// Record id (unique in the file). Required.
    case recordID = "rec_id"
    /// Source or facility (also the default authority of `local_id`).
    case source
    /// Local identifier (IPP).
    case localID = "local_id"
    /// INS matricule + key.
    case ins
    /// INS OID (default: production NIR OID).
    case insOID = "ins_oid"
    /// Nom de naissance.
    case birthFamilyName = "birth_family_name"
    /// Nom utilisé.
    case usedFamilyName = "used_family_name"
    /// Premier prénom de naissance.
    case firstGivenName = "first_given_name"
    /// Liste des prénoms (space separated).
    case givenNames = "given_names"
    /// Prénom utilisé.
    case usedGivenName = "used_given_name"
    /// Birth date.
    case birthDate = "birth_date"
    /// Sex.
    case sex
    /// Birthplace COG code.
    case birthplaceCode = "birthplace_code"
    /// Address (several columns mapped here are joined with spaces).
    case address
    /// Postal code.
    case postcode
    /// City.
    case city
    /// Telephone.
    case phone
    /// Weak identifier (NSS, foreign number...).
    case weakIdentifier = "weak_id"
    /// Identity status (PROV, RECUP, VALI, QUAL).
    case status
    /// Identity attributes (DOUT, FICT, HOMA).
    case attributes
    /// A column to skip.
    case ignore

    /// Other accepted header spellings (lower-cased).
    public var aliases: [String] {
        switch self {
        case .recordID: ["record_id", "id", "recid"]
        case .localID: ["ipp", "local_identifier"]
        case .birthFamilyName: ["nom_naissance", "family_name", "surname", "nom"]
        case .usedFamilyName: ["nom_utilise", "nom_usage"]
        case .givenNames: ["prenoms", "given_name", "prenom"]
        case .firstGivenName: ["premier_prenom"]
        case .usedGivenName: ["prenom_utilise"]
        case .birthDate: ["date_naissance", "date_of_birth", "dob"]
        case .sex: ["sexe"]
        case .birthplaceCode: ["lieu_naissance", "code_lieu_naissance"]
        case .postcode: ["code_postal", "postal_code"]
        case .city: ["ville", "commune"]
        case .phone: ["telephone", "tel"]
        case .insOID: ["ins_root"]
        case .weakIdentifier: ["nss", "weak_identifier"]
        default: []
        }
    }

    /// The field named `name` (raw value or alias, case-insensitive), if any.
    public init?(header name: String) {
        let lower = name.lowercased().trimmingCharacters(in: .whitespaces)
        guard let field = Self.allCases.first(where: { $0.rawValue == lower || $0.aliases.contains(lower) }) else {
            return nil
        }
        self = field
    }
}

/// A `column=field` mapping (`--map`) that overrides the header recognition.
public struct ColumnMap: Sendable, Hashable {
    /// Field per column header.
    public var fields: [String: IdentityField]

    /// Creates a map.
    public init(fields: [String: IdentityField] = [:]) { self.fields = fields }

    /// Parses `column=field` specifications.
    public init(specifications: [String]) throws(IdentityCSVError) {
        var fields: [String: IdentityField] = [:]
        for spec in specifications {
            let parts = spec.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else { throw .badMapping(spec) }
            guard let field = IdentityField(header: parts[1]) else { throw .unknownField(parts[1]) }
            fields[parts[0]] = field
        }
        self.fields = fields
    }
}
