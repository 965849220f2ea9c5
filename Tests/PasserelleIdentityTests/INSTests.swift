import PasserelleIdentity
import PasserelleModel
import Testing

@Suite("INS checks (R6, R7)")
struct INSTests {
    @Test("R6: the ANS test INS passes its key check")
    func ansExample() throws {
        let ins = try INS.parse("279035121518989", oid: IdentifierKind.OID.insNIRTest).get()
        #expect(ins.environment == .test)
        #expect(ins.matriculeKind == .nir)
        #expect(INS.key(ofMatricule: "2790351215189") == 89)
    }

    @Test("R6: each INS OID maps to its kind and environment", arguments: [
        (IdentifierKind.OID.insNIR, INSMatriculeKind.nir, INSEnvironment.production),
        (IdentifierKind.OID.insNIA, .nia, .production),
        (IdentifierKind.OID.insNIRTest, .nir, .test),
        (IdentifierKind.OID.insNIRDemo, .nir, .demo),
    ])
    func oids(oid: String, kind: INSMatriculeKind, environment: INSEnvironment) throws {
        let ins = try INS.parse(Fixtures.ins("1800575056123"), oid: oid).get()
        #expect(ins.matriculeKind == kind)
        #expect(ins.environment == environment)
    }

    @Test("R6: Corsica 2A and 2B are replaced by 19 and 18 before the key computation")
    func corsica() throws {
        let numeric2A = Int("1850519004123")! % 97
        #expect(INS.key(ofMatricule: "185052A004123") == 97 - numeric2A)
        let numeric2B = Int("2850518033045")! % 97
        #expect(INS.key(ofMatricule: "285052B033045") == 97 - numeric2B)
        let value = Fixtures.ins("185052A004123")
        #expect(throws: Never.self) { try INS.parse(value, oid: IdentifierKind.OID.insNIR).get() }
        #expect(INS.parse(value.lowercased(), oid: IdentifierKind.OID.insNIR).isSuccess)
    }

    @Test("R6: invalid INS values are refused with a stable code", arguments: [
        ("279035121518988", IdentifierKind.OID.insNIRTest, "IDENT-INS-KEY"),
        ("27903512151898", IdentifierKind.OID.insNIRTest, "IDENT-INS-LENGTH"),
        ("2790351X1518989", IdentifierKind.OID.insNIRTest, "IDENT-INS-CHARACTERS"),
        ("279035121518989", IdentifierKind.OID.nssNIR, "IDENT-INS-OID"),
        ("279035121518989", IdentifierKind.OID.insC, "IDENT-INS-OID"),
    ])
    func refused(value: String, oid: String, code: String) {
        guard case .failure(let error) = INS.parse(value, oid: oid) else {
            Issue.record("accepted an invalid INS")
            return
        }
        #expect(error.code.rawValue == code)
        #expect(!error.description.contains(value))
    }

    @Test("Provisional sex digits 7 and 8 are accepted; other first digits are not")
    func provisional() {
        #expect(INS.parse(Fixtures.ins("7800575056123"), oid: IdentifierKind.OID.insNIA).isSuccess)
        #expect(INS.parse(Fixtures.ins("8800575056123"), oid: IdentifierKind.OID.insNIA).isSuccess)
        #expect(!INS.parse(Fixtures.ins("5800575056123"), oid: IdentifierKind.OID.insNIR).isSuccess)
    }

    @Test("R7: the NIR's sex, year, month and department are compared with the traits")
    func semantics() throws {
        let ins = try INS.parse(Fixtures.ins("2800575056123"), oid: IdentifierKind.OID.insNIR).get()
        #expect(ins.semantics.sex == .female)
        #expect(ins.semantics.month == 5)
        #expect(ins.semantics.department == "75")
        let date = BirthDate(year: 1980, month: 5, day: 17)
        #expect(ins.conflicts(sex: .female, birthDate: date, birthplaceCode: "75056").isEmpty)
        let child = BirthDate(year: 2012, month: 9, day: 3)
        #expect(ins.conflicts(sex: .male, birthDate: child, birthplaceCode: "69123") == [.sex, .birthYear, .birthMonth, .birthplace])
    }

    @Test("R7: an INS contradicting the traits is kept out of the evidence and reported")
    func mismatchDiagnostic() {
        let identity = Fixtures.identity { $0.ins = Fixtures.ins("1120975056123") }
        #expect(identity.ins != nil)
        #expect(identity.usableINS == nil)
        #expect(identity.diagnostics.map(\.code.rawValue) == ["IDENT-INS-TRAITS-MISMATCH"])
    }

    @Test("The INS description and diagnostics never print the number")
    func redaction() throws {
        let value = Fixtures.ins("2800575056123")
        let ins = try INS.parse(value, oid: IdentifierKind.OID.insNIR).get()
        #expect(!ins.description.contains(value))
        let bad = Fixtures.identity { $0.ins = "2800575056123" + "00" }
        #expect(bad.ins == nil)
        #expect(bad.diagnostics.allSatisfy { !$0.message.contains("2800575056123") })
    }

    @Test("R10/R11: statuses and attributes are read from source codes")
    func statusAndAttributes() {
        #expect(IdentityStatus(code: "qual") == .qualified)
        #expect(IdentityStatus(code: "Récupérée") == .retrieved)
        #expect(IdentityStatus(code: "?") == nil)
        let attributes = IdentityAttributes(codes: "DOUT|HOMA")
        #expect(attributes == [.doubtful, .homonym])
        #expect(attributes.isValidCombination)
        #expect(!IdentityAttributes(codes: "FICT HOMA").isValidCombination)
        #expect(IdentityAttributes(codes: "FICT").constrain(.qualified) == .provisional)
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
