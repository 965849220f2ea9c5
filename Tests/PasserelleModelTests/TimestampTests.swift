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
