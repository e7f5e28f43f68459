/// Why a signature was rejected.
public enum SignatureError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The encoded signature has the wrong number of bytes (65 for r‖s‖v, 64 for EIP-2098).
    case wrongLength(expected: Int, got: Int)
    /// `r` is zero or not below the curve order n.
    case rOutOfRange
    /// `s` is zero or not below the curve order n.
    case sOutOfRange
    /// `s` is above n/2: valid ECDSA, but Ethereum (EIP-2) accepts only the low-s form.
    case highS
    /// The recovery byte is not 0/1 (y parity) or 27/28 (`v`).
    case invalidRecoveryByte(UInt64)
    /// No public key recovers from this signature and digest (for example r is not an x coordinate on the curve).
    case recoveryFailed
    /// The signature is well formed but does not match the expected signer.
    case signerMismatch(expected: String, recovered: String)
    /// Signature text is not valid hex.
    case invalidHex(String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .wrongLength(let expected, let got): return "signature must be \(expected) bytes, got \(got)"
        case .rOutOfRange: return "signature r is zero or not below the curve order"
        case .sOutOfRange: return "signature s is zero or not below the curve order"
        case .highS: return "signature s is above n/2 (only low-s signatures are accepted, EIP-2)"
        case .invalidRecoveryByte(let v): return "signature recovery byte \(v) is not 0, 1, 27 or 28"
        case .recoveryFailed: return "no public key recovers from this signature"
        case .signerMismatch(let expected, let recovered): return "signature is by \(recovered), not \(expected)"
        case .invalidHex(let message): return "signature: \(message)"
        }
    }
}
