import Foundation
import PasserellePipeline
import PasserelleStore
import PasserelleValidation
import PasserelleFlat

/// A temporary directory removed when the value is deinitialised.
final class ScratchDirectory: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `contents` to `name` (folders created) and returns its path.
    @discardableResult
    func write(_ name: String, _ contents: Data) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: file)
        return file.path
    }

    /// A fresh SQLite store in this directory.
    func store(_ name: String = "store.sqlite") async throws -> any RecordStore {
        try await openStore(url.appendingPathComponent(name).path)
    }

    /// A fresh store of `backend`: a SQLite file in this directory, or a PostgreSQL schema of
    /// its own (`t_<random>`) on the test server, so that parallel tests never share data.
    func store(_ backend: TestBackend) async throws -> any RecordStore {
        try await openStore(try backend.freshLocation(in: url))
    }
}

/// The store adapter a pipeline case runs against. The PostgreSQL suites need
/// `PASSERELLE_TEST_POSTGRES_URL` (set by `scripts/with-postgres.sh`) and are skipped by name
/// without it.
enum TestBackend: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// The test server's URL, when there is one.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["PASSERELLE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A location string for a new, empty store.
    func freshLocation(in directory: URL) throws -> String {
        switch self {
        case .sqlite:
            return directory.appendingPathComponent("store-\(UUID().uuidString.prefix(8)).sqlite").path
        case .postgres:
            guard let base = Self.postgresURL else { throw StoreError.invalidInput("PASSERELLE_TEST_POSTGRES_URL is not set") }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
    }
}

/// CDA documents written by the tests (no dependency on fixtures).
enum TestCDA {
    /// A small CDA R2 document with a patient (IPP, name, birth date).
    static func document(
        id: String, setID: String? = nil, version: Int = 1, ipp: String = "IPP-1", family: String = "MARTIN",
        given: String = "Claire", birth: String = "19800214", note: String = "Nothing to report."
    ) -> Data {
        Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ClinicalDocument xmlns="urn:hl7-org:v3">
              <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
              <id root="1.2.3.4.5" extension="\(id)"/>
              <code code="11488-4" codeSystem="2.16.840.1.113883.6.1"/>
              <title>Consultation</title>
              <effectiveTime value="20240102103000+0100"/>
              <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
              <setId root="1.2.3.4.5" extension="\(setID ?? "set-" + id)"/>
              <versionNumber value="\(version)"/>
              <recordTarget><patientRole><id root="1.2.250.1.999.1" extension="\(ipp)"/>
                <patient><name><family qualifier="BR">\(family)</family><given>\(given)</given></name>
                <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="\(birth)"/></patient>
              </patientRole></recordTarget>
              <author><time value="20240102"/><assignedAuthor><id root="1.2.3.4.7" extension="a1"/></assignedAuthor></author>
              <custodian><assignedCustodian><representedCustodianOrganization><id root="1.2.3.4.8"/>
              </representedCustodianOrganization></assignedCustodian></custodian>
              <component><structuredBody><component><section><title>Note</title><text>\(note)</text>
              </section></component></structuredBody></component>
            </ClinicalDocument>

            """.utf8)
    }

    /// Not well-formed: cut in the middle of the header.
    static let truncated = Data("""
        <?xml version="1.0" encoding="UTF-8"?>
        <ClinicalDocument xmlns="urn:hl7-org:v3">
          <id root="1.2.3.4.5" extension="cut
        """.utf8)
}

extension PipelineConfiguration {
    /// Well-formedness and safety limits only.
    static let wellFormed = PipelineConfiguration(validator: DocumentValidator(rules: .none), jobs: 2)
}

extension DocumentReport {
    /// Every report of a flat export in a file, collected from
    /// ``DocumentReport/streamReports(contentsOf:sourceName:profile:_:)`` with each streamed report
    /// given its share of the time; `nil` when the file is no flat export.
    static func streamedReports(contentsOf url: URL, sourceName: String, profile: ExportProfile) throws -> [DocumentReport]? {
        var tail: [DocumentReport] = []
        guard let head = try streamReports(contentsOf: url, sourceName: sourceName, profile: profile, { tail.append($0) }) else { return nil }
        return head.reports + tail.map { $0.withSeconds(head.share) }
    }

    /// This report with its time set to `seconds`.
    func withSeconds(_ seconds: Double) -> DocumentReport {
        var report = self
        report.seconds = seconds
        return report
    }
}
