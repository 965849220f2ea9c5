import Foundation
import PasserelleModel

/// Builds the lab-report document of one HPRIM Santé patient block (P and what follows).
struct HPRIMSanteDocument {
    let reader: HPRIMFieldReader
    let source: TextSource
    private(set) var document = ClinicalDocument()
    private(set) var diagnostics: [Diagnostic] = []
    let records: [HPRIMRecord]

    init(reader: HPRIMFieldReader, header: HPRIMRecord, records: [HPRIMRecord], source: TextSource) {
        self.reader = reader
        self.records = records
        self.source = source
        document.typeCode = CodedValue(code: "11502-2", codeSystem: CodedValue.System.loinc, displayName: "CR d'examens biologiques")
        document.title = "Compte rendu d'examens biologiques"
        document.creationTime = timestamp(header.field(14), header, field: "H.14")
        if let sender = organization(header.field(5)) { document.authors = [Author(time: document.creationTime, person: Professional(organization: sender))] }
        var sections: [Section] = []
        var results: [ResultEntry] = []
        var patientComments: [String] = []
        // A C record right after an OBX (or after its other C records) comments on that result.
        var commentTarget: Int?
        for record in records {
            if record.type != "C" { commentTarget = nil }
            switch record.type {
            case "P": document.patient = patient(record, receiver: header.field(10), sender: header.field(5))
            case "OBR": sections.append(request(record))
            case "OBX":
                guard !sections.isEmpty else {
                    diagnostics.append(problem(.hprimStructure, .error, "OBX record before any OBR record", record))
                    continue
                }
                let (entry, unparsedRange) = result(record)
                commentTarget = results.count
                results.append(entry)
                sections[sections.count - 1].entryCount += 1
                let rendered = LabRendering.line(entry) + (unparsedRange.map { " [reference: \($0)]" } ?? "")
                append(rendered, to: &sections[sections.count - 1])
            case "C":
                let text = comment(record)
                if let commentTarget { results[commentTarget].comments.append(text) }
                if sections.isEmpty { patientComments.append(text) } else { append("  # " + text, to: &sections[sections.count - 1]) }
            default:
                break
            }
        }
        if !patientComments.isEmpty {
            sections.insert(Section(title: "Commentaires", text: patientComments.joined(separator: "\n")), at: 0)
        }
        document.body = .structured(sections: sections, results: results)
    }

    private func append(_ line: String, to section: inout Section) {
        section.text = (section.text.map { $0 + "\n" } ?? "") + line
    }

    private mutating func problem(_ code: DiagnosticCode, _ severity: Severity, _ message: String, _ record: HPRIMRecord) -> Diagnostic {
        Diagnostic(code: code, severity: severity, message: message, file: source.sourceName,
                   location: SourceLocation(line: record.line, column: 1), path: record.type)
    }

    /// Resolves escapes, reporting unknown sequences once per field.
    private mutating func text(_ raw: String, _ record: HPRIMRecord, field: String) -> String? {
        var problems: [String] = []
        let value = reader.value(raw, problems: &problems)
        if let first = problems.first { diagnostics.append(problem(.hprimEscape, .warning, "\(field): \(first)", record)) }
        return value?.trimmingCharacters(in: .whitespaces).isEmpty == false ? value : nil
    }

    private mutating func component(_ raw: String, _ index: Int, _ record: HPRIMRecord, field: String) -> String? {
        var problems: [String] = []
        let value = reader.component(raw, index, problems: &problems)
        if let first = problems.first { diagnostics.append(problem(.hprimEscape, .warning, "\(field): \(first)", record)) }
        return value
    }

