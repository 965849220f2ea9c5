import Crypto
import Foundation
import PasserelleCDA
import PasserelleEmit
import PasserelleModel
import Testing

@Suite("FHIR bundle")
struct FHIRBundleTests {
    let emitter = FHIRBundleEmitter(configuration: FHIREmitterConfiguration(gatewayOID: "1.2.250.1.999.9.1"))

    private func bundle(_ name: String, canonical: String? = "P-000042") throws -> (JSONObject, ClinicalDocument, Data) {
        let (document, bytes) = try EmitFixtures.document(name)
        let data = try emitter.bundle(for: document, originalBytes: bytes, canonicalPatientID: canonical)
        return (try JSONObject(data: data), document, bytes)
    }

    @Test("Bundle is a collection whose entries have urn:uuid full URLs matching their ids")
    func bundleShape() throws {
        let (bundle, _, _) = try bundle("ldl-ses-complete.xml")
        #expect(bundle.string("resourceType") == "Bundle")
        #expect(bundle.string("type") == "collection")
        let entries = bundle.array("entry")
        #expect(entries.count >= 4)
        for entry in entries {
            let resource = try entry.object("resource")
            let id = try #require(resource.string("id"))
            #expect(entry.string("fullUrl") == "urn:uuid:" + id)
            #expect(UUID(uuidString: id) != nil)
        }
        #expect(try entries[0].object("resource").string("resourceType") == "Patient")
        #expect(try entries[1].object("resource").string("resourceType") == "DocumentReference")
    }

    @Test("compact and pretty-printed bundles hold the same JSON; compact puts resourceType first and is the same bytes every time")
    func compactAndPrettyAgree() throws {
        let (document, bytes) = try EmitFixtures.document("ldl-ses-complete.xml")
        let compact = try emitter.bundle(for: document, originalBytes: bytes, canonicalPatientID: "P-000042")
        var pretty = emitter.configuration
        pretty.prettyPrinted = true
        let printed = try FHIRBundleEmitter(configuration: pretty).bundle(for: document, originalBytes: bytes, canonicalPatientID: "P-000042")
        let a = try JSONSerialization.jsonObject(with: compact) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: printed) as? NSDictionary
        #expect(a != nil && a == b)
        #expect(try emitter.bundle(for: document, originalBytes: bytes, canonicalPatientID: "P-000042") == compact)
        let text = String(decoding: compact, as: UTF8.self)
        #expect(text.hasPrefix(#"{"resourceType":"Bundle""#))
        let resources = text.components(separatedBy: #""resource":{"#).dropFirst()
        #expect(resources.count >= 4)
        #expect(resources.allSatisfy { $0.hasPrefix(#""resourceType":"#) }, "every resource starts with its resourceType")
    }

    @Test("Patient: INS test OID with FR Core type, IPP as PI, canonical id under the gateway OID")
    func patientIdentifiers() throws {
        let (bundle, _, _) = try bundle("ldl-ses-complete.xml")
        let patient = try #require(bundle.resources("Patient").first)
        let identifiers = patient.array("identifier")
        let ins = try #require(identifiers.first { $0.string("system") == "urn:oid:1.2.250.1.213.1.4.10" })
        #expect(ins.string("value") == "285076912345623")
        #expect(ins.string("use") == "official")
        let insType = try #require(ins.object("type").array("coding").first)
        #expect(insType.string("code") == "INS-NIR-TEST")
        #expect(insType.string("system") == "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203")
        let ipp = try #require(identifiers.first { $0.string("system") == "urn:oid:1.2.250.1.999.2.1" })
        #expect(ipp.string("value") == "IPP000123")
        #expect(try ipp.object("type").array("coding").first?.string("code") == "PI")
        let canonical = try #require(identifiers.first { $0.string("system") == "urn:oid:1.2.250.1.999.9.1" })
        #expect(canonical.string("value") == "P-000042")
        #expect(try canonical.object("type").array("coding").first?.string("code") == "RRI")
    }

