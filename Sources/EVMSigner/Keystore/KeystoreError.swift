/// Why a keystore could not be read or written.
public enum KeystoreError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The file is not JSON, or a required field is missing or has the wrong type.
    case invalidJSON(String)
    /// `version` is not 3.
    case unsupportedVersion(String)
    /// The cipher is not `aes-128-ctr`.
    case unsupportedCipher(String)
    /// The KDF is neither `scrypt` nor `pbkdf2` (with `hmac-sha256`).
    case unsupportedKDF(String)
    /// KDF parameters that are invalid or beyond what this reader accepts (explained in the message).
    case invalidKDFParameters(String)
    /// The MAC does not match: a wrong password (or a corrupted file). No key is returned.
    case macMismatch
    /// The decrypted bytes are not a valid private key.
    case invalidKey(KeyError)
    /// The key's address differs from the file's `address` field.
    case addressMismatch(file: String, key: String)
    /// libcrypto reported a failure.
    case cryptoFailure(String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .invalidJSON(let m): return "keystore: invalid JSON (\(m))"
        case .unsupportedVersion(let v): return "keystore: unsupported version \(v) (only 3)"
        case .unsupportedCipher(let c): return "keystore: unsupported cipher \(c) (only aes-128-ctr)"
        case .unsupportedKDF(let k): return "keystore: unsupported kdf \(k) (scrypt or pbkdf2 with hmac-sha256)"
        case .invalidKDFParameters(let m): return "keystore: \(m)"
        case .macMismatch: return "keystore: MAC mismatch (wrong password?)"
        case .invalidKey(let e): return "keystore: decrypted \(e)"
        case .addressMismatch(let file, let key): return "keystore: address field \(file) does not match the key's address \(key)"
        case .cryptoFailure(let m): return "keystore: libcrypto failure in \(m)"
        }
    }
}
