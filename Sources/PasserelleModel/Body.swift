/// A section of a structured body (level 2/3), with its plain-text narrative.
public struct Section: Sendable, Hashable, Codable {
    /// Section templates.
    public var templates: [TemplateID]
    /// Section id, when given.
    public var identifier: Identifier?
    /// Section code (usually LOINC).
    public var code: CodedValue?
    /// Title.
    public var title: String?
    /// Plain-text rendering of the narrative block (`text`): paragraphs and table rows on lines.
    public var text: String?
    /// Number of `entry` elements directly in this section.
    public var entryCount: Int
    /// Binary content found in this section's entries.
    public var attachments: [Attachment]
    /// Nested sections.
    public var sections: [Section]
    /// Where the section starts.
    public var location: SourceLocation?

    /// Creates a section.
    public init(
        templates: [TemplateID] = [], identifier: Identifier? = nil, code: CodedValue? = nil, title: String? = nil,
        text: String? = nil, entryCount: Int = 0, attachments: [Attachment] = [], sections: [Section] = [],
        location: SourceLocation? = nil
    ) {
        self.templates = templates
        self.identifier = identifier
        self.code = code
        self.title = title
        self.text = text
        self.entryCount = entryCount
        self.attachments = attachments
        self.sections = sections
        self.location = location
    }

    /// This section's attachments and those of every nested section, depth first.
    public var allAttachments: [Attachment] { attachments + sections.flatMap(\.allAttachments) }
}

/// A structured lab or clinical result (HPRIM OBX/RES lines, CDA lab entries).
public struct ResultEntry: Sendable, Hashable, Codable {
    /// The test (code, label, code system).
    public var code: CodedValue?
    /// The value as written.
    public var value: String?
    /// `N` numeric, `A` alphanumeric, ... as declared by the source.
    public var valueType: String?
    /// Unit of `value`.
    public var unit: String?
    /// Lower bound of the reference range, when the range is `low-high` (or `>low`).
    public var referenceLow: String?
    /// Upper bound of the reference range, when the range is `low-high` (or `<high`).
    public var referenceHigh: String?
    /// The reference range as written, when it is not a numeric `low-high` form ("négatif", "< 1/80").
    public var referenceRangeText: String?
    /// The same result in a second unit, as HPRIM Net `RES` lines may give it (e.g. g/L and mmol/L).
    public var secondValue: String?
    /// Unit of `secondValue`.
    public var secondUnit: String?
    /// Reference range bounds in the second unit.
    public var secondReferenceLow: String?
    /// Upper bound in the second unit.
    public var secondReferenceHigh: String?
    /// Abnormal flag (L, H, N...).
    public var abnormalFlag: String?
    /// Result status (F final, P preliminary...).
    public var status: String?
    /// Comments on this result, in order (HPRIM Santé C records after the OBX, HPRIM Net TEX lines).
    public var comments: [String]
    /// Where the result is in the source.
    public var location: SourceLocation?

    /// Creates a result entry.
    public init(
        code: CodedValue? = nil, value: String? = nil, valueType: String? = nil, unit: String? = nil,
        referenceLow: String? = nil, referenceHigh: String? = nil, abnormalFlag: String? = nil,
        status: String? = nil, location: SourceLocation? = nil, referenceRangeText: String? = nil,
        secondValue: String? = nil, secondUnit: String? = nil, secondReferenceLow: String? = nil,
        secondReferenceHigh: String? = nil, comments: [String] = []
    ) {
        self.code = code
        self.value = value
        self.valueType = valueType
        self.unit = unit
        self.referenceLow = referenceLow
        self.referenceHigh = referenceHigh
        self.referenceRangeText = referenceRangeText
        self.secondValue = secondValue
        self.secondUnit = secondUnit
        self.secondReferenceLow = secondReferenceLow
        self.secondReferenceHigh = secondReferenceHigh
        self.abnormalFlag = abnormalFlag
        self.status = status
        self.comments = comments
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case code, value, valueType, unit, referenceLow, referenceHigh, referenceRangeText, secondValue, secondUnit
        case secondReferenceLow, secondReferenceHigh, abnormalFlag, status, comments, location
    }

