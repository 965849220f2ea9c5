import Foundation
import PasserelleModel

/// Builds a `ClinicalDocument` from the mapped rows of one group.
///
/// Single-valued fields come from the rows; rows that disagree on one of them reject the group
/// (`FLAT-GROUP-CONFLICT`): picking one value would silently drop the other. Per-row fields
/// (body, attachment, results) accumulate in row order.
struct DocumentBuilder: Sendable {
    private(set) var fields: [CompiledField]
    let facilityOID: String?
    private(set) var sourceName: String
    let receivedAt: Date

    /// Index of the first field mapping each target (by `FieldTarget.ordinal`), or -1.
    private var firstIndex: [Int]
    /// `MappedRow.dates` slot of each field, or -1.
    private var dateSlots: [Int]
    private var localRoot: String?
    private var insRoot: String?
    private var documentRoot: String?
    private var typeSystem: String
    private var givenSeparator: String
    private var authorRoot: String
    private var resultSystem: String?
    private let numericResults: Bool
    /// An empty document, copied as the start of each document.
    let emptyDocument = ClinicalDocument()
    private let emptyPatient = Patient()
    /// Whether a result field is mapped.
    private let hasResults: Bool
    /// Kinds of the INS and local identifiers (their roots are fixed by the profile).
    private let insKind: IdentifierKind
    private let localKind: IdentifierKind
    /// How many identifiers, family and given name parts a patient can get (array capacities).
    private let identifierSlots: Int
    private let familySlots: Int
    private let givenSlots: Int

    init(fields: [CompiledField], facilityOID: String?, sourceName: String, receivedAt: Date) {
        self.fields = fields
        self.facilityOID = facilityOID
        self.sourceName = sourceName
        self.receivedAt = receivedAt
        var first = [Int](repeating: -1, count: FieldTarget.allCases.count)
        var slots: [Int] = []
        var dates = 0
        for (index, field) in fields.enumerated() {
            if first[field.mapping.target.ordinal] < 0 { first[field.mapping.target.ordinal] = index }
            slots.append(field.mapping.target.kind == .date ? dates : -1)
            if field.mapping.target.kind == .date { dates += 1 }
        }
        firstIndex = first
        dateSlots = slots
        func mapping(_ target: FieldTarget) -> FieldMapping? {
            first[target.ordinal] >= 0 ? fields[first[target.ordinal]].mapping : nil
        }
        localRoot = mapping(.patientLocalID)?.oid ?? facilityOID
        insRoot = mapping(.patientINS)?.oid
        documentRoot = mapping(.documentID)?.oid ?? facilityOID
        typeSystem = mapping(.documentTypeCode)?.codeSystem ?? CodedValue.System.loinc
        givenSeparator = mapping(.patientBirthGivenNames)?.separator ?? " "
        authorRoot = mapping(.authorID)?.oid ?? IdentifierKind.OID.professional
        resultSystem = mapping(.resultCode)?.codeSystem
        numericResults = mapping(.resultValue)?.numeric ?? false
        hasResults = [FieldTarget.resultCode, .resultLabel, .resultValue].contains { first[$0.ordinal] >= 0 }
        // Any non-nil extension classifies the same way: only the root matters then.
        insKind = IdentifierKind.forPatient(root: insRoot, extension: "")
        localKind = IdentifierKind.forPatient(root: localRoot, extension: "")
        func count(_ targets: [FieldTarget]) -> Int { targets.filter { first[$0.ordinal] >= 0 }.count }
        identifierSlots = count([.patientINS, .patientLocalID])
        familySlots = count([.patientBirthFamilyName, .patientUsedFamilyName])
        givenSlots = count([.patientFirstBirthGivenName, .patientBirthGivenNames, .patientUsedGivenName])
    }

