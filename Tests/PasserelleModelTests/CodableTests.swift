import Foundation
import PasserelleModel
import Testing

@Suite struct CodableTests {
    static func json(_ document: ClinicalDocument, includePayloads: Bool = false) throws -> [String: Any] {
        let data = try SampleDocument.encoder(includePayloads: includePayloads).encode(document)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func fullDocumentRoundTripsWithPayloads() throws {
        let document = SampleDocument.document
        let data = try SampleDocument.encoder(includePayloads: true).encode(document)
        let decoded = try SampleDocument.decoder.decode(ClinicalDocument.self, from: data)
        #expect(decoded == document)
        #expect(decoded.body.attachments.first?.data == SampleDocument.pdf)
        #expect(decoded.provenance?.records == 1...3)
    }

    @Test func withoutPayloadsOnlyTheBytesAreDropped() throws {
        let document = SampleDocument.document
        let data = try SampleDocument.encoder().encode(document)
        let decoded = try SampleDocument.decoder.decode(ClinicalDocument.self, from: data)
        #expect(decoded != document)
        let attachment = try #require(decoded.body.attachments.first)
        #expect(attachment.data == nil)
        #expect(attachment.size == SampleDocument.pdf.count)
        #expect(attachment.sha256 == SampleDocument.attachment.sha256)
        var expected = document
        expected.body = .structured(
            sections: [{ var section = SampleDocument.document.bodySections[0]; section.attachments[0].data = nil; return section }()],
            results: SampleDocument.document.bodyResults)
        #expect(decoded == expected)
    }

    @Test func attachmentPayloadIsEncodedOnlyWhenAskedFor() throws {
        let base64 = SampleDocument.pdf.base64EncodedString()
        for (flag, expected) in [(nil, false), (false, false), (true, true)] as [(Bool?, Bool)] {
            let encoder = JSONEncoder()
            if let flag { encoder.userInfo[.includeAttachmentPayloads] = flag }
            let text = String(decoding: try encoder.encode(SampleDocument.attachment), as: UTF8.self)
            #expect(text.contains("\"data\"") == expected, "flag \(String(describing: flag))")
            #expect(text.contains(base64) == expected)
            #expect(text.contains("\"size\":\(SampleDocument.pdf.count)"))
        }
        // A non-Bool value is not a yes.
        let encoder = JSONEncoder()
        encoder.userInfo[.includeAttachmentPayloads] = "true"
        #expect(!String(decoding: try encoder.encode(SampleDocument.attachment), as: UTF8.self).contains("\"data\""))
    }

    @Test func documentBodyJSONShape() throws {
        let attachment = Attachment(mediaType: "text/plain", data: Data("x".utf8))
        let cases: [(DocumentBody, [String: Any])] = [
            (.absent, ["kind": "absent"]),
            (.text("Bonjour"), ["kind": "text", "text": "Bonjour"]),
            (.nonXML(attachment), ["kind": "nonXML", "attachment": ["mediaType": "text/plain", "size": 1]]),
            (.structured(sections: [], results: []), ["kind": "structured", "sections": [Any](), "results": [Any]()]),
        ]
        for (body, expected) in cases {
            let data = try JSONEncoder().encode(body)
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
            #expect(object == expected as NSDictionary, "\(body.kind)")
            #expect(try JSONDecoder().decode(DocumentBody.self, from: data).kind == body.kind)
        }
        let unknown = Data(#"{"kind":"pdf"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(DocumentBody.self, from: unknown) }
        let structuredWithoutArrays = try JSONDecoder().decode(DocumentBody.self, from: Data(#"{"kind":"structured"}"#.utf8))
        #expect(structuredWithoutArrays == .structured(sections: [], results: []))
    }

    @Test func documentJSONUsesStableNames() throws {
        let object = try Self.json(SampleDocument.document)
        let provenance = try #require(object["provenance"] as? [String: Any])
        #expect(provenance["records"] as? [Int] == [1, 3])
        #expect(provenance["receivedAt"] as? String == "2024-01-06T10:36:23Z")
        #expect(provenance["format"] as? String == "cda")
        let patient = try #require(object["patient"] as? [String: Any])
        #expect((patient["identifiers"] as? [[String: Any]])?.first?["kind"] as? String == "INS-NIR-TEST")
        #expect(patient["sex"] as? String == "F")
        let creation = try #require(object["creationTime"] as? [String: Any])
        #expect(creation["precision"] as? String == "fraction")
        #expect(creation["utcOffsetMinutes"] as? Int == 60)
        // Synthesized conformances omit nil optionals.
        #expect(patient["usedGivenName"] == nil)
        #expect((try Self.json(ClinicalDocument()))["body"] as? [String: String] == ["kind": "absent"])
        let diagnostic = Diagnostic(code: "XML-DTD-FORBIDDEN", severity: .error, message: "m", location: SourceLocation(line: 2, column: 3))
        let encoded = String(decoding: try JSONEncoder().encode(diagnostic), as: UTF8.self)
        #expect(encoded.contains(#""code":"XML-DTD-FORBIDDEN""#))
    }
}

extension ClinicalDocument {
    var bodySections: [Section] {
        if case .structured(let sections, _) = body { return sections }
        return []
    }

    var bodyResults: [ResultEntry] {
        if case .structured(_, let results) = body { return results }
        return []
    }
}
