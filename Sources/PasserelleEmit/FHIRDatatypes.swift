import Foundation

/// FHIR R4 data types, as small `Encodable` structs (only the elements Passerelle emits).
/// Optional properties are left out of the JSON when `nil`; arrays are kept `nil` rather than
/// empty because FHIR forbids empty arrays.

struct FHIRCoding: Encodable, Hashable {
    var system: String?
    var code: String?
    var display: String?
}

struct FHIRCodeableConcept: Encodable, Hashable {
    var coding: [FHIRCoding]?
    var text: String?
}

struct FHIRIdentifier: Encodable, Hashable {
    var use: String?
    var type: FHIRCodeableConcept?
    var system: String?
    var value: String?
}

struct FHIRReference: Encodable, Hashable {
    var reference: String?
    var type: String?
    var identifier: FHIRIdentifier?
    var display: String?
}

struct FHIRPeriod: Encodable, Hashable {
    var start: String?
    var end: String?
}

struct FHIRHumanName: Encodable, Hashable {
    var `extension`: [FHIRExtension]?
    var use: String?
    var text: String?
    var family: String?
    var given: [String]?
    var prefix: [String]?
    var suffix: [String]?
}

struct FHIRAddress: Encodable, Hashable {
    var `extension`: [FHIRExtension]?
    var use: String?
    var text: String?
    var line: [String]?
    var city: String?
    var district: String?
    var state: String?
    var postalCode: String?
    var country: String?
}

struct FHIRContactPoint: Encodable, Hashable {
    var system: String?
    var value: String?
    var use: String?
}

struct FHIRAttachment: Encodable, Hashable {
    var `extension`: [FHIRExtension]?
    var contentType: String?
    var language: String?
    var url: String?
    var size: Int?
    var hash: String?
    var title: String?
    var creation: String?
}

/// A FHIR extension with the value types Passerelle uses.
struct FHIRExtension: Encodable, Hashable {
    var url: String
    var `extension`: [FHIRExtension]?
    var valueString: String?
    var valueCoding: FHIRCoding?
    var valueAddress: FHIRAddress?
    var valueBoolean: Bool?

    init(
        url: String, extension nested: [FHIRExtension]? = nil, valueString: String? = nil,
        valueCoding: FHIRCoding? = nil, valueAddress: FHIRAddress? = nil, valueBoolean: Bool? = nil
    ) {
        self.url = url
        self.extension = nested
        self.valueString = valueString
        self.valueCoding = valueCoding
        self.valueAddress = valueAddress
        self.valueBoolean = valueBoolean
    }
}

extension Array {
    /// `nil` for an empty array (FHIR forbids empty arrays).
    var nonEmpty: [Element]? { isEmpty ? nil : self }
}

extension Optional where Wrapped == String {
    /// `nil` for an empty or blank string (FHIR forbids empty strings).
    var nonBlank: String? {
        guard let self, !self.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return self
    }
}
