import Foundation
import PasserelleCDA
import PasserelleEmit
import PasserelleModel
import Testing

@Suite("Normalized CDA")
struct NormalizedCDATests {
    let emitter = NormalizedCDAEmitter(gatewayOID: "1.2.250.1.999.9.1")

    /// The model as JSON with source locations and provenance removed (they legitimately
    /// change when a line is added), for a meaning-level comparison.
    private func comparable(_ document: ClinicalDocument) throws -> NSDictionary {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.userInfo[.includeAttachmentPayloads] = true
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { $0.key != "location" && $0.key != "provenance" }.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        return strip(try JSONSerialization.jsonObject(with: encoder.encode(document))) as! NSDictionary
    }

    @Test("Re-reads as the same document plus the gateway id after the existing ids", arguments: EmitFixtures.validNames)
    func sameMeaningPlusID(name: String) throws {
        let (original, bytes) = try EmitFixtures.document(name)
        let normalized = try emitter.normalize(original: bytes, canonicalPatientID: "P-000042", sourceName: name)
        let reread = try #require(
            CDAReader().read(normalized, sourceName: name, receivedAt: EmitFixtures.receivedAt).document)
        let identifiers = try #require(reread.patient?.identifiers)
        let added = try #require(identifiers.last)
        #expect(added.root == "1.2.250.1.999.9.1")
        #expect(added.extension == "P-000042")
        #expect(Array(identifiers.dropLast()) == original.patient?.identifiers)
        var withoutAdded = reread
        withoutAdded.patient?.identifiers.removeLast()
        #expect(try comparable(withoutAdded) == comparable(original))
    }

    @Test("Only the id line is added; indentation is copied from the existing ids")
    func minimalTextualChange() throws {
        let bytes = try EmitFixtures.bytes("ldl-ses-complete.xml")
        let normalized = try emitter.normalize(original: bytes, canonicalPatientID: "P-1")
        let before = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        let after = String(decoding: normalized, as: UTF8.self).components(separatedBy: "\n")
        #expect(after.count == before.count + 1)
        let index = try #require(after.firstIndex { $0.contains("P-1") })
        #expect(after[index] == "      <id root=\"1.2.250.1.999.9.1\" extension=\"P-1\"/>")
        #expect(after[index - 1].contains("IPP000123"))
        var removed = after
        removed.remove(at: index)
        // Everything else is identical, except the XML declaration's quoting style.
        #expect(Array(removed.dropFirst()) == Array(before.dropFirst()))
    }

    @Test("An ISO-8859-1 document stays ISO-8859-1, accented bytes included")
    func keepsEncoding() throws {
        let bytes = try EmitFixtures.bytes("iso-8859-1.xml")
        let normalized = try emitter.normalize(original: bytes, canonicalPatientID: "P-2")
        let head = String(decoding: normalized.prefix(60), as: UTF8.self)
        #expect(head.contains("encoding=\"ISO-8859-1\""))
        // "à" is the single byte 0xE0 in ISO-8859-1 (and never the UTF-8 pair C3 A0).
        let accented = Data("Lettre de liaison \u{E0} la sortie".data(using: .isoLatin1)!)
        #expect(normalized.range(of: accented) != nil)
        #expect(normalized.range(of: Data([0xC3, 0xA0])) == nil)
        let reread = try #require(CDAReader().read(normalized, sourceName: "iso").document)
        #expect(reread.title == "Lettre de liaison \u{E0} la sortie")
    }

    @Test("Auto-présentable documents get the id in the prefixed CDA namespace")
    func selfPresenting() throws {
        let bytes = try EmitFixtures.bytes("auto-presentable.xml")
        let normalized = try emitter.normalize(original: bytes, canonicalPatientID: "P-3")
        let text = String(decoding: normalized, as: UTF8.self)
        #expect(text.contains("<c:id root=\"1.2.250.1.999.9.1\" extension=\"P-3\"/>"))
    }

    @Test("Errors: not XML, not CDA, no patient role, empty id", arguments: [
        ("not xml at all", "EMIT-NOT-CDA"),
        ("<root xmlns=\"urn:other\"/>", "EMIT-NOT-CDA"),
        ("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2\"/></ClinicalDocument>", "EMIT-NO-PATIENT-ROLE"),
    ])
    func errors(input: String, code: String) throws {
        #expect(throws: EmitError.self) { try emitter.normalize(original: Data(input.utf8), canonicalPatientID: "P") }
        do {
            _ = try emitter.normalize(original: Data(input.utf8), canonicalPatientID: "P", sourceName: "bad.xml")
        } catch {
            #expect(error.code.rawValue == code)
            #expect(error.sourceName == "bad.xml")
        }
        let bytes = try EmitFixtures.bytes("ldl-ses-complete.xml")
        do {
            _ = try emitter.normalize(original: bytes, canonicalPatientID: "")
            Issue.record("an empty canonical id must be refused")
        } catch {
            #expect(error.code.rawValue == "EMIT-ARGUMENT")
        }
    }

    @Test("A DOCTYPE is still refused (the safe parser is used)")
    func refusesDTD() throws {
        let attack = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><ClinicalDocument xmlns=\"urn:hl7-org:v3\">&e;</ClinicalDocument>"
        do {
            _ = try emitter.normalize(original: Data(attack.utf8), canonicalPatientID: "P")
            Issue.record("a DOCTYPE must be refused")
        } catch {
            #expect(error.code.rawValue == "EMIT-NOT-CDA")
            #expect(error.message.contains("XML-DTD-FORBIDDEN"))
        }
    }
}
