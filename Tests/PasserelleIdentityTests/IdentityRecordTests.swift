import Foundation
import PasserelleIdentity
import Testing

/// The record value: copy-on-write storage and the JSON format the store adapters persist.
@Suite("Identity record value")
struct IdentityRecordTests {
    @Test("A mutated copy never changes the original (copy-on-write), and equality compares the traits")
    func copyOnWrite() {
        let original = Fixtures.record("A", family: "DUPONT", phone: "0612345678")
        var copy = original
        #expect(copy == original)
        copy.birthFamilyName = "DURAND"
        copy.phone = nil
        #expect(original.birthFamilyName == "DUPONT")
        #expect(original.phone == "0612345678")
        #expect(copy.birthFamilyName == "DURAND" && copy.phone == nil)
        #expect(copy != original)
        let rebuilt = Fixtures.record("A", family: "DUPONT", phone: "0612345678")
        #expect(rebuilt == original)
        #expect(Set([original, rebuilt, copy]).count == 2)
    }

    @Test("JSON keeps the property names as keys, leaves absent traits out, and round-trips")
    func json() throws {
        let record = IdentityRecord(
            id: "r1", source: "CHU", localIdentifier: LocalIdentifier(authority: "1.2.3", value: "IPP1"),
            birthFamilyName: "DUPONT", birthGivenNames: "Marie Anne", birthDate: "1980-05-17", sex: "F",
            status: .provisional, attributes: .homonym)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(record)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == [
            "id", "source", "localIdentifier", "birthFamilyName", "birthGivenNames", "birthDate", "sex", "status",
            "attributes",
        ])
        #expect(object["id"] as? String == "r1")
        #expect(try JSONDecoder().decode(IdentityRecord.self, from: data) == record)
        // A document written before the copy-on-write storage decodes the same way.
        let stored = #"{"id":"r2","birthFamilyName":"MARTIN","attributes":0,"phone":"0102030405"}"#
        let decoded = try JSONDecoder().decode(IdentityRecord.self, from: Data(stored.utf8))
        #expect(decoded == IdentityRecord(id: "r2", birthFamilyName: "MARTIN", phone: "0102030405"))
    }
}
