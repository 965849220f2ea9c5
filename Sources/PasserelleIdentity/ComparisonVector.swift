/// The comparison levels of every trait for one pair of identities.
public struct ComparisonVector: Sendable, Hashable {
    /// Level index per trait (index into ``Trait/levels``), `-1` when a side lacks the trait.
    var storage: SIMD16<Int8> = SIMD16(repeating: -1)
    /// Whether the family and given names agreed only after swapping them.
    public var namesSwapped = false

    /// Creates an all-missing vector.
    public init() {}

    /// The level of `trait`, or `nil` when a side lacks the value.
    public subscript(trait: Trait) -> ComparisonLevel? {
        get {
            let index = Int(storage[trait.index])
            return index < 0 ? nil : trait.levels[index]
        }
        set {
            guard let level = newValue, let index = trait.levels.firstIndex(of: level) else {
                storage[trait.index] = -1
                return
            }
            storage[trait.index] = Int8(index)
        }
    }

    /// Level index of a trait (`-1` when missing), for model look-ups.
    func levelIndex(_ trait: Trait) -> Int { Int(storage[trait.index]) }
}

/// Computes ``ComparisonVector``s. Pure and allocation-light: called millions of times in batch.
public enum Comparator {
    /// Compares two identities trait by trait.
    public static func compare(_ a: ComparableIdentity, _ b: ComparableIdentity) -> ComparisonVector {
        var v = ComparisonVector()
        if let x = a.usableINS, let y = b.usableINS, x.isComparable(with: y) {
            v[.ins] = x.value == y.value ? .exact : .disagree
        }
        if let x = a.weakIdentifier, let y = b.weakIdentifier {
            v[.weakIdentifier] = x == y ? .exact : StringSimilarity.isOneTypo(Array(x.utf8), Array(y.utf8)) ? .oneTypo : .disagree
        }
        v[.familyName] = familyName(a, b)
        v[.givenName] = givenName(a.firstGivenName, a.givenTokens, b.firstGivenName, b.givenTokens)
        if v[.givenName] == .exact, givenListsConflict(a.givenListTokens, b.givenListTokens) {
            v[.givenName] = .tokenOverlap
        }
        if v.levelIndex(.givenName) > 0,
            let compound = compoundGivenName(a.firstGivenName, b.givenListTokens) ?? compoundGivenName(b.firstGivenName, a.givenListTokens),
            let index = Trait.givenName.levels.firstIndex(of: compound), index < v.levelIndex(.givenName)
        {
            v[.givenName] = compound
        }
        if v[.familyName] == .disagree || v[.givenName] == .disagree, namesSwapped(a, b) {
            v[.familyName] = .fuzzyHigh
            v[.givenName] = .fuzzyHigh
            v.namesSwapped = true
        }
        if let x = a.birthDate, let y = b.birthDate {
            v[.birthDate] = birthDate(x, y)
            // A one-digit change of the year across a generation is a typo only when the full given
            // name lists (two names or more) agree: a child named after a parent shares the first
            // name, rarely the whole list.
            if v[.birthDate] == .disagree, a.givenListTokens.count >= 2, a.givenListTokens == b.givenListTokens,
                !x.isPartial, !y.isPartial, StringSimilarity.isOneTypo(x.digits, y.digits)
            {
                v[.birthDate] = .oneTypo
            }
        }
        if a.sex.isDetermined, b.sex.isDetermined { v[.sex] = a.sex == b.sex ? .exact : .disagree }
        if let x = a.birthplaceCode, let y = b.birthplaceCode {
            v[.birthplace] = x == y ? .exact : department(x) == department(y) ? .sameDepartment : .disagree
        }
        if let x = a.address, let y = b.address { v[.address] = text(x, y) }
        if let x = a.postcode, let y = b.postcode {
            v[.postcode] = x == y ? .exact : StringSimilarity.isOneTypo(Array(x.utf8), Array(y.utf8)) ? .oneTypo : .disagree
        }
        if let x = a.city, let y = b.city { v[.city] = text(x, y) }
        if let x = a.phone, let y = b.phone { v[.phone] = x == y ? .exact : .disagree }
        return v
    }

