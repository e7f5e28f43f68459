import CSecp256k1
import EVM

/// A secp256k1 public key (a curve point), in compressed or uncompressed form.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    /// x‖y, 64 bytes big-endian.
    @usableFromInline let xy: (Bytes32, Bytes32)

    init(point: secp256k1_pubkey) {
        var point = point
        // 0x04 ‖ x ‖ y into a stack buffer (no allocation on the recovery path).
        var out: (UInt8, Bytes32, Bytes32) = (0, .zero, .zero)
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        var length = 65
        withUnsafeMutableBytes(of: &buffer) { raw in
            _ = secp256k1_ec_pubkey_serialize(Secp256k1.context, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &length, &point,
                                              UInt32(SECP256K1_EC_UNCOMPRESSED))
            out.1 = Bytes32 { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[1..<33])) }
            out.2 = Bytes32 { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[33..<65])) }
        }
        xy = (out.1, out.2)
    }

    /// Parses 33 bytes (compressed, `0x02`/`0x03`), 65 bytes (uncompressed, `0x04`) or 64 bytes (x‖y without prefix).
    public init<C: Collection>(rawRepresentation bytes: C) throws(KeyError) where C.Element == UInt8 {
        var input = Array(bytes)
        switch input.count {
        case 64: input.insert(0x04, at: 0)
        case 33, 65: break
        default: throw .wrongPublicKeyLength(got: input.count)
        }
        var point = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1.context, &point, input, input.count) == 1 else { throw .invalidPublicKey }
        self.init(point: point)
    }

    var point: secp256k1_pubkey {
        var p = secp256k1_pubkey()
        let bytes = [0x04] + xy.0.bytes + xy.1.bytes
        _ = secp256k1_ec_pubkey_parse(Secp256k1.context, &p, bytes, 65)
        return p
    }

    /// 65 bytes: `0x04` ‖ x ‖ y.
    public var uncompressedRepresentation: [UInt8] { [0x04] + xy.0.bytes + xy.1.bytes }

    /// 64 bytes: x ‖ y (the form Ethereum hashes for the address).
    public var rawRepresentation: [UInt8] { xy.0.bytes + xy.1.bytes }

    /// 33 bytes: `0x02` or `0x03` (parity of y) ‖ x.
    public var compressedRepresentation: [UInt8] { [0x02 | (xy.1[31] & 1)] + xy.0.bytes }

    /// The Ethereum address: the last 20 bytes of keccak256(x ‖ y).
    public var address: Address {
        var pair = xy
        let digest = withUnsafeBytes(of: &pair) { Keccak256.hash(bufferPointer: $0) }
        return Address(lastBytesOf: digest)
    }

    /// Whether `signature` is a valid (low-s) signature of `digest` by this key.
    public func isValidSignature(_ signature: Signature, for digest: Bytes32) -> Bool {
        var sig = secp256k1_ecdsa_signature()
        var compact = signature.compact64
        let parsed = withUnsafeBytes(of: &compact) {
            secp256k1_ecdsa_signature_parse_compact(Secp256k1.context, &sig, $0.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard parsed == 1 else { return false }
        var p = point
        return digest.withUnsafeBytes {
            secp256k1_ecdsa_verify(Secp256k1.context, &sig, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), &p)
        } == 1
    }

    /// Whether `signature`, 64 bytes `r ‖ s` (IEEE P1363) or a strict DER encoding (`0x30…`), is a valid signature of
    /// the 32-byte `digest` by this key. As everywhere in Ethereum (EIP-2), a high-`s` signature is not valid: its
    /// low-`s` twin is the one accepted. Malformed encodings (BER, wrong lengths, r or s out of range) are not valid.
    public func isValidSignature(encoded signature: [UInt8], der: Bool, for digest: Bytes32) -> Bool {
        var sig = secp256k1_ecdsa_signature()
        let parsed: Int32
        if der {
            parsed = secp256k1_ecdsa_signature_parse_der(Secp256k1.context, &sig, signature, signature.count)
        } else {
            guard signature.count == 64 else { return false }
            parsed = secp256k1_ecdsa_signature_parse_compact(Secp256k1.context, &sig, signature)
        }
        guard parsed == 1 else { return false }
        var p = point
        return digest.withUnsafeBytes {
            secp256k1_ecdsa_verify(Secp256k1.context, &sig, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), &p)
        } == 1
    }

    /// `0x`-hex of the compressed form.
    public var description: String { Hex.encode(compressedRepresentation) }

    /// Same point.
    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.xy.0 == rhs.xy.0 && lhs.xy.1 == rhs.xy.1 }
    /// Hashes x and y.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(xy.0)
        hasher.combine(xy.1)
    }
}
