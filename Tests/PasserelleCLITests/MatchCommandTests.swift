import Foundation
import PasserelleTestSupport
import Testing

/// End-to-end tests of `passerelle match` through the built binary, on the fixtures of
/// `Fixtures/identity/` whose answers are known: `patients.csv` (one person under three records
/// with a marriage pattern, a dropped hyphen and mojibake; one with a day/month swap; twins;
/// parent and child sharing a given name; spouses; two different valid INS; homonym-like records
/// with nothing but names and birth date) and `clinic_a.csv` / `clinic_b.csv` (other headers,
/// `;`-separated, linked with `--map`).
@Suite("passerelle match (end to end)")
struct MatchCommandTests {
    static let patients = TestPaths.fixture("identity/patients.csv").path
    static let clinicA = TestPaths.fixture("identity/clinic_a.csv").path
    static let clinicB = TestPaths.fixture("identity/clinic_b.csv").path
    static let clinicMap = [
        "--map", "patient_ref=rec_id", "--map", "ddn=birth_date", "--map", "lieu=birthplace_code",
        "--map", "adresse=address", "--map", "cp=postcode",
    ]

    /// Unordered pairs of the first two columns of a CSV with a header.
    func pairs(_ url: URL) throws -> Set<Set<String>> {
        Set(try rows(url).map { Set($0.prefix(2)) })
    }

    func rows(_ url: URL) throws -> [[String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func clusters(_ url: URL) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try rows(url).map { ($0[0], $0[1]) })
    }

    func runDedupe(_ extra: [String] = []) async throws -> (CLIResult, TemporaryDirectory) {
        let dir = try TemporaryDirectory()
        let result = try await CLI.run(
            ["match", Self.patients, "--output", "links.csv", "--clusters", "clusters.csv", "--review", "review.csv"] + extra,
            in: dir.url)
        return (result, dir)
    }

