internal import Foundation
internal import Crypto
internal import PasserelleIdentity
internal import PasserelleModel

/// The one implementation of ``RecordStore``, written once against ``SQLDriver``; the SQLite and
/// PostgreSQL adapters differ only by their driver, dialect and schema files.
final class SQLRecordStore: RecordStore {
    let driver: any SQLDriver
    let adapter: StoreAdapter
    let configuration: StoreConfiguration
    /// Decoded identity records of recent candidates (identity resolution decodes the same
    /// records over and over).
    let identityCache = IdentityRecordCache()

    init(driver: any SQLDriver, adapter: StoreAdapter, configuration: StoreConfiguration) {
        self.driver = driver
        self.adapter = adapter
        self.configuration = configuration
    }

    /// The matcher of the identity engine.
    var matcher: PairMatcher { configuration.matcher }

    /// Now, as stored text.
    func now() -> String { StoreClock.text(configuration.clock()) }

    func schemaVersion() async throws -> Int {
        try await driver.read { tx in
            try await tx.row("SELECT MAX(version) FROM schema_migrations")?[0].int ?? 0
        }
    }

    func statistics() async throws -> StoreStatistics {
        try await driver.read { tx in
            func count(_ sql: String) async throws -> Int { try await tx.row(sql)?[0].int ?? 0 }
            return StoreStatistics(
                patients: try await count("SELECT COUNT(*) FROM patients WHERE merged_into IS NULL"),
                identities: try await count("SELECT COUNT(*) FROM identity_records"),
                documents: try await count("SELECT COUNT(*) FROM documents"),
                currentDocuments: try await count("SELECT COUNT(*) FROM documents WHERE status = 'current'"),
                openReviews: try await count("SELECT COUNT(*) FROM review_items WHERE state = 'open'"),
                openQuarantine: try await count("SELECT COUNT(*) FROM quarantine WHERE state = 'open'"))
        }
    }

    func close() async throws { try await driver.close() }
}

/// Identity records decoded from their stored JSON, by id. An entry is used only when the JSON
/// just read in the transaction is the cached text, byte for byte: a record updated since (by
/// this process or another) is decoded again, so the cache never returns stale traits. Bounded:
/// emptied when it reaches `capacity` entries.
final class IdentityRecordCache: @unchecked Sendable {
    private struct Entry {
        let json: String
        let record: IdentityRecord
        var comparable: ComparableIdentity?
    }

    private let mutex = NSLock()
    private var entries: [String: Entry] = [:]
    let capacity: Int

    init(capacity: Int = 16_384) { self.capacity = capacity }

    /// The record stored as `json` under `id`.
    func record(id: String, json: String?) throws -> IdentityRecord {
        try entry(id: id, json: json).record
    }

    /// The record stored as `json` under `id`, with its normalized form.
    func comparable(id: String, json: String?) throws -> (IdentityRecord, ComparableIdentity) {
        let found = try entry(id: id, json: json)
        if let comparable = found.comparable { return (found.record, comparable) }
        let comparable = ComparableIdentity(found.record)
        mutex.lock()
        if entries[id]?.json == json { entries[id]?.comparable = comparable }
        mutex.unlock()
        return (found.record, comparable)
    }

    /// Remembers a record just written as `json` under `id`, with its normalized form (the next
    /// resolutions that load it as a candidate neither decode nor normalize it). Harmless when
    /// the write is rolled back: an entry is only used for the same id and the same JSON text.
    func remember(id: String, json: String, record: IdentityRecord, comparable: ComparableIdentity) {
        mutex.lock()
        defer { mutex.unlock() }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[id] = Entry(json: json, record: record, comparable: comparable)
    }

    private func entry(id: String, json: String?) throws -> Entry {
        guard let json else { throw StoreError.corrupt(what: "identity record \(id)", detail: "missing JSON") }
        mutex.lock()
        let cached = entries[id]
        mutex.unlock()
        if let cached, cached.json == json { return cached }
        let entry = Entry(json: json, record: try StoreCoding.decode(IdentityRecord.self, json, what: "identity record \(id)"))
        mutex.lock()
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[id] = entry
        mutex.unlock()
        return entry
    }
}

/// JSON and hashing helpers shared by the store's files.
enum StoreCoding {
    /// Encodes a value as JSON text (sorted keys: equal values give equal text).
    static func json<T: Encodable>(_ value: T) throws -> String { try sortedJSON(value) }

    private static func sortedJSON<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }

    /// The JSON text of a document's model, as stored in `documents.model_json`: written while
    /// the model encodes itself, keys in declaration order (the model holds no dictionary or
    /// set); its share of ingest CPU is 10 % where `json(_:)` took 16 %. Bound as UTF-8 bytes:
    /// no `String` is built (and validated) only to be copied into the statement.
    static func modelJSON(_ document: ClinicalDocument) throws -> SQLValue {
        .utf8Text(try StreamingJSONEncoder().encodeToUTF8(document))
    }

    /// Encodes a value holding no dictionary or set as JSON text, keys in declaration order
    /// (``StreamingJSONEncoder``: several times faster than `json(_:)`, which identity writes
    /// pay inside the write lock). Not for text that is hashed into a key: `json(_:)` is.
    static func orderedJSON<T: Encodable>(_ value: T) throws -> String {
        try StreamingJSONEncoder().encodeToString(value)
    }

    /// The JSON of a link-history change, keys in declaration order (a review item's explanation
    /// encodes its set of flags sorted, so equal changes give equal text).
    static func json(_ change: IndexChange) throws -> String { try orderedJSON(change) }

    /// Decodes JSON text.
    static func decode<T: Decodable>(_ type: T.Type, _ text: String?, what: String) throws -> T {
        guard let text else { throw StoreError.corrupt(what: what, detail: "missing JSON") }
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corrupt(what: what, detail: "JSON does not decode as \(type)")
        }
    }

    /// Lower-case hex SHA-256.
    static func sha256(_ data: Data) -> String {
        Hex.lowercase(SHA256.hash(data: data))
    }

    /// Lower-case hex SHA-256 of a text's UTF-8 bytes.
    static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }
}
