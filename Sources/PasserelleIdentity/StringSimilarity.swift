/// String similarity measures on folded ASCII bytes.
public enum StringSimilarity {
    /// Jaro–Winkler similarity in 0...1 (prefix scale 0.1, prefix up to 4).
    public static func jaroWinkler(_ a: [UInt8], _ b: [UInt8]) -> Double {
        if a.isEmpty || b.isEmpty { return 0 }
        if a == b { return 1 }
        let jaro = self.jaro(a, b)
        var prefix = 0
        while prefix < min(4, a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// Jaro similarity in 0...1.
    public static func jaro(_ a: [UInt8], _ b: [UInt8]) -> Double {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        let window = max(0, long.count / 2 - 1)
        var longMatched = [Bool](repeating: false, count: long.count)
        var shortMatched = [Bool](repeating: false, count: short.count)
        var matches = 0
        for i in 0..<short.count {
            let lower = max(0, i - window), upper = min(long.count - 1, i + window)
            guard lower <= upper else { continue }
            for j in lower...upper where !longMatched[j] && short[i] == long[j] {
                longMatched[j] = true
                shortMatched[i] = true
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0
        var k = 0
        for i in 0..<short.count where shortMatched[i] {
            while !longMatched[k] { k += 1 }
            if short[i] != long[k] { transpositions += 1 }
            k += 1
        }
        let m = Double(matches)
        return (m / Double(short.count) + m / Double(long.count) + (m - Double(transpositions / 2)) / m) / 3
    }

    /// Damerau–Levenshtein distance (optimal string alignment), stopping early above `limit`.
    public static func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int = .max) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }

    /// Whether two equal-length digit strings differ by one substitution or one adjacent swap.
    public static func isOneTypo(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count, a != b else { return false }
        let differing = (0..<a.count).filter { a[$0] != b[$0] }
        if differing.count == 1 { return true }
        if differing.count == 2, differing[1] == differing[0] + 1 {
            return a[differing[0]] == b[differing[1]] && a[differing[1]] == b[differing[0]]
        }
        return false
    }
}
