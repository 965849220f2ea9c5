import Foundation
import PasserelleIdentity
import PasserelleModel
@testable import PasserelleStore

/// Where the PostgreSQL conformance cases run: `PASSERELLE_TEST_POSTGRES_URL` (set by
/// `scripts/with-postgres.sh`); the PostgreSQL suite is skipped by name when it is absent.
enum TestServer {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["PASSERELLE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A throwaway store: a SQLite file in a temporary directory, or a PostgreSQL schema of its own
/// (`t_<random>`), so that tests run in parallel and can be re-run.
struct TestStore: Sendable {
    let store: any RecordStore
    /// The location string, to open the same store again.
    let location: String

    static func make(_ adapter: StoreAdapter, clock: (@Sendable () -> Date)? = nil) async throws -> TestStore {
        let location: String
        switch adapter {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            location = directory.appendingPathComponent("store.sqlite").path
        case .postgres:
            guard let base = TestServer.postgresURL else { throw StoreError.invalidInput("PASSERELLE_TEST_POSTGRES_URL is not set") }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            location = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
        return TestStore(store: try await openStore(location, configuration: configuration(clock)), location: location)
    }

    static func configuration(_ clock: (@Sendable () -> Date)?) -> StoreConfiguration {
        clock.map { StoreConfiguration(clock: $0) } ?? StoreConfiguration()
    }

    /// Another connection (pool) to the same store, as a second process would have.
    func reopen() async throws -> any RecordStore { try await openStore(location) }
}

/// Invented people and documents (no real person; INS values are computed under the test OID).
enum Samples {
    static let facilityA = "1.2.250.1.999.1.1"
    static let facilityB = "1.2.250.1.999.2.1"
    static let documentRoot = "1.2.250.1.999.1.1.5"

    /// A valid INS (test OID) from a 13-character matricule.
    static func ins(_ matricule: String) -> String {
        let key = INS.key(ofMatricule: matricule) ?? 0
        return matricule + (key < 10 ? "0\(key)" : "\(key)")
    }

    /// Marie Anne DUPONT's INS: consistent with her traits (F, 1980-05, born in 75056).
    static let marieINS = ins("2800575056123")

    static func patient(
        family: String = "DUPONT", given: String = "MARIE ANNE", birth: String = "19800517", sex: String = "F",
        place: String? = "75056", ipp: String? = "IPP-1", facility: String = facilityA, ins: String? = nil,
        status: String? = nil, street: String = "12 rue des Lilas", postcode: String = "75011"
    ) -> Patient {
        var identifiers: [Identifier] = []
        if let ipp { identifiers.append(Identifier(root: facility, extension: ipp, kind: .local)) }
        if let ins { identifiers.append(Identifier(root: IdentifierKind.OID.insNIRTest, extension: ins, kind: .insNIRTest)) }
        let givens = given.split(separator: " ").map(String.init)
        return Patient(
            identifiers: identifiers, birthFamilyName: family, firstBirthGivenName: givens.first, birthGivenNames: givens,
            birthGivenNamesText: given, sex: AdministrativeSex(code: sex), sexCode: sex, birthDate: Timestamp(hl7: birth),
            birthplaceCode: place,
            addresses: [Address(streetAddressLines: [street], postalCode: postcode, city: "Paris")], identityStatus: status)
    }

    /// A level-1 document carrying a small PDF-like attachment.
    static func document(
        _ ext: String, set: String? = nil, version: Int? = 1, patient: Patient? = Samples.patient(), title: String = "Compte rendu",
        payload: Data = Data("%PDF-1.4 invented test payload".utf8)
    ) -> ClinicalDocument {
        ClinicalDocument(
            id: Identifier(root: documentRoot, extension: ext), setID: set.map { Identifier(root: documentRoot, extension: $0) },
            versionNumber: version, typeCode: CodedValue(code: "11488-4", codeSystem: CodedValue.System.loinc), title: title,
            creationTime: Timestamp(hl7: "20240105101500+0100"), patient: patient,
            body: .nonXML(Attachment(mediaType: "application/pdf", representation: "B64", data: payload,
                sha256: StoreCoding.sha256(payload))))
    }

    /// Original bytes for a document: a fixture file's bytes plus a marker, so that each test
    /// document has distinct, byte-exact content.
    static func original(_ marker: String) -> Data {
        var data = fixtureBytes
        data.append(Data("<!-- \(marker) -->\n".utf8))
        return data
    }

    /// `Fixtures/cda/valid/ldl-ses-complete.xml`.
    static let fixtureBytes: Data = {
        let url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cda/valid/ldl-ses-complete.xml")
        return (try? Data(contentsOf: url)) ?? Data("<ClinicalDocument/>".utf8)
    }()

    static func incoming(_ document: ClinicalDocument, _ original: Data, source: String = "inbox/doc.xml") -> IncomingDocument {
        IncomingDocument(document: document, original: original, sourceName: source, format: .cda,
            receivedAt: Date(timeIntervalSince1970: 1_704_450_000))
    }
}
