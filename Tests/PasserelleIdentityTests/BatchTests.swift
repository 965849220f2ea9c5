import Foundation
import PasserelleIdentity
import Testing

@Suite("Batch matching (identity CSV, dedupe, link, training)")
struct BatchTests {
    /// Invented French identities: one person in three spellings (r1–r3; r1 and r2 share her mobile
    /// phone, r2 and r3 her new address), her twin sister (r4),
    /// her father sharing the first given name pattern (r5, r6 = same father elsewhere), a spouse
    /// (r7), and a fictitious test identity identical to r1 (r8).
    static let french = """
        rec_id,source,local_id,ins,ins_oid,birth_family_name,used_family_name,given_names,birth_date,sex,birthplace_code,address,postcode,city,phone,status,attributes
        r1,1.2.3.1,IPP1,,,DUPONT,,Camille Marie,07/05/1985,F,75056,12 rue des Lilas,75011,Paris,0612345678,PROV,
        r2,1.2.3.2,X9,,,DUPONT,MARTIN,Camille,1985-05-07,F,75056,3 place de l'Église,44000,Nantes,06 12 34 56 78,PROV,
        r3,1.2.3.3,Z1,,,"Dupont épouse Martin",,CAMILLE,1985-07-05,F,,3 pl de l Eglise,44000,NANTES,,PROV,
        r4,1.2.3.1,IPP2,,,DUPONT,,Juliette,07/05/1985,F,75056,12 rue des Lilas,75011,Paris,0612345678,PROV,
        r5,1.2.3.1,IPP3,,,DUPONT,,Camille,02/03/1958,M,75056,12 rue des Lilas,75011,Paris,0612345678,PROV,
        r6,1.2.3.4,Q7,,,DUPOND,,Camille Jean,1958-03-02,M,75056,12 rue des Lilas,75011,Paris,,PROV,
        r7,1.2.3.2,X10,,,MARTIN,,Paul,1983-11-30,M,69123,3 place de l'Église,44000,Nantes,,PROV,
        r8,1.2.3.9,T1,,,DUPONT,,Camille Marie,07/05/1985,F,75056,12 rue des Lilas,75011,Paris,0612345678,PROV,FICT
        """

    func identities(_ text: String, map: ColumnMap = ColumnMap()) throws -> [ComparableIdentity] {
        try IdentityCSV.read(text, file: "test.csv", map: map).records.map(ComparableIdentity.init)
    }

