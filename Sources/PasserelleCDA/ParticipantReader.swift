import PasserelleModel
import PasserelleXML

/// Reads the people and organisations of a CDA header.
struct ParticipantReader {
    let types: DatatypeReader
    let v3 = CDANamespace.hl7
    let sdtc = CDANamespace.sdtc

    /// `recordTarget/patientRole` with CI-SIS trait qualifiers (DOMAIN.md §1.4).
    func patient(_ patientRole: XMLTree.Element) -> Patient {
        var patient = Patient(
            identifiers: types.identifiers(of: patientRole, classify: IdentifierKind.forPatient),
            addresses: types.addresses(of: patientRole), telecoms: types.telecoms(of: patientRole))
        guard let person = patientRole.child("patient", in: v3) else { return patient }
        patient.names = types.names(of: person)
        applyNameTraits(to: &patient)
        if let gender = person.child("administrativeGenderCode", in: v3) {
            let code = gender.attribute("code")
            patient.sexCode = code ?? gender.attribute("nullFlavor")
            patient.sex = AdministrativeSex(code: code)
        }
        patient.birthDate = types.timestamp(person.child("birthTime", in: v3))
        if let place = person.descendant(["birthplace", "place", "addr"], in: v3) {
            patient.birthplaceCode = place.child("county", in: v3)?.normalizedText
            patient.birthplaceCity = place.child("city", in: v3)?.normalizedText
        }
        if let deceased = person.child("deceasedInd", in: sdtc)?.attribute("value") {
            patient.deceased = deceased == "true"
        }
        patient.deceasedTime = types.timestamp(person.child("deceasedTime", in: sdtc))
        if let multiple = person.child("multipleBirthInd", in: sdtc)?.attribute("value") {
            patient.multipleBirth = multiple == "true"
        }
        patient.multipleBirthOrder = types.integer(person.child("multipleBirthOrderNumber", in: sdtc))
        return patient
    }

    /// Splits qualified name parts into the separate RNIV traits (R1); never copies a birth
    /// value into a used one (R2). `SP` (nom d'usage, older documents) counts as used name when no `CL` is given.
    private func applyNameTraits(to patient: inout Patient) {
        var spouseName: String?
        var unqualifiedGiven: [String] = []
        for name in patient.names {
            for part in name.family where !part.value.isEmpty {
                switch part.qualifier {
                case .birth?: patient.birthFamilyName = patient.birthFamilyName ?? part.value
                case .callMe?: patient.usedFamilyName = patient.usedFamilyName ?? part.value
                case .spouse?: spouseName = spouseName ?? part.value
                default: break
                }
            }
            for part in name.given where !part.value.isEmpty {
                switch part.qualifier {
                case .birth?: patient.firstBirthGivenName = patient.firstBirthGivenName ?? part.value
                case .callMe?: patient.usedGivenName = patient.usedGivenName ?? part.value
                case nil: unqualifiedGiven.append(part.value)
                default: break
                }
            }
        }
        if patient.usedFamilyName == nil { patient.usedFamilyName = spouseName }
        if !unqualifiedGiven.isEmpty {
            patient.birthGivenNamesText = unqualifiedGiven.joined(separator: " ")
            patient.birthGivenNames = unqualifiedGiven.flatMap { $0.split(separator: " ").map(String.init) }
        }
    }

    /// An organisation element (`representedOrganization`, `representedCustodianOrganization`, ...).
    func organization(_ element: XMLTree.Element?) -> Organization? {
        guard let element else { return nil }
        return Organization(
            identifiers: types.identifiers(of: element), name: element.child("name", in: v3)?.normalizedText,
            telecoms: types.telecoms(of: element), addresses: types.addresses(of: element),
            industryClass: types.code(element.child("standardIndustryClassCode", in: v3)))
    }

    /// `assignedAuthor` / `assignedEntity`: ids, specialty, person name, organisation.
    func professional(_ element: XMLTree.Element?) -> Professional {
        guard let element else { return Professional() }
        let person = element.child("assignedPerson", in: v3) ?? element.child("associatedPerson", in: v3)
        return Professional(
            identifiers: types.identifiers(of: element), names: types.names(of: person),
            specialty: types.code(element.child("code", in: v3)), telecoms: types.telecoms(of: element),
            addresses: types.addresses(of: element),
            organization: organization(element.child("representedOrganization", in: v3)))
    }

    func author(_ element: XMLTree.Element) -> Author {
        let assigned = element.child("assignedAuthor", in: v3)
        let device = assigned?.child("assignedAuthoringDevice", in: v3).map {
            AuthoringDevice(
                softwareName: $0.child("softwareName", in: v3)?.normalizedText,
                manufacturerModelName: $0.child("manufacturerModelName", in: v3)?.normalizedText)
        }
        return Author(
            time: types.timestamp(element.child("time", in: v3)), function: types.code(element.child("functionCode", in: v3)),
            person: professional(assigned), device: device)
    }

    func authenticator(_ element: XMLTree.Element?) -> Authenticator? {
        guard let element else { return nil }
        return Authenticator(
            time: types.timestamp(element.child("time", in: v3)),
            signatureCode: element.child("signatureCode", in: v3)?.attribute("code"),
            person: professional(element.child("assignedEntity", in: v3)))
    }

    func encounter(_ element: XMLTree.Element?) -> Encounter? {
        guard let element else { return nil }
        let facility = element.descendant(["location", "healthCareFacility"], in: v3)
        let provider =
            organization(facility?.child("serviceProviderOrganization", in: v3))
            ?? organization(element.descendant(["responsibleParty", "assignedEntity", "representedOrganization"], in: v3))
        return Encounter(
            identifiers: types.identifiers(of: element), code: types.code(element.child("code", in: v3)),
            period: types.period(element.child("effectiveTime", in: v3)),
            facilityType: types.code(facility?.child("code", in: v3)), facility: provider)
    }

    func serviceEvent(_ element: XMLTree.Element) -> ServiceEvent {
        ServiceEvent(
            code: types.code(element.child("code", in: v3)), period: types.period(element.child("effectiveTime", in: v3)),
            performers: element.children("performer", in: v3).map { professional($0.child("assignedEntity", in: v3)) })
    }

    func relatedDocument(_ element: XMLTree.Element) -> RelatedDocument {
        let parent = element.child("parentDocument", in: v3)
        return RelatedDocument(
            typeCode: element.attribute("typeCode") ?? "",
            parentIdentifiers: parent.map { types.identifiers(of: $0) { _, _ in .other } } ?? [],
            parentSetID: types.documentIdentifier(parent?.child("setId", in: v3)),
            parentVersionNumber: types.integer(parent?.child("versionNumber", in: v3)))
    }
}
