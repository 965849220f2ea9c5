import PasserelleModel
import Testing

/// The word-at-a-time search finds exactly what a byte-by-byte search finds.
@Suite struct ByteScanTests {
    static func naive(_ bytes: [UInt8], from start: Int, below limit: UInt8, or a: UInt8, _ b: UInt8) -> Int {
        bytes[start...].firstIndex { $0 < limit || $0 == a || $0 == b } ?? bytes.count
    }

    @Test("every start offset over sparse matches, high bytes and borrows: same index as a byte loop")
    func agreesWithByteLoop() {
        var generator = SystemRandomNumberGenerator()
        // Mostly ordinary bytes (ASCII letters and UTF-8 continuation bytes), sometimes a match.
        let ordinary: [UInt8] = [0x41, 0x7A, 0x21, 0x80, 0xC3, 0xA9, 0xFF, 0x23]
        let special: [UInt8] = [0x00, 0x09, 0x0A, 0x1F, 0x20, 0x22, 0x5C]
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in
                Int.random(in: 0..<12, using: &generator) == 0
                    ? special.randomElement(using: &generator)! : ordinary.randomElement(using: &generator)!
            }
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                for start in 0...bytes.count {
                    #expect(ByteScan.firstIndex(base, from: start, to: bytes.count, below: 0x20, or: 0x22, 0x5C)
                        == Self.naive(bytes, from: start, below: 0x20, or: 0x22, 0x5C), "\(bytes) from \(start)")
                    #expect(ByteScan.firstIndex(base, from: start, to: bytes.count, below: 0x21)
                        == Self.naive(bytes, from: start, below: 0x21, or: 0, 0), "\(bytes) from \(start)")
                }
            }
        }
    }
}
