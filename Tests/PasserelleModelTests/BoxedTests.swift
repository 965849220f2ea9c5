import Foundation
import PasserelleModel
import Testing

/// `@Boxed` members (the patient among them) behave as plain optionals: same values, same JSON,
/// a change to one copy never reaches another; `$member` shares one box between documents.
@Suite struct BoxedTests {
    static func patient(_ family: String) -> Patient {
        var patient = Patient()
        patient.birthFamilyName = family
        patient.birthGivenNames = ["JEAN", "PIERRE"]
        return patient
    }

    @Test func copiesShareTheBoxUntilOneChanges() {
        var first = ClinicalDocument()
        first.patient = Self.patient("DUPONT")
        var second = ClinicalDocument()
        second.$patient = first.$patient
        #expect(second.$patient.sharesStorage(with: first.$patient))
        #expect(second.patient == first.patient)
        second.patient?.birthFamilyName = "MARTIN"
        #expect(first.patient?.birthFamilyName == "DUPONT", "a change to one document never reaches the other")
        #expect(second.patient?.birthFamilyName == "MARTIN")
        #expect(!second.$patient.sharesStorage(with: first.$patient))
        var alone = ClinicalDocument()
        alone.patient = Self.patient("DUPONT")
        alone.patient?.birthFamilyName = "DURAND"
        #expect(alone.patient?.birthFamilyName == "DURAND", "a box nobody shares is changed in place")
        alone.patient = nil
        #expect(alone.patient == nil)
        #expect(!alone.$patient.sharesStorage(with: alone.$patient), "no box, nothing shared")
    }

    @Test func equalityAndJSONAreThoseOfAPlainOptional() throws {
        var one = ClinicalDocument(), two = ClinicalDocument()
        one.patient = Self.patient("DUPONT")
        two.patient = Self.patient("DUPONT")
        #expect(one == two)
        #expect(one.hashValue == two.hashValue)
        two.patient?.birthGivenNames.append("PAUL")
        #expect(one != two)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(one), as: UTF8.self)
        #expect(json.contains(#""patient":{"#))
        #expect(try JSONDecoder().decode(ClinicalDocument.self, from: Data(json.utf8)) == one)
        let none = String(decoding: try encoder.encode(ClinicalDocument()), as: UTF8.self)
        #expect(!none.contains("patient"), "a nil patient is omitted, as a plain optional is")
    }
}