    /// A copy for one worker thread: the strings it puts into every document, and the tables it
    /// reads for every row, get storage of their own. Shared, their reference counts would be
    /// updated by all workers for every document, and the cache line holding each count would
    /// bounce between the cores (see `OwnStorage.swift`).
    func forWorker() -> DocumentBuilder {
        var copy = self
        copy.fields = fields.map(\.withOwnStorage)
        copy.firstIndex = firstIndex.withOwnStorage
        copy.dateSlots = dateSlots.withOwnStorage
        copy.patientTargets = patientTargets.withOwnStorage
        copy.givenSeparator = givenSeparator.withOwnStorage
        copy.sourceName = sourceName.withOwnStorage
        copy.localRoot = localRoot?.withOwnStorage
        copy.insRoot = insRoot?.withOwnStorage
        copy.documentRoot = documentRoot?.withOwnStorage
        copy.resultSystem = resultSystem?.withOwnStorage
        copy.typeSystem = typeSystem.withOwnStorage
        copy.authorRoot = authorRoot.withOwnStorage
        return copy
    }

    private var patientTargets = FieldTarget.allCases.filter { $0.rawValue.hasPrefix("patient.") }

    /// Conflicts between rows of a group on single-valued fields.
    func conflicts(_ rows: [MappedRow]) -> [Diagnostic] {
        guard let first = rows.first, rows.count > 1 else { return [] }
        var result: [Diagnostic] = []
        for (index, field) in fields.enumerated() where field.mapping.target.kind != .perRow {
            for row in rows.dropFirst() where row.values[index] != first.values[index] {
                result.append(
                    Diagnostic(
                        code: .flatGroupConflict, severity: .error,
                        message: "rows \(first.record) and \(row.record) of one group differ in \(field.columnName) (\(field.mapping.target.rawValue))",
                        file: sourceName, location: SourceLocation(line: row.firstLine, column: 1, record: row.record),
                        path: field.columnName))
                break
            }
        }
        return result
    }

    private func text(_ target: FieldTarget, _ row: MappedRow) -> String? {
        let index = firstIndex[target.ordinal]
        return index >= 0 ? row.values[index] : nil
    }

    private func date(_ target: FieldTarget, _ row: MappedRow) -> Timestamp? {
        let index = firstIndex[target.ordinal]
        return index >= 0 && dateSlots[index] >= 0 ? row.dates[dateSlots[index]] : nil
    }

    /// The document for `rows` (non-empty), with provenance over `bytes`.
    func build(_ rows: [MappedRow], size: Int, sha256: SHA256Hash) -> ClinicalDocument {
        var document = ClinicalDocument()
        var cache = PatientCache()
        fill(&document, rows, size: size, sha256: sha256, patientCache: &cache)
        return document
    }

    /// The patient built for an earlier row, reused while the patient fields keep the same
    /// values (exports list a patient's consultations one after the other): the documents then
    /// share one patient box (`ClinicalDocument.$patient`) instead of copying its fields.
    /// Whoever maps the rows clears `valid` when a patient field changes (see
    /// `RowCache.patientChanged`).
    struct PatientCache {
        /// The earlier document's patient box, shared as it is (`ClinicalDocument.$patient`).
        var patient = Boxed<Patient>(wrappedValue: nil)
        var valid = false
    }

    /// Fills an empty document in place (no copy of the document: see `FlatDocument.init(building:)`).
    func fill<Rows: RandomAccessCollection<MappedRow>>(
        _ document: inout ClinicalDocument, _ rows: Rows, size: Int, sha256: SHA256Hash, patientCache cache: inout PatientCache
    ) {
        let head = rows[rows.startIndex]
        if cache.valid {
            document.$patient = cache.patient
        } else {
            if hasPatient(head) {
                var patient = emptyPatient
                fillPatient(&patient, head)
                document.patient = patient
            }
            cache.patient = document.$patient
            cache.valid = true
        }
        if let ext = text(.documentID, head) {
            document.id = Identifier(root: documentRoot, extension: ext, kind: .other)
        }
        if let code = text(.documentTypeCode, head) {
            document.typeCode = CodedValue(code: code, codeSystem: typeSystem, displayName: text(.documentTypeDisplayName, head))
        }
        document.title = text(.documentTitle, head)
        document.creationTime = date(.documentDate, head)
        if let code = text(.documentConfidentiality, head) {
            document.confidentiality = CodedValue(code: code, codeSystem: CodedValue.System.confidentiality)
        }
        if let author = author(head, time: document.creationTime) { document.authors = [author] }
        document.body = body(rows, title: document.title)
        let last = rows[rows.index(before: rows.endIndex)]
        document.provenance = Provenance(
            sourceName: sourceName, size: size, sha256: sha256, format: .flatExport, receivedAt: receivedAt,
            records: head.record...last.record)
    }

