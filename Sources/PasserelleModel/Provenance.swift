public import Foundation

/// The format an input was read as.
public enum SourceFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// HL7 CDA R2 XML with `ClinicalDocument` as root.
    case cda
    /// CI-SIS "auto-présentable" CDA: `xsl:stylesheet` root with the document nested inside.
    case cdaSelfPresenting = "cda-auto-presentable"
    /// HPRIM Santé (ASTM-like records).
    case hprimSante = "hprim-sante"
    /// HPRIM Net / HPRIM Médecins text report.
    case hprimNet = "hprim-net"
    /// Practice-software flat export read through a profile.
    case flatExport = "flat-export"
}

/// Where a document came from: kept with it to the end of the pipeline.
public struct Provenance: Sendable, Hashable, Codable {
    /// Source name (file path relative to the input root, archive member, request id...).
    public var sourceName: String
    /// Size in bytes of the original input.
    public var size: Int
    /// Lower-case hex SHA-256 of the original bytes, exactly as received.
    public var sha256: String
    /// Format the input was read as.
    public var format: SourceFormat
    /// When the input was received.
    public var receivedAt: Date
    /// For inputs holding several documents (flat exports), the 1-based record range.
    public var records: ClosedRange<Int>?

    /// Creates a provenance.
    public init(sourceName: String, size: Int, sha256: String, format: SourceFormat, receivedAt: Date, records: ClosedRange<Int>? = nil) {
        self.sourceName = sourceName
        self.size = size
        self.sha256 = sha256
        self.format = format
        self.receivedAt = receivedAt
        self.records = records
    }
}
