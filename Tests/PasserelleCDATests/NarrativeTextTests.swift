import Foundation
import PasserelleCDA
import PasserelleModel
import Testing

/// Narrative blocks render as plain text: white space runs collapse to one space, block
/// elements start lines, table cells are joined by ` | `; long runs of words are copied whole.
@Suite struct NarrativeTextTests {
    static func sectionText(_ narrative: String) throws -> String? {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ClinicalDocument xmlns="urn:hl7-org:v3">
              <component><structuredBody><component><section>
                <title>T</title>
                <text>\(narrative)</text>
              </section></component></structuredBody></component>
            </ClinicalDocument>
            """
        let parsed = CDAReader().read(Data(xml.utf8), sourceName: "narrative.xml")
        let document = try #require(parsed.document, "\(parsed.diagnostics)")
        guard case .structured(let sections, _) = document.body else { return nil }
        return sections.first?.text
    }

    @Test("white space: runs collapse, line starts and ends are trimmed, DEL kept", arguments: [
        ("plain words separated by single spaces stay as they are", "plain words separated by single spaces stay as they are"),
        ("  lead and   inner\t\truns\r\n of  white space  ", "lead and inner runs of white space"),
        ("Œdème  des membres inférieurs — TA : 13/8 ;\tFC 72", "Œdème des membres inférieurs — TA : 13/8 ; FC 72"),
        ("a b c d e f g h i j k l m n o p q r s t u v w x y z  end", "a b c d e f g h i j k l m n o p q r s t u v w x y z end"),
        ("abcdefghijklmnopqrstuvwxyz0123456789 abcdefghijklmnopqrstuvwxyz\n", "abcdefghijklmnopqrstuvwxyz0123456789 abcdefghijklmnopqrstuvwxyz"),
        ("word <content>inline</content> next <content> spaced </content>end", "word inline next spaced end"),
        ("x\u{7F}y  z", "x\u{7F}y z"),
    ])
    func whiteSpace(_ narrative: String, _ expected: String) throws {
        #expect(try Self.sectionText(narrative) == expected)
    }

    @Test("blocks, line breaks and table cells")
    func structure() throws {
        let narrative = """
            <paragraph>Premier   paragraphe
              sur deux lignes</paragraph><paragraph>Second</paragraph>avant<br/>après
            <table><tr><td>Glycémie</td><td> 5,2  mmol/l </td></tr><tr><td>HbA1c</td><td>6,1 %</td></tr></table>
            """
        #expect(try Self.sectionText(narrative) == "Premier paragraphe sur deux lignes\nSecond\navant\naprès\nGlycémie | 5,2 mmol/l\nHbA1c | 6,1 %")
    }
}
