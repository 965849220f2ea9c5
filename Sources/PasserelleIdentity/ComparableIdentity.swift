public import PasserelleModel
internal import Foundation

/// An identity record in comparison form: normalized traits next to the originals, a checked INS
/// (or none), and the diagnostics raised while normalizing (trait-free, R6/R7).
public final class ComparableIdentity: Sendable {
    /// The source record.
    public let record: IdentityRecord
    /// The INS when it passed every check (R6); `nil` otherwise.
    public let ins: INS?
    /// Conflicts between the INS and the traits (R7); a non-empty list disables the INS rules.
    public let insConflicts: [NIRTraitConflict]
    /// Birth family name (a marriage pattern in the field is split, R2).
    public let birthName: NormalizedName?
    /// Used family name.
    public let usedName: NormalizedName?
    /// First birth given name (R3: from its own field, else the start of the list).
    public let firstGivenName: NormalizedName?
    /// Tokens of every given name (birth list, first and used given names).
    public let givenTokens: Set<String>
    /// Used given name.
    public let usedGivenName: NormalizedName?
    /// Tokens of the birth given-name list in order (hyphens and spaces alike), for compound
    /// given names written with or without their hyphen (R3: `JEAN-CHRISTOPHE` / `JEAN CHRISTOPHE`).
    let givenListTokens: [String]
    /// Birth date.
    public let birthDate: BirthDate?
    /// Sex (R5).
    public let sex: Sex
    /// Birthplace COG code (5 characters, upper case).
    public let birthplaceCode: String?
    /// Address in comparison form.
    public let address: NormalizedName?
    /// Postal code digits/letters.
    public let postcode: String?
    /// City.
    public let city: NormalizedName?
    /// Last nine digits of the telephone.
    public let phone: String?
    /// Weak identifier, alphanumerics only.
    public let weakIdentifier: String?
    /// Diagnostics raised while normalizing (no traits in the messages).
    public let diagnostics: [Diagnostic]
    /// The blocking keys, once computed (see ``Blocking/keys(_:)``): an identity kept in an
    /// index or a cache is blocked on every insertion and every query.
    let blockingKeyCache: ComputedOnce<[BlockingKey]>

    /// Normalizes a record.
    public init(_ record: IdentityRecord) {
        self.record = record
        var diagnostics: [Diagnostic] = []
        var birthText = record.birthFamilyName
        var usedText = record.usedFamilyName
        if let text = birthText, let split = NameRules.splitMarriagePattern(text) {
            birthText = split.birth
            usedText = usedText ?? split.used
        } else if let text = usedText, let split = NameRules.splitMarriagePattern(text) {
            usedText = split.used
            birthText = birthText ?? split.birth
        }
        birthName = birthText.flatMap(NormalizedName.init)
        usedName = usedText.flatMap(NormalizedName.init)
        let listText = record.birthGivenNames.map(Mojibake.repaired)
        let listTokens = listText.map { TextFolding.tokens(TextFolding.fold($0)) } ?? []
        // R3: the list is space-separated; a hyphenated compound (MARIE-ANNE) stays one given name.
        let firstOfList = listText?.split(whereSeparator: { $0 == " " || $0 == "," }).first.map(String.init)
        firstGivenName = (record.firstBirthGivenName ?? firstOfList).flatMap(NormalizedName.init)
        usedGivenName = record.usedGivenName.flatMap(NormalizedName.init)
        givenListTokens = listTokens.isEmpty ? (firstGivenName?.tokens ?? []) : listTokens
        givenTokens = Set(listTokens + (firstGivenName?.tokens ?? []) + (usedGivenName?.tokens ?? []))
        birthDate = record.birthDate.flatMap { text in
            let trimmed = text.trimmingWhitespace
            guard !trimmed.isEmpty else { return nil }
            let date = BirthDate(text: trimmed)
            if date == nil {
                diagnostics.append(Diagnostic(code: "IDENT-DATE-INVALID", severity: .warning,
                    message: "the birth date is not a readable date; it is ignored"))
            }
            return date
        }
        sex = Sex(code: record.sex)
        let place = record.birthplaceCode.map { $0.uppercased().filter { $0.isLetter || $0.isNumber } }
        birthplaceCode = place.flatMap { $0.count == 5 ? $0 : nil }
        address = record.address.flatMap(NormalizedName.init)
        postcode = record.postcode.map { $0.uppercased().filter { $0.isLetter || $0.isNumber } }.flatMap { $0.isEmpty ? nil : $0 }
        city = record.city.flatMap(NormalizedName.init)
        let phoneDigits = record.phone.map { $0.filter(\.isWholeNumber) } ?? ""
        phone = phoneDigits.count >= 6 ? String(phoneDigits.suffix(9)) : nil
        let weak = record.weakIdentifier.map { $0.uppercased().filter { $0.isLetter || $0.isNumber } } ?? ""
        weakIdentifier = weak.isEmpty ? nil : weak
        (ins, insConflicts) = Self.checkINS(record, sex: sex, birthDate: birthDate, birthplace: birthplaceCode, into: &diagnostics)
        if !record.attributes.isValidCombination {
            diagnostics.append(Diagnostic(code: "IDENT-ATTRIBUTES-COMBINATION", severity: .warning,
                message: "only the douteuse and homonyme attributes may be combined (R11)"))
        }
        self.diagnostics = diagnostics
        blockingKeyCache = ComputedOnce()
    }

