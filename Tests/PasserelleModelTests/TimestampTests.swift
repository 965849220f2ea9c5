import Foundation
import PasserelleModel
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2024", TimePrecision.year, "2024"),
        ("202401", .month, "2024-01"),
        ("20240106", .day, "2024-01-06"),
        ("2024010611", .hour, "2024-01-06T11:00"),
        ("202401061136", .minute, "2024-01-06T11:36"),
        ("20240106113623", .second, "2024-01-06T11:36:23"),
        ("20240106113623.1", .fraction, "2024-01-06T11:36:23.1"),
        ("20240106113623.123456", .fraction, "2024-01-06T11:36:23.123456"),
        ("20240106113623+0100", .second, "2024-01-06T11:36:23+01:00"),
        ("20240106113623.5-0500", .fraction, "2024-01-06T11:36:23.5-05:00"),
        ("202401061136+0000", .minute, "2024-01-06T11:36+00:00"),
        ("20240229", .day, "2024-02-29"),
        ("20000229", .day, "2000-02-29"),
        ("20161231235960", .second, "2016-12-31T23:59:60"),
    ])
    func parsesPrecisionAndRendersISO8601(text: String, precision: TimePrecision, iso: String) throws {
        let timestamp = try #require(Timestamp(hl7: text))
        #expect(timestamp.raw == text)
        #expect(timestamp.precision == precision)
        #expect(timestamp.iso8601 == iso)
        #expect(timestamp.description == text)
    }

    @Test func componentsAndOffset() throws {
        let timestamp = try #require(Timestamp(hl7: "20240106113623.123-0530"))
        #expect(timestamp.year == 2024)
        #expect(timestamp.month == 1)
        #expect(timestamp.day == 6)
        #expect(timestamp.hour == 11)
        #expect(timestamp.minute == 36)
        #expect(timestamp.second == 23)
        #expect(timestamp.fraction == "123")
        #expect(timestamp.utcOffsetMinutes == -330)
        #expect(try #require(Timestamp(hl7: "2024+0100")).utcOffsetMinutes == 60)
        let day = try #require(Timestamp(hl7: "20240106"))
        #expect(day.hour == nil && day.utcOffsetMinutes == nil && day.fraction == nil)
    }

    @Test(arguments: [
        "", "202", "20241306", "20240001", "20240231", "20230229", "19000229", "20240431", "20240106243000",
        "20240106116000", "20240106113661", "20240106113623+100", "20240106113623+01", "20240106113623+1500",
        "20240106113623+0160", "20240106113623Z", "2024-01-06", "2024O106", "abcd", "20240106 113623",
        "20240106113623.", "202401061136.5", "20240106113623+0100x", "２０２４",
    ])
    func rejectsInvalidText(text: String) {
        #expect(Timestamp(hl7: text) == nil)
    }

    @Test func precisionsAreOrdered() {
        #expect(TimePrecision.allCases == [.year, .month, .day, .hour, .minute, .second, .fraction])
        #expect(TimePrecision.year < .day && TimePrecision.second < .fraction)
        #expect(!(TimePrecision.minute < .minute))
    }

    @Test func absentTimestampRendersEmpty() {
        let absent = Timestamp.absent(.unknown)
        #expect(absent.iso8601 == "")
        #expect(absent.description == "nullFlavor=UNK")
        #expect(absent.nullFlavor == .unknown)
    }
}

@Suite struct IdentifierKindTests {
    @Test(arguments: [
        ("1.2.250.1.213.1.4.8", IdentifierKind.insNIR, true),
        ("1.2.250.1.213.1.4.9", .insNIA, true),
        ("1.2.250.1.213.1.4.10", .insNIRTest, true),
        ("1.2.250.1.213.1.4.11", .insNIRDemo, true),
        ("1.2.250.1.213.1.4.2", .insC, false),
        ("1.2.250.1.213.1.4.13", .nssNIR, false),
        ("1.2.250.1.213.1.4.14", .nssNIA, false),
        ("1.2.250.1.999.1", .local, false),
    ])
    func patientIdentifierKinds(root: String, kind: IdentifierKind, isINS: Bool) {
        #expect(IdentifierKind.forPatient(root: root, extension: "123") == kind)
        #expect(kind.isINS == isINS)
    }

