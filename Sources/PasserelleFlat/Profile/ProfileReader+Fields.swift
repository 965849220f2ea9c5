extension ProfileReader {
    static let fieldKeys: Set<String> = [
        "target", "column", "constant", "transforms", "map", "unmapped", "required", "formats", "oid", "codeSystem",
        "separator", "numeric",
    ]

    mutating func fields(_ node: ProfileNode?, _ root: ProfileNode) -> [FieldMapping] {
        guard let node else {
            fail("$.fields", root, "missing (the column → model field mappings)")
            return []
        }
        guard let items = array(node, "$.fields") else { return [] }
        if items.isEmpty { fail("$.fields", node, "at least one mapping is needed") }
        return items.enumerated().compactMap { index, item in field(item, "$.fields[\(index)]") }
    }

    private mutating func field(_ node: ProfileNode, _ path: String) -> FieldMapping? {
        guard let keys = object(node, path, allowed: Self.fieldKeys) else { return nil }
        mappingNodes[path] = node
        for key in ["target", "column", "formats", "oid"] { mappingNodes["\(path).\(key)"] = keys[key] }
        guard keys["target"] != nil else {
            fail("\(path).target", node, "missing (e.g. patient.birthFamilyName)")
            return nil
        }
        guard let target = choice(keys["target"], "\(path).target", FieldTarget.self) else { return nil }
        let source: FieldSource
        switch (keys["column"], keys["constant"]) {
        case (let columnNode?, nil):
            guard let reference = column(columnNode, "\(path).column") else { return nil }
            source = .column(reference)
        case (nil, let constantNode?):
            guard let text = string(constantNode, "\(path).constant") else { return nil }
            source = .constant(text)
        case (nil, nil):
            fail(path, node, "needs either \"column\" or \"constant\"")
            return nil
        case (_?, let constantNode?):
            fail("\(path).constant", constantNode, "\"column\" and \"constant\" are exclusive")
            return nil
        }
        var mapping = FieldMapping(target: target, source: source, path: path)
        if let items = array(keys["transforms"], "\(path).transforms") {
            mapping.transforms = items.enumerated().compactMap { choice($1, "\(path).transforms[\($0)]", ValueTransform.self) }
        }
        if let mapNode = keys["map"], case .mapping(let pairs, _, _) = mapNode {
            for (key, value) in pairs {
                if let text = string(value, "\(path).map.\(key)") { mapping.valueMap[key] = text }
            }
        } else if let mapNode = keys["map"] {
            fail("\(path).map", mapNode, "expected an object of value → replacement")
        }
        mapping.unmapped = choice(keys["unmapped"], "\(path).unmapped", UnmappedValuePolicy.self) ?? .error
        mapping.required = bool(keys["required"], "\(path).required") ?? false
        mapping.dateFormats = datePatterns(keys["formats"], "\(path).formats") ?? []
        mapping.oid = oid(keys["oid"], "\(path).oid")
        mapping.codeSystem = oid(keys["codeSystem"], "\(path).codeSystem")
        mapping.separator = string(keys["separator"], "\(path).separator")
        mapping.numeric = bool(keys["numeric"], "\(path).numeric") ?? false
        checkOptions(mapping, keys, path)
        return mapping
    }

    private mutating func checkOptions(_ mapping: FieldMapping, _ keys: [String: ProfileNode], _ path: String) {
        let kind = mapping.target.kind
        if keys["formats"] != nil, kind != .date { fail("\(path).formats", keys["formats"], "only for date targets") }
        if keys["oid"] != nil, kind != .identifier { fail("\(path).oid", keys["oid"], "only for identifier targets") }
        if keys["codeSystem"] != nil, mapping.target != .documentTypeCode, mapping.target != .resultCode {
            fail("\(path).codeSystem", keys["codeSystem"], "only for document.typeCode and result.code")
        }
        if keys["separator"] != nil, mapping.target != .patientBirthGivenNames {
            fail("\(path).separator", keys["separator"], "only for patient.birthGivenNames")
        }
        if keys["numeric"] != nil, mapping.target != .resultValue {
            fail("\(path).numeric", keys["numeric"], "only for result.value")
        }
        if let separator = mapping.separator, separator.isEmpty { fail("\(path).separator", keys["separator"], "must not be empty") }
        if mapping.target == .patientINS, keys["oid"] == nil {
            fail("\(path).oid", keys["target"], "an INS mapping needs the INS OID (e.g. 1.2.250.1.213.1.4.8)")
        }
    }

    /// Checks that hold across sections: columns exist, targets are not mapped twice, dates have formats.
    mutating func crossCheck(_ profile: ExportProfile, root: ProfileNode, top: [String: ProfileNode]) {
        var seen: [FieldTarget: String] = [:]
        for mapping in profile.fields {
            if mapping.target.kind != .perRow, let first = seen[mapping.target] {
                fail("\(mapping.path).target", node(at: "\(mapping.path).target"), "\(mapping.target.rawValue) is already mapped by \(first)")
            }
            seen[mapping.target] = seen[mapping.target] ?? mapping.path
            if case .column(let reference) = mapping.source { checkColumn(reference, in: profile, path: "\(mapping.path).column") }
            if mapping.target.kind == .date, mapping.dateFormats.isEmpty, profile.dateFormats.isEmpty {
                fail("\(mapping.path).formats", node(at: "\(mapping.path).formats"), "no date format: set $.dates.formats or this field's formats")
            }
            let needsOID = mapping.target == .patientLocalID || mapping.target == .documentID
            if needsOID, mapping.oid == nil, profile.facilityOID == nil {
                fail("\(mapping.path).oid", node(at: "\(mapping.path).oid"), "no authority OID: set this field's oid or $.facility.oid")
            }
        }
        if case .key(let columns, _) = profile.grouping {
            for (index, reference) in columns.enumerated() {
                checkColumn(reference, in: profile, path: "$.grouping.columns[\(index)]")
            }
        }
        if case .delimited(let layout) = profile.layout, layout.quote == layout.delimiter {
            fail("$.format.quote", top["format"], "the quote cannot be the delimiter")
        }
    }

    /// The node at `path` in a field mapping, else the nearest enclosing one recorded.
    func node(at path: String) -> ProfileNode? {
        var current = Substring(path)
        while !current.isEmpty {
            if let node = mappingNodes[String(current)] { return node }
            guard let dot = current.lastIndex(of: ".") else { break }
            current = current[..<dot]
        }
        return nil
    }

    private mutating func checkColumn(_ reference: ColumnReference, in profile: ExportProfile, path: String) {
        switch (profile.layout, reference) {
        case (.fixedWidth(let columns), .name(let name)):
            if !columns.contains(where: { $0.name == name }) { fail(path, node(at: path), "no fixed-width column named '\(name)'") }
        case (.fixedWidth(let columns), .index(let index)):
            if index > columns.count { fail(path, node(at: path), "position \(index) but the layout has \(columns.count) columns") }
        case (.delimited, .name):
            if !profile.hasHeader { fail(path, node(at: path), "columns are referenced by name but $.format.header is false") }
        case (.delimited, .index):
            break
        }
    }
}