    @Test("Dedupe links exactly the known duplicates (marriage pattern, dropped hyphen, mojibake, day/month swap)")
    func dedupeKnownAnswers() async throws {
        let (result, dir) = try await runDedupe()
        #expect(result.status == 0, "\(result.stderr)")
        let links = try pairs(dir.url.appendingPathComponent("links.csv"))
        #expect(links == [
            ["durand-1", "durand-2"], ["durand-1", "durand-3"], ["durand-2", "durand-3"], ["lefebvre-1", "lefebvre-2"],
        ])
        for row in try rows(dir.url.appendingPathComponent("links.csv")) {
            #expect(row.count == 6 && row[3] == "link" && Double(row[2]) != nil)
            #expect(["probabilistic", "same-local-identifier", "same-qualified-ins"].contains(row[4]), "\(row)")
        }
    }

    @Test("Twins, parent and child, spouses and two different valid INS end in different clusters")
    func safetyCases() async throws {
        let (result, dir) = try await runDedupe()
        #expect(result.status == 0)
        let cluster = try clusters(dir.url.appendingPathComponent("clusters.csv"))
        #expect(cluster.count == 15)
        #expect(cluster["durand-1"] == cluster["durand-2"] && cluster["durand-2"] == cluster["durand-3"])
        #expect(cluster["lefebvre-1"] == cluster["lefebvre-2"])
        #expect(cluster["bernard-lucas"] != cluster["bernard-louis"], "twins must not link")
        #expect(cluster["petit-father"] != cluster["petit-son"], "parent and child must not link")
        #expect(cluster["roux-paul"] != cluster["roux-anne"], "spouses must not link")
        #expect(cluster["robert-1"] != cluster["robert-2"], "two different valid INS never link (R14)")
        #expect(Set(cluster.values).count == 12)
    }

    @Test("Homonym-like records with only names, birth date and sex go to the review queue, with codes only")
    func reviewItems() async throws {
        let (_, dir) = try await runDedupe()
        let url = dir.url.appendingPathComponent("review.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasPrefix("rec_id_1,rec_id_2,score,rule,flags,explanation\n"))
        let items = try rows(url)
        let moreau = items.first { Set($0.prefix(2)) == ["moreau-1", "moreau-2"] }
        #expect(moreau?[4].contains("uncorroborated") == true)
        #expect(moreau?[5].contains("birthDate=exact") == true)
        #expect(!items.contains { Set($0.prefix(2)) == ["bernard-lucas", "bernard-louis"] && $0[4].isEmpty })
        for trait in ["MOREAU", "Julie", "JULIE", "1990", "Nantes"] { #expect(!text.contains(trait)) }
    }

    @Test("--include-review adds the review pairs to the pairs file with decision review")
    func includeReview() async throws {
        let (result, dir) = try await runDedupe(["--include-review"])
        #expect(result.status == 0)
        let all = try rows(dir.url.appendingPathComponent("links.csv"))
        #expect(all.contains { Set($0.prefix(2)) == ["moreau-1", "moreau-2"] && $0[3] == "review" })
        #expect(all.filter { $0[3] == "link" }.count == 4)
    }

    @Test("Linking two files with other headers through --map")
    func linkWithMap() async throws {
        let dir = try TemporaryDirectory()
        let result = try await CLI.run(
            ["match", Self.clinicA, Self.clinicB, "--output", "links.csv", "--clusters", "clusters.csv"] + Self.clinicMap,
            in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try pairs(dir.url.appendingPathComponent("links.csv")) == [["A1", "B2"], ["A2", "B1"]])
        let cluster = try clusters(dir.url.appendingPathComponent("clusters.csv"))
        #expect(cluster.count == 8)
        #expect(cluster["A3"] != cluster["B3"], "twins across two files must not link")
        #expect(cluster["A4"] != cluster["B4"])
    }

    @Test("--train saves a model that --model reuses with the same answers")
    func trainThenReuse() async throws {
        let dir = try TemporaryDirectory()
        let trained = try await CLI.run(["match", Self.patients, "--train", "--model", "model.json", "--output", "a.csv"], in: dir.url)
        #expect(trained.status == 0, "\(trained.stderr)")
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.url.appendingPathComponent("model.json")))
        let parameters = (model as? [String: Any])?["parameters"] as? [String: Any]
        #expect(parameters?.keys.contains("birthDate") == true)
        let reused = try await CLI.run(["match", Self.patients, "--model", "model.json", "--output", "b.csv"], in: dir.url)
        #expect(reused.status == 0, "\(reused.stderr)")
        let first = try String(contentsOf: dir.url.appendingPathComponent("a.csv"), encoding: .utf8)
        let second = try String(contentsOf: dir.url.appendingPathComponent("b.csv"), encoding: .utf8)
        #expect(first == second)
        #expect(try pairs(dir.url.appendingPathComponent("b.csv")).count == 4)
    }

    @Test("Messages on stderr give counts, never identity traits")
    func stderrHasNoTraits() async throws {
        let (result, _) = try await runDedupe()
        #expect(result.stderr.contains("15 records"))
        for trait in ["DURAND", "Durand", "LEFEBVRE", "1975", "0612345678", "Lyon"] { #expect(!result.stderr.contains(trait)) }
    }

    @Test("A cluster too large to list its pairs is named on stderr, and kept whole in the clusters file")
    func largeClusterIsReported() async throws {
        // 201 records of one facility under one IPP: one identity record, one cluster.
        let dir = try TemporaryDirectory()
        var text = "rec_id,source,local_id,birth_family_name,given_names,birth_date,sex\n"
        for index in 0...200 { text += "r\(index),1.2.3.4,IPP1,DUPONT,Marie,1980-05-17,F\n" }
        try dir.write("big.csv", text)
        let result = try await CLI.run(["match", "big.csv", "--output", "links.csv", "--clusters", "clusters.csv"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("1 clusters of more than 200 records"), "\(result.stderr)")
        #expect(Set(try clusters(dir.url.appendingPathComponent("clusters.csv")).values).count == 1)
        let small = try await CLI.run(["match", Self.patients, "--output", "links.csv"], in: dir.url)
        #expect(!small.stderr.contains("clusters of more than"))
    }

    @Test("A French export's own headers are read without --map; a column that is no field is named on stderr")
    func frenchHeadersWithoutMap() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("export.csv", """
            N° dossier;Nom de naissance;Nom d'usage;Prénoms;Date de naissance;Sexe;Lieu de naissance;Adresse;CP;Téléphone;Identifiant
            1;Dupont;Martin;Marie Anne;15/03/1980;2;75056;12 rue de la Paix;75002;06 12 34 56 78;a
            2;DUPONT;;Marie-Anne;1980-03-15;F;75056;12, rue de la paix;75002;0612345678;b

            """)
        let result = try await CLI.run(["match", "export.csv", "--output", "links.csv"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try pairs(dir.url.appendingPathComponent("links.csv")) == [["a", "b"]])
        #expect(result.stderr.contains("IDENT-CSV-UNKNOWN-COLUMN ×1"), "\(result.stderr)")
        let listed = try await CLI.run(["match", "export.csv", "--output", "links.csv", "--list-diagnostics"], in: dir.url)
        #expect(listed.stderr.contains("export.csv:1:1: warning: [IDENT-CSV-UNKNOWN-COLUMN] column 'N° dossier'"), "\(listed.stderr)")
    }

    @Test("A spreadsheet's UTF-16 text export (byte-order mark, tabs) is read like UTF-8")
    func utf16Export() async throws {
        let dir = try TemporaryDirectory()
        let text = "rec_id\tnom_naissance\tprenoms\tdate_naissance\tsexe\tlieu_naissance\ttelephone\r\n"
            + "a\tLEFÈVRE\tChloé\t02/09/1991\tF\t69123\t0611223344\r\n"
            + "b\tLefèvre\tCHLOÉ\t1991-09-02\tF\t69123\t06 11 22 33 44\r\n"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        try Data(bytes).write(to: dir.url.appendingPathComponent("export.txt"))
        let result = try await CLI.run(["match", "export.txt", "--output", "links.csv"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try pairs(dir.url.appendingPathComponent("links.csv")) == [["a", "b"]])
    }

    @Test("Linking two files numbered alike: pairs read first input then second, clusters say which input")
    func linkWithRepeatedIDs() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.csv", "rec_id,birth_family_name,given_names,birth_date,sex,phone\n1,DUPONT,Marie,15/03/1980,F,0612345678\n2,MARTIN,Paul,12/06/1970,M,0600000001\n")
        try dir.write("b.csv", "rec_id,birth_family_name,given_names,birth_date,sex,phone\n1,MARTIN,Paul,12/06/1970,M,0600000001\n2,DUPONT,Marie,15/03/1980,F,0612345678\n")
        let result = try await CLI.run(["match", "a.csv", "b.csv", "--output", "links.csv", "--clusters", "clusters.csv"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("2 record id(s) appear in both inputs"))
        let links = try rows(dir.url.appendingPathComponent("links.csv")).map { Array($0.prefix(2)) }
        #expect(Set(links) == [["1", "2"], ["2", "1"]])
        let text = try String(contentsOf: dir.url.appendingPathComponent("clusters.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "rec_id,cluster_id,input")
        let cluster = Dictionary(uniqueKeysWithValues: lines.dropFirst().map { line -> (String, String) in
            let fields = line.split(separator: ",").map(String.init)
            return (fields[0] + "@" + fields[2], fields[1])
        })
        #expect(cluster["1@1"] == cluster["2@2"] && cluster["2@1"] == cluster["1@2"] && cluster["1@1"] != cluster["2@1"])
    }

    @Test("--list-diagnostics names file, line, code and message of each input problem")
    func listDiagnostics() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("in.csv", """
            rec_id,birth_family_name,given_names,birth_date,sex,ins,ins_oid
            r1,DUPONT,Marie,1980-05-17,F,,
            r2,DUPONT,Marie,not a date,F,280057511700199,1.2.250.1.213.1.4.10

            """)
        let result = try await CLI.run(["match", "in.csv", "--output", "links.csv", "--list-diagnostics"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("in.csv:3:1: warning: [IDENT-DATE-INVALID]"))
        #expect(result.stderr.contains("in.csv:3:1:") && result.stderr.contains("[IDENT-INS-"))
        #expect(!result.stderr.contains("DUPONT") && !result.stderr.contains("280057511700199"))
    }

    @Test("Bad input exits with status 2 and a located, coded message", arguments: [
        (["match", "missing.csv", "--output", "x.csv"], "missing.csv: error: [MATCH-UNREADABLE]"),
        (["match", "noid.csv", "--output", "x.csv"], "noid.csv:1:1: error: [IDENT-CSV-NO-ID-COLUMN]"),
        (["match", "empty.csv", "--output", "x.csv"], "empty.csv:1:1: error: [IDENT-CSV-EMPTY]"),
        (["match", "two-names.csv", "--output", "x.csv"], "two-names.csv:1:1: error: [IDENT-CSV-AMBIGUOUS-COLUMNS]"),
        (["match", "ok.csv", "--output", "x.csv", "--map", "nonsense"], "[IDENT-MAP-SYNTAX]"),
        (["match", "ok.csv", "--output", "x.csv", "--map", "a=not_a_field"], "[IDENT-MAP-UNKNOWN-FIELD]"),
        (["match", "ok.csv", "--output", "x.csv", "--model", "bad-model.json"], "bad-model.json: error: [IDENT-MODEL-INVALID]"),
        (["match", "ok.csv", "--output", "x.csv", "--link-threshold", "3", "--review-threshold", "9"], "[MATCH-THRESHOLDS]"),
        (["match", "ok.csv", "ok.csv", "ok.csv", "--output", "x.csv"], "give one input to deduplicate or two to link"),
        (["match", "ok.csv", "--train", "--output", "x.csv"], "--train needs --model"),
        (["match", "ok.csv"], "nothing to write"),
        (["match", "ok.csv", "--output", "x.csv", "--weak-id", "maybe"], "--weak-id must be household or personal"),
    ])
    func badInput(arguments: [String], message: String) async throws {
        let dir = try TemporaryDirectory()
        try dir.write("noid.csv", "name,birth_date\nDUPONT,1980-01-02\n")
        try dir.write("empty.csv", "")
        try dir.write("two-names.csv", "rec_id;nom;nom_naissance\nr1;MARTIN;DUPONT\n")
        try dir.write("ok.csv", "rec_id,birth_family_name\nr1,DUPONT\n")
        try dir.write("bad-model.json", "{\"formatVersion\": 1")
        let result = try await CLI.run(arguments, in: dir.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("x.csv").path))
    }
}
