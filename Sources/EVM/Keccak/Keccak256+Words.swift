extension Keccak256 {
    /// Keccak-256 of one 32-byte word, without a buffer: the word goes straight into the state.
    @inlinable
    public static func hash(_ word: Bytes32) -> Bytes32 {
        var state = Keccak256().state
        return withUnsafeMutableBytes(of: &state) { raw in
            let lanes = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            lanes[0] = UInt64(littleEndian: word.storage.0)
            lanes[1] = UInt64(littleEndian: word.storage.1)
            lanes[2] = UInt64(littleEndian: word.storage.2)
            lanes[3] = UInt64(littleEndian: word.storage.3)
            lanes[4] = 0x01
            lanes[rateWords - 1] = 0x8000_0000_0000_0000
            keccakF1600Digest(lanes)  // only lanes 0...3 are read back
            return Bytes32(storage: (lanes[0].littleEndian, lanes[1].littleEndian, lanes[2].littleEndian, lanes[3].littleEndian))
        }
    }

    /// Keccak-256 of the 64-byte concatenation `a ‖ b` (Merkle nodes, mapping slots), without a buffer.
    @inlinable
    public static func hash(_ a: Bytes32, _ b: Bytes32) -> Bytes32 {
        var state = Keccak256().state
        return withUnsafeMutableBytes(of: &state) { raw in
            let lanes = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            lanes[0] = UInt64(littleEndian: a.storage.0)
            lanes[1] = UInt64(littleEndian: a.storage.1)
            lanes[2] = UInt64(littleEndian: a.storage.2)
            lanes[3] = UInt64(littleEndian: a.storage.3)
            lanes[4] = UInt64(littleEndian: b.storage.0)
            lanes[5] = UInt64(littleEndian: b.storage.1)
            lanes[6] = UInt64(littleEndian: b.storage.2)
            lanes[7] = UInt64(littleEndian: b.storage.3)
            lanes[8] = 0x01
            lanes[rateWords - 1] = 0x8000_0000_0000_0000
            keccakF1600Digest(lanes)  // only lanes 0...3 are read back
            return Bytes32(storage: (lanes[0].littleEndian, lanes[1].littleEndian, lanes[2].littleEndian, lanes[3].littleEndian))
        }
    }
}
