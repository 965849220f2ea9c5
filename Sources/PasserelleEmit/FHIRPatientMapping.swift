import PasserelleModel

/// FR Core URLs used for the patient (Interop'Santé `hl7.fhir.fr.core`, see Docs/emit.md).
enum FRCore {
    /// Identifier types INS-NIR, INS-NIA, INS-NIR-TEST, INS-NIR-DEMO, INS-C (`$fr-core-v2-0203`).
    static let identifierTypeSystem = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
    /// HL7 v2 table 0203 (PI, NH, RRI).
    static let v2IdentifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203"
    /// Identity reliability (complex extension; `identityStatus` sub-extension).
    static let identityReliability = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability"
    /// Identity status code system (PROV, RECUP, VALI, QUAL).
    static let identityStatusSystem = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status"
    /// Full list of birth given names, on the official name.
    static let birthListGivenName = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-birth-list-given-name"
    /// International birthplace extension used by FR Core (`valueAddress`).
    static let birthPlace = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace"
    /// INSEE (COG) code of a commune, on an address.
    static let addressInseeCode = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code"
    /// Code system of the INSEE commune codes bound by FR Core (`FRCoreValueSetINSEECode`).
    static let inseeCommuneSystem = "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM"
}

extension BundleBuilder {
    /// The Patient resource's id key: the canonical id when given, else the INS, else the document.
    var patientKey: String {
        if let canonicalPatientID { return "Patient|canonical|\(configuration.gatewayOID)|\(canonicalPatientID)" }
        if let ins = document.patient?.ins { return "Patient|ins|\(ins.description)" }
        return "Patient|document|\(documentKey)"
    }

    mutating func addPatient() -> FHIRReference {
        let patient = document.patient ?? Patient()
        var resource = FHIRPatient(id: DeterministicID.uuid(for: patientKey))
        resource.identifier = patientIdentifiers(patient).nonEmpty
        resource.extension = patientExtensions(patient).nonEmpty
        resource.name = patientNames(patient).nonEmpty
        resource.telecom = patient.telecoms.compactMap(FHIRValues.contactPoint).nonEmpty
        resource.gender = gender(patient.sex)
        resource.birthDate = FHIRValues.date(patient.birthDate)
        if let time = FHIRValues.dateTime(patient.deceasedTime) {
            resource.deceasedDateTime = time
        } else if let deceased = patient.deceased {
            resource.deceasedBoolean = deceased
        }
        if let order = patient.multipleBirthOrder {
            resource.multipleBirthInteger = order
        } else if let multiple = patient.multipleBirth {
            resource.multipleBirthBoolean = multiple
        }
        resource.address = patient.addresses.compactMap(FHIRValues.address).nonEmpty
        return add(.patient(resource))
    }

    private func gender(_ sex: AdministrativeSex?) -> String? {
        switch sex {
        case .female?: "female"
        case .male?: "male"
        case .undifferentiated?: "other"
        case .unknown?: "unknown"
        case nil: nil
        }
    }

    /// Whether the INS may be emitted (DOMAIN.md §8.2 R8).
    private func insAllowed(_ patient: Patient) -> Bool {
        guard configuration.withholdINSUnlessQualified, let status = patient.identityStatus?.uppercased() else { return true }
        return status == "QUAL"
    }

    func patientIdentifiers(_ patient: Patient) -> [FHIRIdentifier] {
        var result: [FHIRIdentifier] = []
        let allowINS = insAllowed(patient)
        for id in patient.identifiers where id.nullFlavor == nil {
            switch id.kind {
            case .insNIR, .insNIRTest, .insNIRDemo, .insNIA:
                guard allowINS else { continue }
                let use = id.kind == .insNIA ? "temp" : "official"
                result.appendIfPresent(FHIRValues.identifier(id, use: use, type: frType(id.kind.rawValue)))
            case .insC:
                result.appendIfPresent(FHIRValues.identifier(id, use: "secondary", type: frType("INS-C")))
            case .nssNIR, .nssNIA:
                result.appendIfPresent(FHIRValues.identifier(id, use: "secondary", type: v2Type("NH", "Patient's Medicare number")))
            case .local:
                result.appendIfPresent(FHIRValues.identifier(id, use: "usual", type: v2Type("PI", "Patient internal identifier")))
            case .professional, .structure, .other:
                result.appendIfPresent(FHIRValues.identifier(id))
            }
        }
        if let canonicalPatientID {
            result.append(
                FHIRIdentifier(
                    use: "secondary", type: v2Type("RRI", "Regional registry ID"),
                    system: "urn:oid:" + configuration.gatewayOID, value: canonicalPatientID))
        }
        return result
    }

    private func frType(_ code: String) -> FHIRCodeableConcept {
        FHIRCodeableConcept(coding: [FHIRCoding(system: FRCore.identifierTypeSystem, code: code)])
    }

    private func v2Type(_ code: String, _ display: String) -> FHIRCodeableConcept {
        FHIRCodeableConcept(coding: [FHIRCoding(system: FRCore.v2IdentifierTypeSystem, code: code, display: display)])
    }

    func patientExtensions(_ patient: Patient) -> [FHIRExtension] {
        var result: [FHIRExtension] = []
        if let status = patient.identityStatus?.uppercased(), ["PROV", "RECUP", "VALI", "QUAL"].contains(status) {
            result.append(
                FHIRExtension(
                    url: FRCore.identityReliability,
                    extension: [
                        FHIRExtension(url: "identityStatus", valueCoding: FHIRCoding(system: FRCore.identityStatusSystem, code: status))
                    ]))
        }
        let code = patient.birthplaceCode.nonBlank
        let city = patient.birthplaceCity.nonBlank
        if code != nil || city != nil {
            let insee = code.map {
                [FHIRExtension(url: FRCore.addressInseeCode, valueCoding: FHIRCoding(system: FRCore.inseeCommuneSystem, code: $0))]
            }
            result.append(FHIRExtension(url: FRCore.birthPlace, valueAddress: FHIRAddress(extension: insee, city: city)))
        }
        return result
    }

    /// `official` = birth name + first birth given name (full list in the FR Core extension),
    /// `usual` = used name + used given name; never filled from each other (DOMAIN.md §8.1 R1-R2).
    /// Documents without the CI-SIS traits get their names mapped as written.
    func patientNames(_ patient: Patient) -> [FHIRHumanName] {
        var result: [FHIRHumanName] = []
        let birthGiven: [String] =
            if let first = patient.firstBirthGivenName.nonBlank { [first] } else { patient.birthGivenNames.filter { !$0.isEmpty } }
        if patient.birthFamilyName.nonBlank != nil || !birthGiven.isEmpty {
            let list = patient.birthGivenNamesText.nonBlank ?? (patient.birthGivenNames.isEmpty ? nil : patient.birthGivenNames.joined(separator: " "))
            result.append(
                FHIRHumanName(
                    extension: list.map { [FHIRExtension(url: FRCore.birthListGivenName, valueString: $0)] },
                    use: "official", family: patient.birthFamilyName.nonBlank, given: birthGiven.nonEmpty))
        }
        if patient.usedFamilyName.nonBlank != nil || patient.usedGivenName.nonBlank != nil {
            result.append(
                FHIRHumanName(
                    use: "usual", family: patient.usedFamilyName.nonBlank,
                    given: patient.usedGivenName.nonBlank.map { [$0] }))
        }
        if result.isEmpty {
            result = patient.names.compactMap(FHIRValues.humanName)
        }
        return result
    }
}

extension Array {
    mutating func appendIfPresent(_ element: Element?) {
        if let element { append(element) }
    }
}
