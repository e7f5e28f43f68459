import CLibcrypto

/// The libcrypto primitives keystores need: scrypt, PBKDF2-HMAC-SHA256, AES-128-CTR.
///
/// OpenSSL's `EVP_PBE_scrypt` is used over a Swift scrypt because it is already installed with libssl-dev,
/// audited, and as fast as portable C gets; its `maxmem` defaults to 32 MiB, so it is raised here to exactly
/// what the parameters need (128·r·(N + p + 2) bytes, 256 MiB for geth's standard N = 2^18, r = 8).
/// It enforces RFC 7914's N < 2^(16·r), so the classic r = 1, p = 8 example keystore is refused.
enum KeystoreCrypto {
    /// Largest scrypt working memory accepted (a keystore cannot make us allocate more): 2 GiB.
    static let maxScryptMemory: UInt64 = 2 << 30

    static func scrypt(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int) throws(KeystoreError) -> [UInt8] {
        guard n > 1, n & (n - 1) == 0 else { throw .invalidKDFParameters("scrypt n = \(n) must be a power of two above 1") }
        guard r > 0, p > 0, r * p < 1 << 30 else { throw .invalidKDFParameters("scrypt r = \(r), p = \(p) out of range") }
        if 16 * r < 64, n >= UInt64(1) << (16 * r) {
            throw .invalidKDFParameters("scrypt n = \(n) is not below 2^(16·r) = 2^\(16 * r) (RFC 7914); such keystores are refused")
        }
        let (memory, overflow) = (128 * r).multipliedReportingOverflow(by: n + p + 2)
        guard !overflow, memory <= maxScryptMemory else {
            throw .invalidKDFParameters("scrypt parameters need more than \(maxScryptMemory >> 20) MiB")
        }
        var out = [UInt8](repeating: 0, count: length)
        let ok = EVP_PBE_scrypt(password, password.count, salt, salt.count, n, r, p, memory + (1 << 20), &out, length)
        guard ok == 1 else { throw .cryptoFailure("EVP_PBE_scrypt") }
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

    static func randomBytes(_ count: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}
