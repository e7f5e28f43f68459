import CKeccakX4
import EVM
import Receipts

/// Which Keccak-256 implementation the core's batched hashing (batched placement, settlement receipts) uses.
/// Both give the same bytes; only the speed differs.
public enum KeccakBackend: Sendable, Equatable {
    /// Four hashes at a time with the AVX2 permutation of `CKeccakX4` when this CPU has AVX2 (checked at run
    /// time), the scalar `Keccak256` for the remainder of a batch and on CPUs without AVX2.
    case automatic
    /// Always the scalar pure-Swift `Keccak256` (the fallback, forced: tests and comparisons).
    case scalar

    /// Whether this CPU runs the 4-way AVX2 Keccak (x86-64 with AVX2).
    public static let isX4Available: Bool = keccak_x4_available() != 0

    /// Whether this backend hashes four at a time on this CPU.
    public var usesX4: Bool { self == .automatic && Self.isX4Available }
}

/// Keccak-256 of many equally long messages, four at a time where the CPU allows (`KeccakBackend`).
public enum KeccakBatch {
    /// Writes `keccak256(message i)` (or `keccak256(keccak256(message i))` when `double`, OpenZeppelin's leaf
    /// hash) to `digests[i]` for the `digests.count` messages of `length` bytes laid out back to back in
    /// `messages` (message i = bytes `i·length ..< (i+1)·length`; `messages` holds at least `count·length`).
    public static func hash(messages: UnsafeRawBufferPointer, length: Int, double: Bool = false,
                            into digests: UnsafeMutableBufferPointer<Bytes32>, backend: KeccakBackend = .automatic) {
        let count = digests.count
        guard count > 0 else { return }
        precondition(length >= 0 && messages.count >= count * length, "messages too short")
        let base = messages.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!  // length 0: never read
        var i = 0
        if backend.usesX4 {
            while i + 4 <= count {
                let p = base.assumingMemoryBound(to: UInt8.self) + i * length
                let out = UnsafeMutableRawPointer(digests.baseAddress! + i).assumingMemoryBound(to: UInt8.self)
                if double {
                    keccak256d_x4(p, p + length, p + 2 * length, p + 3 * length, length, out)
                } else {
                    keccak256_x4(p, p + length, p + 2 * length, p + 3 * length, length, out)
                }
                i += 4
            }
        }
        while i < count {
            let message = UnsafeRawBufferPointer(start: base + i * length, count: length)
            let digest = Keccak256.hash(bufferPointer: message)
            digests[i] = double ? Keccak256.hash(digest) : digest
            i += 1
        }
    }

    /// The Merkle leaves (`receipt.leaf`, docs/PROTOCOL.md §3) of `receipts`, into `leaves` (same count).
    public static func leaves(of receipts: UnsafeBufferPointer<Receipt>, into leaves: UnsafeMutableBufferPointer<Bytes32>,
                              backend: KeccakBackend = .automatic) {
        precondition(receipts.count == leaves.count)
        var i = 0
        if backend.usesX4 {
            withUnsafeTemporaryAllocation(byteCount: 4 * Receipt.encodedSize, alignment: 32) { scratch in
                while i + 4 <= receipts.count {
                    ReceiptHashing.leaves4(receipts[i], receipts[i + 1], receipts[i + 2], receipts[i + 3], scratch: scratch,
                                           into: leaves.baseAddress! + i)
                    i += 4
                }
            }
        }
        while i < receipts.count {
            leaves[i] = ReceiptHashing.leaf(receipts[i])
            i += 1
        }
    }

    /// The leaves of an array of receipts.
    public static func leaves(of receipts: [Receipt], backend: KeccakBackend = .automatic) -> [Bytes32] {
        [Bytes32](unsafeUninitializedCapacity: receipts.count) { out, initialized in
            out.initialize(repeating: .zero)
            receipts.withUnsafeBufferPointer { leaves(of: $0, into: out, backend: backend) }
            initialized = receipts.count
        }
    }

    /// Four AVX2 hashes of the messages at `scratch + j·length` into `out[0..<4]` (requires `isX4Available`).
    @inline(__always)
    static func hash4(_ scratch: UnsafeMutableRawBufferPointer, length: Int, double: Bool, into out: UnsafeMutablePointer<Bytes32>) {
        let p = UnsafeRawPointer(scratch.baseAddress!).assumingMemoryBound(to: UInt8.self)
        let o = UnsafeMutableRawPointer(out).assumingMemoryBound(to: UInt8.self)
        if double {
            keccak256d_x4(p, p + length, p + 2 * length, p + 3 * length, length, o)
        } else {
            keccak256_x4(p, p + length, p + 2 * length, p + 3 * length, length, o)
        }
    }
}

/// The one home of receipt leaf hashing in the core (docs/PROTOCOL.md §3): one leaf at a time (`Receipt.leaf`, the
/// protocol's definition in the Receipts module) or four at a time with the 4-way Keccak. Placement (one by one and
/// batched), settlement emission and `KeccakBatch.leaves` all hash receipts through it.
public enum ReceiptHashing {
    /// The leaf of one receipt: `keccak256(keccak256(abi.encode(fields)))`.
    @inlinable @inline(__always)
    public static func leaf(_ receipt: Receipt) -> Bytes32 { receipt.leaf }

    /// The leaves of four receipts into `out[0..<4]`, encoding them into `scratch` (at least 4 × 416 bytes, 32-byte
    /// aligned). Requires the 4-way backend (`KeccakBackend.usesX4`).
    @inline(__always)
    static func leaves4(_ r0: Receipt, _ r1: Receipt, _ r2: Receipt, _ r3: Receipt, scratch: UnsafeMutableRawBufferPointer,
                        into out: UnsafeMutablePointer<Bytes32>) {
        let size = Receipt.encodedSize
        r0.encode(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<size]))
        r1.encode(into: UnsafeMutableRawBufferPointer(rebasing: scratch[size..<(2 * size)]))
        r2.encode(into: UnsafeMutableRawBufferPointer(rebasing: scratch[(2 * size)..<(3 * size)]))
        r3.encode(into: UnsafeMutableRawBufferPointer(rebasing: scratch[(3 * size)..<(4 * size)]))
        KeccakBatch.hash4(scratch, length: size, double: true, into: out)
    }
}
