/// An output `passerelle convert --to` can write, one file per document.
public enum OutputFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// A FHIR R4 JSON `Bundle` (Patient, DocumentReference, Binary...).
    case fhir
    /// The original CDA with the canonical patient id added (normalized CDA).
    case cda
    /// The document model as one JSON line.
    case ndjson

    /// File name extension, without the leading dot.
    public var fileExtension: String {
        switch self {
        case .fhir: "fhir.json"
        case .cda: "xml"
        case .ndjson: "ndjson"
        }
    }

    /// Media type of the output.
    public var mediaType: String {
        switch self {
        case .fhir: "application/fhir+json"
        case .cda: "text/xml"
        case .ndjson: "application/x-ndjson"
        }
    }
}
