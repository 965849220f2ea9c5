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
    /// `sha256` as stored (coded under the key `sha256`, as its text).
    private var digest: Digest
    /// Format the input was read as.
    public var format: SourceFormat
    /// When the input was received.
    public var receivedAt: Date
    /// For inputs holding several documents (flat exports), the 1-based record range.
    public var records: ClosedRange<Int>?

    /// Lower-case hex SHA-256 of the original bytes, exactly as received.
    ///
    /// A well-formed digest (64 lower-case hex digits) is held as its 32 bytes (`sha256Hash`) and
    /// its text made when read; any other text is kept as given.
    public var sha256: String {
        get { digest.text }
        set { digest = Digest(newValue) }
    }

    /// The SHA-256 as bytes; `nil` when `sha256` is not a well-formed digest.
    public var sha256Hash: SHA256Hash? {
        if case .hash(let hash) = digest { return hash }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case sourceName, size, digest = "sha256", format, receivedAt, records
    }

    /// One form per text, so that equal texts compare and hash equal; coded as the text.
    private enum Digest: Sendable, Hashable, Codable {
        case hash(SHA256Hash)
        case text(String)

        init(_ text: String) {
            if let hash = SHA256Hash(hex: text) { self = .hash(hash) } else { self = .text(text) }
        }

        var text: String {
            switch self {
            case .hash(let hash): hash.hex
            case .text(let text): text
            }
        }

        init(from decoder: any Decoder) throws {
            self.init(try decoder.singleValueContainer().decode(String.self))
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(text)
        }
    }

    /// Creates a provenance.
    public init(sourceName: String, size: Int, sha256: String, format: SourceFormat, receivedAt: Date, records: ClosedRange<Int>? = nil) {
        self.init(sourceName: sourceName, size: size, digest: Digest(sha256), format: format, receivedAt: receivedAt, records: records)
    }

    /// Creates a provenance from the digest's bytes.
    public init(
        sourceName: String, size: Int, sha256 hash: SHA256Hash, format: SourceFormat, receivedAt: Date, records: ClosedRange<Int>? = nil
    ) {
        self.init(sourceName: sourceName, size: size, digest: .hash(hash), format: format, receivedAt: receivedAt, records: records)
    }

    private init(sourceName: String, size: Int, digest: Digest, format: SourceFormat, receivedAt: Date, records: ClosedRange<Int>?) {
        self.sourceName = sourceName
        self.size = size
        self.digest = digest
        self.format = format
        self.receivedAt = receivedAt
        self.records = records
    }
}
