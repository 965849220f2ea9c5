/// FHIR R4 resources emitted by Passerelle, as small `Encodable` structs.

struct FHIRPatient: Encodable {
    let resourceType = "Patient"
    var id: String
    var `extension`: [FHIRExtension]?
    var identifier: [FHIRIdentifier]?
    var name: [FHIRHumanName]?
    var telecom: [FHIRContactPoint]?
    var gender: String?
    var birthDate: String?
    var deceasedBoolean: Bool?
    var deceasedDateTime: String?
    var address: [FHIRAddress]?
    var multipleBirthBoolean: Bool?
    var multipleBirthInteger: Int?
}

struct FHIRPractitioner: Encodable {
    let resourceType = "Practitioner"
    var id: String
    var identifier: [FHIRIdentifier]?
    var name: [FHIRHumanName]?
    var telecom: [FHIRContactPoint]?
    var address: [FHIRAddress]?
}

struct FHIRPractitionerRole: Encodable {
    let resourceType = "PractitionerRole"
    var id: String
    var practitioner: FHIRReference?
    var organization: FHIRReference?
    var code: [FHIRCodeableConcept]?
    var specialty: [FHIRCodeableConcept]?
}

struct FHIROrganization: Encodable {
    let resourceType = "Organization"
    var id: String
    var identifier: [FHIRIdentifier]?
    var name: String?
    var telecom: [FHIRContactPoint]?
    var address: [FHIRAddress]?
}

struct FHIRDeviceName: Encodable, Hashable {
    var name: String
    var type: String
}

struct FHIRDevice: Encodable {
    let resourceType = "Device"
    var id: String
    var identifier: [FHIRIdentifier]?
    var deviceName: [FHIRDeviceName]?
    var owner: FHIRReference?
}

struct FHIRBinary: Encodable {
    let resourceType = "Binary"
    var id: String
    var contentType: String
    /// Base64 of the bytes.
    var data: String?
}

struct FHIRDocumentReference: Encodable {
    let resourceType = "DocumentReference"
    var id: String
    var masterIdentifier: FHIRIdentifier?
    var identifier: [FHIRIdentifier]?
    var status: String
    var docStatus: String?
    var type: FHIRCodeableConcept?
    var category: [FHIRCodeableConcept]?
    var subject: FHIRReference?
    var date: String?
    var author: [FHIRReference]?
    var authenticator: FHIRReference?
    var custodian: FHIRReference?
    var relatesTo: [RelatesTo]?
    var description: String?
    var securityLabel: [FHIRCodeableConcept]?
    var content: [Content]
    var context: Context?

    struct RelatesTo: Encodable {
        var code: String
        var target: FHIRReference
    }

    struct Content: Encodable {
        var attachment: FHIRAttachment
        var format: FHIRCoding?
    }

    struct Context: Encodable {
        var event: [FHIRCodeableConcept]?
        var period: FHIRPeriod?
        var facilityType: FHIRCodeableConcept?
        var practiceSetting: FHIRCodeableConcept?
        var sourcePatientInfo: FHIRReference?
        var related: [FHIRReference]?
    }
}

/// One resource of the bundle.
enum FHIRResource: Encodable {
    case patient(FHIRPatient)
    case practitioner(FHIRPractitioner)
    case practitionerRole(FHIRPractitionerRole)
    case organization(FHIROrganization)
    case device(FHIRDevice)
    case documentReference(FHIRDocumentReference)
    case binary(FHIRBinary)

    var id: String {
        switch self {
        case .patient(let resource): resource.id
        case .practitioner(let resource): resource.id
        case .practitionerRole(let resource): resource.id
        case .organization(let resource): resource.id
        case .device(let resource): resource.id
        case .documentReference(let resource): resource.id
        case .binary(let resource): resource.id
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .patient(let resource): try resource.encode(to: encoder)
        case .practitioner(let resource): try resource.encode(to: encoder)
        case .practitionerRole(let resource): try resource.encode(to: encoder)
        case .organization(let resource): try resource.encode(to: encoder)
        case .device(let resource): try resource.encode(to: encoder)
        case .documentReference(let resource): try resource.encode(to: encoder)
        case .binary(let resource): try resource.encode(to: encoder)
        }
    }
}

/// The bundle: type `collection`, entries with `urn:uuid:` full URLs.
struct FHIRBundle: Encodable {
    let resourceType = "Bundle"
    var id: String
    var identifier: FHIRIdentifier?
    var type: String
    var entry: [Entry]

    struct Entry: Encodable {
        var fullUrl: String
        var resource: FHIRResource
    }
}