    /// Whether any patient field has a value in `row`.
    private func hasPatient(_ row: MappedRow) -> Bool {
        patientTargets.contains(where: { firstIndex[$0.ordinal] >= 0 && text($0, row) != nil || date($0, row) != nil })
    }

    /// Fills an empty patient from `row`.
    private func fillPatient(_ patient: inout Patient, _ row: MappedRow) {
        patient.birthFamilyName = text(.patientBirthFamilyName, row)
        patient.usedFamilyName = text(.patientUsedFamilyName, row)
        patient.firstBirthGivenName = text(.patientFirstBirthGivenName, row)
        patient.usedGivenName = text(.patientUsedGivenName, row)
        if let list = text(.patientBirthGivenNames, row) {
            patient.birthGivenNamesText = list
            if givenSeparator.utf8.count == 1, let separator = givenSeparator.utf8.first, separator < 0x80 {
                // Byte-wise split on an ASCII separator (much cheaper than splitting Characters).
                patient.birthGivenNames = Self.split(list, on: separator)
            } else {
                patient.birthGivenNames = list.components(separatedBy: givenSeparator).filter { !$0.isEmpty }
            }
        }
        if let sex = text(.patientSex, row) {
            patient.sexCode = sex
            patient.sex = Self.sex(sex)
        }
        patient.birthDate = date(.patientBirthDate, row)
        patient.birthplaceCode = text(.patientBirthplaceCode, row)
        patient.birthplaceCity = text(.patientBirthplaceCity, row)
        patient.identityStatus = text(.patientIdentityStatus, row)
        if identifierSlots > 1 { patient.identifiers.reserveCapacity(identifierSlots) }
        if let ins = text(.patientINS, row) {
            patient.identifiers.append(Identifier(root: insRoot, extension: ins, kind: insKind))
        }
        if let local = text(.patientLocalID, row) {
            patient.identifiers.append(Identifier(root: localRoot, extension: local, kind: localKind))
        }
        let line = text(.patientAddressLine, row), postal = text(.patientPostalCode, row), city = text(.patientCity, row)
        if line != nil || postal != nil || city != nil {
            patient.addresses = [Address(streetAddressLines: line.map { [$0] } ?? [], postalCode: postal, city: city)]
        }
        if let phone = text(.patientPhone, row) { patient.telecoms.append(Telecom(value: "tel:" + phone)) }
        if let email = text(.patientEmail, row) { patient.telecoms.append(Telecom(value: "mailto:" + email)) }
        var name = PersonName()
        if familySlots > 1 { name.family.reserveCapacity(familySlots) }
        if givenSlots > 1 { name.given.reserveCapacity(givenSlots) }
        if let value = patient.birthFamilyName { name.family.append(NamePart(value: value, qualifier: .birth)) }
        if let value = patient.usedFamilyName { name.family.append(NamePart(value: value, qualifier: .callMe)) }
        if let value = patient.firstBirthGivenName { name.given.append(NamePart(value: value, qualifier: .birth)) }
        if let value = patient.birthGivenNamesText { name.given.append(NamePart(value: value)) }
        if let value = patient.usedGivenName { name.given.append(NamePart(value: value, qualifier: .callMe)) }
        if !name.family.isEmpty || !name.given.isEmpty { patient.names = [name] }
    }

