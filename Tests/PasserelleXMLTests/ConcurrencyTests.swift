import Foundation
import PasserelleModel
import PasserelleXML
import Testing

/// Concurrent parses keep their diagnostics apart: each parse has its own error channel.
@Suite struct ConcurrencyTests {
    struct Outcome: Sendable {
        let index: Int
        let parsed: Bool
        let codes: [DiagnosticCode]
        let files: Set<String?>
    }

    static let bad: [(Data, DiagnosticCode)] = [
        (Data("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>".utf8), .xmlDTDForbidden),
        (Data("<a><b></a>".utf8), .xmlNotWellFormed),
        (Data("<a>".utf8) + Data([0xFF, 0xFE]) + Data("</a>".utf8), .xmlEncoding),
        (Data("<a><b>cut".utf8), .xmlTruncated),
        (Data("<a xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"x\"/></a>".utf8), .xmlXIncludeForbidden),
    ]

    static func input(_ index: Int) -> (Data, DiagnosticCode?) {
        if index.isMultiple(of: 2) {
            return (Data("<doc n=\"\(index)\"><t>\(String(repeating: "x", count: index * 100))</t></doc>".utf8), nil)
        }
        let (bytes, code) = bad[(index / 2) % bad.count]
        return (bytes, code)
    }

    @Test func fiftyTasksKeepTheirDiagnosticsApart() async {
        for _ in 0..<4 {
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let (bytes, _) = Self.input(index)
                        let result = SafeXMLParser().parse(bytes, sourceName: "doc-\(index).xml")
                        return Outcome(
                            index: index, parsed: result.tree?.root?.attribute("n") == String(index),
                            codes: result.diagnostics.map(\.code), files: Set(result.diagnostics.map(\.file)))
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.count == 50)
            for outcome in outcomes {
                let (_, expected) = Self.input(outcome.index)
                if let expected {
                    #expect(!outcome.parsed)
                    #expect(outcome.codes.first == expected, "doc-\(outcome.index)")
                    #expect(outcome.files == ["doc-\(outcome.index).xml"])
                } else {
                    #expect(outcome.parsed, "doc-\(outcome.index)")
                    #expect(outcome.codes.isEmpty, "doc-\(outcome.index) got \(outcome.codes)")
                }
            }
        }
    }
}
