import CSecp256k1
import EVM

/// A recoverable secp256k1 ECDSA signature in Ethereum's form: `r`, `s` (low, ≤ n/2) and the y parity
/// of the nonce point (the recovery id, 0 or 1).
///
/// Every initialiser checks 0 < r < n and 0 < s ≤ n/2, so a `Signature` value is always canonical.
///
/// ```swift
/// let sig = try Signature(rawRepresentation: bytes65)       // r‖s‖v, v 27/28 (or 0/1)
/// let signer = try sig.recoverAddress(for: digest)
/// sig.rawRepresentation      // 65 bytes, v 27/28
/// sig.compactRepresentation  // 64 bytes, EIP-2098
/// ```
public struct Signature: Sendable, Hashable, CustomStringConvertible {
    /// r as 32 big-endian bytes.
    public let rBytes: Bytes32
    /// s as 32 big-endian bytes.
    public let sBytes: Bytes32
    /// The y parity of the nonce point R: 0 or 1 (the recovery id).
    public let yParity: UInt8

    init(unchecked r: Bytes32, _ s: Bytes32, yParity: UInt8) {
        rBytes = r
        sBytes = s
        self.yParity = yParity
    }

    /// Checks 0 < r < n, 0 < s ≤ n/2 and yParity ∈ {0, 1}.
    public init(r: UInt256, s: UInt256, yParity: UInt8) throws(SignatureError) {
        guard yParity <= 1 else { throw .invalidRecoveryByte(UInt64(yParity)) }
        try Signature.check(r: r, s: s)
        self.init(unchecked: r.bytes32, s.bytes32, yParity: yParity)
    }

    /// Checks the range of r and s, high-s last (so an out-of-range s is reported as such).
    static func check(r: UInt256, s: UInt256) throws(SignatureError) {
        guard !r.isZero, r < Secp256k1.order else { throw .rOutOfRange }
        guard !s.isZero, s < Secp256k1.order else { throw .sOutOfRange }
        guard s <= Secp256k1.halfOrder else { throw .highS }
    }

    /// Parses 65 bytes r‖s‖v with v 27/28 (0/1 also accepted).
    public init<C: Collection>(rawRepresentation bytes: C) throws(SignatureError) where C.Element == UInt8 {
        let b = Array(bytes)
        guard b.count == 65 else { throw .wrongLength(expected: 65, got: b.count) }
        let v = b[64]
        let parity: UInt8
        switch v {
        case 0, 1: parity = v
        case 27, 28: parity = v - 27
        default: throw .invalidRecoveryByte(UInt64(v))
        }
        try self.init(r: try! UInt256(bigEndianBytes: b[0..<32]), s: try! UInt256(bigEndianBytes: b[32..<64]), yParity: parity)  // invariant: 32-byte slices always fit 256 bits
    }

    /// Parses the EIP-2098 compact form: r ‖ (yParity << 255 | s), 64 bytes.
    public init<C: Collection>(compactRepresentation bytes: C) throws(SignatureError) where C.Element == UInt8 {
        var b = Array(bytes)
        guard b.count == 64 else { throw .wrongLength(expected: 64, got: b.count) }
        let parity = b[32] >> 7
        b[32] &= 0x7F
        try self.init(r: try! UInt256(bigEndianBytes: b[0..<32]), s: try! UInt256(bigEndianBytes: b[32..<64]), yParity: parity)  // invariant: 32-byte slices always fit 256 bits
    }

    /// Parses 0x-hex of 65 bytes (r‖s‖v) or 64 bytes (EIP-2098).
    public init(hex text: some StringProtocol) throws(SignatureError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(text) } catch { throw .invalidHex(error.description) }
        switch bytes.count {
        case 65: try self.init(rawRepresentation: bytes)
        case 64: try self.init(compactRepresentation: bytes)
        default: throw .wrongLength(expected: 65, got: bytes.count)
        }
    }

    /// r as an integer.
    public var r: UInt256 { UInt256(bytes32: rBytes) }
    /// s as an integer.
    public var s: UInt256 { UInt256(bytes32: sBytes) }
    /// `v` in the pre-EIP-155 form: 27 + yParity.
    public var v: UInt8 { 27 + yParity }

    /// 65 bytes r ‖ s ‖ v, v 27/28 (what `personal_sign` and `eth_sign` return).
    public var rawRepresentation: [UInt8] { rBytes.bytes + sBytes.bytes + [v] }

    /// The 64-byte EIP-2098 compact form: r ‖ (yParity << 255 | s).
    public var compactRepresentation: [UInt8] {
        var out = rBytes.bytes + sBytes.bytes
        out[32] |= yParity << 7
        return out
    }

    /// `0x`-hex of the 65-byte form.
    public var description: String { Hex.encode(rawRepresentation) }

    var compact64: (Bytes32, Bytes32) { (rBytes, sBytes) }

    /// The public key that produced this signature over `digest`.
    public func recoverPublicKey(for digest: Bytes32) throws(SignatureError) -> PublicKey {
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        var compact = compact64
        let parsed = withUnsafeBytes(of: &compact) {
            secp256k1_ecdsa_recoverable_signature_parse_compact(
                Secp256k1.context, &recoverable, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(yParity))
        }
        guard parsed == 1 else { throw .recoveryFailed }
        var point = secp256k1_pubkey()
        let ok = digest.withUnsafeBytes {
            secp256k1_ecdsa_recover(Secp256k1.context, &point, &recoverable, $0.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard ok == 1 else { throw .recoveryFailed }
        return PublicKey(point: point)
    }

    /// The address that produced this signature over `digest`.
    public func recoverAddress(for digest: Bytes32) throws(SignatureError) -> Address {
        try recoverPublicKey(for: digest).address
    }

    /// The address that signed `message` as an EIP-191 personal message.
    public func recoverAddress<C: Collection>(personalMessage message: C) throws(SignatureError) -> Address where C.Element == UInt8 {
        try recoverAddress(for: PersonalMessage.hash(message))
    }

    /// Throws `signerMismatch` unless `address` signed `digest`.
    public func verify(digest: Bytes32, signer address: Address) throws(SignatureError) {
        let recovered = try recoverAddress(for: digest)
        guard recovered == address else {
            throw .signerMismatch(expected: address.checksummed, recovered: recovered.checksummed)
        }
    }
}

extension UInt256 {
    /// The value of 32 big-endian bytes.
    init(bytes32 word: Bytes32) {
        self = word.withUnsafeBytes { raw in
            UInt256(limbs: (
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))))
        }
    }

    /// 32 big-endian bytes.
    var bytes32: Bytes32 { Bytes32 { storeBigEndian(into: $0) } }
}
