import Foundation
import PasserelleCDA
let reader = CDAReader()
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
for path in CommandLine.arguments.dropFirst() {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let result = reader.read(data, sourceName: path)
    if let doc = result.document { print(String(decoding: try encoder.encode(doc), as: UTF8.self)) }
    print(result.diagnostics.map(\.description))
}
