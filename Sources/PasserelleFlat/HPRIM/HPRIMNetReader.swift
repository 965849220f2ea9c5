public import Foundation
import PasserelleModel

/// Reads HPRIM Net ("HPRIM Médecins") reports: a 12-line header, free text, an optional
/// `****LAB****` … `****FIN****`/`****FINLAB****` block of `RES|` and `TEX|` lines, and
/// `****FINFICHIER****` (DOMAIN.md §3.2). One file, one lab-report document.
///
/// Header lines: 1 file id, 2 family name, 3 given name, 4–5 address, 6 postal code + city,
/// 7 birth date, 8 insurance number (the insured person's, read as NSS-NIR), 9 request number,
/// 10 exam date, 11 sender code + name, 12 recipient code + name.
public struct HPRIMNetReader: Sendable {
    /// Declared encoding (`auto`: UTF-8 when valid, else Windows-1252).
    public var encoding: TextEncoding
    /// Largest file accepted, in bytes.
    public var maxFileBytes: Int

    /// Creates a reader.
    public init(encoding: TextEncoding = .auto, maxFileBytes: Int = 64 << 20) {
        self.encoding = encoding
        self.maxFileBytes = maxFileBytes
    }

    static let dateFormats = ["dd/MM/yyyy", "dd/MM/yyyy HH:mm", "dd/MM/yyyy HH:mm:ss", "yyyyMMdd", "ddMMyyyy"].compactMap(DatePattern.init)

    /// Reads the file at `url`.
    public func read(contentsOf url: URL, sourceName: String? = nil, receivedAt: Date = Date()) throws -> FlatReadResult {
        let bytes = try TextSource.load(url, limit: maxFileBytes)
        return read(bytes: bytes, sourceName: sourceName ?? url.path, receivedAt: receivedAt)
    }

    /// Reads in-memory bytes. Never throws: problems are diagnostics or a rejected record.
    public func read(bytes: [UInt8], sourceName: String, receivedAt: Date = Date()) -> FlatReadResult {
        let source = TextSource(bytes: bytes, sourceName: sourceName, declared: encoding)
        var result = FlatReadResult(sourceName: sourceName)
        result.summary.bytes = bytes.count
        result.summary.encoding = source.encoding
        result.summary.records = source.lines.count
        var builder = HPRIMNetDocument(source: source)
        builder.build()
        let diagnostics = source.diagnostics + builder.diagnostics
        let digest = Hashing.sha256(bytes)
        let lines = 1...max(1, source.lines.count)
        if diagnostics.containsErrors {
            result.summary.rejected = 1
            result.rejected.append(RejectedRecord(
                sourceName: sourceName, records: lines, lines: lines, originalBytes: Data(bytes), sha256: digest.hex, diagnostics: diagnostics))
        } else {
            var document = builder.document
            document.provenance = Provenance(
                sourceName: sourceName, size: bytes.count, sha256: digest, format: .hprimNet, receivedAt: receivedAt, records: lines)
            result.summary.documents = 1
            result.documents.append(FlatDocument(document: document, diagnostics: diagnostics, originalBytes: bytes, lines: lines))
        }
        result.summary.count(diagnostics)
        return result
    }
}

/// Builds the document of one HPRIM Net file.
struct HPRIMNetDocument {
    let source: TextSource
    var document = ClinicalDocument()
    var diagnostics: [Diagnostic] = []

    init(source: TextSource) { self.source = source }

    private mutating func report(_ code: DiagnosticCode, _ severity: Severity, _ message: String, line: Int) {
        diagnostics.append(Diagnostic(code: code, severity: severity, message: message, file: source.sourceName,
                                      location: SourceLocation(line: line, column: 1)))
    }

