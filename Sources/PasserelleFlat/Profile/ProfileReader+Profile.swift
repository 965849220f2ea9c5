extension ProfileReader {
    static let rootKeys: Set<String> = ["$schema", "name", "description", "format", "dates", "facility", "fields", "grouping"]
    static let formatKeys: Set<String> = [
        "type", "delimiter", "quote", "escape", "header", "encoding", "lineEnding", "raggedRows", "maxRecordBytes", "columns",
    ]

    /// Builds the profile; `nil` (with issues) when something is wrong.
    mutating func profile(_ root: ProfileNode, file: String) -> ExportProfile? {
        guard let top = object(root, "$", allowed: Self.rootKeys) else { return nil }
        let name = string(top["name"], "$.name")
        if top["name"] == nil { fail("$.name", root, "missing (a short profile name)") }
        let summary = string(top["description"], "$.description")
        guard let formatNode = top["format"] else {
            fail("$.format", root, "missing (layout, encoding, header...)")
            return nil
        }
        let format = object(formatNode, "$.format", allowed: Self.formatKeys) ?? [:]
        let layout = self.layout(format, formatNode)
        let hasHeader = bool(format["header"], "$.format.header") ?? false
        let encoding = encodingValue(format["encoding"])
        let lineEnding = choice(format["lineEnding"], "$.format.lineEnding", LineEnding.self) ?? .auto
        let ragged = choice(format["raggedRows"], "$.format.raggedRows", RaggedRowPolicy.self) ?? .reject
        let maxRecord = int(format["maxRecordBytes"], "$.format.maxRecordBytes", min: 1024) ?? (8 << 20)

        var dateFormats: [DatePattern] = []
        var decimal = DecimalSeparator.point
        if let datesNode = top["dates"], let dates = object(datesNode, "$.dates", allowed: ["formats", "decimalSeparator"]) {
            dateFormats = datePatterns(dates["formats"], "$.dates.formats") ?? []
            decimal = choice(dates["decimalSeparator"], "$.dates.decimalSeparator", DecimalSeparator.self) ?? .point
        }
        var facilityOID: String?
        if let facilityNode = top["facility"], let facility = object(facilityNode, "$.facility", allowed: ["oid"]) {
            facilityOID = oid(facility["oid"], "$.facility.oid")
        }
        let fields = self.fields(top["fields"], root)
        let grouping = self.grouping(top["grouping"])
        guard let name, let layout else { return nil }
        let profile = ExportProfile(
            name: name, summary: summary, sourceFile: file, layout: layout, hasHeader: hasHeader, encoding: encoding,
            lineEnding: lineEnding, raggedRows: ragged, dateFormats: dateFormats, decimalSeparator: decimal,
            facilityOID: facilityOID, fields: fields, grouping: grouping, maxRecordBytes: maxRecord)
        crossCheck(profile, root: root, top: top)
        return profile
    }

    private mutating func encodingValue(_ node: ProfileNode?) -> TextEncoding {
        guard let text = string(node, "$.format.encoding") else { return .utf8 }
        if let encoding = TextEncoding(label: text) { return encoding }
        fail("$.format.encoding", node, "unknown encoding '\(text)' (allowed: \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", ")))")
        return .utf8
    }

    private mutating func layout(_ format: [String: ProfileNode], _ node: ProfileNode) -> ExportProfile.Layout? {
        let type = string(format["type"], "$.format.type") ?? "delimited"
        switch type {
        case "delimited":
            if format["columns"] != nil { fail("$.format.columns", format["columns"], "only for fixed-width layouts") }
            return .delimited(delimited(format, node))
        case "fixed-width":
            for key in ["delimiter", "quote", "escape"] where format[key] != nil {
                fail("$.format.\(key)", format[key], "not used by fixed-width layouts")
            }
            guard let items = array(format["columns"], "$.format.columns"), !items.isEmpty else {
                fail("$.format.columns", format["columns"] ?? node, "a fixed-width layout needs at least one column")
                return nil
            }
            return .fixedWidth(fixedColumns(items))
        default:
            fail("$.format.type", format["type"], "unknown layout '\(type)' (allowed: delimited, fixed-width)")
            return nil
        }
    }

    private mutating func delimited(_ format: [String: ProfileNode], _ formatNode: ProfileNode) -> DelimitedLayout {
        var layout = DelimitedLayout(delimiter: UInt8(ascii: ";"))
        if let text = string(format["delimiter"], "$.format.delimiter") {
            switch text {
            case ";", ",", "|", "\t": layout.delimiter = text.utf8.first ?? UInt8(ascii: ";")
            case "tab", "\\t": layout.delimiter = 0x09
            default: fail("$.format.delimiter", format["delimiter"], "unsupported delimiter (allowed: ';', ',', '|', tab)")
            }
        } else if format["delimiter"] == nil {
            fail("$.format.delimiter", formatNode, "missing (';', ',', '|' or tab)")
        }
        if let quoteNode = format["quote"] {
            if quoteNode.isNull {
                layout.quote = nil
            } else if let text = string(quoteNode, "$.format.quote") {
                let bytes = Array(text.utf8)
                if bytes.isEmpty {
                    layout.quote = nil
                } else if bytes.count == 1, bytes[0] == UInt8(ascii: "\"") || bytes[0] == UInt8(ascii: "'") {
                    layout.quote = bytes[0]
                } else {
                    fail("$.format.quote", quoteNode, "unsupported quote (allowed: '\"', \"'\", or null for none)")
                }
            }
        }
        layout.escape = choice(format["escape"], "$.format.escape", EscapeStyle.self) ?? .doubled
        return layout
    }

    private mutating func fixedColumns(_ items: [ProfileNode]) -> [FixedColumn] {
        var columns: [FixedColumn] = []
        var names: Set<String> = []
        for (index, item) in items.enumerated() {
            let path = "$.format.columns[\(index)]"
            guard let column = object(item, path, allowed: ["name", "start", "length"]) else { continue }
            let name = string(column["name"], "\(path).name")
            let start = int(column["start"], "\(path).start", min: 1)
            let length = int(column["length"], "\(path).length", min: 1)
            for key in ["name", "start", "length"] where column[key] == nil { fail("\(path).\(key)", item, "missing") }
            guard let name, let start, let length else { continue }
            if !names.insert(name).inserted { fail("\(path).name", column["name"], "duplicate column name") }
            columns.append(FixedColumn(name: name, start: start, length: length))
        }
        return columns
    }

    private mutating func grouping(_ node: ProfileNode?) -> Grouping {
        guard let node, let group = object(node, "$.grouping", allowed: ["by", "columns", "maxRows"]) else { return .row }
        let by = string(group["by"], "$.grouping.by") ?? "row"
        switch by {
        case "row":
            if group["columns"] != nil { fail("$.grouping.columns", group["columns"], "only with \"by\": \"key\"") }
            return .row
        case "key":
            let items = array(group["columns"], "$.grouping.columns") ?? []
            let columns = items.enumerated().compactMap { column($1, "$.grouping.columns[\($0)]") }
            if columns.isEmpty { fail("$.grouping.columns", group["columns"] ?? node, "grouping by key needs at least one column") }
            let maxRows = int(group["maxRows"], "$.grouping.maxRows", min: 1) ?? 10_000
            return .key(columns: columns, maxRows: maxRows)
        default:
            fail("$.grouping.by", group["by"], "unknown grouping '\(by)' (allowed: row, key)")
            return .row
        }
    }
}
