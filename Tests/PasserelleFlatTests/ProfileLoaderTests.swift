import Foundation
import Testing
@testable import PasserelleFlat

struct ProfileLoaderTests {
    static let shipped = ["lgc-semicolon-cp1252.json", "colibri-comma-quoted.yaml", "fixed-width-lab-iso885915.json"]

    @Test(arguments: shipped)
    func shippedProfilesLoadAndCheckClean(name: String) throws {
        let profile = try FlatFixtures.profile(name)
        #expect(!profile.fields.isEmpty)
        let report = ProfileChecker.check(contentsOf: FlatFixtures.url("profiles/\(name)"))
        #expect(report.isValid)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
    }

    @Test func shippedProfilesDecodeTheirLayouts() throws {
        let lgc = try FlatFixtures.profile("lgc-semicolon-cp1252.json")
        #expect(lgc.layout == .delimited(DelimitedLayout(delimiter: UInt8(ascii: ";"))))
        #expect(lgc.encoding == .windows1252)
        #expect(lgc.lineEnding == .crlf)
        #expect(lgc.dateFormats.map(\.pattern) == ["dd/MM/yyyy"])
        let fixed = try FlatFixtures.profile("fixed-width-lab-iso885915.json")
        guard case .fixedWidth(let columns) = fixed.layout else {
            Issue.record("expected fixed width")
            return
        }
        #expect(columns.count == 14)
        #expect(fixed.grouping == .key(columns: [.name("IPP"), .name("DEMANDE")], maxRows: 500))
        #expect(fixed.decimalSeparator == .comma)
    }

    /// Loads `text` and returns the issues (path, line) it raises.
    func issues(_ text: String) -> [ProfileIssue] {
        do {
            _ = try ProfileLoader.load(text: text, file: "bad.json")
            return []
        } catch {
            #expect(error.file == "bad.json")
            return error.issues
        }
    }

    static let valid = """
        {"name": "t", "format": {"type": "delimited", "delimiter": ";", "header": true},
         "dates": {"formats": ["dd/MM/yyyy"]},
         "fields": [{"target": "patient.birthFamilyName", "column": "NOM"}]}
        """

    @Test func aValidMinimalProfileLoads() throws {
        let profile = try ProfileLoader.load(text: Self.valid, file: "t.json")
        #expect(profile.hasHeader)
        #expect(profile.fields[0].source == .column(.name("NOM")))
        #expect(profile.fields[0].path == "$.fields[0]")
    }