    /// `AdministrativeSex(code:)` for the codes `RowMapper` lets through (M, F, UN, U), without case folding.
    static func sex(_ code: String) -> AdministrativeSex {
        switch code {
        case "M": .male
        case "F": .female
        default: AdministrativeSex(code: code)
        }
    }

    /// Non-empty pieces of `text` between occurrences of the ASCII byte `separator`.
    static func split(_ text: String, on separator: UInt8) -> [String] {
        let utf8 = text.utf8
        guard utf8.contains(separator) else { return text.isEmpty ? [] : [text] }
        var pieces: [String] = []
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == separator {
                if index != start { pieces.append(String(Substring(utf8[start..<index]))) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex { pieces.append(String(Substring(utf8[start..<utf8.endIndex]))) }
        return pieces
    }

    private func author(_ row: MappedRow, time: Timestamp?) -> Author? {
        let id = text(.authorID, row), family = text(.authorFamilyName, row)
        let given = text(.authorGivenName, row), organization = text(.authorOrganization, row)
        guard id != nil || family != nil || given != nil || organization != nil else { return nil }
        var person = Professional()
        if let id {
            person.identifiers = [Identifier(root: authorRoot, extension: id, kind: IdentifierKind.forParty(root: authorRoot, extension: id))]
        }
        if family != nil || given != nil {
            person.names = [PersonName(family: family.map { [NamePart(value: $0)] } ?? [], given: given.map { [NamePart(value: $0)] } ?? [])]
        }
        if let organization { person.organization = Organization(name: organization) }
        return Author(time: time, person: person)
    }

    private func body<Rows: RandomAccessCollection<MappedRow>>(_ rows: Rows, title: String?) -> DocumentBody {
        if rows.count == 1, firstIndex[FieldTarget.documentAttachment.ordinal] < 0, !hasResults {
            // One row, text only: no intermediate arrays.
            return text(.documentBody, rows[rows.startIndex]).map { .text($0) } ?? .absent
        }
        let texts = rows.compactMap { text(.documentBody, $0) }
        var attachments: [Attachment] = []
        var results: [ResultEntry] = []
        for row in rows {
            if let name = text(.documentAttachment, row) {
                attachments.append(Attachment(mediaType: Self.mediaType(ofFile: name), reference: name,
                                              location: SourceLocation(line: row.firstLine, column: 1, record: row.record)))
            }
            if let result = result(row) { results.append(result) }
        }
        let joined = texts.isEmpty ? nil : texts.joined(separator: "\n\n")
        if results.isEmpty, attachments.isEmpty { return joined.map { .text($0) } ?? .absent }
        if results.isEmpty, attachments.count == 1, joined == nil { return .nonXML(attachments[0]) }
        let section = Section(title: title, text: joined ?? (results.isEmpty ? nil : LabRendering.render(results)), attachments: attachments)
        return .structured(sections: [section], results: results)
    }

    private func result(_ row: MappedRow) -> ResultEntry? {
        let code = text(.resultCode, row), label = text(.resultLabel, row), value = text(.resultValue, row)
        guard code != nil || label != nil || value != nil else { return nil }
        var entry = ResultEntry(location: SourceLocation(line: row.firstLine, column: 1, record: row.record))
        entry.code = CodedValue(code: code, codeSystem: code == nil ? nil : resultSystem, displayName: label)
        entry.value = value
        entry.valueType = numericResults ? "N" : nil
        entry.unit = text(.resultUnit, row)
        entry.referenceLow = text(.resultLow, row)
        entry.referenceHigh = text(.resultHigh, row)
        entry.abnormalFlag = text(.resultFlag, row)
        entry.status = text(.resultStatus, row)
        return entry
    }

    /// Media type from a file name's extension; `nil` when unknown.
    static func mediaType(ofFile name: String) -> String? {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        let types = [
            "pdf": "application/pdf", "txt": "text/plain", "rtf": "text/rtf", "html": "text/html", "htm": "text/html",
            "xml": "text/xml", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "tif": "image/tiff",
            "tiff": "image/tiff",
        ]
        return types[ext]
    }
}