    /// Decodes; `comments` may be absent (documents written before it existed).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decodeIfPresent(CodedValue.self, forKey: .code)
        value = try container.decodeIfPresent(String.self, forKey: .value)
        valueType = try container.decodeIfPresent(String.self, forKey: .valueType)
        unit = try container.decodeIfPresent(String.self, forKey: .unit)
        referenceLow = try container.decodeIfPresent(String.self, forKey: .referenceLow)
        referenceHigh = try container.decodeIfPresent(String.self, forKey: .referenceHigh)
        referenceRangeText = try container.decodeIfPresent(String.self, forKey: .referenceRangeText)
        secondValue = try container.decodeIfPresent(String.self, forKey: .secondValue)
        secondUnit = try container.decodeIfPresent(String.self, forKey: .secondUnit)
        secondReferenceLow = try container.decodeIfPresent(String.self, forKey: .secondReferenceLow)
        secondReferenceHigh = try container.decodeIfPresent(String.self, forKey: .secondReferenceHigh)
        abnormalFlag = try container.decodeIfPresent(String.self, forKey: .abnormalFlag)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        comments = try container.decodeIfPresent([String].self, forKey: .comments) ?? []
        location = try container.decodeIfPresent(SourceLocation.self, forKey: .location)
    }

    /// Encodes; absent values and an empty `comments` are omitted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(code, forKey: .code)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encodeIfPresent(valueType, forKey: .valueType)
        try container.encodeIfPresent(unit, forKey: .unit)
        try container.encodeIfPresent(referenceLow, forKey: .referenceLow)
        try container.encodeIfPresent(referenceHigh, forKey: .referenceHigh)
        try container.encodeIfPresent(referenceRangeText, forKey: .referenceRangeText)
        try container.encodeIfPresent(secondValue, forKey: .secondValue)
        try container.encodeIfPresent(secondUnit, forKey: .secondUnit)
        try container.encodeIfPresent(secondReferenceLow, forKey: .secondReferenceLow)
        try container.encodeIfPresent(secondReferenceHigh, forKey: .secondReferenceHigh)
        try container.encodeIfPresent(abnormalFlag, forKey: .abnormalFlag)
        try container.encodeIfPresent(status, forKey: .status)
        if !comments.isEmpty { try container.encode(comments, forKey: .comments) }
        try container.encodeIfPresent(location, forKey: .location)
    }
}

/// The body of a document.
public enum DocumentBody: Sendable, Hashable, Codable {
    /// Level 2/3 `structuredBody`: sections, plus results when the source is a lab file.
    case structured(sections: [Section], results: [ResultEntry])
    /// Level 1 `nonXMLBody`: one attachment.
    indirect case nonXML(Attachment)
    /// Plain text (flat exports, HPRIM Net reports without a CDA body).
    case text(String)
    /// No body (header-only document).
    case absent

    /// Every attachment in the body.
    public var attachments: [Attachment] {
        switch self {
        case .structured(let sections, _): sections.flatMap(\.allAttachments)
        case .nonXML(let attachment): [attachment]
        case .text, .absent: []
        }
    }

    /// Short kind name: `structured`, `nonXML`, `text`, `absent`.
    public var kind: String {
        switch self {
        case .structured: "structured"
        case .nonXML: "nonXML"
        case .text: "text"
        case .absent: "absent"
        }
    }
}

extension DocumentBody {
    private enum CodingKeys: String, CodingKey { case kind, sections, results, attachment, text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "structured":
            self = .structured(
                sections: try container.decodeIfPresent([Section].self, forKey: .sections) ?? [],
                results: try container.decodeIfPresent([ResultEntry].self, forKey: .results) ?? [])
        case "nonXML": self = .nonXML(try container.decode(Attachment.self, forKey: .attachment))
        case "text": self = .text(try container.decode(String.self, forKey: .text))
        case "absent": self = .absent
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown body kind \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .structured(let sections, let results):
            try container.encode(sections, forKey: .sections)
            try container.encode(results, forKey: .results)
        case .nonXML(let attachment): try container.encode(attachment, forKey: .attachment)
        case .text(let text): try container.encode(text, forKey: .text)
        case .absent: break
        }
    }
}
