import CSecp256k1

/// The process-wide libsecp256k1 context.
///
/// Created once (lazily, under Swift's thread-safe global initialisation) and randomised once with
/// 32 bytes from the system CSPRNG as blinding for signing and key generation. After that it is
/// only read: libsecp256k1 guarantees that signing, verifying, recovering and parsing on one
/// context from many threads at once is safe, so every task shares it without a lock.
enum Secp256k1 {
    nonisolated(unsafe) static let context: OpaquePointer = {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_FLAGS_TYPE_CONTEXT)) else {
            fatalError("secp256k1_context_create failed")
        }
        var seed = SystemRandomNumberGenerator.bytes32()
        let ok = withUnsafeBytes(of: &seed) { secp256k1_context_randomize(ctx, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        precondition(ok == 1, "secp256k1_context_randomize failed")
        seed = (0, 0, 0, 0)
        return ctx
    }()

    /// The curve order n.
    static let order = UInt256(limbs: (0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF))
    /// n / 2: the largest `s` a canonical (low-s, EIP-2) signature may have.
    static let halfOrder = UInt256(limbs: (0xDFE9_2F46_681B_20A0, 0x5D57_6E73_57A4_501D, 0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF))
}

import EVM

extension SystemRandomNumberGenerator {
    /// 32 bytes from the operating system's CSPRNG.
    static func bytes32() -> (UInt64, UInt64, UInt64, UInt64) {
        var g = SystemRandomNumberGenerator()
        return (g.next(), g.next(), g.next(), g.next())
    }
}
