import Foundation
import PasserellePipeline
import PasserelleStore
import PasserelleValidation

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
