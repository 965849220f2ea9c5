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
        // Match flags as 64-bit masks: allocation-free for strings up to 64 bytes (names).
        guard long.count <= 64 else { return jaroLong(short, long) }
        let window = max(0, long.count / 2 - 1)
        var longMatched: UInt64 = 0, shortMatched: UInt64 = 0
        var matches = 0
        for i in 0..<short.count {
            let lower = max(0, i - window), upper = min(long.count - 1, i + window)
            guard lower <= upper else { continue }
            for j in lower...upper where longMatched & (1 << UInt64(j)) == 0 && short[i] == long[j] {
                longMatched |= 1 << UInt64(j)
                shortMatched |= 1 << UInt64(i)
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0
        var k = 0
        for i in 0..<short.count where shortMatched & (1 << UInt64(i)) != 0 {
            while longMatched & (1 << UInt64(k)) == 0 { k += 1 }
            if short[i] != long[k] { transpositions += 1 }
            k += 1
        }
        let m = Double(matches)
        return (m / Double(short.count) + m / Double(long.count) + (m - Double(transpositions / 2)) / m) / 3
    }

    private static func jaroLong(_ short: [UInt8], _ long: [UInt8]) -> Double {
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
        var first = -1, second = -1
        for index in 0..<a.count where a[index] != b[index] {
            if first < 0 { first = index } else if second < 0 { second = index } else { return false }
        }
        if second < 0 { return true }
        return second == first + 1 && a[first] == b[second] && a[second] == b[first]
    }
}
