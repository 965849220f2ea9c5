import PasserelleModel

/// The previous row's final values and the bytes they came from (see `RowMapper.mapRow`).
struct RowCache {
    /// Where a column's bytes are in the scan buffer; `start < 0`: nothing to reuse.
    struct Span: Equatable {
        var start: Int
        var end: Int
        var quoted: Bool
        var escaped: Bool
        /// No comparable bytes.
        static let none = Span(start: -1, end: -1, quoted: false, escaped: false)
    }

    /// Whether to use the cache (only for rows read in order from one buffer).
    var enabled: Bool
    /// Per field mapping: the previous row's span, when its value can be reused.
    var spans: [Span] = []
    /// The previous row's final values (by field mapping) and dates (by date slot).
    var values: [String?] = []
    var dates: [Timestamp?] = []
}
