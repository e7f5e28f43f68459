import EVM
@testable import EVMSigner
import Foundation
import Testing

@Suite("Signer: keystores")
struct KeystoreTests {
    static func json(_ object: Any) -> Data { try! JSONSerialization.data(withJSONObject: object) }

    /// ethereum/tests KeyStoreTests and go-ethereum's v3 vectors (password `testpassword` and friends).
    @Test(arguments: [
        "vectors/ethereum-tests/KeyStoreTests/basic_tests.json",
        "vectors/go-ethereum/accounts/keystore/testdata/v3_test_vector.json",
    ])
    func keystore_vectors(file: String) throws {
        let cases = try fixtureJSON(file) as! [String: [String: Any]]
        for (name, c) in cases.sorted(by: { $0.key < $1.key }) {
            let params = ((c["json"] as! [String: Any])["crypto"] as! [String: Any])["kdfparams"] as! [String: Any]
            let password = c["password"] as! String
            // n = 2^18 with r = 1, p = 8 breaks RFC 7914's n < 2^(16·r), but geth and pycryptodome read it, and so do we
            // (libsodium's scrypt has no such bound); see NOTES.md.
            let key = try Keystore.decrypt(json: Self.json(c["json"]!), password: password)
            let expected = hex(c["priv"] as! String)
            #expect(key.rawRepresentation == [UInt8](repeating: 0, count: 32 - expected.count) + expected, "\(name)")
            // A wrong password (checked on the cheap KDFs; pbkdf2 with c = 262144 costs as much as the right one).
            if (params["c"] as? Int ?? 0) < 100_000, (params["n"] as? Int ?? 0) < 1 << 17 {
                #expect(throws: KeystoreError.macMismatch, "\(name)") { try Keystore.decrypt(json: Self.json(c["json"]!), password: password + "x") }
            }
        }
    }

    @Test func very_light_scrypt_and_address_check() throws {
        let data = try fixtureData("vectors/go-ethereum/accounts/keystore/testdata/very-light-scrypt.json")
        let key = try Keystore.decrypt(json: data, password: "")
        #expect(key.address == (try Address("0x45dea0fb0bba44f4fcf290bba71fd57d7117cbb8")))
        #expect(throws: KeystoreError.macMismatch) { try Keystore.decrypt(json: data, password: "password") }
        // An address field that does not match the key is an error.
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        object["address"] = "0000000000000000000000000000000000000001"
        #expect(throws: KeystoreError.self) { try Keystore.decrypt(json: Self.json(object), password: "") }
    }

    /// The ethereum.org scrypt vector is not spec-conformant (salt hashed as text): it must fail with a MAC mismatch.
    @Test func ethereum_org_nonconformant_vector_fails() throws {
        let file = try fixtureJSON("vectors/ethereum-org/web3-secret-storage-test-vectors.json") as! [String: Any]
        func walk(_ any: Any) -> [[String: Any]] {
            if let d = any as? [String: Any] {
                if d["crypto"] != nil, d["version"] != nil { return [d] }
                return d.values.flatMap(walk)
            }
            if let a = any as? [Any] { return a.flatMap(walk) }
            return []
        }
        let keystores = walk(file)
        #expect(!keystores.isEmpty)
        for ks in keystores {
            let crypto = ks["crypto"] as! [String: Any]
            let result = Result { () throws(KeystoreError) in try Keystore.decrypt(object: ks, passwordBytes: Array("testpassword".utf8)) }
            if crypto["kdf"] as? String == "scrypt" {
                #expect(throws: KeystoreError.macMismatch) { try result.get() }
            } else {
                #expect((try? result.get()) != nil)
            }
        }
    }

    /// ethers wallets.json.gz keystores (scrypt and pbkdf2; passwords given as hex bytes).
    @Test func ethers_wallets() throws {
        let wallets = try fixtureGzipJSON("vectors/ethers/testcases/wallets.json.gz") as! [[String: Any]]
        let full = ProcessInfo.processInfo.environment["SIXNINES_FULL"] != nil
        var checked = 0
        for w in wallets where w["type"] as? String == "keystore" {
            let content = Data((w["content"] as! String).utf8)
            let object = try JSONSerialization.jsonObject(with: content) as! [String: Any]
            let crypto = (object["crypto"] ?? object["Crypto"]) as! [String: Any]
            let params = crypto["kdfparams"] as! [String: Any]
            // Heavy KDFs (standard scrypt, pbkdf2 c = 2^18, as in the vectors above) only with SIXNINES_FULL.
            if !full, (params["n"] as? Int ?? 0) >= 1 << 17 || (params["c"] as? Int ?? 0) >= 1 << 17 { continue }
            let key = try Keystore.decrypt(json: content, passwordBytes: hex(w["password"] as! String))
            #expect(key.address == (try Address(w["address"] as! String)), "\(w["name"]!)")
            checked += 1
        }
        #expect(checked >= 2)
    }

