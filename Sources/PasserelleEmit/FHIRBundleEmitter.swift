public import Foundation
public import PasserelleModel

/// Builds a FHIR R4 JSON `Bundle` from one document of the common model.
///
/// The bundle is of type `collection` (a set of resources describing one document, with no
/// server-side semantics; a loader can turn it into a transaction of `PUT`s because every id is
/// deterministic). Entries: `Patient`, `DocumentReference`, the authors and organisations
/// (`Practitioner`, `PractitionerRole`, `Organization`, `Device`), then `Binary` resources for
/// the original bytes and for each extracted attachment. Resource ids are version-5 UUIDs of
/// stable keys (document id, canonical patient id, professional ids), references are
/// `urn:uuid:` full URLs, and keys are sorted, so converting the same input twice gives
/// byte-identical output. The mapping is documented in `Docs/emit.md`.
public struct FHIRBundleEmitter: Sendable {
    /// Settings.
    public var configuration: FHIREmitterConfiguration

    /// Creates an emitter.
    public init(configuration: FHIREmitterConfiguration = FHIREmitterConfiguration()) {
        self.configuration = configuration
    }

    /// The bundle as JSON bytes.
    ///
    /// - Parameters:
    ///   - document: the document model.
    ///   - originalBytes: the bytes exactly as received; when given, a `Binary` holds them and
    ///     the DocumentReference content carries their size and SHA-1 (and SHA-256 extension).
    ///   - canonicalPatientID: the gateway's patient id, added as a Patient identifier and used
    ///     as the Patient's id key.
    ///   - status: `current`, or `superseded` when a newer version is known.
    public func bundle(
        for document: ClinicalDocument, originalBytes: Data?, canonicalPatientID: String?,
        status: DocumentReferenceStatus = .current
    ) throws(EmitError) -> Data {
        let canonical = canonicalPatientID.nonBlank
        var builder = BundleBuilder(
            configuration: configuration, document: document, originalBytes: originalBytes,
            canonicalPatientID: canonical)
        builder.build(status: status)
        let bundle = FHIRBundle(
            id: DeterministicID.uuid(for: "Bundle|\(builder.documentKey)|\(canonical ?? "")|\(status.rawValue)"),
            type: "collection",
            entry: builder.entries.map { FHIRBundle.Entry(fullUrl: "urn:uuid:" + $0.id, resource: $0) })
        do {
            guard configuration.prettyPrinted else {
                // Compact output (convert, the HTTP API): written while the bundle encodes
                // itself, members in declaration order (`resourceType` first), no sorting.
                return try StreamingJSONEncoder().encode(bundle)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            return try encoder.encode(bundle)
        } catch {
            throw EmitError(
                code: .emitEncode, message: "the FHIR bundle could not be encoded: \(error)",
                sourceName: document.provenance?.sourceName)
        }
    }
}

/// Collects the resources of one bundle, each once, in a stable order.
struct BundleBuilder {
    let configuration: FHIREmitterConfiguration
    let document: ClinicalDocument
    let originalBytes: Data?
    let canonicalPatientID: String?
    /// Stable key of the document: its id, else the SHA-256 of its bytes.
    let documentKey: String
    private(set) var entries: [FHIRResource] = []
    private var seen: Set<String> = []

    init(configuration: FHIREmitterConfiguration, document: ClinicalDocument, originalBytes: Data?, canonicalPatientID: String?) {
        self.configuration = configuration
        self.document = document
        self.originalBytes = originalBytes
        self.canonicalPatientID = canonicalPatientID
        if let id = document.id, id.root.nonBlank != nil {
            documentKey = "id|" + id.description
        } else if let sha = document.provenance?.sha256 {
            documentKey = "sha256|" + sha
        } else if let originalBytes {
            documentKey = "sha256|" + Digests.sha256Hex(originalBytes)
        } else {
            documentKey = "model|" + BundleBuilder.modelDigest(document)
        }
    }

    /// SHA-256 of the model's JSON form, the last-resort key of a document without id or bytes.
    private static func modelDigest(_ document: ClinicalDocument) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(document)) ?? Data()
        return Digests.sha256Hex(data)
    }

    /// Adds a resource unless one with the same id is already there; returns its reference.
    @discardableResult
    mutating func add(_ resource: FHIRResource) -> FHIRReference {
        if seen.insert(resource.id).inserted { entries.append(resource) }
        return FHIRReference(reference: "urn:uuid:" + resource.id)
    }

    /// Puts the DocumentReference right after the Patient (it is built last because it adds
    /// the parties and Binary resources it refers to).
    mutating func insertAfterPatient(_ resource: FHIRResource) {
        guard seen.insert(resource.id).inserted else { return }
        entries.insert(resource, at: min(1, entries.count))
    }

    mutating func build(status: DocumentReferenceStatus) {
        let patientReference = addPatient()
        addDocumentReference(patient: patientReference, status: status)
    }
}
