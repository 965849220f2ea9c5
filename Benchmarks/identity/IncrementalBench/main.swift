// Incremental matching benchmark: builds an in-memory patient index from an identity CSV, then
// resolves further records one at a time and reports latency percentiles (DOMAIN target: p99 ≤ 2 ms
// against 1M canonical patients). Prints one JSON line. No identity traits are printed.
//
// Usage: identity-bench INDEX.csv QUERIES.csv [--queries N] [--model FILE]
import Foundation
import PasserelleIdentity

func rssMegabytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
}

func load(_ path: String) throws -> [IdentityRecord] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try IdentityCSV.read(String(decoding: data, as: UTF8.self), file: path).records
}

func runBenchmark() throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard arguments.count >= 2 else {
        FileHandle.standardError.write(Data("usage: identity-bench INDEX.csv QUERIES.csv [--queries N] [--model FILE]\n".utf8))
        exit(2)
    }
    var queryLimit = 10_000
    var modelPath: String?
    var index = 2
    while index < arguments.count {
        switch arguments[index] {
        case "--queries": queryLimit = Int(arguments[index + 1]) ?? queryLimit; index += 2
        case "--model": modelPath = arguments[index + 1]; index += 2
        default: index += 1
        }
    }
    let model = try modelPath.map { try MatchModel(jsonData: Data(contentsOf: URL(fileURLWithPath: $0))) } ?? .builtIn
    let matcher = PairMatcher(model: model)
    let started = Date()
    let indexed = try load(arguments[0])
    let queries = Array(try load(arguments[1]).prefix(queryLimit))
    let loaded = Date()

    // Bulk load: every indexed record becomes its own canonical patient (a deduplicated master index).
    var patients = PatientIndex(identityIndex: InMemoryIdentityIndex())
    let meta = EventMetadata(actor: "bench", date: Date(timeIntervalSince1970: 0), reason: "bulk load")
    for record in indexed {
        try patients.apply(IndexEvent(sequence: patients.history.count + 1,
            change: .recordCreatedPatient(record: record, patient: PatientID(rawValue: "B\(record.id.rawValue)")), metadata: meta))
    }
    let built = Date()

    var latencies: [Double] = []
    latencies.reserveCapacity(queries.count)
    var decisions: [MatchDecision: Int] = [:]
    let clock = ContinuousClock()
    for var record in queries {
        record.id = IdentityRecordID(rawValue: "q-" + record.id.rawValue)
        var resolution: Resolution?
        let elapsed = try clock.measure { resolution = try patients.resolve(record, matcher: matcher, metadata: meta) }
        latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        if let decision = resolution?.decision { decisions[decision, default: 0] += 1 }
    }
    latencies.sort()
    func percentile(_ p: Double) -> Double {
        latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
    }
    let result: [String: Any] = [
        "indexed_patients": indexed.count, "queries": queries.count,
        "load_s": loaded.timeIntervalSince(started), "index_build_s": built.timeIntervalSince(loaded),
        "p50_ms": percentile(0.5), "p90_ms": percentile(0.9), "p99_ms": percentile(0.99), "max_ms": latencies.last ?? 0,
        "decisions": Dictionary(uniqueKeysWithValues: decisions.map { ($0.key.rawValue, $0.value) }),
        "peak_rss_mb": rssMegabytes(),
    ]
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}

try runBenchmark()
