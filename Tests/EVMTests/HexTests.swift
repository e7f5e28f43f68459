import EVM
import Testing

@Suite("Hex")
struct HexTests {
    @Test func parsesWithAndWithoutPrefix() throws {
        #expect(try Hex.decode("0x00ff10") == [0x00, 0xFF, 0x10])
        #expect(try Hex.decode("00FF10") == [0x00, 0xFF, 0x10])
        #expect(try Hex.decode("0XaB") == [0xAB])
        #expect(try Hex.decode("0x") == [])
        #expect(try Hex.decode("") == [])
    }

    @Test func rejectsOddLength() {
        #expect(throws: HexError.oddLength(3)) { try Hex.decode("0xabc") }
        #expect(throws: HexError.oddLength(1)) { try Hex.decode("a") }
    }

    @Test func rejectsNonHexWithOffset() {
        #expect(throws: HexError.invalidCharacter("g", offset: 3)) { try Hex.decode("0x0g") }
        #expect(throws: HexError.invalidCharacter("z", offset: 0)) { try Hex.decode("z1") }
        #expect(throws: HexError.invalidCharacter(" ", offset: 4)) { try Hex.decode("0xab cd") }
        #expect(throws: HexError.invalidCharacter("é", offset: 2)) { try Hex.decode("abé1") }
        // A bad character is reported even when the length is also odd.
        #expect(throws: HexError.invalidCharacter("x", offset: 3)) { try Hex.decode("0x0x1") }
    }

    @Test func exactLength() throws {
        #expect(throws: HexError.wrongLength(expected: 2, got: 1)) { try Hex.decode("0x01", length: 2) }
        #expect(try Hex.decode("0x0102", length: 2) == [1, 2])
    }

    @Test func formatsLowerCaseWithPrefix() {
        #expect(Hex.encode([0xDE, 0xAD, 0xBE, 0xEF]) == "0xdeadbeef")
        #expect(Hex.encode([UInt8]()) == "0x")
        #expect(Hex.encode([0x0A], prefix: false) == "0a")
    }

    @Test func roundTripsRandomBytesAndNeverCrashesOnRandomText() throws {
        var rng = SeededRandom()
        for _ in 0..<2000 {
            let bytes = rng.bytes(Int.random(in: 0...64, using: &rng))
            #expect(try Hex.decode(Hex.encode(bytes)) == bytes, "\(rng.replay)")
        }
        let alphabet = Array("0123456789abcdefABCDEFxXg \u{e9}-")
        for _ in 0..<20000 {
            let text = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            if let bytes = try? Hex.decode(text) {
                let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? text.dropFirst(2) : Substring(text)
                #expect(Hex.encode(bytes, prefix: false) == digits.lowercased(), "\(text); \(rng.replay)")
            }
        }
    }

    @Test func bytes32() throws {
        let word = try Bytes32(hex: "0x" + String(repeating: "ab", count: 31) + "01")
        #expect(word[31] == 1 && word[0] == 0xAB)
        #expect(word.bytes.count == 32)
        #expect(throws: HexError.wrongLength(expected: 32, got: 31)) { try Bytes32(hex: String(repeating: "00", count: 31)) }
        #expect(Bytes32.zero < word)
        #expect(try Bytes32(hex: "0x01" + String(repeating: "00", count: 31)) > (try Bytes32(hex: "0x00" + String(repeating: "ff", count: 31))))
    }
}
