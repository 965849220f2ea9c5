import Foundation
@testable import PasserelleIdentity
import PasserelleModel
import Testing

/// The byte-wise fast paths give exactly what the general (character-wise, Foundation) paths give.
@Suite("Identity fast paths agree with the general readings")
struct FastPathTests {
    @Test("birth dates of digits and separators: byte-wise fields equal character-wise fields (20,000 strings)")
    func birthDateFields() {
        var generator = SplitMix64(seed: 4)
        let alphabet: [String] = ["0", "1", "2", "9", "19", "2024", "00", "/", "-", ".", " ", "12", "31", "123456789012345678901"]
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0..<7, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let parts = BirthDate.asciiParts(text)
            let long = text.split(whereSeparator: { "/-. ".contains($0) }).contains { $0.count >= 19 }
            #expect((parts == nil) == long, "only over-long digit runs leave the fast path: \(text)")
            guard let parts else { continue }
            let fast = BirthDate.fields(parts), slow = BirthDate.characterWiseFields(text)
            #expect(fast.0 == slow.0 && fast.1 == slow.1 && fast.2 == slow.2, "\(text)")
        }
    }

    @Test("birth dates: the usual forms, partial dates and text around them")
    func birthDates() {
        #expect(BirthDate(text: "27/12/1991") == BirthDate(year: 1991, month: 12, day: 27))
        #expect(BirthDate(text: "19911227") == BirthDate(year: 1991, month: 12, day: 27))
        #expect(BirthDate(text: "1991-12") == BirthDate(year: 1991, month: 12, day: nil))
        #expect(BirthDate(text: "00/00/1991") == BirthDate(year: 1991, month: nil, day: nil))
        #expect(BirthDate(text: "\t27/12/1991\u{00A0}") == BirthDate(year: 1991, month: 12, day: 27), "general path: tab and no-break space trimmed")
        #expect(BirthDate(text: "27/13/1991") == nil)
        #expect(BirthDate(text: "1991-12-27T10:00") == BirthDate(year: 1991, month: 12, day: 27), "general path: a time after the date is dropped")
        #expect(BirthDate(text: "") == nil)
    }

    @Test("trimming whitespace: same as Foundation's, ASCII ends returned untouched")
    func trimming() {
        for text in ["", " ", "\t", "DUPONT", " DUPONT", "DUPONT\t", "\u{00A0}Zoé\u{2003}", "é", " é ", "a b", "\u{3000}"] {
            #expect(text.trimmingWhitespace == text.trimmingCharacters(in: .whitespaces), "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test("sex codes: the one-letter fast path and the other spellings")
    func sexCodes() {
        #expect(Sex(code: "M") == .male)
        #expect(Sex(code: "F") == .female)
        #expect(Sex(code: " f ") == .female)
        #expect(Sex(code: "homme") == .male)
        #expect(Sex(code: "2") == .female)
        #expect(Sex(code: "X") == .unknown)
        #expect(Sex(code: nil) == .unknown)
    }

    @Test("an explanation encodes its flags sorted: the same JSON whatever the set's order, and it decodes back")
    func explanationJSON() throws {
        let flags = Set(DecisionFlag.allCases)
        let explanation = MatchExplanation(decision: .review, rule: .probabilistic, score: 12.5, flags: flags,
                                           contributions: [], householdWeight: 1.5)
        let data = try JSONEncoder().encode(explanation)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["flags"] as? [String] == DecisionFlag.allCases.map(\.rawValue).sorted())
        #expect(try JSONDecoder().decode(MatchExplanation.self, from: data) == explanation)
        var rebuilt = explanation
        rebuilt.flags = Set(DecisionFlag.allCases.reversed())
        #expect(try StreamingJSONEncoder().encode(rebuilt) == StreamingJSONEncoder().encode(explanation), "same bytes")
    }
}
