/// A model field a column can feed.
public enum FieldTarget: String, Sendable, Hashable, CaseIterable {
    case patientBirthFamilyName = "patient.birthFamilyName"
    case patientUsedFamilyName = "patient.usedFamilyName"
    /// The birth given names as one text; split on `FieldMapping.separator` into the list.
    case patientBirthGivenNames = "patient.birthGivenNames"
    case patientFirstBirthGivenName = "patient.firstBirthGivenName"
    case patientUsedGivenName = "patient.usedGivenName"
    /// `M`, `F`, `UN` or `U` after value mapping.
    case patientSex = "patient.sex"
    case patientBirthDate = "patient.birthDate"
    case patientBirthplaceCode = "patient.birthplaceCode"
    case patientBirthplaceCity = "patient.birthplaceCity"
    /// Local identifier (IPP); root = the mapping's `oid` or the profile's facility OID.
    case patientLocalID = "patient.localId"
    /// INS matricule; root = the mapping's `oid` (required).
    case patientINS = "patient.ins"
    case patientIdentityStatus = "patient.identityStatus"
    case patientAddressLine = "patient.address.line"
    case patientPostalCode = "patient.address.postalCode"
    case patientCity = "patient.address.city"
    case patientPhone = "patient.phone"
    case patientEmail = "patient.email"
    /// Document id extension; root = the mapping's `oid` or the facility OID.
    case documentID = "document.id"
    /// Document type code; system = the mapping's `codeSystem` (LOINC by default).
    case documentTypeCode = "document.typeCode"
    case documentTypeDisplayName = "document.typeDisplayName"
    case documentTitle = "document.title"
    /// Creation date.
    case documentDate = "document.date"
    /// Free-text body; rows of a group are joined with a blank line.
    case documentBody = "document.body"
    /// Name of an attached file (kept as a reference).
    case documentAttachment = "document.attachment"
    case documentConfidentiality = "document.confidentiality"
    /// Author identifier; root = the mapping's `oid` (national PS id 1.2.250.1.71.4.2.1 by default).
    case authorID = "author.id"
    case authorFamilyName = "author.familyName"
    case authorGivenName = "author.givenName"
    case authorOrganization = "author.organization"
    case resultCode = "result.code"
    case resultLabel = "result.label"
    /// Result value; numeric when the mapping sets `numeric`.
    case resultValue = "result.value"
    case resultUnit = "result.unit"
    case resultLow = "result.low"
    case resultHigh = "result.high"
    case resultFlag = "result.flag"
    case resultStatus = "result.status"

    /// How values of this target are interpreted.
    public enum Kind: Sendable, Hashable { case text, date, sex, identifier, perRow }

    /// How values of this target are interpreted.
    public var kind: Kind {
        switch self {
        case .patientBirthDate, .documentDate: .date
        case .patientSex: .sex
        case .patientLocalID, .patientINS, .documentID, .authorID: .identifier
        case .documentBody, .documentAttachment, .resultCode, .resultLabel, .resultValue, .resultUnit,
            .resultLow, .resultHigh, .resultFlag, .resultStatus:
            .perRow
        default: .text
        }
    }

    /// Position in `allCases`, without hashing (used for per-target lookup tables).
    var ordinal: Int {
        switch self {
        case .patientBirthFamilyName: 0
        case .patientUsedFamilyName: 1
        case .patientBirthGivenNames: 2
        case .patientFirstBirthGivenName: 3
        case .patientUsedGivenName: 4
        case .patientSex: 5
        case .patientBirthDate: 6
        case .patientBirthplaceCode: 7
        case .patientBirthplaceCity: 8
        case .patientLocalID: 9
        case .patientINS: 10
        case .patientIdentityStatus: 11
        case .patientAddressLine: 12
        case .patientPostalCode: 13
        case .patientCity: 14
        case .patientPhone: 15
        case .patientEmail: 16
        case .documentID: 17
        case .documentTypeCode: 18
        case .documentTypeDisplayName: 19
        case .documentTitle: 20
        case .documentDate: 21
        case .documentBody: 22
        case .documentAttachment: 23
        case .documentConfidentiality: 24
        case .authorID: 25
        case .authorFamilyName: 26
        case .authorGivenName: 27
        case .authorOrganization: 28
        case .resultCode: 29
        case .resultLabel: 30
        case .resultValue: 31
        case .resultUnit: 32
        case .resultLow: 33
        case .resultHigh: 34
        case .resultFlag: 35
        case .resultStatus: 36
        }
    }

    /// Whether values of this target describe one result line (one per row).
    public var isResult: Bool { rawValue.hasPrefix("result.") }
}

/// A text transform applied to a column value, in order, before mapping.
public enum ValueTransform: String, Sendable, Hashable, CaseIterable {
    /// Removes leading and trailing spaces and tabs.
    case trim
    /// Upper-cases (locale-independent).
    case upper
    /// Lower-cases (locale-independent).
    case lower
    /// Replaces runs of spaces by one space.
    case collapseSpaces = "collapse-spaces"
    /// Treats the value as a list of given names: hyphens are kept, separators become single spaces.
    case splitGivenNames = "split-given-names"
}

/// Where a field value comes from.
public enum FieldSource: Sendable, Hashable {
    /// A column of the export.
    case column(ColumnReference)
    /// The same value on every row.
    case constant(String)
}

/// What to do when a value is not a key of the value map.
public enum UnmappedValuePolicy: String, Sendable, Hashable, CaseIterable {
    /// The row is rejected with `FLAT-VALUE`.
    case error
    /// The value is kept unchanged.
    case keep
}

/// One column → field mapping.
public struct FieldMapping: Sendable, Hashable {
    /// The model field.
    public var target: FieldTarget
    /// Column or constant.
    public var source: FieldSource
    /// Transforms, applied in order.
    public var transforms: [ValueTransform]
    /// Value map applied after transforms (e.g. `1` → `M`).
    public var valueMap: [String: String]
    /// Policy for values missing from a non-empty value map.
    public var unmapped: UnmappedValuePolicy
    /// Whether an empty value rejects the row (`FLAT-MISSING-FIELD`).
    public var required: Bool
    /// Date formats for this field (overrides the profile's).
    public var dateFormats: [DatePattern]
    /// Authority OID for identifier targets.
    public var oid: String?
    /// Code system for `document.typeCode` and `result.code`.
    public var codeSystem: String?
    /// Separator of given-name lists (default: a space).
    public var separator: String?
    /// Whether `result.value` must be a number (decimal separator per the profile).
    public var numeric: Bool
    /// JSON path of this mapping in the profile file (`$.fields[3]`), for diagnostics.
    public var path: String

    /// Creates a mapping.
    public init(
        target: FieldTarget, source: FieldSource, transforms: [ValueTransform] = [], valueMap: [String: String] = [:],
        unmapped: UnmappedValuePolicy = .error, required: Bool = false, dateFormats: [DatePattern] = [],
        oid: String? = nil, codeSystem: String? = nil, separator: String? = nil, numeric: Bool = false,
        path: String = "$"
    ) {
        self.target = target
        self.source = source
        self.transforms = transforms
        self.valueMap = valueMap
        self.unmapped = unmapped
        self.required = required
        self.dateFormats = dateFormats
        self.oid = oid
        self.codeSystem = codeSystem
        self.separator = separator
        self.numeric = numeric
        self.path = path
    }
}
