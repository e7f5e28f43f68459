import EVM
import Testing

/// Swift RLP against pyrlp (`rlp` 5.x in `.venv`), on seeded random inputs.
///
/// pyrlp's `decode(strict=True)` accepts exactly the canonical encodings this decoder accepts;
/// the one deliberate difference is nesting deeper than `RLPDecoder.maxDepth` (1024), which
/// pyrlp reaches only through Python's recursion limit, and these inputs never nest that deep.
@Suite struct RLPDifferentialTests {
    @Test func encodingMatchesPyrlp() throws {
        var rng = SeededRandom()
        let items = (0..<3000).map { _ in rng.rlpItem() }
        let answers = try PythonOracle.run("rlp.encode", items.map(\.json))
        for (item, answer) in zip(items, answers) {
            let expected = try [UInt8](hex: try #require(answer as? String, "\(answer); \(rng.replay)"))
            let encoded = RLP.encode(item)
            #expect(encoded == expected, "\(item); \(rng.replay)")
            #expect(item.rlpEncodedLength == expected.count, "\(rng.replay)")
            #expect(decodeResult(expected) == .success(item), "\(rng.replay)")
        }
    }

    @Test func decoderAcceptsExactlyWhatPyrlpStrictAccepts() throws {
        var rng = SeededRandom()
        let inputs = (0..<6000).map { _ in rng.rlpDecoderInput() }
        let answers = try PythonOracle.run("rlp.decode", inputs.map { Hex.encode($0) })
        var accepted = 0
        for (input, answer) in zip(inputs, answers) {
            let swift = decodeResult(input)
            if let rejection = answer as? [String: Any] {
                if case .success(let item) = swift {
                    Issue.record("Swift accepted \(Hex.encode(input)) as \(item), pyrlp: \(rejection); \(rng.replay)")
                }
            } else {
                let expected = try #require(RLPItem(json: answer), "\(answer); \(rng.replay)")
                #expect(swift == .success(expected), "\(Hex.encode(input)); \(rng.replay)")
                accepted += 1
            }
        }
        // The mix must exercise both sides.
        #expect(accepted > 1000, "\(rng.replay)")
        #expect(accepted < inputs.count - 1000, "\(rng.replay)")
    }
}
