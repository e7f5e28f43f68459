import EVM
import Testing
import TestSupport

// Keccak256 (the generated permutation: lane complementing, theta's parities prepared row by row, and the
// digest-only last round of the one-shot and word forms) against a textbook Keccak-256 written from the
// specification's round steps, kept here as the reference: random lengths 0...1000, every entry point.

/// Keccak-256 straight from the specification (FIPS 202 step mappings, Keccak's 0x01 padding), no tricks.
private func referenceKeccak256(_ message: [UInt8]) -> [UInt8] {
    let rate = 136
    var padded = message + [0x01] + [UInt8](repeating: 0, count: rate - 1 - message.count % rate)
    padded[padded.count - 1] |= 0x80
    var state = [UInt64](repeating: 0, count: 25)
    for block in stride(from: 0, to: padded.count, by: rate) {
        for i in 0..<(rate / 8) {
            var word: UInt64 = 0
            for j in 0..<8 { word |= UInt64(padded[block + 8 * i + j]) << (8 * j) }
            state[i] ^= word
        }
        referencePermutation(&state)
    }
    return (0..<32).map { UInt8(truncatingIfNeeded: state[$0 / 8] >> (8 * ($0 % 8))) }
}

private func referencePermutation(_ a: inout [UInt64]) {
    let offsets = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14]
    var rc: UInt64 = 0, lfsr: UInt8 = 1  // round constants from the LFSR of the specification (rc(t))
    func rotate(_ v: UInt64, _ n: Int) -> UInt64 { n == 0 ? v : (v << UInt64(n)) | (v >> UInt64(64 - n)) }
    for _ in 0..<24 {
        var c = [UInt64](repeating: 0, count: 5)
        for x in 0..<5 { c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] }
        for x in 0..<5 {
            let d = c[(x + 4) % 5] ^ rotate(c[(x + 1) % 5], 1)
            for y in 0..<5 { a[x + 5 * y] ^= d }
        }
        var b = [UInt64](repeating: 0, count: 25)
        for x in 0..<5 {
            for y in 0..<5 { b[y + 5 * ((2 * x + 3 * y) % 5)] = rotate(a[x + 5 * y], offsets[x + 5 * y]) }
        }
        for x in 0..<5 {
            for y in 0..<5 { a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]) }
        }
        rc = 0
        for j in 0..<7 {
            if lfsr & 1 != 0 { rc |= 1 << UInt64((1 << j) - 1) }
            lfsr = (lfsr & 0x80 != 0) ? (lfsr << 1) ^ 0x71 : lfsr << 1
        }
        a[0] ^= rc
    }
}

@Suite("Keccak-256 against the textbook reference")
struct KeccakReferenceTests {
    @Test("every entry point hashes random inputs of 0...1000 bytes like the reference")
    func randomLengthsMatchReference() throws {
        var rng = SeededRandom()
        var lengths = Array(0...300) + [135, 136, 137, 271, 272, 273, 1000]
        for _ in 0..<300 { lengths.append(Int.random(in: 0...1000, using: &rng)) }
        for count in lengths {
            let input = rng.bytes(count)
            let expected = try Bytes32(referenceKeccak256(input))
            #expect(Keccak256.hash(data: input) == expected, "length \(count); \(rng.replay)")
            #expect(Keccak256.hash(data: input.lazy.map { $0 }) == expected, "non-contiguous, length \(count)")
            let cut = count == 0 ? 0 : Int.random(in: 0...count, using: &rng)
            var hasher = Keccak256()
            hasher.update(data: input[..<cut])
            hasher.update(data: input[cut...])
            #expect(hasher.finalize() == expected, "split at \(cut) of \(count); \(rng.replay)")
        }
    }

    @Test("the one- and two-word forms hash random words like the reference")
    func wordFormsMatchReference() throws {
        var rng = SeededRandom()
        for _ in 0..<300 {
            let a = try Bytes32(rng.bytes(32)), b = try Bytes32(rng.bytes(32))
            #expect(Keccak256.hash(a) == (try Bytes32(referenceKeccak256(a.bytes))), "\(rng.replay)")
            #expect(Keccak256.hash(a, b) == (try Bytes32(referenceKeccak256(a.bytes + b.bytes))), "\(rng.replay)")
        }
        // Lanes that reach the complemented positions with every bit set or clear.
        for fill: UInt8 in [0x00, 0xFF] {
            for count in [32, 64, 135, 136, 200] {
                let input = [UInt8](repeating: fill, count: count)
                #expect(Keccak256.hash(data: input) == (try Bytes32(referenceKeccak256(input))), "fill \(fill) length \(count)")
            }
        }
    }
}
