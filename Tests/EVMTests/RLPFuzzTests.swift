import EVM
import Testing

/// Random and damaged bytes never crash the decoder, and whatever it accepts is canonical.
@Suite struct RLPFuzzTests {
    /// Decodes `input` into a tree (and, when `typed`, through the typed paths);
    /// returns whether the tree decode accepted it.
    func exercise(_ input: [UInt8], _ rng: SeededRandom, typed: Bool) -> Bool {
        if typed {
            _ = try? RLP.decode(UInt64.self, from: input)
            _ = try? RLP.decode([UInt64].self, from: input)
            _ = try? RLP.decode([[UInt8]].self, from: input)
            _ = try? RLP.decode(String.self, from: input)
            _ = try? RLP.decode(Bool.self, from: input)
            _ = try? RLP.decode(AccessListEntry.self, from: input)
        }
        switch decodeResult(input) {
        case .success(let item):
            // Canonical: the one encoding of the tree is the input itself.
            if RLP.encode(item) != input {
                Issue.record("\(Hex.encode(input)) decoded to \(item), which re-encodes differently; \(rng.replay)")
            }
            return true
        case .failure(let error):
            if error.offset < 0 || error.offset > input.count {
                Issue.record("\(error) is outside \(Hex.encode(input)); \(rng.replay)")
            }
            return false
        }
    }

    @Test func randomAndMutatedBytesNeverCrashAndAcceptedInputsReencode() {
        var rng = SeededRandom()
        var accepted = 0
        for i in 0..<100_000 {
            if exercise(rng.bytes(rng.int(0...10)), rng, typed: i % 8 == 0) { accepted += 1 }
        }
        // Mutations of valid encodings: many mutants per encoding keeps the cost on the decoder.
        for _ in 0..<2_000 {
            let valid = RLP.encode(rng.rlpItem(maxDepth: 3, allowLong: false))
            if !exercise(valid, rng, typed: true) { Issue.record("rejected valid \(Hex.encode(valid)); \(rng.replay)") }
            for j in 0..<50 {
                if exercise(rng.mutate(valid), rng, typed: j % 8 == 0) { accepted += 1 }
            }
        }
        #expect(accepted > 10_000, "\(rng.replay)")
    }
}
