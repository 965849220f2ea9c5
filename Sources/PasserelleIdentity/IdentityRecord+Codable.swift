// Codable conformance of IdentityRecord, written out since the traits live in a copy-on-write
// storage: the same keys and the same JSON as the former synthesized conformance (records are
// stored as JSON by the store adapters, so the format must not change).
extension IdentityRecord {
    private enum CodingKeys: String, CodingKey {
        case id, source, localIdentifier, ins, insOID, birthFamilyName, usedFamilyName
        case firstBirthGivenName, birthGivenNames, usedGivenName, birthDate, sex, birthplaceCode, address, postcode
        case city, phone, weakIdentifier, status, attributes
    }

    /// Decodes a record (optional traits may be absent; `id` and `attributes` are required).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(IdentityRecordID.self, forKey: .id),
            source: try c.decodeIfPresent(String.self, forKey: .source),
            localIdentifier: try c.decodeIfPresent(LocalIdentifier.self, forKey: .localIdentifier),
            ins: try c.decodeIfPresent(String.self, forKey: .ins),
            insOID: try c.decodeIfPresent(String.self, forKey: .insOID),
            birthFamilyName: try c.decodeIfPresent(String.self, forKey: .birthFamilyName),
            usedFamilyName: try c.decodeIfPresent(String.self, forKey: .usedFamilyName),
            firstBirthGivenName: try c.decodeIfPresent(String.self, forKey: .firstBirthGivenName),
            birthGivenNames: try c.decodeIfPresent(String.self, forKey: .birthGivenNames),
            usedGivenName: try c.decodeIfPresent(String.self, forKey: .usedGivenName),
            birthDate: try c.decodeIfPresent(String.self, forKey: .birthDate),
            sex: try c.decodeIfPresent(String.self, forKey: .sex),
            birthplaceCode: try c.decodeIfPresent(String.self, forKey: .birthplaceCode),
            address: try c.decodeIfPresent(String.self, forKey: .address),
            postcode: try c.decodeIfPresent(String.self, forKey: .postcode),
            city: try c.decodeIfPresent(String.self, forKey: .city),
            phone: try c.decodeIfPresent(String.self, forKey: .phone),
            weakIdentifier: try c.decodeIfPresent(String.self, forKey: .weakIdentifier),
            status: try c.decodeIfPresent(IdentityStatus.self, forKey: .status),
            attributes: try c.decode(IdentityAttributes.self, forKey: .attributes))
    }

    /// Encodes a record, leaving out absent traits.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(localIdentifier, forKey: .localIdentifier)
        try c.encodeIfPresent(ins, forKey: .ins)
        try c.encodeIfPresent(insOID, forKey: .insOID)
        try c.encodeIfPresent(birthFamilyName, forKey: .birthFamilyName)
        try c.encodeIfPresent(usedFamilyName, forKey: .usedFamilyName)
        try c.encodeIfPresent(firstBirthGivenName, forKey: .firstBirthGivenName)
        try c.encodeIfPresent(birthGivenNames, forKey: .birthGivenNames)
        try c.encodeIfPresent(usedGivenName, forKey: .usedGivenName)
        try c.encodeIfPresent(birthDate, forKey: .birthDate)
        try c.encodeIfPresent(sex, forKey: .sex)
        try c.encodeIfPresent(birthplaceCode, forKey: .birthplaceCode)
        try c.encodeIfPresent(address, forKey: .address)
        try c.encodeIfPresent(postcode, forKey: .postcode)
        try c.encodeIfPresent(city, forKey: .city)
        try c.encodeIfPresent(phone, forKey: .phone)
        try c.encodeIfPresent(weakIdentifier, forKey: .weakIdentifier)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encode(attributes, forKey: .attributes)
    }
}
