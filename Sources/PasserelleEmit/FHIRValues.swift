import Foundation
import PasserelleModel

/// Conversions from model values to FHIR R4 data types (pure functions).
enum FHIRValues {
    // MARK: Systems

    /// FHIR URIs of HL7 code systems known by OID; other OIDs become `urn:oid:`.
    static let codeSystemURIs: [String: String] = [
        CodedValue.System.loinc: "http://loinc.org",
        CodedValue.System.confidentiality: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
        CodedValue.System.administrativeGender: "http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender",
        "2.16.840.1.113883.5.4": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "2.16.840.1.113883.6.96": "http://snomed.info/sct",
    ]

    /// The FHIR system URI of a code system given by OID (or already by URI).
    static func codeSystem(_ oid: String?) -> String? {
        guard let oid = oid.nonBlank else { return nil }
        if let uri = codeSystemURIs[oid] { return uri }
        if isOID(oid) { return "urn:oid:" + oid }
        if isUUID(oid) { return "urn:uuid:" + oid.lowercased() }
        return oid.contains(":") ? oid : nil
    }

    /// The FHIR identifier system for an HL7 II `root` (OID or UUID).
    static func identifierSystem(_ root: String?) -> String? {
        guard let root = root.nonBlank else { return nil }
        if isOID(root) { return "urn:oid:" + root }
        if isUUID(root) { return "urn:uuid:" + root.lowercased() }
        return root.contains(":") && !root.contains(where: \.isWhitespace) ? root : nil
    }

