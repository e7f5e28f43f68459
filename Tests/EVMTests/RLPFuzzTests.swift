import EVM
import Testing

/// Random and damaged bytes never crash the decoder, and whatever it accepts is canonical.
@Suite struct RLPFuzzTests {
    /// Decodes through every typed path; returns whether the tree decode succeeded.
    func exercise(_ input: [UInt8], _ rng: SeededRandom) -> Bool {
        _ = try? RLP.decode(UInt64.self, from: input)
        _ = try? RLP.decode(UInt8.self, from: input)
        _ = try? RLP.decode([UInt64].self, from: input)
        _ = try? RLP.decode([[UInt8]].self, from: input)
        _ = try? RLP.decode(String.self, from: input)
        _ = try? RLP.decode(Bool.self, from: input)
        _ = try? RLP.decode(AccessListEntry.self, from: input)
        switch decodeResult(input) {
        case .success(let item):
            // Canonical: the one encoding of the tree is the input itself.
            #expect(RLP.encode(item) == input, "\(Hex.encode(input)); \(rng.replay)")
            return true
        case .failure(let error):
            #expect(error.offset >= 0 && error.offset <= input.count, "\(error); \(rng.replay)")
            return false
        }
    }

    @Test func randomAndMutatedBytesNeverCrashAndAcceptedInputsReencode() {
        var rng = SeededRandom()
        var accepted = 0
        for _ in 0..<40_000 {
            if exercise(rng.bytes(rng.int(0...10)), rng) { accepted += 1 }
        }
        // Mutations of valid encodings: many mutants per encoding keeps the cost on the decoder.
        for _ in 0..<4_000 {
            let valid = RLP.encode(rng.rlpItem(maxDepth: 3, allowLong: false))
            #expect(exercise(valid, rng), "\(Hex.encode(valid)); \(rng.replay)")
            for _ in 0..<50 {
                if exercise(rng.mutate(valid), rng) { accepted += 1 }
            }
        }
        #expect(accepted > 10_000, "\(rng.replay)")
    }
}
