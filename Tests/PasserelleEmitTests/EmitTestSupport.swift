import Foundation
import PasserelleCDA
import PasserelleModel
import PasserelleTestSupport
import Testing

/// Shared helpers: fixture documents read by the real CDA reader, and JSON navigation.
enum EmitFixtures {
    /// A fixed reception time, so that model JSON is reproducible.
    static let receivedAt = Date(timeIntervalSince1970: 1_750_000_000)

    static func bytes(_ name: String) throws -> Data {
        try Data(contentsOf: TestPaths.fixture("cda/valid/\(name)"))
    }

    /// Reads a fixture with `CDAReader`; fails the test when it is not a document.
    static func document(_ name: String) throws -> (ClinicalDocument, Data) {
        let data = try bytes(name)
        let parsed = CDAReader().read(data, sourceName: "cda/valid/\(name)", receivedAt: receivedAt)
        let document = try #require(parsed.document, "fixture \(name) must be readable")
        return (document, data)
    }

    static let validNames = [
        "auto-presentable.xml", "corsica-born.xml", "cr-niveau1-pdf.xml", "iso-8859-1.xml", "ldl-ses-complete.xml",
        "replacement-v1.xml", "replacement-v2.xml",
    ]
}

/// A parsed JSON object, navigated without the emitter's own types.
struct JSONObject {
    let value: [String: Any]

    init(_ value: Any?) throws {
        self.value = try #require(value as? [String: Any], "expected a JSON object")
    }

    init(data: Data) throws {
        try self.init(try JSONSerialization.jsonObject(with: data))
    }

    subscript(key: String) -> Any? { value[key] }

    func string(_ key: String) -> String? { value[key] as? String }

    func object(_ key: String) throws -> JSONObject { try JSONObject(value[key]) }

    func array(_ key: String) -> [JSONObject] {
        ((value[key] as? [Any]) ?? []).compactMap { try? JSONObject($0) }
    }
}

extension JSONObject {
    /// Bundle entries' resources of one type.
    func resources(_ type: String) -> [JSONObject] {
        array("entry").compactMap { try? $0.object("resource") }.filter { $0.string("resourceType") == type }
    }

    /// The resource whose `urn:uuid:` full URL is `reference`.
    func resolve(_ reference: String?) -> JSONObject? {
        array("entry").first { $0.string("fullUrl") == reference }.flatMap { try? $0.object("resource") }
    }
}