    /// Family names (R2): birth against birth, then used names crosswise (marriage names). Two
    /// used names alone agreeing while the birth names differ is what spouses look like, so it
    /// does not count as a cross match.
    static func familyName(_ a: ComparableIdentity, _ b: ComparableIdentity) -> ComparisonLevel? {
        guard let x = a.birthName ?? a.usedName, let y = b.birthName ?? b.usedName else { return nil }
        if let bx = a.birthName, let by = b.birthName, bx.key == by.key || bx.fullKey == by.fullKey { return .exact }
        // Crosswise: birth against used, or used against used when a side has no birth name.
        if let bx = a.birthName, let uy = b.usedName, bx.key == uy.key { return .crossName }
        if let ux = a.usedName, let by = b.birthName, ux.key == by.key { return .crossName }
        if let ux = a.usedName, let uy = b.usedName, ux.key == uy.key, a.birthName == nil || b.birthName == nil {
            return .crossName
        }
        if a.birthName == nil || b.birthName == nil, x.key == y.key { return .crossName }
        if !x.phonetic.isEmpty, x.phonetic == y.phonetic { return .phonetic }
        let similarity = StringSimilarity.jaroWinkler(x.keyBytes, y.keyBytes)
        if similarity >= 0.94 || oneEdit(x.keyBytes, y.keyBytes) { return .fuzzyHigh }
        if similarity >= 0.88 { return .fuzzyLow }
        let shared = x.tokens.contains { $0.count >= 3 && y.tokens.contains($0) }
        return shared ? .tokenOverlap : .disagree
    }

    /// First given name against the other side (R2, R3): the same name, a phonetic or fuzzy
    /// variant, or one side's first given name wholly found among the other's given names.
    static func givenName(
        _ a: NormalizedName?, _ aTokens: Set<String>, _ b: NormalizedName?, _ bTokens: Set<String>
    ) -> ComparisonLevel? {
        guard let x = a, let y = b else { return nil }
        if x.key == y.key { return .exact }
        if !x.phonetic.isEmpty, x.phonetic == y.phonetic { return .phonetic }
        let similarity = StringSimilarity.jaroWinkler(x.keyBytes, y.keyBytes)
        if similarity >= 0.94 || oneEdit(x.keyBytes, y.keyBytes) { return .fuzzyHigh }
        if x.tokens.allSatisfy(bTokens.contains) || y.tokens.allSatisfy(aTokens.contains) { return .tokenOverlap }
        if similarity >= 0.88 { return .fuzzyLow }
        return .disagree
    }

    /// Two given-name lists that start alike but go on differently (MARIE HELENE CECILE / MARIE
    /// MICKAEL): R3 reads "MARIE HELENE" as possibly one compound name, so the same first token is
    /// not the same first given name. One list being shorter (a record keeping the first name only)
    /// or a second name found anywhere in the other list is not a conflict; nor is a close spelling.
    static func givenListsConflict(_ x: [String], _ y: [String]) -> Bool {
        guard x.count >= 2, y.count >= 2, x[1] != y[1], !x.contains(y[1]), !y.contains(x[1]) else { return false }
        return StringSimilarity.jaroWinkler(Array(x[1].utf8), Array(y[1].utf8)) < 0.88
    }

    /// A compound first given name against the other side's list read on token boundaries (R3):
    /// `JEAN-CHRISTOPHE` against `JEAN CHRISTOPHE PIERRE` compares `JEANCHRISTOPHE` with the
    /// first two names joined. Same letters → `exact` (the hyphen was lost or added); one edit
    /// between names of 8+ letters → `fuzzyHigh`. Distinct compounds (`MARIE-ANNE` /
    /// `MARIE LOUISE`) never align, so twins keep their different names.
    static func compoundGivenName(_ first: NormalizedName?, _ list: [String]) -> ComparisonLevel? {
        guard let first, first.tokens.count >= 2, list.count >= 2 else { return nil }
        let target = first.key.utf8.count
        var joined = ""
        for token in list {
            joined += token
            let length = joined.utf8.count
            if length + 1 < target { continue }
            if length > target + 1 { return nil }
            if joined == first.key { return .exact }
            if target >= 8, oneEdit(Array(joined.utf8), first.keyBytes) { return .fuzzyHigh }
        }
        return nil
    }

    /// One substitution, insertion, deletion or adjacent swap between names of 4+ letters.
    static func oneEdit(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        min(x.count, y.count) >= 4 && StringSimilarity.editDistance(x, y, limit: 1) <= 1
    }

