import PasserelleModel

/// Rows accumulated for the document being built.
struct PendingGroup: Sendable {
    var rows: [MappedRow] = []
    var bytes: [UInt8] = []
    var key: [[UInt8]]?
    var errors: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    var firstRecord = 0
    var lastRecord = 0
    var firstLine = 0
    var lastLine = 0
    var count = 0

    var isEmpty: Bool { count == 0 }

    /// Adds one record's bytes and outcome.
    mutating func add(
        _ bytes: UnsafeBufferPointer<UInt8>, record: Int, lines: ClosedRange<Int>, row: MappedRow?,
        errors: [Diagnostic], warnings: [Diagnostic]
    ) {
        if count == 0 {
            firstRecord = record
            firstLine = lines.lowerBound
        }
        count += 1
        lastRecord = record
        lastLine = lines.upperBound
        self.bytes.append(contentsOf: bytes)
        if let row { rows.append(row) }
        self.errors += errors
        self.warnings += warnings
    }

    mutating func reset() {
        rows.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        errors.removeAll(keepingCapacity: true)
        warnings.removeAll(keepingCapacity: true)
        key = nil
        count = 0
    }
}
