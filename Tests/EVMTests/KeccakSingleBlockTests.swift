import EVM
import Testing

// The one-shot path for inputs shorter than a block (Keccak256.hashSingleBlock: lanes loaded straight from the
// input, no buffer) against the buffered incremental hasher, at every length 0...137 and at unaligned addresses.

@Test("one-shot Keccak-256 of 0...137 bytes, from arrays, offset slices and raw buffers, equals the buffered hasher")
func singleBlockPathMatchesIncrementalHasher() {
    let source = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 167 &+ 13) }
    for count in 0...137 {
        for offset in [0, 1, 3, 7] {
            let slice = source[offset..<(offset + count)]
            var incremental = Keccak256()
            for byte in slice { incremental.update(data: [byte]) }  // one byte at a time: always the buffer
            let expected = incremental.finalize()
            #expect(Keccak256.hash(data: slice) == expected, "count \(count) offset \(offset)")
            #expect(Keccak256.hash(data: Array(slice)) == expected, "count \(count)")
            source.withUnsafeBytes { raw in
                let part = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
                #expect(Keccak256.hash(bufferPointer: part) == expected, "count \(count) offset \(offset)")
            }
        }
    }
}

@Test("a 32-byte array hashes like the same Bytes32 word, and the empty input gives the known empty digest")
func thirtyTwoBytesMatchWordHash() throws {
    let word = try Bytes32(hex: "0x5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a")
    #expect(Keccak256.hash(data: word.bytes) == Keccak256.hash(word))
    #expect(Keccak256.hash(data: [UInt8]()).description == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    #expect(Keccak256.hash(utf8: "").description == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
}
