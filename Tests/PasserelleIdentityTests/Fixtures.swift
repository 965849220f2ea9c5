import PasserelleIdentity

/// Synthetic identities for tests (invented people; INS values are computed, not real).
enum Fixtures {
    /// A valid INS under the test OID, built from a 13-character matricule.
    static func ins(_ matricule: String) -> String {
        let key = INS.key(ofMatricule: matricule) ?? 0
        return matricule + (key < 10 ? "0\(key)" : "\(key)")
    }

    static func record(
        _ id: String, family: String? = "DUPONT", used: String? = nil, given: String? = "Marie Anne",
        first: String? = nil, birth: String? = "1980-05-17", sex: String? = "F", place: String? = "75056",
        address: String? = "12 rue des Lilas", postcode: String? = "75011", city: String? = "Paris",
        phone: String? = nil, ins: String? = nil, insOID: String? = "1.2.250.1.213.1.4.10",
        source: String? = nil, ipp: String? = nil, status: IdentityStatus? = nil, attributes: IdentityAttributes = [],
        weak: String? = nil
    ) -> IdentityRecord {
        IdentityRecord(
            id: IdentityRecordID(rawValue: id), source: source,
            localIdentifier: ipp.map { LocalIdentifier(authority: source ?? "", value: $0) },
            ins: ins, insOID: ins == nil ? nil : insOID, birthFamilyName: family, usedFamilyName: used,
            firstBirthGivenName: first, birthGivenNames: given, birthDate: birth, sex: sex, birthplaceCode: place,
            address: address, postcode: postcode, city: city, phone: phone, weakIdentifier: weak, status: status,
            attributes: attributes)
    }

    static func identity(_ id: String = "A", _ configure: (inout IdentityRecord) -> Void = { _ in }) -> ComparableIdentity {
        var value = record(id)
        configure(&value)
        return ComparableIdentity(value)
    }

    static let matcher = PairMatcher()

    /// The built-in matcher's decision on two records.
    static func decide(_ a: IdentityRecord, _ b: IdentityRecord) -> MatchExplanation {
        matcher.evaluate(ComparableIdentity(a), ComparableIdentity(b))
    }
}
