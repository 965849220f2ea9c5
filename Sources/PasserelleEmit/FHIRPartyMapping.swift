import PasserelleModel

/// Practitioner, PractitionerRole, Organization and Device resources for the parties of a
/// document. Professionals and organisations with identifiers get ids keyed on them, so the
/// same author in two documents is the same resource.
extension BundleBuilder {
    /// Stable key of a party: its identifiers, else its role in this document.
    private func partyKey(_ type: String, _ identifiers: [Identifier], role: String) -> String {
        let ids = identifiers.filter { $0.nullFlavor == nil && $0.root != nil }.map(\.description)
        if !ids.isEmpty { return "\(type)|ids|" + ids.joined(separator: "|") }
        return "\(type)|document|\(documentKey)|\(role)"
    }

    private func partyIdentifiers(_ identifiers: [Identifier]) -> [FHIRIdentifier] {
        identifiers.compactMap { FHIRValues.identifier($0) }
    }

    /// Adds an Organization; `nil` when there is nothing to say about it.
    mutating func addOrganization(_ organization: Organization?, role: String) -> FHIRReference? {
        guard let organization else { return nil }
        let identifiers = partyIdentifiers(organization.identifiers)
        let name = organization.name.nonBlank
        guard !identifiers.isEmpty || name != nil else { return nil }
        let key = partyKey("Organization", organization.identifiers, role: role + "|" + (name ?? ""))
        let resource = FHIROrganization(
            id: DeterministicID.uuid(for: key), identifier: identifiers.nonEmpty, name: name,
            telecom: organization.telecoms.compactMap(FHIRValues.contactPoint).nonEmpty,
            address: organization.addresses.compactMap(FHIRValues.address).nonEmpty)
        return add(.organization(resource))
    }

    /// Adds a Practitioner (and a PractitionerRole when an organisation or a specialty is
    /// known); returns the reference to use (the role when there is one).
    mutating func addProfessional(_ person: Professional, role: String) -> FHIRReference? {
        let identifiers = partyIdentifiers(person.identifiers)
        let names = person.names.compactMap(FHIRValues.humanName)
        let organization = addOrganization(person.organization, role: role + "|organization")
        let specialty = FHIRValues.codeableConcept(person.specialty)
        var practitioner: FHIRReference?
        let practitionerKey = partyKey("Practitioner", person.identifiers, role: role)
        if !identifiers.isEmpty || !names.isEmpty {
            let resource = FHIRPractitioner(
                id: DeterministicID.uuid(for: practitionerKey), identifier: identifiers.nonEmpty, name: names.nonEmpty,
                telecom: person.telecoms.compactMap(FHIRValues.contactPoint).nonEmpty,
                address: person.addresses.compactMap(FHIRValues.address).nonEmpty)
            practitioner = add(.practitioner(resource))
        }
        guard organization != nil || specialty != nil else { return practitioner }
        guard practitioner != nil || organization != nil else { return nil }
        let roleKey = "PractitionerRole|\(practitionerKey)|\(organization?.reference ?? "")|\(person.specialty?.code ?? "")"
        let resource = FHIRPractitionerRole(
            id: DeterministicID.uuid(for: roleKey), practitioner: practitioner, organization: organization,
            code: specialty.map { [$0] })
        return add(.practitionerRole(resource))
    }

    /// Adds the author: a Device for `assignedAuthoringDevice`, else a professional.
    mutating func addAuthor(_ author: Author, index: Int) -> FHIRReference? {
        let role = "author\(index)"
        guard let device = author.device else { return addProfessional(author.person, role: role) }
        let owner = addOrganization(author.person.organization, role: role + "|organization")
        var names: [FHIRDeviceName] = []
        if let software = device.softwareName.nonBlank { names.append(FHIRDeviceName(name: software, type: "user-friendly-name")) }
        if let model = device.manufacturerModelName.nonBlank { names.append(FHIRDeviceName(name: model, type: "model-name")) }
        let resource = FHIRDevice(
            id: DeterministicID.uuid(for: partyKey("Device", author.person.identifiers, role: role)),
            identifier: partyIdentifiers(author.person.identifiers).nonEmpty, deviceName: names.nonEmpty, owner: owner)
        return add(.device(resource))
    }
}
