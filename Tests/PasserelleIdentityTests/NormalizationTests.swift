import PasserelleIdentity
import Testing

@Suite("Normalization (R1–R4)")
struct NormalizationTests {
    @Test("Folding removes accents, expands ligatures and turns hyphens and apostrophes into spaces (R3)", arguments: [
        ("Hélène", "HELENE"), ("CŒUR", "COEUR"), ("Lætitia", "LAETITIA"), ("Jean-Christophe", "JEAN CHRISTOPHE"),
        ("d’Artagnan", "D ARTAGNAN"), ("O'NEILL", "O NEILL"), ("  François  ", "FRANCOIS"), ("Ève-Marie", "EVE MARIE"),
    ])
    func folding(input: String, expected: String) {
        #expect(TextFolding.fold(input) == expected)
    }

    @Test("Particles are ignored in the key: DE LA FONTAINE ≡ Delafontaine ≡ Fontaine")
    func particles() throws {
        let a = try #require(NormalizedName("de La Fontaine"))
        let b = try #require(NormalizedName("DELAFONTAINE"))
        let c = try #require(NormalizedName("Fontaine"))
        #expect(a.key == c.key)
        #expect(a.fullKey == b.key)
        #expect(a.original == "de La Fontaine")
    }

    @Test("Placeholder names are not names")
    func placeholders() {
        #expect(NormalizedName("X") == nil)
        #expect(NormalizedName("inconnu") == nil)
        #expect(NormalizedName(" - ") == nil)
    }

    @Test("R2: marriage patterns split birth and used names", arguments: [
        ("DUPONT épouse MARTIN", "DUPONT", "MARTIN"), ("Dupont ép. Martin", "DUPONT", "MARTIN"),
        ("MARTIN née DUPONT", "DUPONT", "MARTIN"), ("veuve MARTIN", nil, "MARTIN"),
        ("DUPONT VVE MARTIN", "DUPONT", "MARTIN"),
    ] as [(String, String?, String?)])
    func marriage(text: String, birth: String?, used: String?) throws {
        let split = try #require(NameRules.splitMarriagePattern(text))
        #expect(split.birth == birth)
        #expect(split.used == used)
    }

    @Test("R2: a marriage pattern in the birth-name field feeds both names")
    func marriageInRecord() {
        let identity = Fixtures.identity { $0.birthFamilyName = "MARTIN née DUPONT" }
        #expect(identity.birthName?.key == "DUPONT")
        #expect(identity.usedName?.key == "MARTIN")
        #expect(NameRules.splitMarriagePattern("DUPONT") == nil)
    }

    @Test("R3: the first given name is the first space-separated name of the list; a hyphen binds a compound")
    func givenNames() {
        let fromList = Fixtures.identity { $0.birthGivenNames = "Jean-Christophe Pierre" }
        #expect(fromList.firstGivenName?.key == "JEANCHRISTOPHE")
        #expect(Fixtures.identity { $0.birthGivenNames = "Jean Christophe" }.firstGivenName?.key == "JEAN")
        #expect(fromList.givenTokens == ["JEAN", "CHRISTOPHE", "PIERRE"])
        let explicit = Fixtures.identity {
            $0.birthGivenNames = "JEAN CHRISTOPHE PIERRE"
            $0.firstBirthGivenName = "Jean-Christophe"
        }
        #expect(explicit.firstGivenName?.key == "JEANCHRISTOPHE")
    }

    @Test("Mojibake (UTF-8 read as Windows-1252/Latin-1) has a repair candidate", arguments: [
        ("HÃ©lÃ¨ne", "Hélène"), ("CÅ’UR", "CŒUR"), ("cÅ“ur", "cœur"), ("FranÃ§ois", "François"), ("Ã‰lodie", "Élodie"),
    ])
    func mojibake(broken: String, repaired: String) {
        #expect(Mojibake.repairCandidate(broken) == repaired)
        #expect(NormalizedName(broken)?.key == NormalizedName(repaired)?.key)
    }

    @Test("Clean text has no mojibake candidate")
    func noMojibake() {
        #expect(Mojibake.repairCandidate("Hélène") == nil)
        #expect(Mojibake.repairCandidate("DUPONT") == nil)
    }