    @Test("Patient: official and usual names kept apart, gender, birth date, birthplace, address, telecom")
    func patientTraits() throws {
        let (bundle, _, _) = try bundle("ldl-ses-complete.xml")
        let patient = try #require(bundle.resources("Patient").first)
        let names = patient.array("name")
        let official = try #require(names.first { $0.string("use") == "official" })
        #expect(official.string("family") == "FICTIVE-ESSAI")
        #expect(official["given"] as? [String] == ["CLAIRE"])
        let list = try #require(official.array("extension").first)
        #expect(list.string("url") == "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-birth-list-given-name")
        #expect(list.string("valueString") == "CLAIRE ANNE-SOPHIE")
        let usual = try #require(names.first { $0.string("use") == "usual" })
        #expect(usual.string("family") == "DEMO")
        #expect(usual["given"] as? [String] == ["CLAIRE"])
        #expect(patient.string("gender") == "female")
        #expect(patient.string("birthDate") == "1985-07-14")
        let birthPlace = try #require(patient.array("extension").first { $0.string("url") == "http://hl7.org/fhir/StructureDefinition/patient-birthPlace" })
        let address = try birthPlace.object("valueAddress")
        #expect(address.string("city") == "LYON")
        let insee = try #require(address.array("extension").first)
        #expect(insee.string("url") == "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code")
        #expect(try insee.object("valueCoding").string("code") == "69123")
        let home = try #require(patient.array("address").first)
        #expect(home.string("use") == "home")
        #expect(home["line"] as? [String] == ["12 Rue des Essais"])
        #expect(home.string("postalCode") == "69003")
        let telecoms = patient.array("telecom")
        #expect(telecoms.contains { $0.string("system") == "phone" && $0.string("value") == "+33-4-00-00-00-01" && $0.string("use") == "home" })
        #expect(telecoms.contains { $0.string("system") == "email" && $0.string("value") == "patiente.fictive@example.org" })
    }

    @Test("DocumentReference: XDS metadata (masterIdentifier, type, category, date, securityLabel, context)")
    func documentReference() throws {
        let (bundle, _, _) = try bundle("ldl-ses-complete.xml")
        let reference = try #require(bundle.resources("DocumentReference").first)
        #expect(try reference.object("masterIdentifier").string("value") == "urn:oid:1.2.250.1.999.1.1^LDL-2025-0001")
        #expect(reference.string("status") == "current")
        #expect(reference.string("docStatus") == "final")
        let type = try #require(try reference.object("type").array("coding").first)
        #expect(type.string("system") == "http://loinc.org")
        #expect(type.string("code") == "11490-0")
        #expect(reference.string("date") == "2025-03-14T10:15:00+01:00")
        let label = try #require(reference.array("securityLabel").first?.array("coding").first)
        #expect(label.string("system") == "http://terminology.hl7.org/CodeSystem/v3-Confidentiality")
        #expect(label.string("code") == "N")
        let patient = try #require(bundle.resources("Patient").first)
        #expect(try reference.object("subject").string("reference") == "urn:uuid:" + (patient.string("id") ?? "?"))
        #expect(try reference.object("context").object("period").string("start") == "2025-03-10T08:30:00+01:00")
        let content = reference.array("content")
        #expect(try content.first?.object("attachment").string("language") == "fr-FR")
        // Every reference in the document points at an entry of the bundle.
        for author in reference.array("author") {
            #expect(bundle.resolve(author.string("reference")) != nil)
        }
        let custodian = try #require(bundle.resolve(try reference.object("custodian").string("reference")))
        #expect(custodian.string("resourceType") == "Organization")
        #expect(custodian.array("identifier").first?.string("system") == "urn:oid:1.2.250.1.71.4.2.2")
        #expect(custodian.array("identifier").first?.string("value") == "1999900001")
        #expect(custodian.array("telecom").first?.string("value") == "https://ch-fictif.example.org")
    }

    @Test("Authors: the person through a PractitionerRole with its IDNPS, the software as a Device")
    func authors() throws {
        let (bundle, _, _) = try bundle("ldl-ses-complete.xml")
        let reference = try #require(bundle.resources("DocumentReference").first)
        let authors = reference.array("author").compactMap { bundle.resolve($0.string("reference")) }
        #expect(authors.map { $0.string("resourceType") ?? "" }.sorted() == ["Device", "PractitionerRole"])
        let role = try #require(authors.first { $0.string("resourceType") == "PractitionerRole" })
        let practitioner = try #require(bundle.resolve(try role.object("practitioner").string("reference")))
        #expect(practitioner.array("identifier").first?.string("system") == "urn:oid:1.2.250.1.71.4.2.1")
        #expect(practitioner.array("identifier").first?.string("value") == "899900000011")
        #expect(bundle.resolve(try role.object("organization").string("reference"))?.string("name") == "Centre hospitalier fictif")
        // The same organisation (author's and custodian) is one resource.
        #expect(bundle.resources("Organization").count == 1)
    }