    private func trimmed(_ index: Int) -> String? {
        guard index < source.lines.count, let text = source.lines[index].text else { return nil }
        let value = text.trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    private mutating func date(_ index: Int, field: String) -> Timestamp? {
        guard let text = trimmed(index) else { return nil }
        if let value = HPRIMNetReader.dateFormats.lazy.compactMap({ $0.parse(text) }).first { return value }
        report(.hprimDate, .warning, "header line \(index + 1) (\(field)) is not a DD/MM/YYYY date; left out of the model", line: index + 1)
        return nil
    }

    /// Splits `CODE   Name` (code space-padded) into code and name.
    private func codeAndName(_ index: Int) -> (String?, String?) {
        guard let text = trimmed(index) else { return (nil, nil) }
        guard let space = text.firstIndex(where: \.isWhitespace) else { return (text, nil) }
        let name = text[space...].trimmingCharacters(in: .whitespaces)
        return (String(text[..<space]), name.isEmpty ? nil : name)
    }

    mutating func build() {
        let lines = source.lines
        guard lines.count >= 12 else {
            report(.hprimNetHeader, .error, "\(lines.count) line(s) where the HPRIM Net header needs 12", line: max(1, lines.count))
            return
        }
        header()
        var report: [String] = []
        var labText: [String] = []
        var results: [ResultEntry] = []
        var inLab = false
        var ended = false
        var lastResultOpen = false
        var pendingComments: [String] = []
        func flushComments(into results: inout [ResultEntry]) {
            if lastResultOpen, !pendingComments.isEmpty { results[results.count - 1].comments += pendingComments }
            pendingComments = []
        }
        for index in 12..<lines.count {
            let line = lines[index]
            let text = line.text ?? ""
            let marker = text.trimmingCharacters(in: .whitespaces).uppercased()
            if ended {
                if !marker.isEmpty { self.report(.hprimNetEnd, .warning, "text after ****FINFICHIER**** (kept in the original bytes only)", line: line.number) }
                continue
            }
            if !inLab || marker.hasPrefix("****") {
                flushComments(into: &results)
                lastResultOpen = false
            }
            switch marker {
            case "****LAB****":
                if inLab { self.report(.hprimNetLab, .warning, "****LAB**** inside a LAB block", line: line.number) }
                inLab = true
            case "****FIN****", "****FINLAB****":
                if !inLab { self.report(.hprimNetLab, .warning, "\(marker) without ****LAB****", line: line.number) }
                inLab = false
            case "****FINFICHIER****":
                if inLab { self.report(.hprimNetLab, .warning, "the LAB block is not closed before ****FINFICHIER****", line: line.number) }
                inLab = false
                ended = true
            default:
                guard inLab else {
                    report.append(text)
                    continue
                }
                if text.hasPrefix("RES|") {
                    // TEX lines directly followed by a RES line head the next results: not comments.
                    pendingComments = []
                    lastResultOpen = false
                    if let entry = result(text, line: line.number) {
                        results.append(entry.entry)
                        labText.append(entry.rendered)
                        lastResultOpen = true
                    }
                } else if text.hasPrefix("TEX|") {
                    // TEX lines after a RES line comment on that result, unless a RES line follows them.
                    let comment = String(text.dropFirst(4))
                    if lastResultOpen { pendingComments.append(comment) }
                    labText.append(comment)
                } else if !marker.isEmpty {
                    flushComments(into: &results)
                    lastResultOpen = false
                    self.report(.hprimNetLab, .warning, "line in the LAB block is neither RES| nor TEX|; kept as text", line: line.number)
                    labText.append(text)
                }
            }
        }
        flushComments(into: &results)
        if !ended { self.report(.hprimNetEnd, .warning, "no ****FINFICHIER****: the file may be truncated", line: lines.count) }
        while report.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { report.removeLast() }
        var sections = [Section(title: "Compte rendu", text: report.joined(separator: "\n"))]
        if !labText.isEmpty || !results.isEmpty {
            let request = trimmed(8).map { Identifier(root: nil, extension: $0, kind: .other) }
            sections.append(Section(identifier: request, title: "Résultats", text: labText.joined(separator: "\n"), entryCount: results.count))
        }
        let (recipientCode, recipientName) = codeAndName(11)
        if recipientCode != nil || recipientName != nil {
            let text = [recipientCode, recipientName].compactMap { $0 }.joined(separator: " ")
            sections.append(Section(title: "Destinataire", text: text))
            document.informationRecipients = [
                Professional(
                    identifiers: recipientCode.map { [Identifier(root: nil, extension: $0, kind: .local)] } ?? [],
                    names: recipientName.map { [PersonName(text: $0)] } ?? [])
            ]
        }
        document.body = .structured(sections: sections, results: results)
    }

    private mutating func header() {
        document.typeCode = CodedValue(code: "11502-2", codeSystem: CodedValue.System.loinc, displayName: "CR d'examens biologiques")
        document.title = "Compte rendu d'examens biologiques"
        let (senderCode, senderName) = codeAndName(10)
        document.id = trimmed(0).map { Identifier(root: nil, extension: $0, kind: .other, assigningAuthorityName: senderCode) }
        document.creationTime = date(9, field: "exam date")
        if let time = document.creationTime { document.serviceEvents = [ServiceEvent(period: Period(value: time))] }
        if senderCode != nil || senderName != nil {
            let organization = Organization(identifiers: senderCode.map { [Identifier(root: nil, extension: $0, kind: .local)] } ?? [], name: senderName)
            document.authors = [Author(time: document.creationTime, person: Professional(organization: organization))]
        }
        var patient = Patient()
        patient.usedFamilyName = trimmed(1)
        patient.usedGivenName = trimmed(2)
        if patient.usedFamilyName != nil || patient.usedGivenName != nil {
            patient.names = [PersonName(family: patient.usedFamilyName.map { [NamePart(value: $0)] } ?? [],
                                        given: patient.usedGivenName.map { [NamePart(value: $0)] } ?? [])]
        }
        patient.birthDate = date(6, field: "birth date")
        if let insured = trimmed(7) {
            patient.identifiers = [Identifier(root: IdentifierKind.OID.nssNIR, extension: insured, kind: .nssNIR)]
        }
        let streets = [trimmed(3), trimmed(4)].compactMap { $0 }
        var postal: String?
        var city: String?
        if let line = trimmed(5) {
            let first = line.prefix { !$0.isWhitespace }
            if first.count == 5, first.allSatisfy(\.isNumber) {
                postal = String(first)
                let rest = line.dropFirst(first.count).trimmingCharacters(in: .whitespaces)
                city = rest.isEmpty ? nil : rest
            } else {
                city = line
            }
        }
        if !streets.isEmpty || postal != nil || city != nil {
            patient.addresses = [Address(streetAddressLines: streets, postalCode: postal, city: city)]
        }
        if patient.usedFamilyName == nil { report(.hprimNetHeader, .warning, "header line 2 (family name) is empty", line: 2) }
        document.patient = patient
    }

    /// `RES|label|code|type|value|unit|low|high|flag|status|value2|unit2|low2|high2`.
    private mutating func result(_ text: String, line: Int) -> (entry: ResultEntry, rendered: String)? {
        let fields = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count >= 5 else {
            report(.hprimNetLab, .error, "RES line with \(fields.count - 1) field(s); at least label, code, type and value are needed", line: line)
            return nil
        }
        func field(_ index: Int) -> String? { index < fields.count && !fields[index].isEmpty ? fields[index] : nil }
        var entry = ResultEntry(location: SourceLocation(line: line, column: 1))
        entry.code = CodedValue(code: field(2), displayName: field(1))
        entry.valueType = field(3)
        entry.value = field(4)
        entry.unit = field(5)
        entry.referenceLow = field(6)
        entry.referenceHigh = field(7)
        entry.abnormalFlag = field(8)
        entry.status = field(9)
        entry.secondValue = field(10)
        entry.secondUnit = field(11)
        entry.secondReferenceLow = field(12)
        entry.secondReferenceHigh = field(13)
        var rendered = LabRendering.line(entry)
        if let value2 = field(10) {
            rendered += " (= \(value2)\(field(11).map { " " + $0 } ?? "")"
            if field(12) != nil || field(13) != nil { rendered += " [\(field(12) ?? "") - \(field(13) ?? "")]" }
            rendered += ")"
        }
        if fields.count > 14, fields[14...].contains(where: { !$0.isEmpty }) {
            report(.hprimNetLab, .warning, "RES line has more than 13 fields; the extra ones are kept in the text rendering", line: line)
            rendered += " " + fields[14...].joined(separator: "|")
        }
        return (entry, rendered)
    }
}
