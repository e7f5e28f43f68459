import CLibcrypto

/// The hash primitives BIP-39 and BIP-32 need, from OpenSSL's libcrypto (the library the keystores already use):
/// SHA-256, RIPEMD-160, HMAC-SHA512 and PBKDF2-HMAC-SHA512.
enum HDCrypto {
    static func sha256(_ data: [UInt8]) -> [UInt8] { digest(data, EVP_sha256(), 32) }

    /// RIPEMD-160(SHA-256(data)): BIP-32 key identifiers and fingerprints.
    static func hash160(_ data: [UInt8]) -> [UInt8] { digest(sha256(data), EVP_ripemd160(), 20) }

    static func hmacSHA512(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var length = 0
        let result = out.withUnsafeMutableBufferPointer { o in
            EVP_Q_mac(nil, "HMAC", nil, "SHA512", nil, key, key.count, data, data.count, o.baseAddress, 64, &length)
        }
        precondition(result != nil && length == 64, "HMAC-SHA512 failed in libcrypto")
        return out
    }

    static func pbkdf2SHA512(password: [UInt8], salt: [UInt8], iterations: Int32, length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { pc in
                PKCS5_PBKDF2_HMAC(pc.baseAddress, Int32(p.count), salt, Int32(salt.count), iterations, EVP_sha512(), Int32(length), &out)
            }
        }
        precondition(ok == 1, "PBKDF2-HMAC-SHA512 failed in libcrypto")
        return out
    }

    private static func digest(_ data: [UInt8], _ md: OpaquePointer?, _ size: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var length: UInt32 = 0
        let ok = EVP_Digest(data, data.count, &out, &length, md, nil)
        precondition(ok == 1 && Int(length) == size, "digest failed in libcrypto")
        return out
    }
}
