import EVM
import Foundation

/// Web3 Secret Storage v3 keystores (the JSON files geth, ethers and MetaMask export).
///
/// ```swift
/// let key = try Keystore.decrypt(json: data, password: "testpassword")
/// let json = try Keystore.encrypt(key, password: "pw")                  // scrypt n=2^18, r=8, p=1
/// let url = try Keystore.write(key, password: "pw", to: directory)      // UTC--<time>--<address>
/// ```
public enum Keystore {
    /// scrypt cost parameters for writing keystores.
    public struct ScryptParameters: Sendable, Hashable {
        /// CPU/memory cost (a power of two).
        public var n: UInt64
        /// Block size.
        public var r: UInt64
        /// Parallelism.
        public var p: UInt64

        /// Custom parameters.
        public init(n: UInt64, r: UInt64, p: UInt64) {
            self.n = n
            self.r = r
            self.p = p
        }

        /// geth's standard parameters: n = 2^18, r = 8, p = 1 (256 MiB, well under a second in release).
        public static let standard = ScryptParameters(n: 1 << 18, r: 8, p: 1)
        /// geth's light parameters: n = 2^12, r = 8, p = 6.
        public static let light = ScryptParameters(n: 1 << 12, r: 8, p: 6)
    }

    /// Decrypts a v3 keystore (scrypt or pbkdf2, aes-128-ctr).
    ///
    /// - Throws: `KeystoreError.macMismatch` for a wrong password; never returns a wrong key.
    public static func decrypt(json: Data, password: String) throws(KeystoreError) -> PrivateKey {
        try decrypt(json: json, passwordBytes: Array(password.utf8))
    }

