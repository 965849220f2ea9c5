import Foundation

/// Folding of free text to the comparison alphabet: upper-case `A`–`Z`, digits and single spaces.
///
/// Accents are removed, ligatures expanded (`œ → OE`, `æ → AE`, `ß → SS`), apostrophes, hyphens
/// and any other punctuation become spaces (R3: hyphen and apostrophe count as a space).
public enum TextFolding {
    /// Folds `text`; see the type documentation.
    public static func fold(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var isASCII = true
        for byte in text.utf8 where byte >= 0x80 {
            isASCII = false
            break
        }
        if isASCII {
            for byte in text.utf8 { append(byte, to: &output) }
        } else {
            for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
                appendScalar(scalar, to: &output)
            }
        }
        while output.last == 0x20 { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }

    /// Splits folded text on spaces.
    public static func tokens(_ folded: String) -> [String] {
        folded.split(separator: " ").map(String.init)
    }

    private static func append(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case 0x61...0x7A: output.append(byte - 0x20)
        case 0x41...0x5A, 0x30...0x39: output.append(byte)
        default:
            if let last = output.last, last != 0x20 { output.append(0x20) }
        }
    }

    private static func appendScalar(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        let value = scalar.value
        if value < 0x80 {
            append(UInt8(value), to: &output)
            return
        }
        if (0x300...0x36F).contains(value) { return }  // combining marks left by decomposition
        switch scalar {
        case "œ", "Œ": output.append(contentsOf: [0x4F, 0x45])
        case "æ", "Æ": output.append(contentsOf: [0x41, 0x45])
        case "ß": output.append(contentsOf: [0x53, 0x53])
        case "ø", "Ø": output.append(0x4F)
        case "đ", "Đ": output.append(0x44)
        case "ł", "Ł": output.append(0x4C)
        case "ı": output.append(0x49)
        default:
            if let last = output.last, last != 0x20 { output.append(0x20) }
        }
    }
}
