internal import Foundation

/// A blocking key: candidate pairs are only compared when they share at least one key.
public struct BlockingKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The key text: a kind prefix and normalized values (identity traits: never log it).
    public var rawValue: String
    /// Creates a key.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Stable 64-bit FNV-1a hash of the key text (compact index storage; same value on every run).
    public var hash64: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in rawValue.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
    /// Redacted: only the kind prefix.
    public var description: String { "BlockingKey(\(rawValue.prefix { $0 != ":" }))" }
}

/// The blocking keys of an identity. Several independent keys, so that an error in any single
/// trait (a typo in the family name, a wrong birth date, a marriage name) does not hide a match:
/// - `N`: phonetic family name (birth and used: cross-matching, R2) + birth year;
/// - `D`: birth date with day and month sorted (exact dates and day/month swaps);
/// - `I`: INS; `L`: facility + IPP; `W`: weak identifier (and each half of it, `W<`/`W>`); `T`: telephone;
/// - `G`: phonetic first given name + birthplace; `P`: postcode + phonetic first given name;
/// - `F`: phonetic family and first given names, sorted (catches date errors and name swaps).
public enum Blocking {
    /// The keys of `identity`, without duplicates (computed once per identity, then cached).
    public static func keys(_ identity: ComparableIdentity) -> [BlockingKey] {
        identity.blockingKeyCache.value { computeKeys(identity) }
    }

    /// The keys of `identity`, computed.
    static func computeKeys(_ identity: ComparableIdentity) -> [BlockingKey] {
        var keys: [String] = []
        let year = identity.birthDate.map { String($0.year) }
        let families = [identity.birthName, identity.usedName].compactMap { $0?.phonetic }.filter { !$0.isEmpty }
        if let year {
            for family in families { keys.append("N:\(family):\(year)") }
        }
        if let date = identity.birthDate, let month = date.month, let day = date.day {
            keys.append("D:\(date.year):\(min(month, day)):\(max(month, day))")
        }
        if let ins = identity.ins { keys.append("I:\(ins.value)") }
        if let local = identity.record.localIdentifier { keys.append("L:\(local.authority)|\(local.value)") }
        if let weak = identity.weakIdentifier {
            keys.append("W:\(weak)")
            // One typo leaves one half intact: halves as keys find a mistyped identifier.
            if weak.count >= 6 {
                keys.append("W<:\(weak.prefix(weak.count / 2))")
                keys.append("W>:\(weak.suffix(weak.count - weak.count / 2))")
            }
        }
        if let phone = identity.phone { keys.append("T:\(phone)") }
        if let given = identity.firstGivenName?.phonetic, !given.isEmpty {
            if let place = identity.birthplaceCode { keys.append("G:\(given):\(place)") }
            if let postcode = identity.postcode { keys.append("P:\(postcode):\(given)") }
            for family in families {
                keys.append(family < given ? "F:\(family):\(given)" : "F:\(given):\(family)")
            }
        }
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }.map(BlockingKey.init)
    }
}

/// A value computed on first use and kept (for derived values of immutable identities).
final class ComputedOnce<Value: Sendable>: @unchecked Sendable {
    // `stored` is only read and written under `lock`.
    private let lock = NSLock()
    private var stored: Value?

    init() {}

    /// The value, computed by `compute` on the first call (under the lock: computed once).
    func value(_ compute: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let stored { return stored }
        let value = compute()
        stored = value
        return value
    }
}