    /// Whether `text` is a dotted OID (`1.2.250...`).
    static func isOID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let first = parts.first, ["0", "1", "2"].contains(first) else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy(\.isASCIIDigitCharacter) && (part == "0" || part.first != "0")
        }
    }

    /// Whether `text` is a UUID in its 8-4-4-4-12 hex form.
    static func isUUID(_ text: String) -> Bool { UUID(uuidString: text) != nil }

    // MARK: Identifiers

    /// The XDS `uniqueId` form of a document id (DOMAIN.md §2): `root`, or `root^extension`,
    /// written as a URI (`urn:oid:`/`urn:uuid:` prefix) for use in `masterIdentifier`.
    static func documentIdentifier(_ id: Identifier?) -> FHIRIdentifier? {
        guard let id, let root = id.root.nonBlank else { return nil }
        let prefixed: String
        if isOID(root) {
            prefixed = "urn:oid:" + root
        } else if isUUID(root) {
            prefixed = "urn:uuid:" + root.lowercased()
        } else {
            prefixed = root
        }
        if let ext = id.extension.nonBlank {
            return FHIRIdentifier(value: prefixed + "^" + ext)
        }
        return FHIRIdentifier(system: "urn:ietf:rfc:3986", value: prefixed)
    }

    /// A plain `system` + `value` identifier (`urn:oid:root` + extension); root-only ids
    /// become `urn:ietf:rfc:3986` + the root as a URI.
    static func identifier(_ id: Identifier, use: String? = nil, type: FHIRCodeableConcept? = nil) -> FHIRIdentifier? {
        guard id.nullFlavor == nil || id.root != nil else { return nil }
        if let ext = id.extension.nonBlank {
            return FHIRIdentifier(use: use, type: type, system: identifierSystem(id.root), value: ext)
        }
        guard let root = id.root.nonBlank else { return nil }
        if let system = identifierSystem(root), system.hasPrefix("urn:") {
            return FHIRIdentifier(use: use, type: type, system: "urn:ietf:rfc:3986", value: system)
        }
        return FHIRIdentifier(use: use, type: type, value: root)
    }

    /// A logical reference to something outside the bundle by identifier.
    static func logicalReference(_ id: Identifier?, type: String) -> FHIRReference? {
        guard let identifier = documentIdentifier(id) else { return nil }
        return FHIRReference(type: type, identifier: identifier)
    }

    // MARK: Codes

    /// A CodeableConcept: the code and its translations as codings; `text` from the original
    /// text (or the display name when there is no code). `nil` when nothing is known.
    static func codeableConcept(_ value: CodedValue?) -> FHIRCodeableConcept? {
        guard let value else { return nil }
        var codings: [FHIRCoding] = []
        for candidate in [value] + value.translations {
            guard let code = candidate.code.nonBlank else { continue }
            codings.append(FHIRCoding(system: codeSystem(candidate.codeSystem), code: code, display: candidate.displayName.nonBlank))
        }
        let text = value.originalText.nonBlank ?? (codings.isEmpty ? value.displayName.nonBlank : nil)
        guard !codings.isEmpty || text != nil else { return nil }
        return FHIRCodeableConcept(coding: codings.nonEmpty, text: text)
    }

    /// Displays of HL7 Confidentiality codes (v3-Confidentiality).
    static let confidentialityDisplays = [
        "U": "unrestricted", "L": "low", "M": "moderate", "N": "normal", "R": "restricted", "V": "very restricted",
    ]

    /// `securityLabel` from the CDA confidentiality code (HL7 2.16.840.1.113883.5.25 ->
    /// `http://terminology.hl7.org/CodeSystem/v3-Confidentiality`; DMP visibility codes keep their OID).
    static func securityLabel(_ value: CodedValue?) -> FHIRCodeableConcept? {
        guard let value, let code = value.code.nonBlank else { return nil }
        let oid = value.codeSystem ?? CodedValue.System.confidentiality
        let isHL7 = oid == CodedValue.System.confidentiality
        let display = isHL7 ? (confidentialityDisplays[code] ?? value.displayName.nonBlank) : value.displayName.nonBlank
        return FHIRCodeableConcept(coding: [FHIRCoding(system: codeSystem(oid), code: code, display: display)])
    }

    // MARK: Dates

    /// FHIR `date` (YYYY, YYYY-MM or YYYY-MM-DD) at the value's precision, capped at the day.
    static func date(_ time: Timestamp?) -> String? {
        guard let time, time.nullFlavor == nil, time.year > 0 else { return nil }
        var truncated = time
        if truncated.precision > .day {
            truncated.precision = .day
            truncated.hour = nil
            truncated.minute = nil
            truncated.second = nil
            truncated.fraction = nil
        }
        return truncated.iso8601
    }

    /// FHIR `dateTime`: partial dates as they are; a time of day needs a UTC offset in FHIR, so
    /// a time without one is cut to its date (never guessed). Seconds are written as `:00` when
    /// the source stops at the minute or hour.
    static func dateTime(_ time: Timestamp?) -> String? {
        guard let time, time.nullFlavor == nil, time.year > 0 else { return nil }
        guard time.precision > .day, let offset = time.utcOffsetMinutes else { return date(time) }
        return fullTime(time, offset: offset)
    }

    /// FHIR `instant`: only for times with at least minute precision and a UTC offset.
    static func instant(_ time: Timestamp?) -> String? {
        guard let time, time.nullFlavor == nil, time.year > 0, time.precision >= .minute,
            let offset = time.utcOffsetMinutes
        else { return nil }
        return fullTime(time, offset: offset)
    }

    private static func fullTime(_ time: Timestamp, offset: Int) -> String {
        func pad(_ value: Int, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = pad(time.year, 4) + "-" + pad(time.month ?? 1) + "-" + pad(time.day ?? 1)
        text += "T" + pad(time.hour ?? 0) + ":" + pad(time.minute ?? 0) + ":" + pad(time.second ?? 0)
        if let fraction = time.fraction, !fraction.isEmpty { text += "." + fraction }
        text += (offset < 0 ? "-" : "+") + pad(abs(offset) / 60) + ":" + pad(abs(offset) % 60)
        return text
    }

    static func period(_ period: Period?) -> FHIRPeriod? {
        guard let period, period.nullFlavor == nil else { return nil }
        let start = dateTime(period.low) ?? dateTime(period.value)
        let end = dateTime(period.high)
        guard start != nil || end != nil else { return nil }
        return FHIRPeriod(start: start, end: end)
    }

    // MARK: Names, addresses, telecoms

    /// A generic HumanName from an HL7 PN (professionals; patients without CI-SIS traits).
    static func humanName(_ name: PersonName) -> FHIRHumanName? {
        guard name.nullFlavor == nil else { return nil }
        let family = name.family.map(\.value).filter { !$0.isEmpty }.joined(separator: " ")
        let given = name.given.map(\.value).filter { !$0.isEmpty }
        let prefix = name.prefix.map(\.value).filter { !$0.isEmpty }
        let suffix = name.suffix.map(\.value).filter { !$0.isEmpty }
        let text = name.text.nonBlank
        guard !family.isEmpty || !given.isEmpty || text != nil else { return nil }
        let use: String? =
            switch name.use?.uppercased() {
            case "L", "OR": "official"
            case "P", "A": "nickname"
            case "ASGN": "usual"
            default: nil
            }
        return FHIRHumanName(
            use: use, text: family.isEmpty && given.isEmpty ? text : nil, family: family.isEmpty ? nil : family,
            given: given.nonEmpty, prefix: prefix.nonEmpty, suffix: suffix.nonEmpty)
    }

    /// FHIR `Address.use` from the HL7 address use (H, HP, WP, TMP, HV, BAD).
    static func addressUse(_ use: String?) -> String? {
        guard let token = use?.split(separator: " ").first?.uppercased() else { return nil }
        switch token {
        case "H", "HP": return "home"
        case "WP", "DIR", "PUB": return "work"
        case "TMP", "HV": return "temp"
        case "BAD": return "old"
        default: return nil
        }
    }

    static func address(_ address: Address) -> FHIRAddress? {
        guard address.nullFlavor == nil else { return nil }
        var lines = address.streetAddressLines.filter { !$0.isEmpty }
        if lines.isEmpty {
            let street = [address.houseNumber, address.streetName].compactMap { $0.nonBlank }.joined(separator: " ")
            if !street.isEmpty { lines.append(street) }
            if let locator = address.additionalLocator.nonBlank { lines.append(locator) }
        }
        let result = FHIRAddress(
            use: addressUse(address.use), text: address.text.nonBlank, line: lines.nonEmpty, city: address.city.nonBlank,
            district: address.county.nonBlank, state: address.state.nonBlank, postalCode: address.postalCode.nonBlank,
            country: address.country.nonBlank)
        return result == FHIRAddress(use: result.use) ? nil : result
    }

    /// A ContactPoint from an HL7 TEL URL: `tel:`/`fax:`/`mailto:` prefixes are removed,
    /// web addresses are kept whole.
    static func contactPoint(_ telecom: Telecom) -> FHIRContactPoint? {
        guard telecom.nullFlavor == nil, let value = telecom.value.nonBlank else { return nil }
        let scheme = telecom.scheme
        let system: String
        var text = value
        switch scheme {
        case "tel"?: system = "phone"
        case "fax"?: system = "fax"
        case "mailto"?: system = "email"
        case "http"?, "https"?, "ftp"?: system = "url"
        default: system = "other"
        }
        if ["phone", "fax", "email"].contains(system), let colon = value.firstIndex(of: ":") {
            text = String(value[value.index(after: colon)...])
        }
        guard !text.isEmpty else { return nil }
        let use: String? =
            switch telecom.use?.split(separator: " ").first?.uppercased() {
            case "H"?, "HP"?: "home"
            case "WP"?, "DIR"?, "PUB"?: "work"
            case "MC"?, "PG"?: "mobile"
            case "TMP"?, "HV"?: "temp"
            case "BAD"?: "old"
            default: nil
            }
        return FHIRContactPoint(system: system, value: text, use: use)
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
