import Foundation
import PasserelleCDA
import PasserelleModel
import PasserelleTestSupport
import Testing

/// CI-SIS header rules: valid fixtures, one invalid fixture per rule, INS key arithmetic and
/// calibration on the ANS examples of the shared corpus.
@Suite struct CISISRuleTests {
    /// Reads a CDA file and runs the CI-SIS rule set on it.
    static func findings(of url: URL) throws -> [Diagnostic] {
        let data = try Data(contentsOf: url)
        let parsed = CDAReader().read(data, sourceName: url.lastPathComponent)
        let document = try #require(parsed.document, "\(url.lastPathComponent) is not readable: \(parsed.diagnostics)")
        let element = try #require(parsed.clinicalDocument)
        return RuleSet.ciSIS.check(document, element: element, sourceName: url.lastPathComponent)
    }

    static let validFixtures = [
        "ldl-ses-complete.xml", "cr-niveau1-pdf.xml", "replacement-v1.xml", "replacement-v2.xml",
        "auto-presentable.xml", "iso-8859-1.xml", "corsica-born.xml",
    ]

    /// Every rule code, so that a new rule without an invalid fixture fails the test.
    static let ruleCodes = RuleSet.ciSIS.rules.map { $0.code.rawValue }

    /// Rules that only ever warn: their fixture must produce a warning and no error.
    static let warningOnlyRules: Set<String> = ["INSTraitConsistency"]

    @Test(arguments: validFixtures)
    func validFixtureHasNoErrors(_ name: String) throws {
        let findings = try Self.findings(of: TestPaths.fixture("cda/valid/\(name)"))
        let errors = findings.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(\.description))")
        #expect(findings.isEmpty, "valid fixtures should not even warn: \(findings.map(\.description))")
    }

    @Test(arguments: ruleCodes)
    func invalidFixtureBreaksExactlyItsRule(_ code: String) throws {
        let url = TestPaths.fixture("cda/invalid/\(code).xml")
        try #require(FileManager.default.fileExists(atPath: url.path), "rule \(code) has no invalid fixture")
        let findings = try Self.findings(of: url)
        let errorCodes = Set(findings.filter { $0.severity == .error }.map(\.code.rawValue))
        if Self.warningOnlyRules.contains(code) {
            #expect(errorCodes.isEmpty, "\(findings.map(\.description))")
            #expect(findings.contains { $0.code.rawValue == code && $0.severity == .warning })
        } else {
            #expect(errorCodes == [code], "\(findings.map(\.description))")
        }
    }

    @Test func everyRuleIsDocumented() {
        for rule in RuleSet.ciSIS.rules {
            #expect(!rule.summary.isEmpty && !rule.source.isEmpty, "\(rule.code)")
        }
        #expect(Set(Self.ruleCodes).count == Self.ruleCodes.count, "duplicate rule codes")
    }

    // MARK: INS key

    @Test(arguments: [
        ("2790351215189", 89),  // ANS test INS used throughout the TCC-3.0 examples
        ("2850769123456", 23),
        ("192112A004017", 12),  // Corse-du-Sud: 2A -> 19, 1921119004017 mod 97 = 85
        ("185032B033044", 36),  // Haute-Corse: 2B -> 18
    ])
    func insKey(_ body: String, _ key: Int) {
        #expect(INSKey.key(ofBody: body) == key)
    }

    @Test func insKeyRejectsMalformedBodies() {
        #expect(INSKey.key(ofBody: "27903512151") == nil)
        #expect(INSKey.key(ofBody: "27903512151X9") == nil)
        #expect(INSKey.key(ofBody: "279032C215189") == nil)
    }

    @Test(arguments: [
        ("285076912345623", nil),
        ("192112A00401712", nil),
        ("192112a00401712", nil),
        ("192112A00401713", INSKey.Problem.key),
        ("28507691234562", INSKey.Problem.length),
        ("2850769123456A3", INSKey.Problem.characters),
        ("385076912345670", INSKey.Problem.sexDigit),
    ] as [(String, INSKey.Problem?)])
    func insNumber(_ number: String, _ problem: INSKey.Problem?) {
        #expect(INSKey.problem(with: number) == problem)
    }

    // MARK: Messages

    @Test func messagesDoNotQuoteIdentityTraits() throws {
        var findings: [Diagnostic] = []
        for code in ["INSKey", "INSTraits", "INSTraitConsistency", "NameQualifiers", "PatientIdentifiers"] {
            findings += try Self.findings(of: TestPaths.fixture("cda/invalid/\(code).xml"))
        }
        for finding in findings {
            for trait in ["28507691234562", "FICTIVE", "CLAIRE", "DEMO", "1985", "1986", "69123", "IPP000123"] {
                #expect(!finding.message.contains(trait), "\(finding.message)")
            }
        }
    }

    // MARK: Corpus calibration

    /// Errors on the ANS examples that are genuine defects of those examples (file, rule code).
    /// See Docs/rules.md for the reason of each one.
    static let knownCorpusDefects: Set<String> = [
        "BIO-TROD_2024.01_COVID-19_Grippe-A_Grippe-B.xml HeaderTimestamps",  // offset "+100"
        "DOC_NON_STRUCTURE_CDA-R2-N1.xml HeaderTimestamps",  // time of day without offset
        "CSE-CS8_2025.01.xml INSKey",  // keys 04 and 01, expected 83 and 47
        "CSE-MDE_2023.01.xml INSKey",  // key 55, expected 12
        "SDM-MR_2024.01_nouveau-ne.xml INSKey",  // key 55, expected 12
        "eDISP-MED_2024.01.xml INSTraits",  // given BR is not the first name of the list
    ]

    @Test(.enabled(if: TestPaths.corpus != nil, "shared corpus not available"))
    func corpusExamplesHaveOnlyKnownErrors() throws {
        let documents = TestPaths.corpusDocuments("cda/fr")
        #expect(!documents.isEmpty)
        var unexpected: [String] = []
        var seen: Set<String> = []
        for url in documents {
            for finding in try Self.findings(of: url) where finding.severity == .error {
                let key = "\(url.lastPathComponent) \(finding.code.rawValue)"
                seen.insert(key)
                if !Self.knownCorpusDefects.contains(key) { unexpected.append(finding.description) }
            }
        }
        #expect(unexpected.isEmpty, "\(unexpected.joined(separator: "\n"))")
        // A known defect that no longer shows means a rule lost its teeth (or the corpus changed).
        #expect(Self.knownCorpusDefects.subtracting(seen).isEmpty, "\(Self.knownCorpusDefects.subtracting(seen))")
    }
}
