internal import Foundation

/// A field of the documented identity CSV (`Docs/identity.md`, *Identity CSV*). Raw values are the default
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

    /// Other accepted header spellings, in header-key form (see ``headerKey(_:)``): French and
    /// English names that exports commonly use. No two fields share one.
    public var aliases: [String] {
        switch self {
        case .recordID: ["record_id", "id", "recid", "identifiant", "id_enregistrement"]
        case .source: ["facility", "etablissement", "finess"]
        case .localID: ["ipp", "local_identifier", "identifiant_local", "id_local"]
        case .ins: ["matricule_ins", "ins_matricule"]
        case .insOID: ["ins_root", "oid_ins"]
        case .birthFamilyName:
            ["nom_naissance", "nom_de_naissance", "nom_jeune_fille", "birth_name", "family_name", "surname", "last_name", "nom"]
        case .usedFamilyName: ["nom_utilise", "nom_usage", "nom_d_usage", "nom_usuel", "nom_marital", "used_name"]
        case .givenNames:
            ["prenoms", "prenom", "liste_prenoms", "prenoms_naissance", "prenoms_de_naissance", "given_name", "first_name", "first_names"]
        case .firstGivenName: ["premier_prenom", "premier_prenom_naissance", "premier_prenom_de_naissance"]
        case .usedGivenName: ["prenom_utilise", "prenom_usage", "prenom_d_usage", "prenom_usuel"]
        case .birthDate: ["date_naissance", "date_de_naissance", "datenaissance", "date_naiss", "ddn", "date_of_birth", "dob", "birthdate"]
        case .sex: ["sexe", "genre", "gender"]
        case .birthplaceCode:
            ["lieu_naissance", "lieu_de_naissance", "code_lieu_naissance", "code_lieu_de_naissance", "code_insee_naissance",
             "cog_naissance", "birthplace"]
        case .address: ["adresse", "street"]
        case .postcode: ["code_postal", "cp", "postal_code", "zip", "zip_code"]
        case .city: ["ville", "commune", "localite"]
        case .phone: ["telephone", "tel", "portable", "mobile"]
        case .weakIdentifier: ["nss", "weak_identifier"]
        case .status: ["statut", "statut_identite", "identity_status"]
        case .attributes: ["attributs", "attributs_identite"]
        case .ignore: []
        }
    }

    /// Whether several columns may feed this field: their values are then joined with spaces
    /// (address lines, given names in separate columns). Any other field takes one column.
    public var takesSeveralColumns: Bool { self == .address || self == .givenNames || self == .ignore }

    /// The field named `name` (raw value or alias), compared in header-key form: case, accents,
    /// spaces and punctuation do not matter (`Date de naissance` is `date_de_naissance`).
    public init?(header name: String) {
        guard let field = Self.byHeaderKey[Self.headerKey(name)] else { return nil }
        self = field
    }

    /// The form headers are compared in: lower case, accents removed, every run of characters
    /// other than ASCII letters and digits one `_`, none at either end (`Nom d'usage` →
    /// `nom_d_usage`).
    public static func headerKey(_ name: String) -> String {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
        var key = ""
        var pendingSeparator = false
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingSeparator, !key.isEmpty { key.append("_") }
                pendingSeparator = false
                key.unicodeScalars.append(scalar)
            } else {
                pendingSeparator = true
            }
        }
        return key
    }

    /// Every raw value and alias, by header key.
    private static let byHeaderKey: [String: IdentityField] = {
        var table: [String: IdentityField] = [:]
        for field in allCases {
            for name in [field.rawValue] + field.aliases { table[headerKey(name)] = field }
        }
        return table
    }()
}

/// A `column=field` mapping (`--map`) that overrides the header recognition.
public struct ColumnMap: Sendable, Hashable {
    /// Field per column header.
    public var fields: [String: IdentityField]

    /// Creates a map.
    public init(fields: [String: IdentityField] = [:]) { self.fields = fields }

    /// The field `--map` gives the column `name`: the column named exactly so, else one whose
    /// header key is the same (`--map NOM=used_family_name` applies to a column `Nom`).
    public func field(forColumn name: String) -> IdentityField? {
        if let field = fields[name] { return field }
        let key = IdentityField.headerKey(name)
        return fields.keys.sorted().first { IdentityField.headerKey($0) == key }.flatMap { fields[$0] }
    }

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
