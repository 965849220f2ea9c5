/// Resource limits applied to every parse. The defaults accept real CDA documents with
/// multi-megabyte base64 PDFs while bounding what hostile input can make the parser do.
public struct XMLParserLimits: Sendable, Hashable {
    /// Largest accepted document, in bytes (default 64 MiB).
    public var maxDocumentBytes: Int
    /// Deepest accepted element nesting (default 256).
    public var maxDepth: Int
    /// Largest accepted single text node, in bytes (default 48 MiB: a base64 PDF of about 36 MB).
    public var maxTextBytes: Int
    /// Largest accepted single attribute value, in bytes (default 1 MiB).
    public var maxAttributeBytes: Int

    /// Creates limits.
    public init(
        maxDocumentBytes: Int = 64 << 20, maxDepth: Int = 256, maxTextBytes: Int = 48 << 20,
        maxAttributeBytes: Int = 1 << 20
    ) {
        self.maxDocumentBytes = maxDocumentBytes
        self.maxDepth = maxDepth
        self.maxTextBytes = maxTextBytes
        self.maxAttributeBytes = maxAttributeBytes
    }

    /// The default limits.
    public static let `default` = XMLParserLimits()
}