    @Test func patientRootWithoutExtensionIsOther() {
        #expect(IdentifierKind.forPatient(root: "1.2.250.1.999.1", extension: nil) == .other)
        #expect(IdentifierKind.forPatient(root: nil, extension: nil) == .other)
        #expect(IdentifierKind.forPatient(root: "1.2.250.1.213.1.4.8", extension: nil) == .insNIR)
    }

    @Test func partyIdentifierKinds() {
        #expect(IdentifierKind.forParty(root: "1.2.250.1.71.4.2.1", extension: "810001234567") == .professional)
        #expect(IdentifierKind.forParty(root: "1.2.250.1.71.4.2.2", extension: "1750000001") == .structure)
        #expect(IdentifierKind.forParty(root: "1.2.250.1.213.1.4.8", extension: "1") == .local)
        #expect(IdentifierKind.forParty(root: "1.2.3", extension: nil) == .other)
        #expect(IdentifierKind.forPatient(root: "1.2.250.1.71.4.2.1", extension: "8") == .local)
    }

    @Test func rawValuesAreStable() {
        #expect(IdentifierKind.allCases.map(\.rawValue) == [
            "INS-NIR", "INS-NIA", "INS-NIR-TEST", "INS-NIR-DEMO", "INS-C", "NSS-NIR", "NSS-NIA", "IDNPS", "IDNST", "LOCAL", "OTHER",
        ])
    }

    @Test func patientINSAndNationalNumbers() {
        let patient = SampleDocument.patient
        #expect(patient.ins?.extension == "279035121518989")
        #expect(patient.localIdentifiers.map(\.extension) == ["IPP123"])
        #expect(SampleDocument.professional.rpps == "10001234567")
        #expect(SampleDocument.organization.finess == "750000001")
        #expect(SampleDocument.organization.siret == nil)
    }
}

/// Timestamps store their components compactly; their API and JSON form are those of plain
/// `Int?` components (stored documents written before keep decoding the same).
@Suite struct TimestampStorageTests {
    @Test("JSON keys in declaration order, absent components omitted")
    func jsonFormIsUnchanged() throws {
        let encoder = StreamingJSONEncoder()
        let full = try #require(Timestamp(hl7: "20191203133000.5+0100"))
        #expect(try encoder.encodeToString(full)
            == #"{"raw":"20191203133000.5+0100","precision":"fraction","year":2019,"month":12,"day":3,"hour":13,"minute":30,"second":0,"fraction":"5","utcOffsetMinutes":60}"#)
        let west = try #require(Timestamp(hl7: "202401021500-0930"))
        #expect(try encoder.encodeToString(west)
            == #"{"raw":"202401021500-0930","precision":"minute","year":2024,"month":1,"day":2,"hour":15,"minute":0,"utcOffsetMinutes":-570}"#)
        #expect(try encoder.encodeToString(try #require(Timestamp(hl7: "1979")))
            == #"{"raw":"1979","precision":"year","year":1979}"#)
        #expect(try encoder.encodeToString(Timestamp.absent(.unknown)) == #"{"raw":"","precision":"year","year":0,"nullFlavor":"UNK"}"#)
        for value in [full, west, Timestamp.absent(.unknown)] {
            let decoded = try JSONDecoder().decode(Timestamp.self, from: try encoder.encode(value))
            #expect(decoded == value)
        }
    }

    @Test func componentsReadAndWriteLikeOptionalIntegers() throws {
        var time = Timestamp(raw: "2024", precision: .year, year: 2024)
        #expect(time.month == nil && time.day == nil && time.hour == nil && time.minute == nil && time.second == nil)
        #expect(time.utcOffsetMinutes == nil)
        time.month = 2
        time.day = 29
        time.utcOffsetMinutes = -720
        #expect(time.month == 2 && time.day == 29 && time.utcOffsetMinutes == -720)
        time.day = nil
        #expect(time.day == nil && time.month == 2)
        #expect(time != Timestamp(raw: "2024", precision: .year, year: 2024, month: 2, utcOffsetMinutes: -719))
        #expect(time == Timestamp(raw: "2024", precision: .year, year: 2024, month: 2, utcOffsetMinutes: -720))
        #expect(MemoryLayout<Timestamp>.size <= 64)
    }

    @Test func aComponentOutOfRangeIsRefusedWhenDecoding() {
        let json = Data(#"{"raw":"x","precision":"day","year":2000,"month":40000}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Timestamp.self, from: json) }
    }
}
