import Foundation
import PasserelleModel
import Testing
@testable import PasserelleFlat

/// Result comments, second value/unit, textual reference ranges and the information recipient.
struct ResultDetailTests {
    func results(_ document: ClinicalDocument) -> [ResultEntry] {
        if case .structured(_, let results) = document.body { return results }
        return []
    }

    /// Windows-1252 bytes with CRLF line ends, as real HPRIM files are.
    func cp1252(_ lines: [String]) -> [UInt8] {
        let text = lines.joined(separator: "\r\n") + "\r\n"
        return Array(text.data(using: .windowsCP1252)!)
    }

    @Test func hprimSanteCommentsAttachToTheirResultAndTextRangesAreKept() throws {
        let result = try HPRIMSanteReader().read(bytes: FlatFixtures.bytes("hprim/sante-two-patients.hpr"), sourceName: "s.hpr")
        let first = results(try #require(result.documents.first?.document))
        let potassium = try #require(first.first { $0.code?.code == "K" })
        #expect(potassium.comments.count == 1)
        #expect(potassium.comments.first?.hasPrefix("Hémolyse légère") == true)
        // The C record before any OBR comments on the patient, not on a result.
        #expect(first.filter { !$0.comments.isEmpty }.count == 1)
        let second = results(try #require(result.documents.last?.document))
        let sedimentation = try #require(second.first { $0.code?.code == "VS" })
        #expect(sedimentation.referenceRangeText == "normale selon l'âge")
        #expect(sedimentation.referenceLow == nil && sedimentation.referenceHigh == nil)
        #expect(second.first { $0.code?.code == "CRP" }?.referenceRangeText == nil)
    }

    @Test func hprimNetSecondValueCommentsAndRecipient() throws {
        let result = HPRIMNetReader().read(bytes: try FlatFixtures.bytes("hprim/net-report.hpr"), sourceName: "n.hpr")
        let document = try #require(result.documents.first?.document)
        let entries = results(document)
        let glucose = try #require(entries.first { $0.code?.code == "GLY" })
        #expect(glucose.secondValue == "0.97" && glucose.secondUnit == "g/L")
        #expect(glucose.secondReferenceLow == "0.70" && glucose.secondReferenceHigh == "1.10")
        #expect(entries.first { $0.code?.code == "K" }?.secondValue == nil)
        // "TEX|Hématologie" heads the next results: it is not a comment on the potassium.
        #expect(entries.allSatisfy { $0.comments.isEmpty })
        let recipient = try #require(document.informationRecipients.first)
        #expect(recipient.identifiers.first?.extension == "CAB001")
        #expect(recipient.names.first?.text == "Dr Médecin Fictif")
    }

    @Test func hprimNetTexLinesAfterAResultAreItsComments() throws {
        var lines = ["RES00043", "FICTIF", "Anne", "", "", "", "01/01/1980", "", "", "05/01/2024", "LAB001 Labo", "CAB001 Dr Fictif"]
        lines += ["****LAB****", "RES|Potassium|K|N|5.9|mmol/L|3.5|5.0|H|F", "TEX|Hémolyse légère,", "TEX|à contrôler.", "****FIN****"]
        lines += ["****FINFICHIER****"]
        let result = HPRIMNetReader().read(bytes: cp1252(lines), sourceName: "c.hpr")
        let document = try #require(result.documents.first?.document)
        #expect(results(document).first?.comments == ["Hémolyse légère,", "à contrôler."])
    }

    @Test func additionsRoundTripAndAreOmittedWhenAbsent() throws {
        let plain = ResultEntry(code: CodedValue(code: "K"), value: "5.9")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(plain), as: UTF8.self) == #"{"code":{"code":"K","translations":[]},"value":"5.9"}"#)
        var full = plain
        full.comments = ["à contrôler"]
        full.secondValue = "0.97"
        full.secondUnit = "g/L"
        full.referenceRangeText = "négatif"
        let decoded = try JSONDecoder().decode(ResultEntry.self, from: try encoder.encode(full))
        #expect(decoded == full)
        var document = ClinicalDocument(title: "x")
        document.informationRecipients = [Professional(names: [PersonName(text: "Dr Fictif")])]
        document.encounter = Encounter(identifiers: [Identifier(root: "1.2", extension: "e1", kind: .other)])
        let copy = try JSONDecoder().decode(ClinicalDocument.self, from: try encoder.encode(document))
        #expect(copy == document)
        #expect(copy.encounter?.identifiers.first?.extension == "e1")
    }
}
