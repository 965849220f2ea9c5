import Foundation
import PasserelleModel
import Testing

@Suite struct StreamingJSONEncoderTests {
    /// The same JSON content as `JSONEncoder` (compared as parsed objects).
    static func sameContent<T: Encodable>(_ value: T) throws -> Bool {
        let streamed = try StreamingJSONEncoder().encode(value)
        let reference = try JSONEncoder().encode(value)
        let a = try JSONSerialization.jsonObject(with: streamed, options: [.fragmentsAllowed]) as? NSObject
        let b = try JSONSerialization.jsonObject(with: reference, options: [.fragmentsAllowed]) as? NSObject
        return a != nil && a == b
    }

    @Test("a whole document: same content as JSONEncoder, decodes back to the same value, same bytes every time")
    func documentRoundTrip() throws {
        let document = SampleDocument.document
        #expect(try Self.sameContent(document))
        let withPayloads = try StreamingJSONEncoder(userInfo: [.includeAttachmentPayloads: true]).encode(document)
        #expect(try JSONDecoder().decode(ClinicalDocument.self, from: withPayloads) == document)
        let data = try StreamingJSONEncoder().encode(document)
        let withoutPayloads = try JSONDecoder().decode(ClinicalDocument.self, from: data)
        #expect(withoutPayloads.bodySections.first?.attachments.first?.data == nil, "payloads only when asked for, as with JSONEncoder")
        var expected = document
        expected.body = .structured(
            sections: [{ var section = document.bodySections[0]; section.attachments[0].data = nil; return section }()],
            results: document.bodyResults)
        #expect(withoutPayloads == expected)
        #expect(try StreamingJSONEncoder().encode(document) == data)
        #expect(try StreamingJSONEncoder().encodeToString(document) == String(decoding: data, as: UTF8.self))
    }

    struct Text: Codable, Equatable {
        var value: String
    }

    @Test("strings are escaped as JSON requires and decode back unchanged", arguments: [
        "plain", "", "quote \" and backslash \\", "line\nbreak\r\ttab", "control \u{01}\u{08}\u{0C}\u{1F} end",
        "accents éàç œ, € and 😀", "slash / kept", "\u{2028}\u{2029}",
    ])
    func strings(_ text: String) throws {
        let data = try StreamingJSONEncoder().encode(Text(value: text))
        #expect(try JSONDecoder().decode(Text.self, from: data) == Text(value: text))
        #expect(try Self.sameContent(Text(value: text)))
        #expect(!data.contains(0x0A) && !data.contains(0x01), "raw control characters never reach the output")
    }

    @Test("long strings: an escaped character at every offset of the eight-byte scan, around multi-byte text")
    func longStrings() throws {
        let body = "Compte rendu: patiente âgée, œdème — suivi"
        for escaped in ["\"", "\\", "\n", "\u{01}", "\u{1F}", "\t"] {
            for offset in 0...20 {
                var text = body
                text.insert(contentsOf: escaped, at: text.index(text.startIndex, offsetBy: offset))
                text += String(repeating: "x", count: offset) + escaped
                let data = try StreamingJSONEncoder().encode(Text(value: text))
                #expect(try JSONDecoder().decode(Text.self, from: data) == Text(value: text), "\(offset)")
                #expect(try Self.sameContent(Text(value: text)))
            }
        }
        let long = String(repeating: "mot accentué é ", count: 500)
        let data = try StreamingJSONEncoder().encode(Text(value: long))
        #expect(data == Data(#"{"value":""#.utf8) + Data(long.utf8) + Data(#""}"#.utf8), "nothing to escape: copied as it is")
    }

    struct Scalars: Codable, Equatable {
        var int = -42
        var uint: UInt64 = .max
        var small: Int8 = -128
        var double = 0.1
        var tiny = 1e-300
        var float: Float = 2.5
        var flag = true
        var missing: String? = nil
        var present: String? = "x"
        var bytes = Data([0, 1, 2, 250, 255])
        var date = Date(timeIntervalSinceReferenceDate: 123_456.789)
        var url = URL(string: "https://example.org/a?b=c")!
        var list = [1, 2, 3]
        var nested = [[String]](arrayLiteral: ["a"], [], ["b", "c"])
        var optionals: [Int?] = [1, nil, 3]
    }

    @Test("numbers, booleans, optionals, Data (base64), Date and URL decode with JSONDecoder's defaults")
    func scalars() throws {
        let value = Scalars()
        let data = try StreamingJSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(Scalars.self, from: data) == value)
        #expect(try Self.sameContent(value))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["bytes"] as? String == Data([0, 1, 2, 250, 255]).base64EncodedString())
        #expect(object["missing"] == nil, "an absent optional is omitted")
    }

    @Test("a non-finite number is refused, as by JSONEncoder")
    func nonFinite() {
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode(Scalars(double: .infinity)) }
    }

    struct Outer: Encodable {
        struct Inner: Encodable { var ratio: Double }
        var name = "x"
        var inner: Inner
    }

    @Test("the error names the path of the refused number (built only when an error is thrown)")
    func nonFinitePath() {
        do {
            _ = try StreamingJSONEncoder().encode(Outer(inner: .init(ratio: .nan)))
            Issue.record("a NaN was encoded")
        } catch let EncodingError.invalidValue(_, context) {
            #expect(context.codingPath.map(\.stringValue) == ["inner", "ratio"])
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// Uses every container form by hand.
    struct Manual: Encodable {
        enum Keys: String, CodingKey { case name, inner, items, after, deep }
        enum InnerKeys: String, CodingKey { case a, b }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("first", forKey: .name)
            var inner = container.nestedContainer(keyedBy: InnerKeys.self, forKey: .inner)
            try inner.encode(1, forKey: .a)
            try inner.encodeNil(forKey: .b)
            var items = container.nestedUnkeyedContainer(forKey: .items)
            try items.encode("x")
            var sub = items.nestedContainer(keyedBy: InnerKeys.self)
            try sub.encode(true, forKey: .a)
            var deeper = items.nestedUnkeyedContainer()
            try deeper.encode(2.5)
            try items.encode("y")
            try container.encode([Empty()], forKey: .after)
            let superEncoder = container.superEncoder(forKey: .deep)
            var single = superEncoder.singleValueContainer()
            try single.encode("super")
        }
    }

    struct Empty: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    @Test("nested keyed and unkeyed containers and super-encoders are closed in order; an empty value is {}")
    func nestedContainers() throws {
        #expect(try Self.sameContent(Manual()))
        let text = String(decoding: try StreamingJSONEncoder().encode(Manual()), as: UTF8.self)
        #expect(text == #"{"name":"first","inner":{"a":1,"b":null},"items":["x",{"a":true},[2.5],"y"],"after":[{}],"deep":"super"}"#)
    }
}
