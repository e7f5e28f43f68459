import EVM
import Foundation
import Testing

@Suite("ABI differential and fuzz")
struct ABIDifferentialTests {
    /// Random parameter lists (nested to depth 4) and values: our encoding equals eth_abi's, eth_abi decodes ours
    /// (strictly) to the same values, and we decode it back to the values we started from.
    @Test func encodingMatchesEthAbi() throws {
        var rng = SeededRandom()
        var cases: [[String: Any]] = []
        var inputs: [([ABIType], [ABIValue], [UInt8])] = []
        for _ in 0..<1500 {
            let types = (0..<Int.random(in: 1...4, using: &rng)).map { _ in rng.abiType() }
            let values = types.map { rng.abiValue($0) }
            let encoded = try ABI.encode(values, as: types)
            inputs.append((types, values, encoded))
            cases.append(["types": types.map(\.description),
                          "values": JSONValue.array(values.map(\.jsonValue)).description,
                          "data": encoded.hexString])
        }
        let results = try PythonOracle.run("abi.encode_and_decode", cases)
        for ((types, values, encoded), result) in zip(inputs, results) {
            let answer = try #require(result as? [String: Any], "\(result) \(rng.replay)")
            let label = "\(types) \(rng.replay)"
            #expect(answer["encoded"] as? String == encoded.hexString, "\(label)")
            let decoded = try JSONValue(parsing: try #require(answer["decoded"] as? String, "\(answer) \(label)"))
            #expect(decoded == JSONValue.array(values.map(\.jsonValue)), "\(label)")
            #expect(try ABI.decode(types, from: encoded) == values, "\(label)")
        }
    }

    @Test func packedMatchesEthAbi() throws {
        var rng = SeededRandom()
        var cases: [[String: Any]] = []
        var inputs: [([ABIType], [UInt8])] = []
        for _ in 0..<500 {
            // Elementary types only: eth_abi packs array elements unpadded, where Solidity pads each
            // to 32 bytes (we follow Solidity; see ABIMalformedInputTests.packedArraysArePadded).
            let types: [ABIType] = (0..<Int.random(in: 1...4, using: &rng)).map { _ in rng.abiType(maxDepth: 0) }
            let values = types.map { rng.abiValue($0) }
            inputs.append((types, try ABI.encodePacked(values, as: types)))
            cases.append(["types": types.map(\.description), "values": JSONValue.array(values.map(\.jsonValue)).description])
        }
        let results = try PythonOracle.run("abi.encode_packed", cases)
        for ((types, packed), result) in zip(inputs, results) {
            #expect(result as? String == packed.hexString, "\(types) \(rng.replay)")
        }
    }

    /// Random bytes, and single-byte corruptions of valid encodings, for random types: the decoder throws or
    /// returns, never crashes, and strict acceptance implies the re-encoding is byte-identical (canonical).
    @Test func randomBytesNeverCrash() throws {
        var rng = SeededRandom()
        for _ in 0..<2000 {
            let types = (0..<Int.random(in: 1...3, using: &rng)).map { _ in rng.abiType() }
            var data: [UInt8]
            if Bool.random(using: &rng) {
                data = rng.bytes(Int.random(in: 0...400, using: &rng))
                // Small words make plausible offsets and lengths.
                for i in stride(from: 0, to: data.count - 31, by: 32) where Bool.random(using: &rng) {
                    for j in 0..<31 { data[i + j] = 0 }
                    data[i + 31] = UInt8.random(in: 0...160, using: &rng)
                }
            } else {
                data = try ABI.encode(types.map { rng.abiValue($0) }, as: types)
                if !data.isEmpty { data[Int.random(in: 0..<data.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng) }
            }
            if let values = try? ABI.decode(types, from: data) {
                let reencoded = try ABI.encode(values, as: types)
                // Strict decoding accepts trailing bytes and non-canonical (but in-bounds, forward) offsets only.
                if reencoded.count == data.count, !types.contains(where: \.isDynamic) {
                    #expect(reencoded == data, "\(types) \(data.hexString) \(rng.replay)")
                }
            }
            _ = try? ABI.decode(types, from: data, options: .lenient)
        }
    }
}
