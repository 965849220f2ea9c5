import Foundation
import PasserelleModel
import PasserelleTestSupport
import Testing

/// `passerelle inspect` end to end, and the help of every command.
@Suite("passerelle inspect and --help")
struct InspectCommandTests {
    static func decode(_ data: Data) throws -> ClinicalDocument {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ClinicalDocument.self, from: data)
    }

    @Test("inspect prints JSON that decodes back into a ClinicalDocument")
    func inspectStructured() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("doc.xml", SampleCDA.valid(id: "inspect-me"))
        let result = try await CLI.run(["inspect", "doc.xml"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try Self.decode(result.stdout)
        #expect(document.id?.extension == "inspect-me")
        #expect(document.setID?.extension == "set-inspect-me")
        #expect(document.typeCode?.code == "11488-4")
        #expect(document.creationTime?.raw == "20240102103000+0100")
        #expect(document.patient?.identifiers.first?.extension == "p1")
        #expect(document.body.kind == "structured")
        #expect(document.provenance?.sourceName == "doc.xml")
        #expect(document.provenance?.format == .cda)
    }

    @Test("attachment bytes appear only with --include-attachments")
    func inspectAttachments() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("pdf.xml", SampleCDA.nonXMLPDF)
        let plain = try await CLI.run(["inspect", "pdf.xml"], in: dir.url)
        #expect(plain.status == 0, "\(plain.stderr)")
        guard case .nonXML(let summary) = try Self.decode(plain.stdout).body else {
            Issue.record("expected a nonXMLBody")
            return
        }
        #expect(summary.data == nil)
        #expect(summary.size == SampleCDA.pdfBytes.count)
        #expect(summary.sha256?.count == 64)
        #expect(!plain.stdoutText.contains(SampleCDA.pdfBytes.base64EncodedString()))

        let full = try await CLI.run(["inspect", "--include-attachments", "pdf.xml"], in: dir.url)
        #expect(full.status == 0)
        guard case .nonXML(let attachment) = try Self.decode(full.stdout).body else {
            Issue.record("expected a nonXMLBody")
            return
        }
        #expect(attachment.data == SampleCDA.pdfBytes)
        #expect(attachment.mediaType == "application/pdf")
        #expect(attachment.size == attachment.data?.count)
        #expect(attachment.sha256 == summary.sha256)
    }

    @Test("inspect reads standard input")
    func inspectStandardInput() async throws {
        let result = try await CLI.run(["inspect", "-"], stdin: Data(SampleCDA.valid(id: "from-stdin").utf8))
        #expect(result.status == 0)
        #expect(try Self.decode(result.stdout).id?.extension == "from-stdin")
    }

    @Test("inspect of a file that is neither XML nor HPRIM exits 1 with INPUT-FORMAT-UNKNOWN on standard error")
    func inspectNonXML() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("scan.pdf", Data([0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37, 0x0A, 0xE2, 0xE3, 0xCF, 0xD3, 0x00, 0xFF]))
        let result = try await CLI.run(["inspect", "scan.pdf"], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let regex = try NSRegularExpression(pattern: #"^scan\.pdf:[0-9]+:[0-9]+: error: \[INPUT-FORMAT-UNKNOWN\] "#, options: .anchorsMatchLines)
        let range = NSRange(result.stderr.startIndex..., in: result.stderr)
        #expect(regex.firstMatch(in: result.stderr, range: range) != nil, "\(result.stderr)")
    }

    @Test("inspect of a namespace-less ClinicalDocument exits 1 with CDA-NAMESPACE")
    func inspectWrongNamespace() async throws {
        let result = try await CLI.run(["inspect", "-"], stdin: Data("<ClinicalDocument><id root=\"1.2\"/></ClinicalDocument>".utf8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: [CDA-NAMESPACE]"))
    }

    /// Subcommands listed in a help text's SUBCOMMANDS section (ArgumentParser layout: names
    /// indented by two spaces, wrapped descriptions indented further).
    static func subcommands(inHelp help: String) -> [String] {
        var names: [String] = []
        var inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inSection = true
            } else if inSection {
                guard line.hasPrefix("  ") else { break }
                guard !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
                if name != "help" { names.append(String(name)) }
            }
        }
        return names
    }

    /// Every command path under `passerelle` (`validate`, `profile check`, ...), read from the help.
    static let commandPaths: [String] = {
        var paths: [String] = []
        var pending: [[String]] = [[]]
        while let path = pending.popLast() {
            guard let help = try? CLI.runBlocking(path + ["--help"]).stdoutText else { continue }
            for name in subcommands(inHelp: help) {
                paths.append((path + [name]).joined(separator: " "))
                pending.append(path + [name])
            }
        }
        return paths.sorted()
    }()

    @Test("the help lists validate and inspect")
    func helpListsCommands() {
        #expect(Self.commandPaths.contains("validate"))
        #expect(Self.commandPaths.contains("inspect"))
    }

    @Test("--help of every command shows an Examples section", arguments: commandPaths)
    func helpHasExamples(_ command: String) async throws {
        let help = try await CLI.run(command.split(separator: " ").map(String.init) + ["--help"])
        #expect(help.status == 0)
        #expect(help.stdoutText.contains("Examples:"), "no Examples section")
        #expect(help.stdoutText.contains("passerelle \(command) "), "no example invocation of passerelle \(command)")
    }
}
