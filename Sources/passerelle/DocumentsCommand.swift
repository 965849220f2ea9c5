import ArgumentParser
import Foundation
import PasserelleEmit
import PasserelleIdentity
import PasserelleStore

/// `passerelle documents`: list a patient's documents and get one back, byte-exact or as FHIR.
///
/// Every read is audited (`document.list`, `document.get`).
struct DocumentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "List a patient's documents; get a document's original bytes or a FHIR Bundle.",
        discussion: """
            Examples:
              passerelle documents list --patient P1
              passerelle documents get 3 --output report.xml
              passerelle documents get 3 --as fhir > report.fhir.json
            """,
        subcommands: [List.self, Get.self])

    /// What `documents get` writes.
    enum Representation: String, ExpressibleByArgument, CaseIterable {
        /// The bytes exactly as received.
        case original
        /// A FHIR R4 Bundle (Patient, DocumentReference, Binary).
        case fhir
        /// The CDA with the canonical patient id added.
        case cda
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a patient's documents, superseded versions included.",
            discussion: """
                Examples:
                  passerelle documents list --patient P3
                """)

        @Option(help: "Patient id (P3 or 3).")
        var patient: String

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func run() async throws {
            let patientID = try Query.patientID(patient)
            let documents = try await options.withStore { store -> [DocumentSummary] in
                guard try await store.patient(patientID) != nil else { throw Query.notFound("patient", patientID.rawValue) }
                let documents = try await store.documents(patient: patientID)
                try await store.appendAudit(actor: who.actor, action: "document.list", target: AuditTarget(type: "patient", id: patientID.rawValue),
                    detail: "count=\(documents.count)")
                return documents
            }
            if options.resolvedFormat == .json {
                Query.writeJSON(documents.map(Query.json))
            } else {
                Query.printTable(Query.documentHeader, documents.map(Query.row), empty: "no documents for patient \(patientID)")
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a document: its original bytes (byte-exact), a FHIR R4 Bundle, or the CDA with the canonical patient id.",
            discussion: """
                Examples:
                  passerelle documents get 12 --output original.xml
                  passerelle documents get 12 --as fhir > bundle.json
                """)

        @Argument(help: "Document id (a number, as shown by `documents list`).")
        var id: String

        @Option(name: .customLong("as"), help: "What to write: original, fhir or cda.")
        var representation: Representation = .original

        @Option(help: "Write to this file instead of standard output.")
        var output: String?

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func run() async throws {
            let documentID = try Query.documentID(id)
            let bytes = try await options.withStore { store -> Data in
                guard let stored = try await store.document(documentID), let original = try await store.originalBytes(documentID) else {
                    throw Query.notFound("document", documentID.description)
                }
                let bytes: Data
                switch representation {
                case .original:
                    bytes = original
                case .fhir, .cda:
                    let patient = try await DocumentsCommand.canonicalPatient(stored.summary.patient, in: store)
                    do {
                        if representation == .fhir {
                            bytes = try FHIRBundleEmitter(configuration: FHIREmitterConfiguration(prettyPrinted: true)).bundle(
                                for: stored.model, originalBytes: original, canonicalPatientID: patient?.rawValue,
                                status: stored.summary.status == .superseded ? .superseded : .current)
                        } else {
                            guard let patient else {
                                printError("[QUERY-NO-PATIENT] document \(documentID) has no patient: use --as original")
                                throw ExitCode(ExitStatus.documentsFailed.rawValue)
                            }
                            bytes = try NormalizedCDAEmitter().normalize(original: original, canonicalPatientID: patient.rawValue,
                                sourceName: stored.summary.sourceName)
                        }
                    } catch let error as EmitError {
                        printError("document \(documentID): \(error)")
                        throw ExitCode(ExitStatus.documentsFailed.rawValue)
                    }
                }
                try await store.appendAudit(actor: who.actor, action: "document.get", target: AuditTarget(type: "document", id: documentID.description),
                    detail: "as=\(representation.rawValue) size=\(bytes.count)")
                return bytes
            }
            if let output {
                do {
                    try bytes.write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    printError("[QUERY-WRITE] \(output): cannot write (\(error.localizedDescription))")
                    throw ExitCode(ExitStatus.usageOrIO.rawValue)
                }
            } else {
                FileHandle.standardOutput.write(bytes)
            }
        }
    }

    /// The patient a document belongs to now: follows merges to the surviving patient.
    static func canonicalPatient(_ patient: PatientID?, in store: any RecordStore) async throws -> PatientID? {
        guard var current = patient else { return nil }
        for _ in 0..<32 {
            guard let detail = try await store.patient(current), let next = detail.mergedInto, next != current else { return current }
            current = next
        }
        return current
    }
}
