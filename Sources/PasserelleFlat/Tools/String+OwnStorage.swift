extension String {
    /// The same text in storage of its own: a copy of a large string otherwise shares its buffer
    /// and its reference count (small strings are stored inline and have neither).
    var withOwnStorage: String {
        let utf8 = self.utf8
        return utf8.withContiguousStorageIfAvailable { String(decoding: $0, as: UTF8.self) }
            ?? String(decoding: Array(utf8), as: UTF8.self)
    }
}
