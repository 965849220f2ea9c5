// Copies for worker threads. A copy of a Swift array, dictionary or large string shares its
// buffer, and with it the buffer's reference count: when two workers retain and release the same
// buffer for every row, the cache line holding the count bounces between the cores (and the
// array's count, read for every row, sits on that line). Each worker gets storage of its own.

extension String {
    /// The same text in storage of its own (small strings are stored inline and have none).
    var withOwnStorage: String {
        let utf8 = self.utf8
        return utf8.withContiguousStorageIfAvailable { String(decoding: $0, as: UTF8.self) }
            ?? String(decoding: Array(utf8), as: UTF8.self)
    }
}

extension Array {
    /// The same elements in a buffer of its own (the elements themselves are copied as values).
    var withOwnStorage: [Element] { map { $0 } }
}

extension FieldMapping {
    /// The same mapping with storage of its own.
    var withOwnStorage: FieldMapping {
        var copy = self
        copy.transforms = transforms.withOwnStorage
        copy.valueMap = Dictionary(uniqueKeysWithValues: valueMap.map { ($0.key.withOwnStorage, $0.value.withOwnStorage) })
        copy.dateFormats = dateFormats.map(\.withOwnStorage)
        copy.oid = oid?.withOwnStorage
        copy.codeSystem = codeSystem?.withOwnStorage
        copy.separator = separator?.withOwnStorage
        copy.path = path.withOwnStorage
        if case .constant(let value) = source { copy.source = .constant(value.withOwnStorage) }
        return copy
    }
}

extension CompiledField {
    /// The same field with storage of its own.
    var withOwnStorage: CompiledField {
        CompiledField(
            mapping: mapping.withOwnStorage, column: column, columnName: columnName.withOwnStorage,
            dateFormats: dateFormats.map(\.withOwnStorage))
    }
}
