import CSecp256k1
import EVM

/// A BIP-32 extended private key: a secp256k1 private key with its chain code and place in the tree.
///
/// ```swift
/// let root = try HDKey(seed: mnemonic.seed())
/// let account = try root.derive(try DerivationPath("m/44'/60'/0'/0/0"))
/// account.privateKey.address
/// ```
/// Its `description` never shows the key.
public struct HDKey: Sendable, Hashable, CustomStringConvertible {
    /// The key at this node. This is the secret.
    public let privateKey: PrivateKey
    /// The 32-byte chain code.
    public let chainCode: [UInt8]
    /// Levels below the master key (0 for the master).
    public let depth: UInt8
    /// The first 4 bytes of the parent's key identifier (zero for the master).
    public let parentFingerprint: UInt32
    /// This node's index under its parent (bit 31 = hardened; 0 for the master).
    public let childNumber: UInt32

    /// The master key of a BIP-32 seed (16–64 bytes; a BIP-39 seed is 64): HMAC-SHA512 keyed with "Bitcoin seed".
    public init(seed: [UInt8]) throws(HDKeyError) {
        guard (16...64).contains(seed.count) else { throw .wrongSeedLength(seed.count) }
        let i = HDCrypto.hmacSHA512(key: Array("Bitcoin seed".utf8), data: seed)
        guard let key = try? PrivateKey(rawRepresentation: i[0..<32]) else { throw .invalidChild(index: 0) }
        self.init(privateKey: key, chainCode: Array(i[32..<64]), depth: 0, parentFingerprint: 0, childNumber: 0)
    }

    private init(privateKey: PrivateKey, chainCode: [UInt8], depth: UInt8, parentFingerprint: UInt32, childNumber: UInt32) {
        self.privateKey = privateKey
        self.chainCode = chainCode
        self.depth = depth
        self.parentFingerprint = parentFingerprint
        self.childNumber = childNumber
    }

    /// The first 4 bytes of HASH160 of this node's compressed public key.
    public var fingerprint: UInt32 {
        let id = HDCrypto.hash160(privateKey.publicKey.compressedRepresentation)
        return id[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The child at `index` (CKDpriv; bit 31 set = hardened).
    public func child(_ index: UInt32) throws(HDKeyError) -> HDKey {
        guard depth < 255 else { throw .pathTooDeep(256) }
        var data: [UInt8]
        if index & DerivationPath.hardened != 0 {
            data = [0] + privateKey.rawRepresentation
        } else {
            data = privateKey.publicKey.compressedRepresentation
        }
        data += [UInt8(index >> 24), UInt8(truncatingIfNeeded: index >> 16), UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index)]
        let i = HDCrypto.hmacSHA512(key: chainCode, data: data)
        // k_i = parse256(IL) + k_par (mod n); invalid when IL ≥ n or the sum is zero.
        var sum = privateKey.rawRepresentation
        let tweak = Array(i[0..<32])
        let ok = sum.withUnsafeMutableBufferPointer { s in
            tweak.withUnsafeBufferPointer { t in secp256k1_ec_seckey_tweak_add(Secp256k1.context, s.baseAddress!, t.baseAddress!) }
        }
        guard ok == 1, let key = try? PrivateKey(rawRepresentation: sum) else { throw .invalidChild(index: index) }
        return HDKey(privateKey: key, chainCode: Array(i[32..<64]), depth: depth + 1, parentFingerprint: fingerprint, childNumber: index)
    }

    /// The node at `path` below this one (a path from the master when this is the master key).
    public func derive(_ path: DerivationPath) throws(HDKeyError) -> HDKey {
        guard Int(depth) + path.indices.count <= 255 else { throw .pathTooDeep(Int(depth) + path.indices.count) }
        var node = self
        for index in path.indices { node = try node.child(index) }
        return node
    }

    /// The extended private key in BIP-32's Base58Check form (`xprv…`, mainnet version bytes). This is the secret.
    public var extendedPrivateKey: String { serialize(version: 0x0488_ADE4, key: [0] + privateKey.rawRepresentation) }

    /// The extended public key in BIP-32's Base58Check form (`xpub…`).
    public var extendedPublicKey: String { serialize(version: 0x0488_B21E, key: privateKey.publicKey.compressedRepresentation) }

    private func serialize(version: UInt32, key: [UInt8]) -> String {
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
        let payload = be32(version) + [depth] + be32(parentFingerprint) + be32(childNumber) + chainCode + key
        return Base58.encode(payload + Array(HDCrypto.sha256(HDCrypto.sha256(payload))[0..<4]))
    }

    /// Shows the depth and child number, never the key.
    public var description: String { "HDKey(depth \(depth), child \(childNumber & ~DerivationPath.hardened)\(childNumber & DerivationPath.hardened != 0 ? "'" : ""))" }
}

/// Bitcoin's Base58 alphabet encoding (for BIP-32 extended keys).
enum Base58 {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix(while: { $0 == 0 }).count
        var digits: [UInt8] = []  // base-58 digits, least significant first
        for byte in bytes {
            var carry = Int(byte)
            for j in digits.indices {
                carry += Int(digits[j]) << 8
                digits[j] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 { digits.append(UInt8(carry % 58)); carry /= 58 }
        }
        let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }
}
