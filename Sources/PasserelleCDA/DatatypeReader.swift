import PasserelleModel
import PasserelleXML

/// Reads HL7 v3 datatypes (II, CE/CD/CV/CS, TS, IVL_TS, PN, AD, TEL) from CDA elements.
struct DatatypeReader {
    let context: ReadContext
    let v3 = CDANamespace.hl7

    func nullFlavor(_ element: XMLTree.Element) -> NullFlavor? {
        guard let raw = element.attribute("nullFlavor") else { return nil }
        guard let flavor = NullFlavor(rawValue: raw) else {
            context.report(.cdaNullFlavor, .warning, "nullFlavor '\(raw)' is not an HL7 null flavor", at: element)
            return .other
        }
        return flavor
    }

    /// II; `classify` maps root and extension to the identifier kind.
    func identifier(_ element: XMLTree.Element, classify: (String?, String?) -> IdentifierKind) -> Identifier {
        let root = element.attribute("root")
        let ext = element.attribute("extension")
        return Identifier(
            root: root, extension: ext, kind: classify(root, ext),
            assigningAuthorityName: element.attribute("assigningAuthorityName"), nullFlavor: nullFlavor(element))
    }

    func identifiers(
        of parent: XMLTree.Element, classify: (String?, String?) -> IdentifierKind = IdentifierKind.forParty
    ) -> [Identifier] {
        parent.children("id", in: v3).map { identifier($0, classify: classify) }
    }

    func documentIdentifier(_ element: XMLTree.Element?) -> Identifier? {
        element.map { identifier($0) { _, _ in .other } }
    }

    /// CE/CD/CV/CS with original text and translations.
    func code(_ element: XMLTree.Element?) -> CodedValue? {
        guard let element else { return nil }
        return CodedValue(
            code: element.attribute("code"), codeSystem: element.attribute("codeSystem"),
            codeSystemName: element.attribute("codeSystemName"), displayName: element.attribute("displayName"),
            nullFlavor: nullFlavor(element), originalText: element.child("originalText", in: v3)?.normalizedText,
            translations: element.children("translation", in: v3).compactMap { code($0) })
    }

    /// TS from the `value` attribute; an unreadable value is reported and left out.
    func timestamp(_ element: XMLTree.Element?) -> Timestamp? {
        guard let element else { return nil }
        if let value = element.attribute("value") {
            if let timestamp = Timestamp(hl7: value) { return timestamp }
            context.report(
                .cdaTimestamp, .warning,
                "'\(element.localName)' value is not an HL7 timestamp (YYYYMMDD[HHMM[SS]][+ZZzz])", at: element)
            return nil
        }
        return nullFlavor(element).map(Timestamp.absent)
    }

    /// IVL_TS: `low`/`high`/`center` children, or a `value` attribute.
    func period(_ element: XMLTree.Element?) -> Period? {
        guard let element else { return nil }
        let value = element.attribute("value") != nil ? timestamp(element) : timestamp(element.child("center", in: v3))
        return Period(
            low: timestamp(element.child("low", in: v3)), high: timestamp(element.child("high", in: v3)),
            value: value, nullFlavor: nullFlavor(element))
    }

    /// PN / EN / ON with qualified parts.
    func personName(_ element: XMLTree.Element) -> PersonName {
        var name = PersonName(use: element.attribute("use"), nullFlavor: nullFlavor(element))
        var looseText: [String] = []
        element.forEachContentBytes(
            text: { text in
                if let trimmed = XMLText.collapsingWhiteSpace(text) { looseText.append(trimmed) }
            },
            element: { part in
                guard part.namespaceURI == "urn:hl7-org:v3" else { return }
                let value = part.normalizedText ?? ""
                let rawQualifier = part.attribute("qualifier")
                let qualifier = rawQualifier.flatMap { raw in
                    raw.split(separator: " ").lazy.compactMap { NameQualifier(rawValue: String($0)) }.first
                }
                let namePart = NamePart(value: value, qualifier: qualifier, rawQualifier: rawQualifier)
                switch part.localName {
                case "family": name.family.append(namePart)
                case "given": name.given.append(namePart)
                case "prefix": name.prefix.append(namePart)
                case "suffix": name.suffix.append(namePart)
                default: break
                }
            })
        if !looseText.isEmpty { name.text = looseText.joined(separator: " ") }
        return name
    }

    func names(of parent: XMLTree.Element?) -> [PersonName] {
        parent?.children("name", in: v3).map(personName) ?? []
    }

    /// AD: structured parts or street lines, as written.
    func address(_ element: XMLTree.Element) -> Address {
        var address = Address(use: element.attribute("use"), nullFlavor: nullFlavor(element))
        var looseText: [String] = []
        element.forEachContentBytes(
            text: { text in
                if let trimmed = XMLText.collapsingWhiteSpace(text) { looseText.append(trimmed) }
            },
            element: { part in
                let value = part.normalizedText
                switch part.localName {
                case "streetAddressLine": if let value { address.streetAddressLines.append(value) }
                case "houseNumber": address.houseNumber = value
                case "streetName": address.streetName = value
                case "additionalLocator": address.additionalLocator = value
                case "postalCode": address.postalCode = value
                case "city": address.city = value
                case "county": address.county = value
                case "state": address.state = value
                case "country": address.country = value
                default: break
                }
            })
        if !looseText.isEmpty { address.text = looseText.joined(separator: " ") }
        return address
    }

    func addresses(of parent: XMLTree.Element?) -> [Address] {
        parent?.children("addr", in: v3).map(address) ?? []
    }

    func telecoms(of parent: XMLTree.Element?) -> [Telecom] {
        parent?.children("telecom", in: v3).map {
            Telecom(use: $0.attribute("use"), value: $0.attribute("value"), nullFlavor: nullFlavor($0))
        } ?? []
    }

    func integer(_ element: XMLTree.Element?) -> Int? {
        guard let element, let raw = element.attribute("value") else { return nil }
        guard let value = Int(raw) else {
            context.report(.cdaInteger, .warning, "'\(element.localName)' value is not an integer", at: element)
            return nil
        }
        return value
    }

    func templates(of parent: XMLTree.Element) -> [TemplateID] {
        parent.children("templateId", in: v3).compactMap { element in
            element.attribute("root").map { TemplateID(root: $0, extension: element.attribute("extension")) }
        }
    }
}
