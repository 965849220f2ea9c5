import ArgumentParser
import Foundation
import PasserelleIdentity
import PasserelleStore

/// `passerelle review`: the identity pairs the engine could not decide alone.
///
/// Reads are audited (`review.list`, `review.show`); decisions are audited by the store
/// (`review.accept`, `review.reject`).
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "List, show, accept and reject identity review items.",
        discussion: """
            Accepting links the identity under review to the candidate patient (the two patients are merged); \
            rejecting records that they are different persons (they will not be linked again).

            Examples:
              passerelle review list
              passerelle review show R1
              passerelle review accept R1 --reason "same person, checked the ID card"
              passerelle review reject R2 --reason "different persons (twins)"
            """,
        subcommands: [List.self, Show.self, Accept.self, Reject.self])

    /// JSON of a review item (ids, state, explanation; no traits).
    static func json(_ item: ReviewItem) -> [String: Any] {
        [
            "id": item.id.rawValue, "state": item.state.rawValue, "identity": item.record.rawValue,
            "candidatePatient": item.candidatePatient.rawValue, "candidateIdentity": item.candidateRecord.rawValue,
            "explanation": json(item.explanation),
        ]
    }

    /// JSON of a match explanation: decision, rule, score, flags and each trait's level and weight.
    static func json(_ explanation: MatchExplanation) -> [String: Any] {
        [
            "decision": explanation.decision.rawValue, "rule": explanation.rule.rawValue, "score": explanation.score,
            "flags": explanation.flags.map(\.rawValue).sorted(), "householdWeight": explanation.householdWeight,
            "contributions": explanation.contributions.map { contribution -> [String: Any] in
                ["trait": contribution.trait.rawValue, "group": contribution.trait.group.rawValue,
                 "level": contribution.level.rawValue, "weight": contribution.weight]
            },
        ]
    }

    /// The value a record holds for a compared trait (only the traits the explanation compares are shown).
    static func value(of trait: Trait, in record: IdentityRecord) -> String? {
        switch trait {
        case .ins: record.ins
        case .weakIdentifier: record.weakIdentifier
        case .familyName:
            record.birthFamilyName.map { birth in
                record.usedFamilyName.flatMap { $0 == birth ? nil : "\(birth) (used: \($0))" } ?? birth
            } ?? record.usedFamilyName
        case .givenName: record.firstBirthGivenName ?? record.usedGivenName
        case .birthDate: record.birthDate
        case .sex: record.sex
        case .birthplace: record.birthplaceCode
        case .address: record.address
        case .postcode: record.postcode
        case .city: record.city
        case .phone: record.phone
        }
    }

    /// Formats a weight with its sign and two decimals.
    static func weight(_ value: Double) -> String {
        String(format: "%+.2f", value)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List review items (open ones by default).",
            discussion: """
                Examples:
                  passerelle review list
                  passerelle review list --state all --format json
                """)

        @Option(help: "State: open, accepted, rejected or all.")
        var state: String = "open"

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func run() async throws {
            let filter: ReviewItem.State?
            if state == "all" {
                filter = nil
            } else if let parsed = ReviewItem.State(rawValue: state) {
                filter = parsed
            } else {
                throw ValidationError("--state must be open, accepted, rejected or all")
            }
            let items = try await options.withStore { store in
                let items = try await store.reviewItems(state: filter)
                try await store.appendAudit(actor: who.actor, action: "review.list", target: AuditTarget(type: "review", id: "*"),
                    detail: "state=\(state) count=\(items.count)")
                return items
            }
            if options.resolvedFormat == .json {
                Query.writeJSON(items.map(ReviewCommand.json))
                return
            }
            Query.printTable(
                ["REVIEW", "STATE", "IDENTITY", "CANDIDATE", "SCORE", "RULE", "FLAGS"],
                items.map { item in
                    [item.id.rawValue, item.state.rawValue, item.record.rawValue, "\(item.candidatePatient) (\(item.candidateRecord))",
                     ReviewCommand.weight(item.explanation.score), item.explanation.rule.rawValue,
                     item.explanation.flags.map(\.rawValue).sorted().joined(separator: ",")]
                }, empty: "no review items (\(state))")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a review item: both identities side by side with each trait's comparison level and weight.",
            discussion: """
                Examples:
                  passerelle review show R1
                """)

        @Argument(help: "Review id (R1 or 1).")
        var id: String

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func run() async throws {
            let reviewID = try Query.reviewID(id)
            let detail = try await options.withStore { store -> ReviewDetail in
                guard let detail = try await store.review(reviewID) else { throw Query.notFound("review item", reviewID.rawValue) }
                try await store.appendAudit(actor: who.actor, action: "review.show", target: AuditTarget(type: "review", id: reviewID.rawValue),
                    detail: "identity=\(detail.item.record) candidate=\(detail.item.candidateRecord)")
                return detail
            }
            let explanation = detail.item.explanation
            if options.resolvedFormat == .json {
                func traits(_ record: IdentityRecord) -> [String: Any] {
                    var object: [String: Any] = [:]
                    for contribution in explanation.contributions {
                        object[contribution.trait.rawValue] = ReviewCommand.value(of: contribution.trait, in: record)
                    }
                    if let ipp = record.localIdentifier { object["ipp"] = ["authority": ipp.authority, "value": ipp.value] }
                    object["source"] = record.source
                    return object
                }
                var object = ReviewCommand.json(detail.item)
                object["reason"] = detail.reason
                object["createdAt"] = Query.iso(detail.createdAt)
                object["decidedAt"] = detail.decidedAt.map(Query.iso)
                object["decidedBy"] = detail.decidedBy
                object["record"] = traits(detail.record)
                object["candidateRecord"] = traits(detail.candidateRecord)
                Query.writeJSON(object)
                return
            }
            let item = detail.item
            print("review \(item.id) (\(item.state.rawValue)), opened \(Query.iso(detail.createdAt))"
                + (detail.decidedBy.map { ", decided by \($0)" } ?? "") + (detail.decidedAt.map { " at \(Query.iso($0))" } ?? ""))
            print("reason: \(detail.reason)")
            print("decision: \(explanation.decision.rawValue) (rule \(explanation.rule.rawValue), score \(ReviewCommand.weight(explanation.score)))")
            if !explanation.flags.isEmpty { print("flags: " + explanation.flags.map(\.rawValue).sorted().joined(separator: ", ")) }
            print("")
            var rows: [[String]] = [[
                "ipp", detail.record.localIdentifier.map { "\($0.value) (\($0.authority))" } ?? "-",
                detail.candidateRecord.localIdentifier.map { "\($0.value) (\($0.authority))" } ?? "-", "", "",
            ]]
            for contribution in explanation.contributions {
                rows.append([
                    contribution.trait.rawValue, ReviewCommand.value(of: contribution.trait, in: detail.record) ?? "-",
                    ReviewCommand.value(of: contribution.trait, in: detail.candidateRecord) ?? "-", contribution.level.rawValue,
                    ReviewCommand.weight(contribution.weight),
                ])
            }
            Query.printTable(
                ["TRAIT", "UNDER REVIEW \(item.record)", "CANDIDATE \(item.candidateRecord) (\(item.candidatePatient))", "LEVEL", "WEIGHT"],
                rows, empty: "")
            print("household group (capped): \(ReviewCommand.weight(explanation.householdWeight))")
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a review item: the identity under review joins the candidate patient.",
            discussion: """
                Examples:
                  passerelle review accept R1 --reason "confirmed by phone with the clinic"
                """)

        @Argument(help: "Review id (R1 or 1).")
        var id: String

        @Option(help: "Why (kept in the link history and the audit log; no identity traits).")
        var reason: String = "accepted after review"

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func run() async throws {
            try await ReviewCommand.decide(id, accept: true, reason: reason, options: options, actor: who.actor)
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a review item: the two identities are different persons and will not be linked.",
            discussion: """
                Examples:
                  passerelle review reject R2 --reason "twins"
                """)

        @Argument(help: "Review id (R1 or 1).")
        var id: String

        @Option(help: "Why (kept in the link history and the audit log; no identity traits).")
        var reason: String

        @OptionGroup var options: QueryStoreOptions
        @OptionGroup var who: ActorOption

        func run() async throws {
            try await ReviewCommand.decide(id, accept: false, reason: reason, options: options, actor: who.actor)
        }
    }

    /// Accepts or rejects a review item and prints the outcome.
    static func decide(_ text: String, accept: Bool, reason: String, options: QueryStoreOptions, actor: String) async throws {
        let reviewID = try Query.reviewID(text)
        let item = try await options.withStore { store -> ReviewItem in
            guard let detail = try await store.review(reviewID) else { throw Query.notFound("review item", reviewID.rawValue) }
            guard detail.item.state == .open else {
                printError("[QUERY-REVIEW-CLOSED] review item \(reviewID) is already \(detail.item.state.rawValue)")
                throw ExitCode(ExitStatus.documentsFailed.rawValue)
            }
            if accept {
                try await store.acceptReview(reviewID, actor: actor, reason: reason)
            } else {
                try await store.rejectReview(reviewID, actor: actor, reason: reason)
            }
            return detail.item
        }
        let state = accept ? "accepted" : "rejected"
        if options.resolvedFormat == .json {
            Query.writeJSON(["id": reviewID.rawValue, "state": state, "identity": item.record.rawValue,
                "candidatePatient": item.candidatePatient.rawValue])
        } else if accept {
            print("review \(reviewID) accepted: identity \(item.record) linked to patient \(item.candidatePatient)")
        } else {
            print("review \(reviewID) rejected: identity \(item.record) stays apart from patient \(item.candidatePatient)")
        }
    }
}
