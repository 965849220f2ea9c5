import Foundation
import PasserelleModel
import Testing

@Suite struct HexTests {
    @Test("two lower-case digits per byte, in order, leading zeros kept")
    func lowercaseDigits() {
        #expect(Hex.lowercase([UInt8]()) == "")
        #expect(Hex.lowercase([0x00, 0x0F, 0xA5, 0xFF] as [UInt8]) == "000fa5ff")
        #expect(Hex.lowercase(Data([0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF])) == "0123456789abcdef")
        let all = Hex.lowercase((0...255).map { UInt8($0) })
        #expect(all.count == 512)
        #expect(all.hasPrefix("000102") && all.hasSuffix("fdfeff"))
    }
}
