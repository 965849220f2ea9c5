import Foundation
import PasserelleModel

/// A document with every field of the model filled, so that encoding exercises every shape.
enum SampleDocument {
    static let pdf = Data("%PDF-1.4 sample".utf8)

    static func timestamp(_ text: String) -> Timestamp {
        guard let value = Timestamp(hl7: text) else { preconditionFailure("valid sample timestamp \(text)") }
        return value
    }

    static let organization = Organization(
        identifiers: [Identifier(root: IdentifierKind.OID.structure, extension: "1750000001", kind: .structure)],
        name: "Centre hospitalier", telecoms: [Telecom(use: "WP", value: "tel:+33100000000")],
        addresses: [Address(use: "WP", streetAddressLines: ["1 rue de la Paix"], postalCode: "75001", city: "Paris", country: "FR")],
        industryClass: CodedValue(code: "ETABLISSEMENT", codeSystem: CodedValue.System.practiceSetting, displayName: "Établissement"))

    static let professional = Professional(
        identifiers: [Identifier(root: IdentifierKind.OID.professional, extension: "810001234567", kind: .professional)],
        names: [PersonName(family: [NamePart(value: "MEDECIN")], given: [NamePart(value: "Jean")], prefix: [NamePart(value: "Dr")])],
        specialty: CodedValue(code: "SM26", codeSystem: "1.2.250.1.213.2.28", displayName: "Qualifié en médecine générale"),
        organization: organization)

    static let patient = Patient(
        identifiers: [
            Identifier(root: IdentifierKind.OID.insNIRTest, extension: "279035121518989", kind: .insNIRTest),
            Identifier(root: "1.2.250.1.999.1", extension: "IPP123", kind: .local, assigningAuthorityName: "CH"),
        ],
        names: [
            PersonName(
                use: "L", family: [NamePart(value: "DUPONT", qualifier: .birth), NamePart(value: "MARTIN", qualifier: .spouse)],
                given: [NamePart(value: "Marie Anne")], text: nil)
        ],
        birthFamilyName: "DUPONT", usedFamilyName: "MARTIN", firstBirthGivenName: "Marie",
        birthGivenNames: ["Marie", "Anne"], birthGivenNamesText: "Marie Anne", usedGivenName: nil, sex: .female,
        sexCode: "F", birthDate: timestamp("19790315"), birthplaceCode: "63220", birthplaceCity: "Riom",
        addresses: [Address(use: "H", houseNumber: "3", streetName: "rue Haute", postalCode: "63000", city: "Clermont-Ferrand")],
        telecoms: [Telecom(use: "MC", value: "mailto:patient@example.org")], deceased: false,
        deceasedTime: .absent(.unknown), multipleBirth: true, multipleBirthOrder: 2, identityStatus: "QUAL")

    static let attachment = Attachment(
        mediaType: "application/pdf", representation: "B64", data: pdf, sha256: String(repeating: "ab", count: 32),
        templateID: "1.3.6.1.4.1.19376.1.4.1.4.7", location: SourceLocation(line: 120, column: 11))

    static var document: ClinicalDocument {
        ClinicalDocument(
            id: Identifier(root: "1.2.250.1.999.2", extension: "DOC-1"), setID: Identifier(root: "1.2.250.1.999.3", extension: "SET-1"),
            versionNumber: 2,
            relatedDocuments: [
                RelatedDocument(
                    typeCode: "RPLC", parentIdentifiers: [Identifier(root: "1.2.250.1.999.2", extension: "DOC-0")],
                    parentSetID: Identifier(root: "1.2.250.1.999.3", extension: "SET-1"), parentVersionNumber: 1)
            ],
            realmCode: "FR", typeID: Identifier(root: "2.16.840.1.113883.1.3", extension: "POCD_HD000040"),
            templates: [TemplateID(root: "1.2.250.1.213.1.1.1.1"), TemplateID(root: "1.2.250.1.213.1.1.1.38", extension: "2022.01")],
            typeCode: CodedValue(
                code: "11502-2", codeSystem: CodedValue.System.loinc, codeSystemName: "LOINC", displayName: "CR d'examens biologiques",
                translations: [CodedValue(code: "X", codeSystem: "1.2.3", nullFlavor: nil, originalText: "x")]),
            title: "Compte rendu", creationTime: timestamp("20240106113623.123+0100"),
            confidentiality: CodedValue(code: "N", codeSystem: CodedValue.System.confidentiality), language: "fr-FR",
            patient: patient,
            authors: [
                Author(time: timestamp("202401061136+0100"), function: CodedValue(code: nil, nullFlavor: .unknown), person: professional,
                    device: AuthoringDevice(softwareName: "LABO", manufacturerModelName: "v1"))
            ],
            custodian: organization,
            legalAuthenticator: Authenticator(time: timestamp("20240106"), signatureCode: "S", person: professional),
            authenticators: [Authenticator(person: professional)],
            encounter: Encounter(
                identifiers: [Identifier(root: "1.2.250.1.999.4", extension: "VENUE")], code: CodedValue(code: "EXTERNE"),
                period: Period(low: timestamp("202401060800"), high: timestamp("202401061200-0500")),
                facilityType: CodedValue(code: "SA01", codeSystem: CodedValue.System.healthcareFacilityType), facility: organization),
            serviceEvents: [ServiceEvent(code: CodedValue(code: "LAB"), period: Period(value: timestamp("2024")), performers: [professional])],
            body: .structured(
                sections: [
                    Section(
                        templates: [TemplateID(root: "1.3.6.1.4.1.19376.1.3.3.2.1")], identifier: Identifier(root: "1.2.3.4"),
                        code: CodedValue(code: "18719-5", codeSystem: CodedValue.System.loinc), title: "Chimie", text: "Glucose 5,2 mmol/L",
                        entryCount: 1, attachments: [attachment],
                        sections: [Section(title: "Sous-section", location: SourceLocation(line: 80, column: 7))],
                        location: SourceLocation(line: 60, column: 5))
                ],
                results: [
                    ResultEntry(
                        code: CodedValue(code: "14749-6", codeSystem: CodedValue.System.loinc), value: "5.2", valueType: "N", unit: "mmol/L",
                        referenceLow: "3.9", referenceHigh: "5.8", abnormalFlag: "N", status: "F",
                        location: SourceLocation(line: 5, column: 1, record: 4))
                ]),
            provenance: Provenance(
                sourceName: "cda/sample.xml", size: 4096, sha256: String(repeating: "0f", count: 32), format: .cda,
                receivedAt: Date(timeIntervalSince1970: 1_704_537_383), records: 1...3))
    }

    /// The encoder `passerelle inspect` uses.
    static func encoder(includePayloads: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.userInfo[.includeAttachmentPayloads] = includePayloads
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
