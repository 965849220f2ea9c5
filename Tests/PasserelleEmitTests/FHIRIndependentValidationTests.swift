import Foundation
import PasserelleEmit
import PasserelleModel
import PasserelleTestSupport
import Testing

/// Checks every emitted bundle with an independent FHIR implementation: the Python package
/// `fhir.resources` (R4B pydantic models) through `scripts/check_fhir.py`. A missing Python or
/// package fails the test (the test command installs it: `scripts/install-deps.sh`).
@Suite("FHIR output checked by fhir.resources")
struct FHIRIndependentValidationTests {
    @Test("Every fixture's bundle parses and validates with fhir.resources R4B")
    func validatesWithFHIRResources() throws {
        // PASSERELLE_FHIR_OUT keeps the bundles in that folder for a look; else a temporary one.
        let keep = ProcessInfo.processInfo.environment["PASSERELLE_FHIR_OUT"].map { URL(fileURLWithPath: $0) }
        let directory = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("emit-fhir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: directory) } }
        let emitter = FHIRBundleEmitter(configuration: FHIREmitterConfiguration(prettyPrinted: true))
        for name in EmitFixtures.validNames {
            let (document, bytes) = try EmitFixtures.document(name)
            let data = try emitter.bundle(for: document, originalBytes: bytes, canonicalPatientID: "P-\(name.count)")
            try data.write(to: directory.appendingPathComponent(name + ".json"))
        }
        // A model built by hand exercises the optional paths (partial dates, text body, INS rules).
        var document = ClinicalDocument(title: "Résultats")
        document.patient = Patient(
            identifiers: [Identifier(root: IdentifierKind.OID.insNIA, extension: "779035121518900", kind: .insNIA)],
            birthFamilyName: "ESSAI", birthGivenNames: ["JEAN", "PIERRE"], sex: .male, birthDate: Timestamp(hl7: "1979"),
            deceasedTime: Timestamp(hl7: "202401021030+0100"), multipleBirthOrder: 2, identityStatus: "QUAL")
        document.body = .text("texte")
        try FHIRBundleEmitter().bundle(for: document, originalBytes: nil, canonicalPatientID: nil)
            .write(to: directory.appendingPathComponent("handmade.json"))

        let result = try FHIRCheck.run(on: directory)
        let text = result.output
        #expect(result.status != 2, "fhir.resources is not available (run scripts/install-deps.sh): \(text)")
        #expect(result.status == 0, "fhir.resources rejected the output:\n\(text)")
        #expect(text.contains("\(EmitFixtures.validNames.count + 1) passed, 0 failed"), "\(text)")
    }
}

/// Runs `scripts/check_fhir.py` on a folder of bundles.
enum FHIRCheck {
    /// Exit status (0 all valid, 1 some invalid, 2 package missing) and combined output.
    static func run(on directory: URL) throws -> (status: Int32, output: String) {
        let script = TestPaths.packageRoot.appendingPathComponent("scripts/check_fhir.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // PASSERELLE_PYTHON, else the venv scripts/install-deps.sh makes under PEP 668, else python3.
        let venv = TestPaths.packageRoot.appendingPathComponent(".build-venv/bin/python3").path
        let python =
            ProcessInfo.processInfo.environment["PASSERELLE_PYTHON"]
            ?? (FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3")
        process.arguments = [python, script.path, directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
