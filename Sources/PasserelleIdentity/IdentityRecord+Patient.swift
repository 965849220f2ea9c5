public import PasserelleModel

extension IdentityRecord {
    /// Builds an identity record from a document's patient (R1): the first INS-kind identifier
    /// becomes the INS (checked later), the first local identifier the IPP, the BR/CL traits
    /// are kept apart, the first address and the first `tel:` telecom are used.
    /// - Parameters:
    ///   - patient: the patient read from a document.
    ///   - id: the record identifier to give it.
    ///   - source: the source or facility (used as authority when an IPP has no root).
    public init(patient: Patient, id: IdentityRecordID, source: String?) {
        let ins = patient.ins
        let local = patient.localIdentifiers.first.flatMap { identifier -> LocalIdentifier? in
            guard let value = identifier.extension, let authority = identifier.root ?? source else { return nil }
            return LocalIdentifier(authority: authority, value: value)
        }
        let givenText = patient.birthGivenNamesText ?? (patient.birthGivenNames.isEmpty ? nil : patient.birthGivenNames.joined(separator: " "))
        let address = patient.addresses.first
        let street = address.map { a in
            (a.streetAddressLines + [a.houseNumber, a.streetName, a.additionalLocator].compactMap { $0 }).joined(separator: " ")
        }
        let phone = patient.telecoms.first { $0.scheme == "tel" }?.value.map { String($0.dropFirst(4)) }
        self.init(
            id: id, source: source, localIdentifier: local, ins: ins?.extension, insOID: ins?.root,
            birthFamilyName: patient.birthFamilyName, usedFamilyName: patient.usedFamilyName,
            firstBirthGivenName: patient.firstBirthGivenName, birthGivenNames: givenText,
            usedGivenName: patient.usedGivenName, birthDate: patient.birthDate.flatMap(BirthDate.init)?.compact,
            sex: Sex(patient.sex).isDetermined ? Sex(patient.sex).rawValue : patient.sexCode,
            birthplaceCode: patient.birthplaceCode, address: street.flatMap { $0.isEmpty ? nil : $0 },
            postcode: address?.postalCode, city: address?.city, phone: phone, weakIdentifier: nil,
            status: IdentityStatus(code: patient.identityStatus), attributes: [])
    }
}

extension BirthDate {
    /// `YYYYMMDD` with `00` for unknown parts, the form ``BirthDate/init(text:)`` reads back.
    public var compact: String {
        func pad(_ v: Int?) -> String { v.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return String(year) + pad(month) + pad(day)
    }
}
