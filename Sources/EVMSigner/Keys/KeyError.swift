/// Why bytes were rejected as a key.
public enum KeyError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// A private key must be exactly 32 bytes.
    case wrongPrivateKeyLength(got: Int)
    /// The private key is zero.
    case zeroPrivateKey
    /// The private key is not below the curve order n.
    case privateKeyOutOfRange
    /// A public key must be 33 bytes (compressed), 65 bytes (uncompressed, `0x04` prefix) or 64 bytes (x‖y).
    case wrongPublicKeyLength(got: Int)
    /// The bytes do not encode a point on secp256k1.
    case invalidPublicKey
    /// Private key text is not valid hex.
    case invalidHex(String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .wrongPrivateKeyLength(let got): return "private key must be 32 bytes, got \(got)"
        case .zeroPrivateKey: return "private key is zero"
        case .privateKeyOutOfRange: return "private key is not below the secp256k1 curve order"
        case .wrongPublicKeyLength(let got): return "public key must be 33, 64 or 65 bytes, got \(got)"
        case .invalidPublicKey: return "public key is not a point on secp256k1"
        case .invalidHex(let message): return "private key: \(message)"
        }
    }
}