    private mutating func timestamp(_ raw: String, _ record: HPRIMRecord, field: String) -> Timestamp? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if let value = Timestamp(hl7: text) { return value }
        diagnostics.append(problem(.hprimDate, .warning, "\(field) is not a date (YYYYMMDD[HHMM[SS]]); left out of the model", record))
        return nil
    }

    private func organization(_ raw: String) -> Organization? {
        var ignored: [String] = []
        let id = reader.component(raw, 1, problems: &ignored)
        let name = reader.component(raw, 2, problems: &ignored)
        guard id != nil || name != nil else { return nil }
        return Organization(identifiers: id.map { [Identifier(root: nil, extension: $0, kind: .local)] } ?? [], name: name)
    }

    private mutating func patient(_ record: HPRIMRecord, receiver: String, sender: String) -> Patient {
        var patient = Patient()
        var ignored: [String] = []
        let receiverID = reader.component(receiver, 1, problems: &ignored)
        let senderID = reader.component(sender, 1, problems: &ignored)
        if let id = component(record.field(3), 1, record, field: "P.3") {
            patient.identifiers.append(Identifier(root: nil, extension: id, kind: .local, assigningAuthorityName: receiverID))
        }
        if let id = component(record.field(4), 1, record, field: "P.4") {
            patient.identifiers.append(Identifier(root: nil, extension: id, kind: .local, assigningAuthorityName: senderID))
        }
        patient.usedFamilyName = component(record.field(6), 1, record, field: "P.6")
        patient.usedGivenName = component(record.field(6), 2, record, field: "P.6")
        patient.birthFamilyName = component(record.field(7), 1, record, field: "P.7")
        var name = PersonName()
        if let family = patient.usedFamilyName { name.family.append(NamePart(value: family)) }
        if let birth = patient.birthFamilyName { name.family.append(NamePart(value: birth, qualifier: .birth)) }
        if let given = patient.usedGivenName { name.given.append(NamePart(value: given)) }
        if let title = component(record.field(6), 5, record, field: "P.6") { name.prefix.append(NamePart(value: title)) }
        if !name.family.isEmpty || !name.given.isEmpty { patient.names = [name] }
        patient.birthDate = timestamp(record.field(8), record, field: "P.8")
        if let sex = text(record.field(9), record, field: "P.9") {
            patient.sexCode = sex
            patient.sex = AdministrativeSex(code: sex)
        }
        let address = record.field(11)
        let parts = (1...6).map { component(address, $0, record, field: "P.11") }
        if parts.contains(where: { $0 != nil }) {
            patient.addresses = [Address(
                streetAddressLines: [parts[0], parts[1]].compactMap { $0 }, postalCode: parts[4], city: parts[2],
                state: parts[3], country: parts[5])]
        }
        return patient
    }

    private mutating func request(_ record: HPRIMRecord) -> Section {
        var tests: [String] = []
        var firstCode: CodedValue?
        for test in record.field(5).split(separator: reader.delimiters.repetition).map(String.init) {
            let code = component(test, 1, record, field: "OBR.5")
            let label = component(test, 2, record, field: "OBR.5")
            if firstCode == nil, code != nil || label != nil { firstCode = CodedValue(code: code, displayName: label) }
            if let shown = label ?? code { tests.append(shown) }
        }
        let requestID = component(record.field(4), 2, record, field: "OBR.4") ?? component(record.field(4), 1, record, field: "OBR.4")
        if let collected = timestamp(record.field(8), record, field: "OBR.8") {
            document.serviceEvents.append(ServiceEvent(code: firstCode, period: Period(value: collected)))
        }
        return Section(
            identifier: requestID.map { Identifier(root: nil, extension: $0, kind: .other) }, code: firstCode,
            title: tests.isEmpty ? "Demande" : tests.joined(separator: ", "), location: SourceLocation(line: record.line, column: 1))
    }

    private mutating func result(_ record: HPRIMRecord) -> (ResultEntry, unparsedRange: String?) {
        var unparsed: String?
        var entry = ResultEntry(location: SourceLocation(line: record.line, column: 1))
        entry.valueType = text(record.field(3), record, field: "OBX.3")
        let code = component(record.field(4), 1, record, field: "OBX.4")
        let label = component(record.field(4), 2, record, field: "OBX.4")
        let system = component(record.field(4), 3, record, field: "OBX.4")
        entry.code = CodedValue(code: code, codeSystemName: system, displayName: label)
        entry.value = text(record.field(6), record, field: "OBX.6")
        entry.unit = text(record.field(7), record, field: "OBX.7")
        let range = record.field(8)
        if !range.trimmingCharacters(in: .whitespaces).isEmpty {
            if range.contains(reader.delimiters.component) {
                entry.referenceLow = component(range, 1, record, field: "OBX.8")
                entry.referenceHigh = component(range, 2, record, field: "OBX.8")
            } else if let (low, high) = ReferenceRange.split(range) {
                entry.referenceLow = low
                entry.referenceHigh = high
            } else {
                diagnostics.append(problem(.hprimRange, .warning, "OBX.8 is not a low-high range; kept as text (referenceRangeText)", record))
                unparsed = text(range, record, field: "OBX.8")
                entry.referenceRangeText = unparsed
            }
        }
        entry.abnormalFlag = text(record.field(9), record, field: "OBX.9")
        entry.status = text(record.field(12), record, field: "OBX.12")
        return (entry, unparsed)
    }

    private mutating func comment(_ record: HPRIMRecord) -> String {
        var problems: [String] = []
        let parts = reader.components(record.field(4), problems: &problems)
        if let first = problems.first { diagnostics.append(problem(.hprimEscape, .warning, "C.4: \(first)", record)) }
        return parts.joined(separator: "\n")
    }
}

/// Splits `low-high`, `<high`, `>low` reference ranges written as one text.
enum ReferenceRange {
    static func split(_ text: String) -> (String?, String?)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number: (Substring) -> Bool = { part in
            !part.isEmpty && part.allSatisfy { $0.isNumber || $0 == "." || $0 == "," } && part.contains(where: \.isNumber)
        }
        if trimmed.hasPrefix("<"), number(trimmed.dropFirst().drop(while: { $0 == " " || $0 == "=" })) {
            return (nil, String(trimmed.dropFirst().drop(while: { $0 == " " || $0 == "=" })))
        }
        if trimmed.hasPrefix(">"), number(trimmed.dropFirst().drop(while: { $0 == " " || $0 == "=" })) {
            return (String(trimmed.dropFirst().drop(while: { $0 == " " || $0 == "=" })), nil)
        }
        let body = trimmed.hasPrefix("-") ? trimmed.dropFirst() : Substring(trimmed)
        guard let dash = body.firstIndex(of: "-") else { return nil }
        let low = body[..<dash].trimmingCharacters(in: .whitespaces)
        let high = body[body.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        guard number(Substring(low)), number(Substring(high.hasPrefix("-") ? String(high.dropFirst()) : high)) else { return nil }
        return ((trimmed.hasPrefix("-") ? "-" : "") + low, high)
    }
}
