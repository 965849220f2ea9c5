import Foundation
@testable import PasserellePipeline
import Testing

/// `convert` writes its outputs without `fsync` and journals their manifest lines in groups,
/// each after one sync of the output file system.
@Suite("convert durability barrier")
struct DurabilityBarrierTests {
    @Test("outputs written without fsync are intact after the sync, and no temporary file is left")
    func writeThenSync() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.url
        let barrier = try DurabilityBarrier(directory: directory)
        for index in 0..<20 {
            try ConvertSink.writeAtomically(Data("output \(index)\n".utf8), name: "out-\(index).json", in: directory)
        }
        // Rewriting an output replaces it whole.
        try ConvertSink.writeAtomically(Data("again\n".utf8), name: "out-0.json", in: directory)
        try barrier.sync()
        #expect(try Data(contentsOf: directory.appendingPathComponent("out-0.json")) == Data("again\n".utf8))
        for index in 1..<20 {
            #expect(try Data(contentsOf: directory.appendingPathComponent("out-\(index).json")) == Data("output \(index)\n".utf8))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names.count == 20 && names.allSatisfy { $0.hasPrefix("out-") })
    }

    @Test("a directory that cannot be opened is an error, not a silent skip of the syncs")
    func missingDirectory() {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-missing-\(UUID().uuidString)")
        let error = #expect(throws: DurabilityBarrier.SyncError.self) { _ = try DurabilityBarrier(directory: missing) }
        #expect(error?.description.contains(missing.path) == true, "the message names the directory")
    }

    @Test("manifest lines are journaled in groups: none before the group is synced, all by finish()")
    func linesJournaledInGroups() async throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.url
        let sink = try ConvertSink(directory: directory, format: .ndjson)
        let journal = directory.appendingPathComponent("manifest.ndjson")
        func lines() throws -> Int { try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").count }
        for index in 0..<3 {
            _ = try await sink.unreadable(source: "in/\(index).xml", reason: "[INPUT-IO] test")
        }
        #expect(try lines() == 0, "journaled before the group's sync")
        for index in 3..<(ConvertSink.maxPendingLines + 3) {
            _ = try await sink.unreadable(source: "in/\(index).xml", reason: "[INPUT-IO] test")
        }
        #expect(try lines() == ConvertSink.maxPendingLines, "a full group is journaled")
        let counts = try await sink.finish()
        #expect(try lines() == ConvertSink.maxPendingLines + 3)
        #expect(counts.failure == ConvertSink.maxPendingLines + 3)
    }
}
