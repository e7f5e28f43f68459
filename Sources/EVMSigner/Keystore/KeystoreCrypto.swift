import CLibcrypto
import CSodium

/// The primitives keystores need: scrypt (libsodium), PBKDF2-HMAC-SHA256 and AES-128-CTR (OpenSSL's libcrypto).
///
/// scrypt comes from libsodium's `crypto_pwhash_scryptsalsa208sha256_ll`, not OpenSSL's `EVP_PBE_scrypt` nor a
/// Swift port: its SSE2/AVX2 Salsa20/8 core takes about 0.70 s of CPU for geth's standard n = 2^18, r = 8, p = 1
/// where OpenSSL 3.0 takes about 1.0 s (same machine, same moment), and it accepts the n ≥ 2^(16·r) files
/// (r = 1, p = 8) that geth and pycryptodome read but OpenSSL refuses (RFC 7914's bound). Both are Debian packages
/// (libsodium-dev, libssl-dev); swift-crypto has no scrypt. Work memory is 128·r·(n + p + 2) bytes, capped at 2 GiB
/// so a hostile file cannot exhaust memory.
enum KeystoreCrypto {
    /// Largest scrypt working memory accepted (a keystore cannot make us allocate more): 2 GiB.
    static let maxScryptMemory: UInt64 = 2 << 30

    /// libsodium picks its SIMD implementation in `sodium_init`, which must run once before use.
    static let sodiumReady: Bool = sodium_init() >= 0

    static func scrypt(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int) throws(KeystoreError) -> [UInt8] {
        guard n > 1, n & (n - 1) == 0, n <= UInt64(UInt32.max) else {
            throw .invalidKDFParameters("scrypt n = \(n) must be a power of two in 2...2^31")
        }
        guard r > 0, p > 0, r < 1 << 30, p < 1 << 30, r * p < 1 << 30 else { throw .invalidKDFParameters("scrypt r = \(r), p = \(p) out of range") }
        let (memory, overflow) = (128 * r).multipliedReportingOverflow(by: n + p + 2)
        guard !overflow, memory <= maxScryptMemory else {
            throw .invalidKDFParameters("scrypt parameters need more than \(maxScryptMemory >> 20) MiB")
        }
        guard sodiumReady else { throw .cryptoFailure("sodium_init") }
        var out = [UInt8](repeating: 0, count: length)
        let ok = crypto_pwhash_scryptsalsa208sha256_ll(password, password.count, salt, salt.count, n, UInt32(r), UInt32(p), &out, length)
        guard ok == 0 else { throw .cryptoFailure("crypto_pwhash_scryptsalsa208sha256_ll") }
        return out
    }

    static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) throws(KeystoreError) -> [UInt8] {
        guard iterations > 0, iterations <= Int(Int32.max) else { throw .invalidKDFParameters("pbkdf2 c = \(iterations) out of range") }
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { pw in
            pw.withMemoryRebound(to: CChar.self) { pwc in
                PKCS5_PBKDF2_HMAC(pwc.baseAddress, Int32(pw.count), salt, Int32(salt.count), Int32(iterations), EVP_sha256(), Int32(length), &out)
            }
        }
        guard ok == 1 else { throw .cryptoFailure("PKCS5_PBKDF2_HMAC") }
        return out
    }

    /// AES-128-CTR; encrypting and decrypting are the same operation.
    static func aes128ctr(key: ArraySlice<UInt8>, iv: [UInt8], _ input: [UInt8]) throws(KeystoreError) -> [UInt8] {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .cryptoFailure("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let key = Array(key)
        guard key.count == 16, iv.count == 16 else { throw .invalidJSON("aes-128-ctr needs a 16-byte key and iv") }
        guard EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nil, key, iv) == 1 else { throw .cryptoFailure("EVP_EncryptInit_ex") }
        var out = [UInt8](repeating: 0, count: input.count + 16)
        var written: Int32 = 0
        guard EVP_EncryptUpdate(ctx, &out, &written, input, Int32(input.count)) == 1 else { throw .cryptoFailure("EVP_EncryptUpdate") }
        var final: Int32 = 0
        let ok = out.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(ctx, $0.baseAddress! + Int(written), &final) }
        guard ok == 1 else { throw .cryptoFailure("EVP_EncryptFinal_ex") }
        return Array(out.prefix(Int(written + final)))
    }

    /// Overwrites key material in place (best effort: copies made by value semantics are not reached).
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}