    @Test func write_light_round_trip_and_file_name() throws {
        let key = PrivateKey.random()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-ks-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Keystore.write(key, password: "pässword", to: directory, scrypt: .light)
        let name = url.lastPathComponent
        #expect(name.hasPrefix("UTC--"))
        #expect(name.hasSuffix("--" + Hex.encode(key.address.bytes, prefix: false)))
        #expect(name.range(of: #"^UTC--\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{9}Z--[0-9a-f]{40}$"#, options: .regularExpression) != nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as! NSNumber).intValue == 0o600)
        let data = try Data(contentsOf: url)
        #expect(try Keystore.decrypt(json: data, password: "pässword") == key)
        #expect(throws: KeystoreError.macMismatch) { try Keystore.decrypt(json: data, password: "password") }
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["version"] as? Int == 3)
        #expect(!String(decoding: data, as: UTF8.self).contains(Hex.encode(key.rawRepresentation, prefix: false)))
    }

    /// Keystores written here decrypt with eth-account (and vice versa).
    @Test func eth_account_reads_ours_and_we_read_theirs() throws {
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let ours = try Keystore.encrypt(key, password: "hunter2", scrypt: .light)
        let answers = try PythonOracle.run("signer.keystore_roundtrip", [
            ["keystore": String(decoding: ours, as: UTF8.self), "password": "hunter2", "private_key": Hex.encode(key.rawRepresentation)],
        ]) as! [[String: Any]]
        #expect(answers[0]["decrypted"] as? String == Hex.encode(key.rawRepresentation))
        let theirs = Data((answers[0]["theirs"] as! String).utf8)
        #expect(try Keystore.decrypt(json: theirs, password: "hunter2") == key)
    }

    /// One keystore with geth's standard parameters (n = 2^18, r = 8, p = 1), written and read back.
    @Test func standard_parameters_round_trip() throws {
        let key = PrivateKey.random()
        // Timing belongs to SignerBenchmarks (a shared, loaded machine makes wall-clock bounds here flaky).
        let json = try Keystore.encrypt(key, password: "standard")
        #expect(try Keystore.decrypt(json: json, password: "standard") == key)
        let params = ((try JSONSerialization.jsonObject(with: json) as! [String: Any])["crypto"] as! [String: Any])["kdfparams"] as! [String: Any]
        #expect(params["n"] as? Int == 1 << 18 && params["r"] as? Int == 8 && params["p"] as? Int == 1)
    }

    @Test func rejects_unsupported_and_malformed_keystores() throws {
        let data = try fixtureData("vectors/go-ethereum/accounts/keystore/testdata/very-light-scrypt.json")
        let base = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        func mutate(_ body: (inout [String: Any], inout [String: Any]) -> Void) -> Data {
            var root = base
            var crypto = root["crypto"] as! [String: Any]
            body(&root, &crypto)
            root["crypto"] = crypto
            return Self.json(root)
        }
        #expect(throws: KeystoreError.unsupportedVersion("1")) { try Keystore.decrypt(json: mutate { r, _ in r["version"] = 1 }, password: "") }
        #expect(throws: KeystoreError.unsupportedCipher("aes-128-cbc")) {
            try Keystore.decrypt(json: mutate { _, c in c["cipher"] = "aes-128-cbc" }, password: "")
        }
        #expect(throws: KeystoreError.unsupportedKDF("argon2")) { try Keystore.decrypt(json: mutate { _, c in c["kdf"] = "argon2" }, password: "") }
        #expect(throws: KeystoreError.self) {
            try Keystore.decrypt(json: mutate { _, c in c["kdfparams"] = ["dklen": 32, "n": 3, "r": 8, "p": 1, "salt": "00"] }, password: "")
        }
        #expect(throws: KeystoreError.self) {
            try Keystore.decrypt(json: mutate { _, c in c["kdfparams"] = ["dklen": 32, "n": 1 << 30, "r": 8, "p": 1, "salt": "00"] }, password: "")
        }
        #expect(throws: KeystoreError.invalidJSON("not JSON")) { try Keystore.decrypt(json: Data("{".utf8), password: "") }
    }
}