    @Test("Content: the original bytes in a Binary, with SHA-1 (base64) hash, size and SHA-256 extension")
    func originalContent() throws {
        let (bundle, _, bytes) = try bundle("ldl-ses-complete.xml")
        let reference = try #require(bundle.resources("DocumentReference").first)
        let attachment = try #require(try reference.array("content").first?.object("attachment"))
        #expect(attachment.string("contentType") == "text/xml")
        #expect(attachment["size"] as? Int == bytes.count)
        #expect(attachment.string("hash") == Data(Insecure.SHA1.hash(data: bytes)).base64EncodedString())
        let sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(attachment.array("extension").first?.string("valueString") == sha256)
        let binary = try #require(bundle.resolve(attachment.string("url")))
        #expect(binary.string("resourceType") == "Binary")
        #expect(binary.string("contentType") == "text/xml")
        #expect(Data(base64Encoded: binary.string("data") ?? "") == bytes)
    }

    @Test("Content: a level-1 PDF gets its own Binary with its decoded bytes and the XDS-SD format code")
    func pdfContent() throws {
        let (bundle, document, _) = try bundle("cr-niveau1-pdf.xml")
        guard case .nonXML(let pdf) = document.body else {
            Issue.record("fixture must have a nonXMLBody")
            return
        }
        let pdfBytes = try #require(pdf.data)
        let reference = try #require(bundle.resources("DocumentReference").first)
        let contents = reference.array("content")
        #expect(contents.count == 2)
        #expect(try contents[0].object("format").string("code") == "urn:ihe:iti:xds-sd:pdf:2008")
        let attachment = try contents[1].object("attachment")
        #expect(attachment.string("contentType") == "application/pdf")
        #expect(attachment.string("hash") == Data(Insecure.SHA1.hash(data: pdfBytes)).base64EncodedString())
        #expect(attachment["size"] as? Int == pdfBytes.count)
        let binary = try #require(bundle.resolve(attachment.string("url")))
        #expect(Data(base64Encoded: binary.string("data") ?? "") == pdfBytes)
        #expect(bundle.resources("Binary").count == 2)
    }

    @Test("relatesTo: an RPLC version replaces its parent, referenced by identifier")
    func replacement() throws {
        let (bundle, _, _) = try bundle("replacement-v2.xml")
        let reference = try #require(bundle.resources("DocumentReference").first)
        let relation = try #require(reference.array("relatesTo").first)
        #expect(relation.string("code") == "replaces")
        #expect(try relation.object("target").object("identifier").string("value") == "urn:oid:1.2.250.1.999.1.1^REPL-2025-V1")
        // The set id is kept as an identifier.
        #expect(reference.array("identifier").contains { $0.string("system") == "urn:oid:1.2.250.1.999.1.2" && $0.string("value") == "REPL-2025-SET" })
        let (v1, _, _) = try self.bundle("replacement-v1.xml")
        #expect(try #require(v1.resources("DocumentReference").first)["relatesTo"] == nil)
    }

    @Test("Superseded status is passed through")
    func supersededStatus() throws {
        let (document, bytes) = try EmitFixtures.document("replacement-v1.xml")
        let data = try emitter.bundle(for: document, originalBytes: bytes, canonicalPatientID: nil, status: .superseded)
        #expect(try JSONObject(data: data).resources("DocumentReference").first?.string("status") == "superseded")
    }

