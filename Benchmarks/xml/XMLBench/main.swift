// In-process CDA benchmark: reads every document under a directory into memory once, then
// parses and reads them into the document model (and optionally validates them against an XSD
// schema set and the CI-SIS header rules) REPEAT times on JOBS threads. Prints one JSON line
// with documents/s and MB/s of the timed section, like the peers in ../shared/bench/xml.
//
// Usage: xml-bench CORPUS_DIR [--repeat N] [--jobs J] [--schema XSD] [--rules none|ci-sis|auto] [--dom] [--verbose]
// --verbose prints the diagnostics of the documents that fail (standard error).
// --dom reads through libxml2's DOM and validates the tree after the parse (the slower path,
// kept for comparison with the default compact tree and streaming validation).
import Foundation
import PasserelleCDA
import PasserelleValidation
import PasserelleModel
import PasserelleXML

struct Options: Sendable {
    var corpus = ""
    var repeatCount = 20
    var jobs = 1
    var schema: String?
    var rules = RuleSelection.none
    var dom = false
    var verbose = false

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--repeat": repeatCount = Int(iterator.next() ?? "") ?? repeatCount
            case "--jobs": jobs = max(1, Int(iterator.next() ?? "") ?? jobs)
            case "--schema": schema = iterator.next()
            case "--rules": rules = RuleSelection(rawValue: iterator.next() ?? "") ?? rules
            case "--dom": dom = true
            case "--verbose": verbose = true
            default: corpus = argument
            }
        }
    }
}

func corpusFiles(_ directory: String) -> [Data] {
    let root = URL(fileURLWithPath: directory)
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
    var paths: [String] = []
    for case let url as URL in walker where url.pathExtension.lowercased() == "xml" { paths.append(url.path) }
    return paths.sorted().compactMap { FileManager.default.contents(atPath: $0) }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
guard !options.corpus.isEmpty else {
    FileHandle.standardError.write(Data("usage: xml-bench CORPUS_DIR [--repeat N] [--jobs J] [--schema XSD] [--rules R]\n".utf8))
    exit(2)
}
let documents = corpusFiles(options.corpus)
let bytes = documents.reduce(0) { $0 + $1.count }
var schemaSet: XMLSchemaSet?
if let schema = options.schema {
    do { schemaSet = try XMLSchemaSet(contentsOf: URL(fileURLWithPath: schema)) } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(2)
    }
}
/// One benchmark configuration; shared by the worker threads.
struct Run: Sendable {
    let options: Options
    let schemaSet: XMLSchemaSet?
    let validator: DocumentValidator
    let domReader = CDAReader(parser: SafeXMLParser(treeKind: .libxml2))

    init(options: Options, schemaSet: XMLSchemaSet?) {
        self.options = options
        self.schemaSet = schemaSet
        validator = DocumentValidator(schema: options.dom ? nil : schemaSet, rules: options.rules)
    }

    func passes(_ bytes: Data, sourceName: String) -> Bool {
        guard options.dom else {
            let report = validator.validate(bytes, sourceName: sourceName)
            if options.verbose, !report.passed {
                FileHandle.standardError.write(Data(report.diagnostics.map { "\($0)\n" }.joined().utf8))
            }
            return report.passed
        }
        // The DOM path: parse into libxml2's tree, validate the tree afterwards, then the rules.
        let parsed = domReader.read(bytes, sourceName: sourceName)
        var diagnostics = parsed.diagnostics
        if let schemaSet, let tree = parsed.tree { diagnostics += schemaSet.validate(tree) }
        if options.rules != .none, let document = parsed.document, let element = parsed.clinicalDocument {
            diagnostics += RuleSet.ciSIS.check(document, element: element, sourceName: sourceName)
        }
        return !diagnostics.containsErrors
    }
}

let run = Run(options: options, schemaSet: schemaSet)
let total = documents.count * options.repeatCount
let failures = ManagedAtomicCounter()
let start = Date()
DispatchQueue.concurrentPerform(iterations: options.jobs) { worker in
    var index = worker
    while index < total {
        let bytes = documents[index % documents.count]
        if !run.passes(bytes, sourceName: "doc\(index % documents.count)") { failures.increment() }
        index += options.jobs
    }
}
let seconds = Date().timeIntervalSince(start)
let line: [String: Any] = [
    "tool": "passerelle-in-process", "files": documents.count, "repeat": options.repeatCount, "jobs": options.jobs,
    "schema": options.schema != nil, "rules": options.rules.rawValue, "tree": options.dom ? "libxml2" : "compact", "seconds": (seconds * 1000).rounded() / 1000,
    "docs_per_s": (Double(total) / seconds * 10).rounded() / 10,
    "mb_per_s": (Double(bytes * options.repeatCount) / seconds / 1e6 * 10).rounded() / 10,
    "failed": failures.value,
]
let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))

/// A tiny lock-protected counter (the benchmark has no other shared state).
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
