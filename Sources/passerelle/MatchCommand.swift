import ArgumentParser
import Foundation
import PasserelleIdentity
import PasserelleModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `passerelle match`: deduplicates one identity CSV or links two (the STIC in batch).
///
/// Weights: `--train --model FILE` learns them from the input (EM) and saves the model;
/// `--model FILE` alone reuses a saved model; with neither, they are learned from the input and
/// not saved. Messages never print identity traits, only counts and diagnostic codes.
struct MatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Deduplicate one identity CSV, or link two, with the French identity rules.",
        discussion: """
            Input columns (header names; case, accents and punctuation do not matter): rec_id, source, \
            local_id, ins, ins_oid, birth_family_name, used_family_name, first_given_name, given_names, \
            used_given_name, birth_date, sex, birthplace_code, address, postcode, city, phone, weak_id, status, \
            attributes, and the usual French and English names for them (nom de naissance, nom d'usage, \
            prenoms, date de naissance, sexe, lieu de naissance, adresse, cp, ville, telephone, ipp, nss...). \
            Other headers are mapped with --map column=field ('ignore' skips a column); a column that is no \
            field is reported. Only address and given_names take several columns; two columns feeding any \
            other field are an error. Output pairs: rec_id_1,rec_id_2,score,decision,rule,flags.

            Examples:
              passerelle match patients.csv --output links.csv --clusters clusters.csv --review review.csv
              passerelle match clinic_a.csv clinic_b.csv --train --model model.json --output links.csv
              passerelle match febrl3.csv --map given_name=first_given_name --map surname=birth_family_name --output links.csv
            """)

    @Argument(help: "INPUT.csv to deduplicate, or INPUT.csv INPUT2.csv to link.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Linked pairs CSV (rec_id_1,rec_id_2,score,decision,rule,flags).")
    var output: String?

    @Option(help: "Clusters CSV (rec_id,cluster_id; linking two files: rec_id,cluster_id,input with input 1 or 2).")
    var clusters: String?

    @Option(help: "Review items CSV (pairs a human must decide, with their explanation).")
    var review: String?

    @Option(name: .customLong("map"), help: "column=field mapping for other headers (repeatable).")
    var mappings: [String] = []

    @Flag(help: "Learn the weights from the input (EM) and save them to --model.")
    var train = false

    @Option(help: "Model file: saved with --train, otherwise loaded.")
    var model: String?

    @Option(help: "Score (bits) from which a pair is linked.")
    var linkThreshold: Double?

    @Option(help: "Score (bits) from which a pair goes to review.")
    var reviewThreshold: Double?

    @Option(help: ArgumentHelp(
        "What weak_id designates: household (a shared number such as the insured person's NSS) or personal.",
        valueName: "household|personal"))
    var weakId: String = WeakIdentifierScope.household.rawValue

    @Flag(help: "Also write review pairs to --output (decision column = review).")
    var includeReview = false

    @Flag(help: "List every input diagnostic (file:line:column: severity: [code] message) instead of counts per code.")
    var listDiagnostics = false

    func validate() throws {
        guard (1...2).contains(inputs.count) else { throw ValidationError("give one input to deduplicate or two to link") }
        if train, model == nil { throw ValidationError("--train needs --model FILE to save the model") }
        if WeakIdentifierScope(rawValue: weakId) == nil { throw ValidationError("--weak-id must be household or personal") }
        if output == nil, clusters == nil, review == nil, !train {
            throw ValidationError("nothing to write: give --output, --clusters, --review or --train")
        }
    }

    /// Exit status of usage and I/O errors (unreadable input, bad header, bad model file), as for
    /// the other commands.
    static let usageOrIOStatus: Int32 = 2

    func run() async throws {
        do {
            try await match()
        } catch {
            Self.stderr(error.description + "\n")
            throw ExitCode(Self.usageOrIOStatus)
        }
    }

    private func match() async throws(MatchFailure) {
        let started = Date()
        let progress = ProgressReporter(enabled: isatty(STDERR_FILENO) != 0)
        var configuration = MatchConfiguration()
        if let linkThreshold { configuration.linkThreshold = linkThreshold }
        if let reviewThreshold { configuration.reviewThreshold = reviewThreshold }
        configuration.weakIdentifierScope = WeakIdentifierScope(rawValue: weakId) ?? .household
        do { configuration = try configuration.validated() } catch {
            throw MatchFailure(file: "<options>", code: "MATCH-THRESHOLDS", message: error.description)
        }
        let map: ColumnMap
        do { map = try ColumnMap(specifications: mappings) } catch {
            throw MatchFailure(file: "<options>", code: error.code, message: error.description)
        }
        let left = try load(inputs[0], map: map)
        let right = inputs.count == 2 ? try load(inputs[1], map: map) : nil
        let matchModel = try resolveModel(left, right, configuration, progress)
        let batch = BatchMatcher(matcher: PairMatcher(model: matchModel, configuration: configuration))
        let report: @Sendable (Int, Int) -> Void = { done, total in progress.update("matching", done, total) }
        let result = right.map { batch.link(left, $0, progress: report) } ?? batch.dedupe(left, progress: report)
        progress.finish()
        let targets = right ?? left
        if let right {
            let shared = Set(left.map(\.record.id)).intersection(right.map(\.record.id)).count
            if shared > 0 {
                Self.stderr("match: \(shared) record id(s) appear in both inputs: in the pairs and review files rec_id_1 is "
                    + "always from the first input and rec_id_2 from the second; the clusters file says which (column input)\n")
            }
        }
        if let output {
            try write(BatchOutput.pairsCSV(result, left: left, right: targets, includeReview: includeReview), to: output)
        }
        if let clusters {
            let csv = BatchOutput.clustersCSV(result, records: left + (right ?? []), firstInputCount: right == nil ? nil : left.count)
            try write(csv, to: clusters)
        }
        if let review { try write(BatchOutput.reviewCSV(result, left: left, right: targets), to: review) }
        let links = result.pairs.filter { $0.explanation.decision == .link }.count
        let reviews = result.pairs.count - links
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        Self.stderr("match: \(left.count + (right?.count ?? 0)) records, \(result.comparisons) comparisons, "
            + "\(links) links, \(reviews) review items, \(Set(result.clusters).count) clusters, \(seconds) s\n")
        if result.unlistedClusters > 0 {
            Self.stderr("match: \(result.unlistedClusters) clusters of more than \(batch.maxListedClusterSize) records: "
                + "their pairs joined only through the cluster are not in the pairs file (the clusters file has them)\n")
        }
    }

    private func load(_ path: String, map: ColumnMap) throws(MatchFailure) -> [ComparableIdentity] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MatchFailure(file: path, code: "MATCH-UNREADABLE", message: "cannot read the file")
        }
        guard let (text, decoding) = IdentityCSV.decode(data, file: path) else {
            throw MatchFailure(file: path, code: "MATCH-UNDECODABLE", message: "the file is neither UTF-8, UTF-16 with a byte-order mark nor Windows-1252 text")
        }
        let table: (records: [IdentityRecord], locations: [SourceLocation], diagnostics: [Diagnostic])
        do { table = try IdentityCSV.readLocated(text, file: path, map: map) } catch {
            throw MatchFailure(file: path, line: 1, code: error.code, message: error.description)
        }
        let identities = ComparableIdentity.normalize(table.records)
        var all = decoding + table.diagnostics
        for (identity, location) in zip(identities, table.locations) {
            all += identity.diagnostics.map { diagnostic in
                var located = diagnostic.inFile(path)
                located.location = located.location ?? location
                return located
            }
        }
        if listDiagnostics {
            for diagnostic in all { Self.stderr(diagnostic.description + "\n") }
        } else if !all.isEmpty {
            let counts = Dictionary(grouping: all, by: \.code.rawValue).map { "\($0.key) ×\($0.value.count)" }.sorted()
            Self.stderr("match: \(path): \(all.count) diagnostics: \(counts.joined(separator: ", ")) (--list-diagnostics lists them)\n")
        }
        return identities
    }

    private func resolveModel(
        _ left: [ComparableIdentity], _ right: [ComparableIdentity]?, _ configuration: MatchConfiguration,
        _ progress: ProgressReporter
    ) throws(MatchFailure) -> MatchModel {
        if let model, !train {
            guard let data = FileManager.default.contents(atPath: model) else {
                throw MatchFailure(file: model, code: "MATCH-UNREADABLE", message: "cannot read the model file")
            }
            do { return try MatchModel(jsonData: data) } catch {
                throw MatchFailure(file: model, code: error.code, message: error.description)
            }
        }
        progress.update("training", 0, 1)
        let patterns = BatchMatcher.trainingPatterns(left, right, configuration: configuration)
        let trained = EMTrainer().train(blocked: patterns.blocked, random: patterns.random, identities: left + (right ?? []))
        if let model {
            let data: Data
            do { data = try trained.jsonData() } catch {
                throw MatchFailure(file: model, code: error.code, message: error.description)
            }
            try write(data, to: model)
        }
        return trained
    }

    private func write(_ text: String, to path: String) throws(MatchFailure) { try write(Data(text.utf8), to: path) }

    private func write(_ data: Data, to path: String) throws(MatchFailure) {
        do { try data.write(to: URL(fileURLWithPath: path)) } catch {
            throw MatchFailure(file: path, code: "MATCH-UNWRITABLE", message: "cannot write the file")
        }
    }

    static func stderr(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// Why `passerelle match` stopped: a file, a stable code and a message; never identity traits.
struct MatchFailure: Error, CustomStringConvertible {
    /// The file concerned (`<options>` for a bad option value).
    let file: String
    /// Line in the file, when the problem has one.
    var line: Int?
    /// Stable code (`MATCH-UNREADABLE`, `IDENT-CSV-NO-ID-COLUMN`, `IDENT-MODEL-INVALID`...).
    let code: String
    /// Readable message.
    let message: String

    init(file: String, line: Int? = nil, code: String, message: String) {
        self.file = file
        self.line = line
        self.code = code
        self.message = message
    }

    /// `file[:line:1]: error: [code] message`.
    var description: String {
        "\(file)\(line.map { ":\($0):1" } ?? ""): error: [\(code)] \(message)"
    }
}

/// Progress on stderr, only when it is a terminal.
final class ProgressReporter: Sendable {
    let enabled: Bool
    init(enabled: Bool) { self.enabled = enabled }

    func update(_ stage: String, _ done: Int, _ total: Int) {
        guard enabled else { return }
        let percent = total > 0 ? done * 100 / total : 0
        MatchCommand.stderr("\r\(stage) \(percent)%   ")
    }

    func finish() {
        if enabled { MatchCommand.stderr("\r\u{1B}[K") }
    }
}