    @Test(arguments: [
        (#"{"name":"t","format":{"delimiter":";","delimeter":";"},"fields":[{"target":"patient.sex","column":1}]}"#, "$.format.delimeter"),
        (##"{"name":"t","format":{"delimiter":"#"},"fields":[{"target":"patient.sex","column":1}]}"##, "$.format.delimiter"),
        (#"{"name":"t","format":{"delimiter":";"},"fields":[{"target":"patient.foo","column":1}]}"#, "$.fields[0].target"),
        (#"{"name":"t","format":{"delimiter":";"},"fields":[{"target":"patient.ins","column":1}]}"#, "$.fields[0].oid"),
        (#"{"name":"t","format":{"delimiter":";"},"fields":[{"target":"patient.birthDate","column":1}]}"#, "$.fields[0].formats"),
        (#"{"name":"t","format":{"delimiter":";"},"dates":{"formats":["dd/MM/yy"]},"fields":[{"target":"patient.sex","column":1}]}"#, "$.dates.formats[0]"),
        (#"{"name":"t","format":{"delimiter":";"},"fields":[{"target":"patient.sex","column":"SEXE"}]}"#, "$.fields[0].column"),
        (#"{"name":"t","format":{"delimiter":";","encoding":"ebcdic"},"fields":[{"target":"patient.sex","column":1}]}"#, "$.format.encoding"),
        (#"{"name":"t","format":{"delimiter":";"},"fields":[{"target":"patient.sex","column":1,"constant":"M"}]}"#, "$.fields[0].constant"),
        (#"{"name":"t","format":{"type":"fixed-width","columns":[{"name":"A","start":0,"length":2}]},"fields":[{"target":"patient.sex","column":"A"}]}"#, "$.format.columns[0].start"),
        (#"{"name":"t","format":{"delimiter":";"},"fields":[{"target":"patient.localId","column":1}]}"#, "$.fields[0].oid"),
        (#"{"name":"t","format":{"delimiter":";"},"fields":[]}"#, "$.fields"),
        (#"{"name":"t","format":{"delimiter":";","header":"yes"},"fields":[{"target":"patient.sex","column":1}]}"#, "$.format.header"),
        (#"{"name":"t","format":{"delimiter":";"},"fields":[{"target":"patient.sex","column":1}],"grouping":{"by":"key"}}"#, "$.grouping.columns"),
        (#"{"name":"t","format":{"type":"delimited"},"fields":[{"target":"patient.sex","column":1}]}"#, "$.format.delimiter"),
        (#"{"name":"t","format":{"delimiter":";"},"fields":[{"target":"patient.sex","column":1},{"target":"patient.sex","column":2}]}"#, "$.fields[1].target"),
        (#"{"name":"t","format":{"type":"fixed-width","columns":[{"name":"A","start":1,"length":2}]},"fields":[{"target":"patient.sex","column":"B"}]}"#, "$.fields[0].column"),
        (#"{"name":"t","format":{"type":"fixed-width","columns":[{"name":"A","start":1,"length":2}]},"fields":[{"target":"patient.sex","column":3}]}"#, "$.fields[0].column"),
    ] as [(String, String)])
    func mistakesNameTheField(text: String, path: String) {
        let found = issues(text)
        #expect(found.map(\.path).contains(path), "\(found)")
        // Every issue has a place in the file, the checks made across sections included.
        #expect(found.allSatisfy { $0.line != nil && $0.column != nil }, "\(found)")
    }

    @Test func errorDescriptionNamesFileLineAndPath() {
        let text = """
            name: t
            format:
              delimiter: ";"
            fields:
              - target: patient.nope
                column: 1
            """
        do {
            _ = try ProfileLoader.load(text: text, file: "profiles/vendor.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("profiles/vendor.yaml:5:"))
            #expect(error.description.contains("$.fields[0].target"))
            #expect(error.diagnostics.first?.code == .profileInvalid)
        }
    }

    @Test func syntaxErrorsAreReported() {
        let found = issues("{\"name\": \"t\", ")
        #expect(found.first?.path == "$")
        #expect(found.first?.message.hasPrefix("not valid JSON or YAML") == true)
    }

    @Test func schemaListsEveryTargetAndTransform() throws {
        let data = try Data(contentsOf: FlatFixtures.root.appendingPathComponent("schemas/profile.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: Any])
        let field = try #require(defs["field"] as? [String: Any])
        let properties = try #require(field["properties"] as? [String: Any])
        let target = try #require(properties["target"] as? [String: Any])
        let targets = try #require(target["enum"] as? [String])
        #expect(Set(targets) == Set(FieldTarget.allCases.map(\.rawValue)))
        let transforms = try #require((properties["transforms"] as? [String: Any])?["items"] as? [String: Any])
        #expect(Set(transforms["enum"] as? [String] ?? []) == Set(ValueTransform.allCases.map(\.rawValue)))
        #expect(Set(ProfileReader.fieldKeys) == Set(properties.keys))
    }

    @Test func datePatternsParseWithPrecision() throws {
        let pattern = try #require(DatePattern("dd/MM/yyyy HH:mm"))
        let value = try #require(pattern.parse("05/01/2024 08:30"))
        #expect(value.iso8601 == "2024-01-05T08:30")
        #expect(value.raw == "05/01/2024 08:30")
        #expect(DatePattern("yyyyMMdd")?.parse("20240230") == nil)
        #expect(DatePattern("yyyyMMdd")?.parse("20240229")?.day == 29)
        #expect(DatePattern("d/M/yyyy")?.parse("1/2/1990")?.month == 2)
        #expect(DatePattern("dd/MM/yyyy")?.parse("1/2/1990") == nil)
        #expect(DatePattern("dd/MM") == nil)
        // The whole text must match: nothing after, nothing missing, ASCII digits only.
        let day = try #require(DatePattern("dd/MM/yyyy"))
        #expect(day.parse("05/01/20245") == nil)
        #expect(day.parse("05/01/202") == nil)
        #expect(day.parse("05/01/2024 ") == nil)
        #expect(day.parse("") == nil)
        #expect(day.parse("05/01/２０２４") == nil)
        #expect(day.parse("29/02/2000")?.day == 29)
        #expect(day.parse("29/02/1900") == nil)
        // A text long enough to live on the heap parses like a short one.
        let long = try #require(DatePattern("dd/MM/yyyy HH:mm:ss"))
        let stamp = try #require(long.parse("31/12/1999 23:59:60"))
        #expect(stamp.second == 60)
        #expect(stamp.raw == "31/12/1999 23:59:60")
    }
}
