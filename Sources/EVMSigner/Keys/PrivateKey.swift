import CSecp256k1
import EVM

/// A secp256k1 private key: a scalar in 1..<n, stored inline.
///
/// Its `description` never shows the key; read `rawRepresentation` explicitly when you mean to.
///
/// ```swift
/// let key = try PrivateKey(hex: "0x4c0883a6…")
/// let signature = key.signature(for: digest)
/// key.address   // 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23
/// ```
public struct PrivateKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    @usableFromInline let scalar: Bytes32

    /// Checks that `bytes` is 32 bytes holding a value in 1..<n.
    public init<C: Collection>(rawRepresentation bytes: C) throws(KeyError) where C.Element == UInt8 {
        guard bytes.count == 32 else { throw .wrongPrivateKeyLength(got: bytes.count) }
        let word = try! Bytes32(bytes)  // invariant: the length was checked to be 32
        try self.init(word)
    }

    /// Checks that `word` is in 1..<n.
    public init(_ word: Bytes32) throws(KeyError) {
        if word == .zero { throw .zeroPrivateKey }
        let ok = word.withUnsafeBytes { secp256k1_ec_seckey_verify(Secp256k1.context, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        guard ok == 1 else { throw .privateKeyOutOfRange }
        scalar = word
    }

    /// Parses 64 hex digits, with or without `0x`.
    public init(hex text: some StringProtocol) throws(KeyError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(text) } catch { throw .invalidHex(error.description) }
        try self.init(rawRepresentation: bytes)
    }

    /// A new key from the operating system's CSPRNG.
    public static func random() -> PrivateKey {
        while true {
            let word = Bytes32(words: SystemRandomNumberGenerator.bytes32())
            if let key = try? PrivateKey(word) { return key }
        }
    }

    /// The 32 big-endian bytes of the scalar. This is the secret: handle it with care.
    public var rawRepresentation: [UInt8] { scalar.bytes }

    /// The key as a 32-byte word. This is the secret.
    public var word: Bytes32 { scalar }

    /// The matching public key.
    public var publicKey: PublicKey {
        var point = secp256k1_pubkey()
        let ok = scalar.withUnsafeBytes { secp256k1_ec_pubkey_create(Secp256k1.context, &point, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        precondition(ok == 1, "secp256k1_ec_pubkey_create failed on a validated key")
        return PublicKey(point: point)
    }

    /// The Ethereum address of this key.
    public var address: Address { publicKey.address }

    /// Signs a 32-byte digest: deterministic RFC 6979 nonce, low `s` (EIP-2), recovery id in `yParity`.
    public func signature(for digest: Bytes32) -> Signature {
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        let ok = digest.withUnsafeBytes { d in
            scalar.withUnsafeBytes { k in
                secp256k1_ecdsa_sign_recoverable(
                    Secp256k1.context, &recoverable,
                    d.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    k.baseAddress!.assumingMemoryBound(to: UInt8.self), nil, nil)
            }
        }
        precondition(ok == 1, "secp256k1_ecdsa_sign_recoverable failed on a validated key")
        var compact = (Bytes32.zero, Bytes32.zero)
        var recid: Int32 = 0
        withUnsafeMutableBytes(of: &compact) {
            _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(
                Secp256k1.context, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), &recid, &recoverable)
        }
        return Signature(unchecked: compact.0, compact.1, yParity: UInt8(truncatingIfNeeded: recid))
    }

    /// Signs an EIP-191 personal message (`"\u{19}Ethereum Signed Message:\n" + length + message`).
    public func signPersonalMessage<C: Collection>(_ message: C) -> Signature where C.Element == UInt8 {
        signature(for: PersonalMessage.hash(message))
    }

    /// Signs the UTF-8 bytes of `text` as an EIP-191 personal message.
    public func signPersonalMessage(_ text: String) -> Signature {
        signPersonalMessage(Array(text.utf8))
    }

    /// Redacted: a private key is never printed by accident.
    public var description: String { "PrivateKey(<redacted>)" }
    /// Redacted: a private key is never printed by accident.
    public var debugDescription: String { description }
}

extension Bytes32 {
    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self = Bytes32 { raw in
            raw.storeBytes(of: words.0, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: words.1, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: words.2, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: words.3, toByteOffset: 24, as: UInt64.self)
        }
    }
}
