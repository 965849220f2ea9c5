import PasserelleIdentity
import PasserelleModel
import Testing

@Suite("Conversion from the document model (R1)")
struct PatientConversionTests {
    @Test("A CDA patient becomes an identity record with INS, IPP and birth/used traits kept apart")
    func fromPatient() {
        let patient = Patient(
            identifiers: [
                Identifier(root: IdentifierKind.OID.insNIRTest, extension: "279035121518989", kind: .insNIRTest),
                Identifier(root: "1.2.3.4.567.8.9.10", extension: "IPP42", kind: .local),
            ],
            birthFamilyName: "DUPONT", usedFamilyName: "MARTIN", firstBirthGivenName: "Marie-Anne",
            birthGivenNames: ["Marie-Anne", "Louise"], sex: .female,
            birthDate: Timestamp(hl7: "19790315"), birthplaceCode: "51215",
            addresses: [Address(streetAddressLines: ["3 rue Haute"], postalCode: "51100", city: "Reims")],
            telecoms: [Telecom(use: "H", value: "tel:0326000000")], identityStatus: "QUAL")
        let record = IdentityRecord(patient: patient, id: "doc-1", source: "1.2.3.4.567.8.9.10")
        #expect(record.localIdentifier == LocalIdentifier(authority: "1.2.3.4.567.8.9.10", value: "IPP42"))
        #expect(record.insOID == IdentifierKind.OID.insNIRTest)
        #expect(record.usedFamilyName == "MARTIN")
        #expect(record.birthGivenNames == "Marie-Anne Louise")
        #expect(record.birthDate == "19790315")
        #expect(record.phone == "0326000000")
        #expect(record.status == .qualified)
        let identity = ComparableIdentity(record)
        #expect(identity.usableINS != nil)
        #expect(identity.firstGivenName?.key == "MARIEANNE")
        #expect(identity.sex == .female)
    }
}
