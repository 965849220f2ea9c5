/// The common document model: what every parser produces and every adapter consumes.
///
/// Field names follow CDA R2; flat sources fill what they carry. Absent values are `nil`
/// (or carry a `nullFlavor`) rather than being invented.
///
/// Large members that many documents lack or rarely read (encounter, legal authenticator,
/// custodian...) and the patient are `@Boxed`: stored out of line, so that copying a document
/// stays cheap.
public struct ClinicalDocument: Sendable, Hashable, Codable {
    /// Document (version) id.
    public var id: Identifier?
    /// Id shared by all versions.
    @Boxed public var setID: Identifier?
    /// Version number (1, 2, ...).
    public var versionNumber: Int?
    /// Relations to other documents (RPLC parent for a replacing version).
    public var relatedDocuments: [RelatedDocument]
    /// `realmCode/@code` (`FR`).
    public var realmCode: String?
    /// `typeId/@extension` (`POCD_HD000040`).
    @Boxed public var typeID: Identifier?
    /// Declared templates (conformance profiles).
    public var templates: [TemplateID]
    /// Document type (JDV_J07, mostly LOINC).
    public var typeCode: CodedValue?
    /// Title.
    public var title: String?
    /// Creation time with precision and offset.
    public var creationTime: Timestamp?
    /// Confidentiality (N, R, V).
    @Boxed public var confidentiality: CodedValue?
    /// `languageCode/@code` (`fr-FR`).
    public var language: String?
    /// The patient. Boxed (about 340 bytes otherwise): documents of one patient can share one
    /// copy (`$patient`), as a flat export's consecutive rows do.
    @Boxed public var patient: Patient?
    /// Authors.
    public var authors: [Author]
    /// Custodian organisation.
    @Boxed public var custodian: Organization?
    /// Legal authenticator.
    @Boxed public var legalAuthenticator: Authenticator?
    /// Other authenticators.
    public var authenticators: [Authenticator]
    /// Intended recipients (`informationRecipient`; the HPRIM Net header addressee): a person,
    /// an organization, or both.
    public var informationRecipients: [Professional]
    /// Encounter.
    @Boxed public var encounter: Encounter?
    /// Documented acts.
    public var serviceEvents: [ServiceEvent]
    /// Body.
    public var body: DocumentBody
    /// Where the document came from.
    public var provenance: Provenance?

    /// Creates a document.
    public init(
        id: Identifier? = nil, setID: Identifier? = nil, versionNumber: Int? = nil,
        relatedDocuments: [RelatedDocument] = [], realmCode: String? = nil, typeID: Identifier? = nil,
        templates: [TemplateID] = [], typeCode: CodedValue? = nil, title: String? = nil,
        creationTime: Timestamp? = nil, confidentiality: CodedValue? = nil, language: String? = nil,
        patient: Patient? = nil, authors: [Author] = [], custodian: Organization? = nil,
        legalAuthenticator: Authenticator? = nil, authenticators: [Authenticator] = [],
        encounter: Encounter? = nil, serviceEvents: [ServiceEvent] = [], body: DocumentBody = .absent,
        provenance: Provenance? = nil, informationRecipients: [Professional] = []
    ) {
        self.id = id
        self.setID = setID
        self.versionNumber = versionNumber
        self.relatedDocuments = relatedDocuments
        self.realmCode = realmCode
        self.typeID = typeID
        self.templates = templates
        self.typeCode = typeCode
        self.title = title
        self.creationTime = creationTime
        self.confidentiality = confidentiality
        self.language = language
        self.patient = patient
        self.authors = authors
        self.custodian = custodian
        self.legalAuthenticator = legalAuthenticator
        self.authenticators = authenticators
        self.informationRecipients = informationRecipients
        self.encounter = encounter
        self.serviceEvents = serviceEvents
        self.body = body
        self.provenance = provenance
    }

    /// The id of the document this version replaces (`relatedDocument typeCode="RPLC"`).
    public var replacedDocumentID: Identifier? {
        relatedDocuments.first { $0.typeCode == "RPLC" }?.parentIdentifiers.first
    }

    /// Practice setting: the first `standardIndustryClassCode` of a service-event performer's
    /// organisation (XDS practiceSettingCode, DOMAIN.md §2).
    public var practiceSetting: CodedValue? {
        for event in serviceEvents {
            for performer in event.performers {
                if let code = performer.organization?.industryClass { return code }
            }
        }
        return nil
    }
}
