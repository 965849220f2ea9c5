public import PasserelleModel

/// Diagnostic codes of flat inputs (exports read through profiles, HPRIM Santé, HPRIM Net).
extension DiagnosticCode {
    /// Bytes that are not valid in the source's encoding (never replaced).
    public static let flatEncoding: DiagnosticCode = "FLAT-ENCODING"
    /// Which encoding `auto` chose (note).
    public static let flatEncodingDetected: DiagnosticCode = "FLAT-ENCODING-DETECTED"
    /// A C1 control character in a Latin-1 source, or a BOM contradicting the declared encoding.
    public static let flatEncodingSuspect: DiagnosticCode = "FLAT-ENCODING-SUSPECT"
    /// With `auto`, a text file whose lines are partly UTF-8, partly Windows-1252 (files joined
    /// from two systems): each line is read in its own encoding, and the lines of the rarer one
    /// are named.
    public static let flatEncodingMixed: DiagnosticCode = "FLAT-ENCODING-MIXED"
    /// A row with more or fewer columns than the header or profile.
    public static let flatColumnCount: DiagnosticCode = "FLAT-COLUMN-COUNT"
    /// Malformed quoting: text after a closing quote, or a quote never closed.
    public static let flatQuote: DiagnosticCode = "FLAT-QUOTE"
    /// A record longer than the reader's limit (usually a quote never closed).
    public static let flatRecordTooLarge: DiagnosticCode = "FLAT-RECORD-TOO-LARGE"
    /// A date not matching the profile's formats.
    public static let flatDate: DiagnosticCode = "FLAT-DATE"
    /// A number not matching the profile's decimal separator.
    public static let flatNumber: DiagnosticCode = "FLAT-NUMBER"
    /// A mandatory field that is empty or absent.
    public static let flatMissingField: DiagnosticCode = "FLAT-MISSING-FIELD"
    /// A value outside the allowed set (sex codes, value maps marked strict).
    public static let flatValue: DiagnosticCode = "FLAT-VALUE"
    /// Rows grouped into one document disagree on a single-valued field.
    public static let flatGroupConflict: DiagnosticCode = "FLAT-GROUP-CONFLICT"
    /// A group reached the row limit and was split.
    public static let flatGroupSplit: DiagnosticCode = "FLAT-GROUP-SPLIT"
    /// Line endings that differ from the profile's declaration.
    public static let flatLineEnding: DiagnosticCode = "FLAT-LINE-ENDING"
    /// An empty record (blank line) skipped.
    public static let flatEmptyRecord: DiagnosticCode = "FLAT-EMPTY-RECORD"
    /// The header does not hold a column the profile maps (fatal).
    public static let flatHeader: DiagnosticCode = "FLAT-HEADER"

    /// A profile file that cannot be read or has a mistake.
    public static let profileInvalid: DiagnosticCode = "PROFILE-INVALID"
    /// A profile file that is not valid JSON/YAML.
    public static let profileSyntax: DiagnosticCode = "PROFILE-SYNTAX"

    /// HPRIM Santé: missing or malformed H record (delimiters).
    public static let hprimHeader: DiagnosticCode = "HPRIM-HEADER"
    /// HPRIM Santé: a record out of place (OBX before OBR, P missing...).
    public static let hprimStructure: DiagnosticCode = "HPRIM-STRUCTURE"
    /// HPRIM Santé: an unknown record type (kept in the rendering).
    public static let hprimUnknownRecord: DiagnosticCode = "HPRIM-UNKNOWN-RECORD"
    /// HPRIM Santé: an `A|` continuation line with no record to continue.
    public static let hprimContinuation: DiagnosticCode = "HPRIM-CONTINUATION"
    /// HPRIM Santé / Net: an unparseable date.
    public static let hprimDate: DiagnosticCode = "HPRIM-DATE"
    /// HPRIM Santé: an escape sequence that is not defined.
    public static let hprimEscape: DiagnosticCode = "HPRIM-ESCAPE"
    /// HPRIM Santé / Net: a reference range not in `low-high` form.
    public static let hprimRange: DiagnosticCode = "HPRIM-RANGE"
    /// HPRIM Net: header shorter than 12 lines or malformed.
    public static let hprimNetHeader: DiagnosticCode = "HPRIMNET-HEADER"
    /// HPRIM Net: a malformed `RES|`/`TEX|` line or block marker.
    public static let hprimNetLab: DiagnosticCode = "HPRIMNET-LAB"
    /// HPRIM Net: `****FINFICHIER****` missing or followed by content.
    public static let hprimNetEnd: DiagnosticCode = "HPRIMNET-END"
}
