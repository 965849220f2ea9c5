public import Foundation

/// Binary content carried by a document: a level-1 `nonXMLBody`, or an `observationMedia`
/// / `value ED` inside a structured body (e.g. the CI-SIS "FR-Document-attache" PDF).
///
/// The decoded bytes are kept exactly, with their SHA-256 and size. In the JSON form the bytes
/// are written (base64) only when the encoder's `userInfo[.includeAttachmentPayloads]` is `true`.
public struct Attachment: Sendable, Hashable, Codable {
    /// Media type as declared (`application/pdf`, `text/plain`, `image/png`...).
    public var mediaType: String?
    /// Declared representation (`B64` or `TXT`).
    public var representation: String?
    /// Decoded bytes (`nil` when the content is only a reference).
    public var data: Data?
    /// Size in bytes of the decoded content.
    public var size: Int?
    /// Lower-case hex SHA-256 of the decoded content.
    public var sha256: String?
    /// External reference (`reference/@value`) when the content is not inline.
    public var reference: String?
    /// The entry template that carried it, when inside a structured body.
    public var templateID: String?
    /// Where the element starts in the source.
    public var location: SourceLocation?

    /// Creates an attachment.
    public init(
        mediaType: String?, representation: String? = nil, data: Data? = nil, size: Int? = nil,
        sha256: String? = nil, reference: String? = nil, templateID: String? = nil, location: SourceLocation? = nil
    ) {
        self.mediaType = mediaType
        self.representation = representation
        self.data = data
        self.size = size ?? data?.count
        self.sha256 = sha256
        self.reference = reference
        self.templateID = templateID
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case mediaType, representation, data, size, sha256, reference, templateID, location
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mediaType = try container.decodeIfPresent(String.self, forKey: .mediaType)
        representation = try container.decodeIfPresent(String.self, forKey: .representation)
        data = try container.decodeIfPresent(Data.self, forKey: .data)
        size = try container.decodeIfPresent(Int.self, forKey: .size)
        sha256 = try container.decodeIfPresent(String.self, forKey: .sha256)
        reference = try container.decodeIfPresent(String.self, forKey: .reference)
        templateID = try container.decodeIfPresent(String.self, forKey: .templateID)
        location = try container.decodeIfPresent(SourceLocation.self, forKey: .location)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(mediaType, forKey: .mediaType)
        try container.encodeIfPresent(representation, forKey: .representation)
        if encoder.userInfo[.includeAttachmentPayloads] as? Bool == true {
            try container.encodeIfPresent(data, forKey: .data)
        }
        try container.encodeIfPresent(size, forKey: .size)
        try container.encodeIfPresent(sha256, forKey: .sha256)
        try container.encodeIfPresent(reference, forKey: .reference)
        try container.encodeIfPresent(templateID, forKey: .templateID)
        try container.encodeIfPresent(location, forKey: .location)
    }
}

extension CodingUserInfoKey {
    /// Set to `true` to write attachment bytes (base64) in the JSON form of the model.
    public static let includeAttachmentPayloads: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "passerelle.includeAttachmentPayloads") else {
            preconditionFailure("valid coding key")
        }
        return key
    }()
}
