import ArgumentParser
import Foundation
import PasserelleIdentity
import PasserelleStore

/// `passerelle patients`: search, show, merge and unmerge canonical patients.
///
/// Every read is written to the audit log (`patient.search`, `patient.show`); merges and
/// unmerges are audited by the store itself (`patient.merge`, `patient.unmerge`).
struct PatientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patients",
        abstract: "Search, show, merge and unmerge canonical patients.",
        discussion: """
            Examples:
              passerelle patients search --family "Fictive-Essai" --given Claire --birth-date 1985-07-14
              passerelle patients search --ins 285076912345623
              passerelle patients search --ipp IPP000123 --ipp-authority 1.2.250.1.999.2.1
              passerelle patients show P1
              passerelle patients merge P1 P2 --reason "same person, checked the ID card"
              passerelle patients unmerge P1 I3 --reason "merged by mistake"
            """,
        subcommands: [Search.self, Show.self, Merge.self, Unmerge.self])

    /// JSON of an identity record: the traits needed to tell patients apart, ids and status.
    static func json(_ identity: StoredIdentity, full: Bool) -> [String: Any] {
        let record = identity.record
        var object: [String: Any] = ["id": identity.id.rawValue, "patient": identity.patient.rawValue]
        object["familyName"] = record.birthFamilyName ?? record.usedFamilyName
        object["givenName"] = record.firstBirthGivenName ?? record.usedGivenName
        object["birthDate"] = record.birthDate
        guard full else { return object }
        object["usedFamilyName"] = record.usedFamilyName
        object["usedGivenName"] = record.usedGivenName
        object["sex"] = record.sex
        object["ins"] = record.ins
        object["status"] = record.status?.rawValue
        object["source"] = record.source
        if let ipp = record.localIdentifier { object["ipp"] = ["authority": ipp.authority, "value": ipp.value] }
        object["createdAt"] = Query.iso(identity.createdAt)
        return object
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find patients by identifier (INS, IPP) or by traits (birth family name, first given name, birth date).",
            discussion: """
                Criteria are combined with AND; names are compared in normalized form (accents, case, hyphens).

                Examples:
                  passerelle patients search --family DUPONT --birth-date 1970-01-31
                  passerelle patients search --ipp 12345 --ipp-authority 1.2.250.1.71.4.2.2.1 --format json
                """)

        @Option(help: "Birth (or used) family name.")
        var family: String?

        @Option(help: "First given name.")
        var given: String?

        @Option(help: "Birth date: YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY.")
        var birthDate: String?

        @Option(help: "INS (15 digits: matricule and key).")
        var ins: String?

        @Option(help: "IPP (local patient identifier).")
        var ipp: String?

        @Option(help: "Facility OID that issued the IPP (any facility when omitted).")
        var ippAuthority: String?

        @Option(help: "Maximum patients returned.")
        var limit: Int = 50

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func validate() throws {
            guard [family, given, birthDate, ins, ipp].contains(where: { $0?.isEmpty == false }) else {
                throw ValidationError("give at least one criterion: --family, --given, --birth-date, --ins or --ipp")
            }
            guard ippAuthority == nil || ipp != nil else { throw ValidationError("--ipp-authority needs --ipp") }
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
        }

        func run() async throws {
            let query = PatientQuery(ins: ins, ipp: ipp, ippAuthority: ippAuthority, familyName: family, givenName: given,
                birthDate: birthDate, limit: limit)
            // The audit detail names which criteria were used, never their values.
            let criteria = [("family", family), ("given", given), ("birth-date", birthDate), ("ins", ins), ("ipp", ipp),
                ("ipp-authority", ippAuthority)].filter { $0.1 != nil }.map { $0.0 }.joined(separator: ",")
            let found = try await options.withStore { store in
                let found = try await store.searchPatients(query)
                try await store.appendAudit(actor: who.actor, action: "patient.search", target: AuditTarget(type: "patient", id: "*"),
                    detail: "criteria=\(criteria) results=\(found.count) ids=\(found.map(\.id.rawValue).joined(separator: ","))")
                return found
            }
            if options.resolvedFormat == .json {
                Query.writeJSON(found.map { patient -> [String: Any] in
                    ["id": patient.id.rawValue, "identities": patient.identities.map { PatientsCommand.json($0, full: false) }]
                })
                return
            }
            var rows: [[String]] = []
            for patient in found {
                for (index, identity) in patient.identities.enumerated() {
                    let record = identity.record
                    rows.append([
                        index == 0 ? patient.id.rawValue : "", identity.id.rawValue,
                        record.birthFamilyName ?? record.usedFamilyName ?? "-", record.firstBirthGivenName ?? record.usedGivenName ?? "-",
                        record.birthDate ?? "-",
                    ])
                }
            }
            Query.printTable(["PATIENT", "IDENTITY", "FAMILY", "GIVEN", "BIRTH DATE"], rows, empty: "no patient found")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a patient: identity records, documents and link history.",
            discussion: """
                Examples:
                  passerelle patients show P3
                  passerelle patients show 3 --format json --actor reviewer1
                """)

        @Argument(help: "Patient id (P3 or 3).")
        var id: String

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func run() async throws {
            let patientID = try Query.patientID(id)
            let detail = try await options.withStore { store -> PatientDetail in
                guard let detail = try await store.patient(patientID) else { throw Query.notFound("patient", patientID.rawValue) }
                try await store.appendAudit(actor: who.actor, action: "patient.show", target: AuditTarget(type: "patient", id: patientID.rawValue),
                    detail: "identities=\(detail.identities.count) documents=\(detail.documents.count)")
                return detail
            }
            if options.resolvedFormat == .json {
                var object: [String: Any] = [
                    "id": detail.id.rawValue, "createdAt": Query.iso(detail.createdAt),
                    "identities": detail.identities.map { PatientsCommand.json($0, full: true) },
                    "documents": detail.documents.map(Query.json), "history": detail.history.map(Query.json),
                ]
                object["mergedInto"] = detail.mergedInto?.rawValue
                Query.writeJSON(object)
                return
            }
            print("patient \(detail.id) (created \(Query.iso(detail.createdAt)))"
                + (detail.mergedInto.map { ", merged into \($0)" } ?? ""))
            print("\nidentities:")
            Query.printTable(
                ["IDENTITY", "SOURCE", "IPP", "INS", "STATUS", "FAMILY", "GIVEN", "BIRTH DATE", "SEX"],
                detail.identities.map { identity in
                    let record = identity.record
                    return [
                        identity.id.rawValue, record.source ?? "-",
                        record.localIdentifier.map { "\($0.value) (\($0.authority))" } ?? "-", record.ins ?? "-",
                        record.status?.rawValue ?? "-", record.birthFamilyName ?? record.usedFamilyName ?? "-",
                        record.firstBirthGivenName ?? record.usedGivenName ?? "-", record.birthDate ?? "-", record.sex ?? "-",
                    ]
                }, empty: "  (none)")
            print("\ndocuments:")
            Query.printTable(Query.documentHeader, detail.documents.map(Query.row), empty: "  (none)")
            print("\nhistory:")
            Query.printTable(
                ["SEQ", "DATE", "ACTOR", "EVENT", "REASON"],
                detail.history.map { entry in
                    [String(entry.sequence), Query.iso(entry.metadata.date), entry.metadata.actor, entry.change.summary,
                     entry.metadata.reason]
                }, empty: "  (none)")
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge patient B into patient A: A keeps all identity records and documents, B no longer exists on its own.",
            discussion: """
                Examples:
                  passerelle patients merge P3 P7 --reason "same person, checked with the source"
                """)

        @Argument(help: "Surviving patient id.")
        var survivor: String

        @Argument(help: "Absorbed patient id.")
        var absorbed: String

        @Option(help: "Why (kept in the link history and the audit log; no identity traits).")
        var reason: String

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func run() async throws {
            let (a, b) = (try Query.patientID(survivor), try Query.patientID(absorbed))
            guard a != b else { throw ValidationError("a patient cannot be merged into itself") }
            let detail = try await options.withStore { store -> PatientDetail? in
                for id in [a, b] {
                    guard try await store.patient(id) != nil else { throw Query.notFound("patient", id.rawValue) }
                }
                try await store.mergePatients(survivor: a, absorbed: b, actor: who.actor, reason: reason)
                return try await store.patient(a)
            }
            if options.resolvedFormat == .json {
                Query.writeJSON(["survivor": a.rawValue, "absorbed": b.rawValue,
                    "identities": detail?.identities.map(\.id.rawValue) ?? []])
            } else {
                print("patient \(b) merged into \(a); \(a) now has \(detail?.identities.count ?? 0) identity record(s)")
            }
        }
    }

    struct Unmerge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Detach an identity record from a patient: it gets a new patient of its own, with its documents.",
            discussion: """
                Examples:
                  passerelle patients unmerge P3 I12 --reason "wrongly merged homonym"
                """)

        @Argument(help: "Patient id the identity belongs to.")
        var patient: String

        @Argument(help: "Identity record id (I5 or 5).")
        var identity: String

        @Option(help: "Why (kept in the link history and the audit log; no identity traits).")
        var reason: String

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func run() async throws {
            let patientID = try Query.patientID(patient)
            let identityID = try Query.identityID(identity)
            let newPatient = try await options.withStore { store -> PatientID in
                guard let stored = try await store.identity(identityID) else { throw Query.notFound("identity", identityID.rawValue) }
                guard stored.patient == patientID else {
                    printError("[QUERY-NOT-LINKED] identity \(identityID) belongs to patient \(stored.patient), not \(patientID)")
                    throw ExitCode(ExitStatus.documentsFailed.rawValue)
                }
                return try await store.unmerge(identity: identityID, actor: who.actor, reason: reason)
            }
            if options.resolvedFormat == .json {
                Query.writeJSON(["patient": patientID.rawValue, "identity": identityID.rawValue, "newPatient": newPatient.rawValue])
            } else {
                print("identity \(identityID) detached from \(patientID): now patient \(newPatient)")
            }
        }
    }
}
