import Foundation
import PasserelleModel

/// The DocumentReference (XDS DocumentEntry metadata, DOMAIN.md §2) and the Binary resources.
extension BundleBuilder {
    /// IHE format code system (XDS formatCode).
    static let formatCodeSystem = "urn:oid:1.3.6.1.4.1.19376.1.2.3"

    /// Media type of the original bytes, from the source format.
    var originalContentType: String {
        switch document.provenance?.format {
        case .cda?: return "text/xml"
        case .cdaSelfPresenting?: return "application/xslt+xml"
        case .hprimSante?, .hprimNet?, .flatExport?: return "text/plain"
        case nil:
            let start = originalBytes?.prefix(64).drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            return start?.first == UInt8(ascii: "<") ? "text/xml" : "application/octet-stream"
        }
    }

    private var sha256ExtensionURL: String { configuration.extensionBaseURL + "/attachment-sha256" }

    private func attachment(
        bytes: Data, contentType: String, binaryID: String, sha256: String?, title: String?, creation: String?
    ) -> FHIRAttachment {
        FHIRAttachment(
            extension: [FHIRExtension(url: sha256ExtensionURL, valueString: sha256 ?? Digests.sha256Hex(bytes))],
            contentType: contentType, language: document.language.nonBlank, url: "urn:uuid:" + binaryID, size: bytes.count,
            hash: Digests.sha1Base64(bytes), title: title, creation: creation)
    }

    /// XDS formatCode of a level-1 body (IHE XDS-SD), when the media type is one of the two
    /// codes DOMAIN.md §2 and the ANS table ASS_A12 give.
    private var formatCode: FHIRCoding? {
        guard case .nonXML(let body) = document.body else { return nil }
        switch body.mediaType?.lowercased() {
        case "application/pdf"?: return FHIRCoding(system: Self.formatCodeSystem, code: "urn:ihe:iti:xds-sd:pdf:2008")
        case "text/plain"?: return FHIRCoding(system: Self.formatCodeSystem, code: "urn:ihe:iti:xds-sd:text:2008")
        default: return nil
        }
    }

    /// Content entries and their Binary resources: the original bytes first, then each
    /// attachment of the body that carries bytes (or a usable external reference).
    private mutating func contents() -> [FHIRDocumentReference.Content] {
        var result: [FHIRDocumentReference.Content] = []
        let title = document.title.nonBlank
        let creation = FHIRValues.dateTime(document.creationTime)
        if let originalBytes {
            let contentType = originalContentType
            let id = DeterministicID.uuid(for: "Binary|original|\(documentKey)")
            add(.binary(FHIRBinary(id: id, contentType: contentType, data: originalBytes.base64EncodedString())))
            let sha = document.provenance?.sha256 ?? Digests.sha256Hex(originalBytes)
            result.append(
                FHIRDocumentReference.Content(
                    attachment: attachment(bytes: originalBytes, contentType: contentType, binaryID: id, sha256: sha, title: title, creation: creation),
                    format: formatCode))
        }
        for (index, item) in document.body.attachments.enumerated() {
            let contentType = item.mediaType.nonBlank ?? "application/octet-stream"
            if let data = item.data {
                let id = DeterministicID.uuid(for: "Binary|attachment|\(documentKey)|\(index)")
                add(.binary(FHIRBinary(id: id, contentType: contentType, data: data.base64EncodedString())))
                result.append(
                    FHIRDocumentReference.Content(
                        attachment: attachment(bytes: data, contentType: contentType, binaryID: id, sha256: item.sha256, title: title, creation: creation)))
            } else if let reference = item.reference.nonBlank, !reference.contains(where: \.isWhitespace) {
                result.append(
                    FHIRDocumentReference.Content(
                        attachment: FHIRAttachment(contentType: contentType, language: document.language.nonBlank, url: reference, title: title)))
            }
        }
        if result.isEmpty, case .text(let text) = document.body, !text.isEmpty {
            let bytes = Data(text.utf8)
            let id = DeterministicID.uuid(for: "Binary|text|\(documentKey)")
            add(.binary(FHIRBinary(id: id, contentType: "text/plain; charset=utf-8", data: bytes.base64EncodedString())))
            result.append(
                FHIRDocumentReference.Content(
                    attachment: attachment(bytes: bytes, contentType: "text/plain; charset=utf-8", binaryID: id, sha256: nil, title: title, creation: creation)))
        }
        if result.isEmpty {
            result.append(
                FHIRDocumentReference.Content(
                    attachment: FHIRAttachment(contentType: originalContentType, language: document.language.nonBlank, title: title, creation: creation)))
        }
        return result
    }

    private func relation(_ typeCode: String) -> String? {
        switch typeCode.uppercased() {
        case "RPLC": "replaces"
        case "APND": "appends"
        case "XFRM": "transforms"
        default: nil
        }
    }

    mutating func addDocumentReference(patient: FHIRReference, status: DocumentReferenceStatus) {
        let id = DeterministicID.uuid(for: "DocumentReference|\(documentKey)")
        var resource = FHIRDocumentReference(id: id, status: status.rawValue, content: [])
        resource.masterIdentifier = FHIRValues.documentIdentifier(document.id)
        var identifiers: [FHIRIdentifier] = []
        if let docID = document.id, docID.extension.nonBlank != nil { identifiers.appendIfPresent(FHIRValues.identifier(docID, use: "official")) }
        if let setID = document.setID { identifiers.appendIfPresent(FHIRValues.identifier(setID, use: "secondary")) }
        resource.identifier = identifiers.nonEmpty
        if document.legalAuthenticator?.signatureCode?.uppercased() == "S" { resource.docStatus = "final" }
        resource.type = FHIRValues.codeableConcept(document.typeCode)
        if let code = document.typeCode?.code, let classCode = configuration.classCodes[code] {
            resource.category = FHIRValues.codeableConcept(classCode).map { [$0] }
        }
        resource.subject = patient
        resource.date = FHIRValues.instant(document.creationTime)
        // The custodian first: when the authors' organisation is the same, the resource keeps
        // the custodian's fuller description (telecom, address).
        resource.custodian = addOrganization(document.custodian, role: "custodian")
        var authors: [FHIRReference] = []
        for (index, author) in document.authors.enumerated() {
            if let reference = addAuthor(author, index: index), !authors.contains(reference) { authors.append(reference) }
        }
        resource.author = authors.nonEmpty
        if let legal = document.legalAuthenticator {
            resource.authenticator = addProfessional(legal.person, role: "legalAuthenticator")
        }
        resource.relatesTo = document.relatedDocuments.compactMap { related -> FHIRDocumentReference.RelatesTo? in
            guard let code = relation(related.typeCode),
                let target = FHIRValues.logicalReference(related.parentIdentifiers.first, type: "DocumentReference")
            else { return nil }
            return FHIRDocumentReference.RelatesTo(code: code, target: target)
        }.nonEmpty
        resource.securityLabel = FHIRValues.securityLabel(document.confidentiality).map { [$0] }
        resource.content = contents()
        let events = document.serviceEvents.compactMap { FHIRValues.codeableConcept($0.code) }
        let period = document.serviceEvents.lazy.compactMap { FHIRValues.period($0.period) }.first
        let context = FHIRDocumentReference.Context(
            event: events.nonEmpty, period: period, facilityType: FHIRValues.codeableConcept(document.encounter?.facilityType),
            practiceSetting: FHIRValues.codeableConcept(document.practiceSetting), sourcePatientInfo: patient)
        resource.context = context
        insertAfterPatient(.documentReference(resource))
    }
}
