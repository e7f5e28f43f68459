/// Keccak-256 as Ethereum uses it (the original Keccak padding `0x01`, not SHA3's `0x06`).
///
/// One-shot: `Keccak256.hash(data:)`. Incremental: `var h = Keccak256(); h.update(data:); h.finalize()`.
/// The state lives inline in the value (no heap allocation); copying a hasher forks it.
public struct Keccak256: Sendable {
    /// Rate in bytes: 1600 − 2·256 bits.
    public static let blockSize = 136
    /// Digest size in bytes.
    public static let byteCount = 32

    @usableFromInline static let rateWords = 17

    /// 25 lanes.
    @usableFromInline var state: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                  UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                  UInt64, UInt64, UInt64, UInt64, UInt64)
    /// Bytes of a partial block waiting for more input (17 words = 136 bytes).
    @usableFromInline var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                   UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    @usableFromInline var buffered: Int

    /// A fresh hasher.
    @inlinable
    public init() {
        state = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        buffer = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        buffered = 0
    }

    /// Absorbs `bytes`.
    @inlinable
    public mutating func update(bufferPointer bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        withUnsafeMutableBytes(of: &state) { stateRaw in
            let lanes = stateRaw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            withUnsafeMutableBytes(of: &buffer) { bufferRaw in
                let pending = bufferRaw.baseAddress!
                if buffered > 0 {
                    let take = min(remaining, Keccak256.blockSize - buffered)
                    (pending + buffered).copyMemory(from: input, byteCount: take)
                    buffered += take
                    input += take
                    remaining -= take
                    guard buffered == Keccak256.blockSize else { return }
                    Keccak256.absorbBlock(lanes, UnsafeRawPointer(pending))
                    buffered = 0
                }
                while remaining >= Keccak256.blockSize {
                    Keccak256.absorbBlock(lanes, input)
                    input += Keccak256.blockSize
                    remaining -= Keccak256.blockSize
                }
                if remaining > 0 {
                    pending.copyMemory(from: input, byteCount: remaining)
                    buffered = remaining
                }
            }
        }
    }

    /// Absorbs `data`.
    @inlinable
    public mutating func update<D: Sequence>(data: D) where D.Element == UInt8 {
        if let done: Void = data.withContiguousStorageIfAvailable({ update(bufferPointer: UnsafeRawBufferPointer($0)) }) {
            return done
        }
        let copy = Array(data)
        copy.withUnsafeBytes { update(bufferPointer: $0) }
    }

    /// Pads, permutes and returns the digest. The hasher should not be used afterwards.
    @inlinable
    public mutating func finalize() -> Bytes32 {
        withUnsafeMutableBytes(of: &state) { stateRaw in
            let lanes = stateRaw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            withUnsafeMutableBytes(of: &buffer) { bufferRaw in
                let pending = bufferRaw.baseAddress!
                (pending + buffered).initializeMemory(as: UInt8.self, repeating: 0, count: Keccak256.blockSize - buffered)
                pending.storeBytes(of: 0x01, toByteOffset: buffered, as: UInt8.self)
                let last = pending.load(fromByteOffset: Keccak256.blockSize - 1, as: UInt8.self)
                pending.storeBytes(of: last | 0x80, toByteOffset: Keccak256.blockSize - 1, as: UInt8.self)
                Keccak256.absorbBlock(lanes, UnsafeRawPointer(pending))
            }
            return Bytes32(storage: (lanes[0].littleEndian, lanes[1].littleEndian, lanes[2].littleEndian, lanes[3].littleEndian))
        }
    }

    /// XORs one 136-byte block into the state and permutes.
    @inlinable @inline(__always)
    static func absorbBlock(_ lanes: UnsafeMutablePointer<UInt64>, _ block: UnsafeRawPointer) {
        for i in 0..<rateWords {
            lanes[i] ^= UInt64(littleEndian: block.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self))
        }
        keccakF1600(lanes)
    }

    /// Keccak-256 of the bytes in `buffer`.
    @inlinable
    public static func hash(bufferPointer buffer: UnsafeRawBufferPointer) -> Bytes32 {
        if buffer.count < blockSize, let start = buffer.baseAddress {
            return hashSingleBlock(start, count: buffer.count)
        }
        var hasher = Keccak256()
        hasher.update(bufferPointer: buffer)
        return hasher.finalize()
    }

    /// Keccak-256 of `data`.
    @inlinable
    public static func hash<D: Sequence>(data: D) -> Bytes32 where D.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ hash(bufferPointer: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        var hasher = Keccak256()
        hasher.update(data: data)
        return hasher.finalize()
    }

    /// Keccak-256 of the `count` (< 136) bytes at `start`: one padded block XORed straight into a zero state,
    /// without the hasher's 136-byte buffer (no zero-fill, no copy). A 32-byte word is four lane loads.
    @inlinable @inline(__always)
    static func hashSingleBlock(_ start: UnsafeRawPointer, count: Int) -> Bytes32 {
        var state = Keccak256().state
        return withUnsafeMutableBytes(of: &state) { raw in
            let lanes = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            let words = count &>> 3
            var i = 0
            while i < words {
                lanes[i] = UInt64(littleEndian: start.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self))
                i &+= 1
            }
            // The last partial word (0...7 bytes) and the first padding byte 0x01 after it.
            let rest = count & 7
            var tail: UInt64 = 1 &<< UInt64(truncatingIfNeeded: rest &* 8)
            var j = 0
            while j < rest {
                let byte = start.load(fromByteOffset: words &* 8 &+ j, as: UInt8.self)
                tail |= UInt64(byte) &<< UInt64(truncatingIfNeeded: j &* 8)
                j &+= 1
            }
            lanes[words] = tail  // words <= 16: the block's 17 lanes
            lanes[rateWords &- 1] ^= 0x8000_0000_0000_0000
            keccakF1600Digest(lanes)  // only lanes 0...3 are read back
            return Bytes32(storage: (lanes[0].littleEndian, lanes[1].littleEndian, lanes[2].littleEndian, lanes[3].littleEndian))
        }
    }

    /// Keccak-256 of the UTF-8 bytes of `text`.
    @inlinable
    public static func hash(utf8 text: String) -> Bytes32 {
        var copy = text
        return copy.withUTF8 { hash(bufferPointer: UnsafeRawBufferPointer($0)) }
    }
}