    @Test("Determinism: two conversions are byte-identical, ids depend on the document and the patient")
    func determinism() throws {
        for name in EmitFixtures.validNames {
            let (document, bytes) = try EmitFixtures.document(name)
            let (again, _) = try EmitFixtures.document(name)
            let first = try emitter.bundle(for: document, originalBytes: bytes, canonicalPatientID: "P-1")
            let second = try emitter.bundle(for: again, originalBytes: bytes, canonicalPatientID: "P-1")
            #expect(first == second, "\(name) must convert identically")
        }
        let (v1, _, _) = try bundle("replacement-v1.xml")
        let (v2, _, _) = try bundle("replacement-v2.xml")
        let v1Reference = try #require(v1.resources("DocumentReference").first?.string("id"))
        let v2Reference = try #require(v2.resources("DocumentReference").first?.string("id"))
        #expect(v1Reference != v2Reference)
        // Same canonical patient: same Patient id in both bundles.
        #expect(v1.resources("Patient").first?.string("id") == v2.resources("Patient").first?.string("id"))
        let (other, _, _) = try bundle("replacement-v1.xml", canonical: "P-999")
        #expect(other.resources("Patient").first?.string("id") != v1.resources("Patient").first?.string("id"))
    }

    @Test("The INS is withheld for an identity whose status is known and not qualified (RNIV)")
    func insWithheldUnlessQualified() throws {
        let ins = Identifier(root: IdentifierKind.OID.insNIR, extension: "279035121518989", kind: .insNIR)
        let ipp = Identifier(root: "1.2.250.1.999.2.1", extension: "IPP9", kind: .local)
        var document = ClinicalDocument(id: Identifier(root: "1.2.250.1.999.1.9", extension: "D1"))
        document.patient = Patient(identifiers: [ins, ipp], identityStatus: "PROV")
        func systems(_ data: Data) throws -> [String] {
            try #require(try JSONObject(data: data).resources("Patient").first).array("identifier").compactMap { $0.string("system") }
        }
        let provisional = try systems(emitter.bundle(for: document, originalBytes: nil, canonicalPatientID: nil))
        #expect(!provisional.contains("urn:oid:1.2.250.1.213.1.4.8"))
        #expect(provisional.contains("urn:oid:1.2.250.1.999.2.1"))
        document.patient?.identityStatus = "QUAL"
        let qualifiedData = try emitter.bundle(for: document, originalBytes: nil, canonicalPatientID: nil)
        #expect(try systems(qualifiedData).contains("urn:oid:1.2.250.1.213.1.4.8"))
        let patient = try #require(try JSONObject(data: qualifiedData).resources("Patient").first)
        let reliability = try #require(patient.array("extension").first)
        #expect(reliability.string("url") == "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability")
        #expect(try reliability.array("extension").first?.object("valueCoding").string("code") == "QUAL")
    }

    @Test("Dates: partial birth dates keep their precision; times without offset are not made instants")
    func datePrecision() throws {
        var document = ClinicalDocument(id: Identifier(root: "1.2.250.1.999.1.9", extension: "D2"))
        document.patient = Patient(birthDate: Timestamp(hl7: "197903"), deceased: true)
        document.creationTime = Timestamp(hl7: "20250314101500")
        let bundle = try JSONObject(data: emitter.bundle(for: document, originalBytes: nil, canonicalPatientID: nil))
        let patient = try #require(bundle.resources("Patient").first)
        #expect(patient.string("birthDate") == "1979-03")
        #expect(patient["deceasedBoolean"] as? Bool == true)
        let reference = try #require(bundle.resources("DocumentReference").first)
        #expect(reference["date"] == nil)
        #expect(try reference.array("content").first?.object("attachment").string("creation") == "2025-03-14")
    }

    @Test("A flat document without original bytes gets its text body as a Binary")
    func textBody() throws {
        var document = ClinicalDocument(title: "Compte rendu de biologie")
        document.body = .text("Glycémie 5.2 mmol/L")
        document.provenance = Provenance(
            sourceName: "lab.hpr", size: 10, sha256: String(repeating: "a", count: 64), format: .hprimNet, receivedAt: EmitFixtures.receivedAt)
        let bundle = try JSONObject(data: emitter.bundle(for: document, originalBytes: nil, canonicalPatientID: "P-7"))
        let attachment = try #require(try bundle.resources("DocumentReference").first?.array("content").first?.object("attachment"))
        let binary = try #require(bundle.resolve(attachment.string("url")))
        #expect(Data(base64Encoded: binary.string("data") ?? "") == Data("Glycémie 5.2 mmol/L".utf8))
        #expect(bundle.resources("DocumentReference").first?["masterIdentifier"] == nil)
    }
}