    /// The same identity for the same record under another id: normalization does not depend on
    /// the id, so a record normalized before it got its final id (a store assigns ids inside its
    /// write transaction) need not be normalized again.
    public func withRecordID(_ id: IdentityRecordID) -> ComparableIdentity {
        record.id == id ? self : ComparableIdentity(self, recordID: id)
    }

    private init(_ other: ComparableIdentity, recordID: IdentityRecordID) {
        var record = other.record
        record.id = recordID
        self.record = record
        ins = other.ins
        insConflicts = other.insConflicts
        birthName = other.birthName
        usedName = other.usedName
        firstGivenName = other.firstGivenName
        givenTokens = other.givenTokens
        usedGivenName = other.usedGivenName
        givenListTokens = other.givenListTokens
        birthDate = other.birthDate
        sex = other.sex
        birthplaceCode = other.birthplaceCode
        address = other.address
        postcode = other.postcode
        city = other.city
        phone = other.phone
        weakIdentifier = other.weakIdentifier
        diagnostics = other.diagnostics
        // The keys do not depend on the record id: computed once for both.
        blockingKeyCache = other.blockingKeyCache
    }

    private static func checkINS(
        _ record: IdentityRecord, sex: Sex, birthDate: BirthDate?, birthplace: String?,
        into diagnostics: inout [Diagnostic]
    ) -> (INS?, [NIRTraitConflict]) {
        guard let text = record.ins?.trimmingWhitespace, !text.isEmpty else { return (nil, []) }
        let oid = record.insOID?.trimmingWhitespace ?? ""
        switch INS.parse(text, oid: oid.isEmpty ? IdentifierKind.OID.insNIR : oid) {
        case .failure(let error):
            diagnostics.append(error.diagnostic())
            return (nil, [])
        case .success(let ins):
            if record.attributes.contains(.fictitious) || record.attributes.contains(.doubtful) {
                diagnostics.append(Diagnostic(code: "IDENT-INS-ATTRIBUTE", severity: .warning,
                    message: "an INS on a douteuse or fictive identity is invalid; it is ignored (R11)"))
                return (nil, [])
            }
            let conflicts = ins.conflicts(sex: sex, birthDate: birthDate, birthplaceCode: birthplace)
            if !conflicts.isEmpty {
                let list = conflicts.map(\.rawValue).joined(separator: ", ")
                diagnostics.append(Diagnostic(code: "IDENT-INS-TRAITS-MISMATCH", severity: .warning,
                    message: "the INS contradicts the identity traits (\(list)); possible wrong INS (R7)"))
            }
            return (ins, conflicts)
        }
    }

    /// Normalizes many records on all cores, keeping their order.
    public static func normalize(_ records: [IdentityRecord]) -> [ComparableIdentity] {
        let box = Accumulator<(Int, [ComparableIdentity])>()
        parallelChunks(count: records.count) { range in
            box.add((range.lowerBound, records[range].map(ComparableIdentity.init)))
        }
        return box.values.sorted { $0.0 < $1.0 }.flatMap(\.1)
    }

    /// The INS when it can be used as evidence: valid and consistent with the traits (R6, R7).
    public var usableINS: INS? { insConflicts.isEmpty ? ins : nil }
}
