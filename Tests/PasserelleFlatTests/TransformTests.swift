import Testing
@testable import PasserelleFlat

struct TransformTests {
    let mapper = RowMapper(fields: [], sourceName: "t", decimalSeparator: .comma, unmappedColumns: [])

    @Test(arguments: [
        ([ValueTransform.trim], "  Zoé \t", "Zoé"),
        ([.upper], "l’Œuvre é", "L’ŒUVRE É"),
        ([.upper], "ABC", "ABC"),
        ([.lower], "ÉLOÏSE", "éloïse"),
        ([.collapseSpaces], "Jean  Pierre", "Jean Pierre"),
        ([.splitGivenNames], "Jean-Christophe, Pierre\tMarie", "Jean-Christophe Pierre Marie"),
        ([.splitGivenNames], "Jean-Christophe Pierre", "Jean-Christophe Pierre"),
        ([.trim, .upper, .splitGivenNames], " anne  marie ", "ANNE MARIE"),
    ] as [([ValueTransform], String, String)])
    func transformsApplyInOrder(transforms: [ValueTransform], input: String, output: String) {
        #expect(mapper.apply(transforms, to: input) == output)
    }

    @Test(arguments: [("12,5", "12.5"), ("-3", "-3"), ("<5", "<5"), ("1,2,3", nil), ("12.5", nil), ("abc", nil), (",", nil)]
        as [(String, String?)])
    func decimalCommaNumbers(input: String, output: String?) {
        #expect(mapper.normalizedNumber(input) == output)
    }
}