    func clusters(_ result: BatchResult, _ ids: [ComparableIdentity]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: zip(ids.map(\.record.id.rawValue), result.clusters))
    }

    @Test("End to end: one person under three spellings is one cluster; twin, father, spouse and fictive stay apart")
    func frenchDedupe() throws {
        let ids = try identities(Self.french)
        let result = BatchMatcher(matcher: PairMatcher()).dedupe(ids)
        let cluster = clusters(result, ids)
        #expect(cluster["r1"] == cluster["r2"])
        #expect(cluster["r2"] == cluster["r3"])
        #expect(cluster["r5"] == cluster["r6"])
        for other in ["r4", "r5", "r7", "r8"] { #expect(cluster["r1"] != cluster[other], "r1 vs \(other)") }
        #expect(cluster["r4"] != cluster["r5"])
        let links = Set(result.pairs.filter { $0.explanation.decision == .link }.map { [ids[$0.left].record.id.rawValue, ids[$0.right].record.id.rawValue] })
        #expect(!links.contains(["r1", "r4"]))
        #expect(!links.contains(["r1", "r5"]))
    }

    @Test("Link mode only pairs records across the two inputs")
    func linkMode() throws {
        let ids = try identities(Self.french)
        let left = Array(ids[0..<1]), right = Array(ids[1...])
        let result = BatchMatcher(matcher: PairMatcher()).link(left, right)
        #expect(result.pairs.allSatisfy { $0.left == 0 })
        #expect(result.clusters.count == ids.count)
        let csv = BatchOutput.pairsCSV(result, left: left, right: right)
        #expect(csv.hasPrefix("rec_id_1,rec_id_2,score,decision,rule,flags\n"))
        #expect(csv.contains("r1,r2,"))
        #expect(!csv.contains("r1,r4,"))
    }

    @Test("FEBRL headers are read through a column map, several columns joined into the address")
    func febrlMap() throws {
        let text = """
            rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id
            rec-1-org,michaela,neumann,8,stanley street,miami,winston hills,4223,nsw,19151111,5304218
            rec-1-dup-0,micheala,neumann,8,stanley street,miami,winston hills,4223,nsw,19151111,5304218
            """
        let map = try ColumnMap(specifications: [
            "given_name=given_names", "surname=birth_family_name", "street_number=address", "address_1=address",
            "address_2=address", "suburb=city", "state=ignore", "date_of_birth=birth_date", "soc_sec_id=weak_id",
        ])
        let (records, diagnostics) = try IdentityCSV.read(text, file: "febrl.csv", map: map)
        #expect(diagnostics.isEmpty)
        #expect(records[0].address == "8 stanley street miami")
        #expect(records[0].weakIdentifier == "5304218")
        let ids = records.map(ComparableIdentity.init)
        let config = MatchConfiguration(weakIdentifierScope: .personal)
        let result = BatchMatcher(matcher: PairMatcher(configuration: config)).dedupe(ids)
        #expect(result.pairs.first?.explanation.decision == .link)
    }

    @Test("CSV problems: bad mappings throw, duplicate ids and missing ids are diagnostics without values")
    func csvProblems() throws {
        #expect(throws: IdentityCSVError.unknownField("nope")) { try ColumnMap(specifications: ["a=nope"]) }
        #expect(throws: IdentityCSVError.badMapping("a")) { try ColumnMap(specifications: ["a"]) }
        #expect(throws: IdentityCSVError.missingRecordID) { try IdentityCSV.read("name\nx\n", file: "f.csv") }
        let text = "rec_id;birth_family_name;given_names\nA;\"DUPONT; fils\";Jean\nA;SECRETNAME;Paul\n;DURAND;Luc\n"
        let (records, diagnostics) = try IdentityCSV.read(text, file: "f.csv")
        #expect(records.count == 1)
        #expect(records[0].birthFamilyName == "DUPONT; fils")
        #expect(diagnostics.map(\.code.rawValue) == ["IDENT-CSV-DUPLICATE-ID", "IDENT-CSV-NO-ID"])
        #expect(diagnostics.allSatisfy { !$0.description.contains("SECRETNAME") && !$0.description.contains("DURAND") })
        #expect(diagnostics[0].location?.record == 3)
    }

    @Test("French and English headers are recognized whatever their case, accents, spaces and punctuation")
    func headerSpellings() throws {
        let text = """
            Identifiant;Nom de naissance;Nom d'usage;Prénoms;Date de naissance;Sexe;Lieu de naissance;Adresse;CP;Ville;Téléphone;IPP;Statut
            A1;DUPONT;MARTIN;Marie Anne;15/03/1980;F;75056;12 rue de la Paix;75002;Paris;0612345678;P001;VALI
            """
        let (records, diagnostics) = try IdentityCSV.read(text, file: "f.csv")
        #expect(diagnostics.isEmpty)
        let record = try #require(records.first)
        #expect(record.id.rawValue == "A1")
        #expect(record.birthFamilyName == "DUPONT" && record.usedFamilyName == "MARTIN")
        #expect(record.birthGivenNames == "Marie Anne" && record.birthDate == "15/03/1980" && record.sex == "F")
        #expect(record.birthplaceCode == "75056" && record.address == "12 rue de la Paix" && record.postcode == "75002")
        #expect(record.city == "Paris" && record.phone == "0612345678" && record.localIdentifier?.value == "P001")
        #expect(record.status == .validated)
        #expect(IdentityField.headerKey(" Nom d’Usage ") == "nom_d_usage")
        #expect(IdentityField(header: "DATE-DE-NAISSANCE") == .birthDate)
    }

    @Test("Encodings: UTF-8 as is; a Windows-1252 file said once; a mixed file line by line, each fallback line said; UTF-16 by its mark")
    func fileEncodings() throws {
        let header = Array("rec_id,birth_family_name,given_names\n".utf8)
        let utf8Row = Array("r1,LEFÈVRE,Chloé\n".utf8)
        let cp1252Row: [UInt8] = Array("r2,LEF".utf8) + [0xC8] + Array("VRE,Chlo".utf8) + [0xE9, 0x0A]
        let plain = try #require(IdentityCSV.decode(header + utf8Row, file: "f.csv"))
        #expect(plain.diagnostics.isEmpty && plain.text.contains("LEFÈVRE,Chloé"))
        let legacy = try #require(IdentityCSV.decode(header + cp1252Row, file: "f.csv"))
        #expect(legacy.text.contains("r2,LEFÈVRE,Chloé"))
        #expect(legacy.diagnostics.map(\.code.rawValue) == ["IDENT-CSV-ENCODING"] && legacy.diagnostics[0].severity == .note)
        // Joined exports: every name stays right (no "LEFÃˆVRE"), and the lines read as Windows-1252 are named.
        let mixed = try #require(IdentityCSV.decode(header + utf8Row + cp1252Row + utf8Row, file: "f.csv"))
        #expect(!mixed.text.contains("Ã"))
        #expect(mixed.text.components(separatedBy: "LEFÈVRE,Chloé").count == 4)
        #expect(mixed.diagnostics.map(\.code.rawValue) == ["IDENT-CSV-MIXED-ENCODING"])
        #expect(mixed.diagnostics.first?.location?.line == 3)
        #expect(mixed.diagnostics.allSatisfy { !$0.description.contains("LEF") && !$0.description.contains("Chlo") })
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "rec_id\tnom\nr1\tLEFÈVRE\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let wide = try #require(IdentityCSV.decode(utf16, file: "f.csv"))
        #expect(wide.text.contains("LEFÈVRE") && wide.diagnostics.isEmpty)
    }

    @Test("No alias names two fields")
    func aliasesAreUnique() {
        var owner: [String: IdentityField] = [:]
        for field in IdentityField.allCases {
            for name in [field.rawValue] + field.aliases {
                let key = IdentityField.headerKey(name)
                #expect(owner[key] == nil || owner[key] == field, "\(name) names \(owner[key].map(\.rawValue) ?? "") and \(field.rawValue)")
                owner[key] = field
            }
        }
    }

    @Test("A column that is no identity field is reported by name, never with its values; --map silences it")
    func unknownColumnIsReported() throws {
        let text = "rec_id,birth_family_name,person_id,\nr1,DUPONT,SECRET-42,\n"
        let (records, diagnostics) = try IdentityCSV.read(text, file: "f.csv")
        #expect(records.count == 1 && records[0].birthFamilyName == "DUPONT")
        // The trailing delimiter's empty column holds nothing: not reported.
        #expect(diagnostics.map(\.code.rawValue) == ["IDENT-CSV-UNKNOWN-COLUMN"])
        #expect(diagnostics[0].message.contains("'person_id'") && diagnostics[0].path == "#3")
        #expect(diagnostics.allSatisfy { !$0.description.contains("SECRET") && $0.location?.line == 1 })
        // --map names the column in any case.
        let map = try ColumnMap(specifications: ["PERSON_ID=ignore"])
        #expect(try IdentityCSV.read(text, file: "f.csv", map: map).diagnostics.isEmpty)
        // A map naming no column of the header (a typo) is said, not ignored.
        let typo = try IdentityCSV.read(text, file: "f.csv", map: ColumnMap(specifications: ["person=ignore"])).diagnostics
        #expect(typo.map(\.code.rawValue) == ["IDENT-CSV-UNKNOWN-COLUMN", "IDENT-MAP-UNUSED"])
        #expect(typo.last?.message == "--map names a column 'person' that this file's header does not have")
        // A column without a name that holds values is reported too.
        let unnamed = try IdentityCSV.read("rec_id,birth_family_name,\nr1,DUPONT,\nr2,DURAND,x\n", file: "f.csv").diagnostics
        #expect(unnamed.map(\.message) == [
            "column #3 (no name in the header) is not an identity field and is not read; map it with --map COLUMN=FIELD, or --map COLUMN=ignore",
        ])
    }

    @Test("Two columns feeding one single-column trait are an error, not joined into one value")
    func ambiguousColumnsAreRejected() throws {
        let text = "rec_id;nom_naissance;nom;prenom;prenoms\nr1;DUPONT;MARTIN;Marie;Anne\n"
        #expect(throws: IdentityCSVError.ambiguousColumns(field: "birth_family_name", columns: ["nom_naissance", "nom"])) {
            try IdentityCSV.read(text, file: "f.csv")
        }
        let map = try ColumnMap(specifications: ["nom=used_family_name"])
        let record = try #require(try IdentityCSV.read(text, file: "f.csv", map: map).records.first)
        #expect(record.birthFamilyName == "DUPONT" && record.usedFamilyName == "MARTIN")
        // Given names may come in several columns: they are joined, in column order.
        #expect(record.birthGivenNames == "Marie Anne")
        #expect(throws: IdentityCSVError.ambiguousColumns(field: "birth_date", columns: ["a", "b"])) {
            try IdentityCSV.read("rec_id,a,b\nr1,1980,1981\n", file: "f.csv", map: ColumnMap(specifications: ["a=birth_date", "b=dob"]))
        }
    }

    @Test("Clusters and review outputs have the documented headers")
    func outputs() throws {
        let ids = try identities(Self.french)
        let result = BatchMatcher(matcher: PairMatcher()).dedupe(ids)
        let clusters = BatchOutput.clustersCSV(result, records: ids)
        #expect(clusters.split(separator: "\n").count == ids.count + 1)
        #expect(clusters.hasPrefix("rec_id,cluster_id\n"))
        let review = BatchOutput.reviewCSV(result, left: ids, right: ids)
        #expect(review.hasPrefix("rec_id_1,rec_id_2,score,rule,flags,explanation\n"))
        #expect(!review.contains("DUPONT"))
        #expect(!review.contains("Camille"))
    }

    @Test("EM learns weights: exact agreement is positive, disagreement negative; the model survives JSON")
    func training() throws {
        let ids = try identities(Self.french)
        let patterns = BatchMatcher.trainingPatterns(ids, nil, configuration: MatchConfiguration(), randomPairs: 2_000)
        #expect(!patterns.blocked.isEmpty)
        let model = EMTrainer().train(blocked: patterns.blocked, random: patterns.random, identities: ids)
        let scorer = Scorer(model: model, configuration: MatchConfiguration())
        #expect(scorer.weight(.birthDate, .exact) > 0)
        #expect(scorer.weight(.birthDate, .disagree) <= -10)
        #expect(model.familyNameFrequencies["DUPONT"] != nil)
        let decoded = try MatchModel(jsonData: model.jsonData())
        #expect(decoded == model)
        #expect(throws: ModelFileError.malformed) { try MatchModel(jsonData: Data("{}".utf8)) }
    }

    @Test("A model file with out-of-range probabilities is refused")
    func invalidModel() throws {
        var model = MatchModel.builtIn
        model.parameters["sex"] = TraitParameters(m: [1.5, 0.1], u: [0.5, 0.5])
        #expect(throws: ModelFileError.invalidParameters) { try MatchModel(jsonData: model.jsonData()) }
    }
}