    /// Family and given names written in each other's field: each name of one side is the same name
    /// as the crossed name of the other, at the levels the names themselves accept as one name
    /// (same letters, same phonetic key, Jaro–Winkler ≥ 0.94, or one edit in names of 4+ letters),
    /// so that a swap with one typo (`REDNOND MELISSA` / `MELISSA REDMOND`) is still a swap.
    static func namesSwapped(_ a: ComparableIdentity, _ b: ComparableIdentity) -> Bool {
        guard let af = a.birthName ?? a.usedName, let ag = a.firstGivenName,
            let bf = b.birthName ?? b.usedName, let bg = b.firstGivenName
        else { return false }
        return sameName(af, bg) && sameName(ag, bf)
    }

    /// The same name up to a typo or a phonetic spelling.
    static func sameName(_ x: NormalizedName, _ y: NormalizedName) -> Bool {
        if x.key == y.key { return true }
        if !x.phonetic.isEmpty, x.phonetic == y.phonetic { return true }
        return StringSimilarity.jaroWinkler(x.keyBytes, y.keyBytes) >= 0.94 || oneEdit(x.keyBytes, y.keyBytes)
    }

    /// Birth dates (R4): placeholders and partial dates are weaker levels; day/month swaps and
    /// one-digit typos have their own levels.
    public static func birthDate(_ x: BirthDate, _ y: BirthDate) -> ComparisonLevel {
        if x.isPartial || y.isPartial {
            guard x.year == y.year else { return .disagree }
            if let m1 = x.month, let m2 = y.month, m1 != m2 { return .disagree }
            if x == y { return .placeholderExact }
            return .partialAgree
        }
        if x == y { return x.isPlaceholder || y.isPlaceholder ? .placeholderExact : .exact }
        // A placeholder (01/01, 31/12) stands for an unknown day and month (R4): the same year is
        // a partial agreement, never an exact one nor a conflict.
        if x.isPlaceholder || y.isPlaceholder, x.year == y.year { return .partialAgree }
        if x.year == y.year, x.day == y.month, x.month == y.day { return .dayMonthSwap }
        // A year 15 or more apart by one changed digit is another generation (parent and child
        // sharing a birthday: 1940 / 1960), not a typo; two swapped digits (1980 / 1908) still are.
        if x.year == y.year || x.month == y.month || x.day == y.day,
            abs(x.year - y.year) < 15 || isTransposition(x.digits, y.digits),
            StringSimilarity.isOneTypo(x.digits, y.digits)
        {
            return .oneTypo
        }
        return .disagree
    }

    /// Whether `y` is `x` with two adjacent digits swapped.
    static func isTransposition(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        guard x.count == y.count else { return false }
        let diff = x.indices.filter { x[$0] != y[$0] }
        return diff.count == 2 && diff[1] == diff[0] + 1 && x[diff[0]] == y[diff[1]] && x[diff[1]] == y[diff[0]]
    }

    static func department(_ code: String) -> Substring {
        code.hasPrefix("97") || code.hasPrefix("98") ? code.prefix(3) : code.prefix(2)
    }

    static let streetWords: Set<String> = [
        "RUE", "AVENUE", "AV", "BOULEVARD", "BD", "PLACE", "PL", "CHEMIN", "IMPASSE", "ALLEE", "ROUTE", "QUAI",
        "COURS", "SQUARE", "STREET", "ST", "ROAD", "RD", "AVE", "PLACE", "CRESCENT", "DRIVE", "CIRCUIT", "CLOSE",
    ]

    /// Address and city: exact key, then Jaro–Winkler or token overlap bands. Two different house
    /// numbers make two different addresses (at best `fuzzyLow`).
    static func text(_ x: NormalizedName, _ y: NormalizedName) -> ComparisonLevel {
        if x.key == y.key { return .exact }
        let numbersDiffer = x.leadingNumber != nil && y.leadingNumber != nil && x.leadingNumber != y.leadingNumber
        let similarity = StringSimilarity.jaroWinkler(x.keyBytes, y.keyBytes)
        // Token overlap on significant tokens only: street types (RUE, AVENUE...) say little.
        var shared = 0, xCount = 0, yCount = 0
        for token in x.tokens where !streetWords.contains(token) {
            xCount += 1
            if y.tokens.contains(token) { shared += 1 }
        }
        for token in y.tokens where !streetWords.contains(token) { yCount += 1 }
        let overlap = Double(shared) / Double(max(1, max(xCount, yCount)))
        if similarity >= 0.94 || overlap >= 0.6 { return numbersDiffer ? .fuzzyLow : .fuzzyHigh }
        if similarity >= 0.85 || overlap >= 0.4 { return .fuzzyLow }
        return .disagree
    }
}
