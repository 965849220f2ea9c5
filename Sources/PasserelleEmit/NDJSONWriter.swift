public import Foundation
public import PasserelleModel

/// Writes documents of the model as NDJSON: one compact JSON object per line, keys sorted,
/// dates in ISO 8601, attachment bytes only when asked (`userInfo[.includeAttachmentPayloads]`).
///
/// Lines are appended to a `FileHandle` as they come, so memory stays flat whatever the count.
public struct NDJSONWriter {
    /// Where lines go.
    public let fileHandle: FileHandle
    /// Whether attachment bytes are written (base64).
    public let includeAttachmentPayloads: Bool
    /// Number of lines written so far.
    public private(set) var count = 0

    /// Creates a writer appending to `fileHandle` (positioned by the caller).
    public init(fileHandle: FileHandle, includeAttachmentPayloads: Bool = false) {
        self.fileHandle = fileHandle
        self.includeAttachmentPayloads = includeAttachmentPayloads
    }

    /// Writes one document as one line.
    public mutating func write(_ document: ClinicalDocument) throws(EmitError) {
        let line = try Self.line(for: document, includeAttachmentPayloads: includeAttachmentPayloads)
        do {
            try fileHandle.write(contentsOf: line)
        } catch {
            throw EmitError(
                code: .emitWrite, message: "could not write an NDJSON line: \(error.localizedDescription)",
                sourceName: document.provenance?.sourceName)
        }
        count += 1
    }

    /// One document as one JSON line, ending with `\n`.
    public static func line(for document: ClinicalDocument, includeAttachmentPayloads: Bool = false) throws(EmitError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.userInfo[.includeAttachmentPayloads] = includeAttachmentPayloads
        do {
            var data = try encoder.encode(document)
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            throw EmitError(
                code: .emitEncode, message: "the document model could not be encoded: \(error)",
                sourceName: document.provenance?.sourceName)
        }
    }

    /// A decoder that reads a line back into the model.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