    /// Decrypts a v3 keystore whose password is given as raw bytes (the UTF-8 of the text password).
    public static func decrypt(json: Data, passwordBytes: [UInt8]) throws(KeystoreError) -> PrivateKey {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: json) } catch { throw .invalidJSON("not JSON") }
        guard let root = object as? [String: Any] else { throw .invalidJSON("top level is not an object") }
        return try decrypt(object: root, passwordBytes: passwordBytes)
    }

    /// Decrypts a parsed v3 keystore object.
    public static func decrypt(object root: [String: Any], passwordBytes: [UInt8]) throws(KeystoreError) -> PrivateKey {
        let version = root["version"].map { "\($0)" } ?? "missing"
        guard version == "3" else { throw .unsupportedVersion(version) }
        guard let crypto = (root["crypto"] ?? root["Crypto"]) as? [String: Any] else { throw .invalidJSON("no crypto object") }
        let cipher = try string(crypto, "cipher")
        guard cipher == "aes-128-ctr" else { throw .unsupportedCipher(cipher) }
        guard let cipherParams = crypto["cipherparams"] as? [String: Any] else { throw .invalidJSON("no cipherparams") }
        let iv = try hexField(cipherParams, "iv")
        guard iv.count == 16 else { throw .invalidJSON("iv must be 16 bytes") }
        let ciphertext = try hexField(crypto, "ciphertext")
        let mac = try hexField(crypto, "mac")
        let kdf = try string(crypto, "kdf")
        guard let params = crypto["kdfparams"] as? [String: Any] else { throw .invalidJSON("no kdfparams") }
        let dklen = try integer(params, "dklen")
        guard dklen >= 32, dklen <= 1024 else { throw .invalidKDFParameters("dklen \(dklen) must be at least 32") }
        let salt = try hexField(params, "salt")
        var derived: [UInt8]
        switch kdf {
        case "scrypt":
            derived = try KeystoreCrypto.scrypt(
                password: passwordBytes, salt: salt, n: UInt64(try integer(params, "n")), r: UInt64(try integer(params, "r")),
                p: UInt64(try integer(params, "p")), length: dklen)
        case "pbkdf2":
            let prf = try string(params, "prf")
            guard prf == "hmac-sha256" else { throw .unsupportedKDF("pbkdf2/\(prf)") }
            derived = try KeystoreCrypto.pbkdf2SHA256(password: passwordBytes, salt: salt, iterations: try integer(params, "c"), length: dklen)
        default:
            throw .unsupportedKDF(kdf)
        }
        defer { KeystoreCrypto.wipe(&derived) }
        let expected = Keccak256.hash(data: Array(derived[16..<32]) + ciphertext)
        guard mac.count == 32, expected == (try! Bytes32(mac)) else { throw .macMismatch }  // invariant: mac.count == 32 is checked first
        var secret = try KeystoreCrypto.aes128ctr(key: derived[0..<16], iv: iv, ciphertext)
        defer { KeystoreCrypto.wipe(&secret) }
        // go-ethereum wrote 31- and 30-byte keys unpadded; left-pad as it does.
        if secret.count < 32 { secret = [UInt8](repeating: 0, count: 32 - secret.count) + secret }
        let key: PrivateKey
        do { key = try PrivateKey(rawRepresentation: secret) } catch { throw .invalidKey(error) }
        if let addressText = root["address"] as? String, let address = try? Address(addressText), address != key.address {
            throw .addressMismatch(file: address.checksummed, key: key.address.checksummed)
        }
        return key
    }

    /// Encrypts `key` as a v3 keystore with scrypt and aes-128-ctr (fresh random salt, iv and UUID); returns the JSON.
    public static func encrypt(_ key: PrivateKey, password: String, scrypt params: ScryptParameters = .standard) throws(KeystoreError) -> Data {
        let salt = KeystoreCrypto.randomBytes(32)
        let iv = KeystoreCrypto.randomBytes(16)
        var derived = try KeystoreCrypto.scrypt(password: Array(password.utf8), salt: salt, n: params.n, r: params.r, p: params.p, length: 32)
        defer { KeystoreCrypto.wipe(&derived) }
        let ciphertext = try KeystoreCrypto.aes128ctr(key: derived[0..<16], iv: iv, key.rawRepresentation)
        let mac = Keccak256.hash(data: Array(derived[16..<32]) + ciphertext)
        let object: [String: Any] = [
            "address": Hex.encode(key.address.bytes, prefix: false),
            "crypto": [
                "cipher": "aes-128-ctr",
                "cipherparams": ["iv": Hex.encode(iv, prefix: false)],
                "ciphertext": Hex.encode(ciphertext, prefix: false),
                "kdf": "scrypt",
                "kdfparams": ["dklen": 32, "n": params.n, "p": params.p, "r": params.r, "salt": Hex.encode(salt, prefix: false)],
                "mac": Hex.encode(mac.bytes, prefix: false),
            ] as [String: Any],
            "id": UUID().uuidString.lowercased(),
            "version": 3,
        ]
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])  // invariant: a dictionary of strings and numbers always serialises
    }

    /// geth's file name for a key: `UTC--2006-01-02T15-04-05.000000000Z--<address in lower-case hex>`.
    public static func fileName(for address: Address, date: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let stamp = String(format: "%04d-%02d-%02dT%02d-%02d-%02d.%09dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, c.nanosecond!)
        return "UTC--\(stamp)--\(Hex.encode(address.bytes, prefix: false))"
    }

    /// Encrypts `key` and writes it into `directory` under geth's file name, readable by the owner only (0600).
    public static func write(_ key: PrivateKey, password: String, to directory: URL, scrypt params: ScryptParameters = .standard) throws -> URL {
        let json = try encrypt(key, password: password, scrypt: params)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let url = directory.appendingPathComponent(fileName(for: key.address))
        guard FileManager.default.createFile(atPath: url.path, contents: json, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        return url
    }

    // MARK: - JSON fields

    static func string(_ object: [String: Any], _ name: String) throws(KeystoreError) -> String {
        guard let value = object[name] as? String else { throw .invalidJSON("missing string \(name)") }
        return value
    }

    static func integer(_ object: [String: Any], _ name: String) throws(KeystoreError) -> Int {
        guard let number = object[name] as? NSNumber, let value = Int(exactly: number.doubleValue), value >= 0 else {
            throw .invalidJSON("missing or invalid integer \(name)")
        }
        return value
    }

    static func hexField(_ object: [String: Any], _ name: String) throws(KeystoreError) -> [UInt8] {
        let text = try string(object, name)
        do { return try Hex.decode(text) } catch { throw .invalidJSON("\(name): \(error)") }
    }
}
