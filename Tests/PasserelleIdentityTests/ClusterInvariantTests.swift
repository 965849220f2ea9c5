import Foundation
import PasserelleIdentity
import PasserelleTestSupport
import Testing

/// R14 as a property of every batch result: whatever links the records make, no cluster holds
/// two different usable INS of one kind, nor two IPPs of one assigning authority.
@Suite("Cluster invariants (R14)")
struct ClusterInvariantTests {
    /// Records drawn from small pools of names, dates, homes, INS numbers and IPPs, so that many
    /// pairs link, chains form through records without INS, and identifiers collide.
    static func records(seed: UInt64, count: Int) -> [IdentityRecord] {
        var generator = SeededGenerator(state: seed)
        let families = ["DUPONT", "Dupont", "DUPOND", "MARTIN"]
        let givens = ["Lucie", "LUCIE", "Lucie Anne", "Luce", nil]
        let births = ["1980-05-17", "17/05/1980", "1980-05-18", "1980-17-05", nil]
        let phones = ["0612345678", "0698765432", nil]
        // Valid INS numbers of women born in May 1980 in Paris (75056): usable on those traits.
        let numbers = ["2800575056123", "2800575056456", "2800575056789"].map(Fixtures.ins) + [nil, nil, nil]
        let facilities = ["1.2.3.4", "5.6.7.8", nil]
        return (0..<count).map { index in
            let facility = facilities.randomElement(using: &generator) ?? nil
            return Fixtures.record(
                "R\(index)", family: families.randomElement(using: &generator),
                given: givens.randomElement(using: &generator) ?? nil, birth: births.randomElement(using: &generator) ?? nil,
                phone: phones.randomElement(using: &generator) ?? nil, ins: numbers.randomElement(using: &generator) ?? nil,
                source: facility, ipp: facility.map { _ in "IPP\(Int.random(in: 1...6, using: &generator))" })
        }
    }

    @Test("no cluster holds two usable INS of one kind or two IPPs of one authority", arguments: 1...12 as ClosedRange<UInt64>)
    func clustersHoldOneIdentifierPerKind(seed: UInt64) {
        let identities = Self.records(seed: seed, count: 120).map(ComparableIdentity.init)
        let result = BatchMatcher(matcher: Fixtures.matcher).dedupe(identities)
        var numbers: [Int: Set<String>] = [:], ipps: [String: Set<String>] = [:]
        for (identity, cluster) in zip(identities, result.clusters) {
            if let ins = identity.usableINS { numbers[cluster, default: []].insert(ins.value) }
            if let local = identity.record.localIdentifier { ipps["\(cluster) \(local.authority)", default: []].insert(local.value) }
        }
        #expect(numbers.values.allSatisfy { $0.count <= 1 }, "seed \(seed)")
        #expect(ipps.values.allSatisfy { $0.count <= 1 }, "seed \(seed)")
        // The draw does make multi-record clusters holding identifiers.
        #expect(Set(result.clusters).count < identities.count)
        // Every linked pair is inside one cluster, and the pairs file agrees with the clusters.
        for pair in result.pairs where pair.explanation.decision == .link {
            #expect(result.clusters[pair.left] == result.clusters[pair.right], "seed \(seed)")
        }
    }

    @Test("records resolved one by one never give a patient two usable INS of one kind or two IPPs of one authority",
          arguments: 1...6 as ClosedRange<UInt64>)
    func patientsHoldOneIdentifierPerKind(seed: UInt64) throws {
        var index = PatientIndex(identityIndex: InMemoryIdentityIndex())
        let metadata = EventMetadata(actor: "test", date: .init(timeIntervalSince1970: 0), reason: "import")
        var linked = 0
        for record in Self.records(seed: seed &+ 100, count: 120) {
            if try index.resolve(record, matcher: Fixtures.matcher, metadata: metadata).decision == .link { linked += 1 }
        }
        #expect(linked > 0)
        for patient in index.patients.values {
            let identities = patient.records.compactMap { index.records[$0] }.map(ComparableIdentity.init)
            #expect(Set(identities.compactMap { $0.usableINS?.value }).count <= 1, "seed \(seed), \(patient.id)")
            let locals = identities.compactMap(\.record.localIdentifier)
            for authority in Set(locals.map(\.authority)) {
                #expect(Set(locals.filter { $0.authority == authority }.map(\.value)).count <= 1, "seed \(seed), \(patient.id)")
            }
        }
    }
}
