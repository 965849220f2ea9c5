import PasserelleModel

/// The row being mapped, kept from one row to the next (see `RowMapper.mapRow`).
///
/// The values live in one `MappedRow` that every row overwrites in place: a column whose bytes
/// equal the previous row's keeps the previous row's final value (no decoding, transform or
/// parsing), and no arrays are allocated per row. Valid only for rows read in order from one
/// buffer (the spans are offsets into it).
struct RowCache {
    /// Where a column's bytes are in the scan buffer; `start < 0`: nothing to reuse.
    struct Span: Equatable {
        var start: Int
        var end: Int
        var quoted: Bool
        var escaped: Bool
        /// No comparable bytes.
        static let none = Span(start: -1, end: -1, quoted: false, escaped: false)
        /// The value of a constant mapping, computed without diagnostic: always the same.
        static let constant = Span(start: -2, end: -2, quoted: false, escaped: false)
    }

    /// Whether values may be reused from the previous row.
    var enabled: Bool
    /// Per field mapping: the previous row's span, when its value can be reused.
    var spans: [Span] = []
    /// The current row: values by field mapping, dates by date slot (overwritten in place).
    var row = MappedRow(record: 0, firstLine: 0, lastLine: 0, values: [], dates: [], warnings: [])
    /// Set by `mapRow`: whether a patient field's value differs from the previous row's
    /// (then a patient built from an earlier row cannot be reused).
    var patientChanged = true
}