    @Test("Birth dates in the usual layouts", arguments: [
        ("19800517", 1980, 5, 17), ("1980-05-17", 1980, 5, 17), ("17/05/1980", 1980, 5, 17), ("7/5/1980", 1980, 5, 7),
        ("00/05/1980", 1980, 5, nil), ("00/00/1980", 1980, nil, nil), ("1980", 1980, nil, nil),
        ("1980-05", 1980, 5, nil), ("05/1980", 1980, 5, nil), ("5/1980", 1980, 5, nil),
        ("15 mars 1980", 1980, 3, 15), ("15-MAR-1980", 1980, 3, 15), ("1 févr. 1980", 1980, 2, 1), ("3 Août 1980", 1980, 8, 3),
        ("15 March 1980", 1980, 3, 15), ("décembre 1980", 1980, 12, nil), ("1980-03-15 00:00:00", 1980, 3, 15),
        ("15/03/1980 10:30", 1980, 3, 15), ("1980-03-15T08:00:00+01:00", 1980, 3, 15),
    ] as [(String, Int, Int?, Int?)])
    func dates(text: String, year: Int, month: Int?, day: Int?) throws {
        let date = try #require(BirthDate(text: text))
        #expect(date.year == year)
        #expect(date.month == month)
        #expect(date.day == day)
    }

    @Test("Unreadable dates are refused, never read with a part missing", arguments: [
        "", "abc", "32/13/1980", "1980-13-01", "17/05/80", "1980-13", "05/80", "15 foo 1980", "15 mars 80", "x/03/1980", "15/03/19a0",
    ])
    func badDates(text: String) {
        #expect(BirthDate(text: text) == nil)
    }

    @Test("R4: partial dates are completed (day → 01, month → 01, both → 31/12) and are placeholders")
    func completion() {
        #expect(BirthDate(year: 1980, month: 5, day: nil).completed == (1980, 5, 1))
        #expect(BirthDate(year: 1980, month: nil, day: nil).completed == (1980, 12, 31))
        #expect(BirthDate(year: 1980, month: 1, day: 1).isPlaceholder)
        #expect(BirthDate(year: 1980, month: 12, day: 31).isPlaceholder)
        #expect(!BirthDate(year: 1980, month: 5, day: 17).isPlaceholder)
    }

    @Test("The French phonetic key unifies spellings of one sound", arguments: [
        ("DUPONT", "DUPOND"), ("PHILIPPE", "FILIPE"), ("LEFEBVRE", "LEFEVRE"), ("GAUTHIER", "GAUTIER"),
        ("MOREAU", "MORO"), ("CATHERINE", "KATHERINE"), ("MICHEL", "MICHELLE"), ("RENAULT", "RENAUD"),
        ("THOMAS", "TOMAS"), ("GUILLAUME", "GUILLAUMME"), ("ROUSSEAU", "ROUSSO"), ("BERNARD", "BERNART"),
    ])
    func phoneticSame(a: String, b: String) {
        #expect(FrenchPhonetic.key(a) == FrenchPhonetic.key(b))
    }

    @Test("The phonetic key keeps different names apart", arguments: [
        ("MARTIN", "MARTINEZ"), ("LOUIS", "LUCAS"), ("JEAN", "JEANNE"), ("PAUL", "PAULINE"),
    ])
    func phoneticDifferent(a: String, b: String) {
        #expect(FrenchPhonetic.key(a) != FrenchPhonetic.key(b))
    }

    @Test("String similarity measures")
    func similarity() {
        #expect(abs(StringSimilarity.jaroWinkler(Array("MARTHA".utf8), Array("MARHTA".utf8)) - 0.961) < 0.001)
        #expect(StringSimilarity.editDistance(Array("DUPONT".utf8), Array("DUPOMT".utf8)) == 1)
        #expect(StringSimilarity.editDistance(Array("AB".utf8), Array("BA".utf8)) == 1)
        #expect(StringSimilarity.isOneTypo(Array("19800517".utf8), Array("19800571".utf8)))
        #expect(!StringSimilarity.isOneTypo(Array("19800517".utf8), Array("19810518".utf8)))
    }
}
