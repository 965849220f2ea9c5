internal import Foundation

extension String {
    /// The string without leading and trailing `CharacterSet.whitespaces` (spaces, tabs and the
    /// other Unicode space separators), as `trimmingCharacters(in: .whitespaces)` returns it.
    ///
    /// Most identity traits have nothing to trim: when the first and last bytes are ASCII and
    /// neither a space nor a tab, the string is returned as it is, without Foundation's
    /// character-set walk (the only whitespace characters outside ASCII are multi-byte, so an
    /// ASCII byte at each end settles it).
    var trimmingWhitespace: String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        if Self.isPlainASCII(first), Self.isPlainASCII(last) { return self }
        return trimmingCharacters(in: .whitespaces)
    }

    /// An ASCII byte that is not a space or a tab.
    private static func isPlainASCII(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 }
}
