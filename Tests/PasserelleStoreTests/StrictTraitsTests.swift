import PasserelleIdentity
import PasserelleModel
@testable import PasserelleStore
import Testing

/// The strict-trait re-check of a known IPP (`SQLRecordStore+Recheck.swift`).
@Suite("Known IPP: strict-trait contradictions and compatible changes")
struct StrictTraitsTests {
    static func identity(_ patient: Patient) -> ComparableIdentity {
        ComparableIdentity(IdentityRecord(patient: patient, id: "I1", source: nil))
    }

    @Test("case, accents, a missing side, a partial date and a first given name starting the other agree")
    func compatible() {
        let stored = Self.identity(Samples.patient(family: "LEFEVRE", given: "JEAN", birth: "19800517"))
        for incoming in [
            Samples.patient(family: "Lefèvre", given: "Jean", birth: "19800517"),
            Samples.patient(family: "LEFEVRE", given: "JEAN MARC", birth: "19800517"),
            Samples.patient(family: "LEFEVRE", given: "JEAN", birth: "1980"),
            Samples.patient(family: "LEFEVRE", given: "JEAN", birth: "19800517", sex: "U", place: nil),
        ] {
            #expect(StrictTraits.contradictions(stored, Self.identity(incoming)).isEmpty)
        }
    }

    @Test("birth date, sex, first given name, birth name, birthplace and INS contradict, named without values")
    func contradictions() {
        let stored = Self.identity(Samples.patient(ins: Samples.marieINS))
        let cases: [(Patient, String)] = [
            (Samples.patient(birth: "19810517", ins: Samples.marieINS), "birth-date"),
            (Samples.patient(sex: "M", ins: Samples.marieINS), "sex"),
            (Samples.patient(given: "PAULINE", ins: Samples.marieINS), "first-given-name"),
            (Samples.patient(family: "DUPOND", ins: Samples.marieINS), "birth-name"),
            (Samples.patient(place: "69123", ins: Samples.marieINS), "birthplace"),
            (Samples.patient(ins: Samples.ins("2800575056124")), "ins"),
        ]
        for (incoming, trait) in cases {
            #expect(StrictTraits.contradictions(stored, Self.identity(incoming)).contains(trait), "\(trait)")
        }
    }

    @Test("the merged record keeps a full birth date and a determined sex, and takes an added used name")
    func merged() {
        let stored = IdentityRecord(patient: Samples.patient(birth: "19800517"), id: "I1", source: nil)
        var incoming = IdentityRecord(patient: Samples.patient(birth: "1980", sex: "U"), id: "I1", source: nil)
        incoming.usedFamilyName = "MARTIN"
        let result = StrictTraits.merged(stored: stored, incoming: incoming)
        #expect(result.birthDate == stored.birthDate)
        #expect(result.sex == stored.sex)
        #expect(result.usedFamilyName == "MARTIN")
    }
}
