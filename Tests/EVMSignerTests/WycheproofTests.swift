import CLibcrypto
import EVM
import EVMSigner
import Foundation
import TestSupport
import Testing

/// Project Wycheproof's ECDSA secp256k1/SHA-256 vectors (Tests/Fixtures/vectors/wycheproof): every case verified with
/// `PublicKey.isValidSignature(encoded:der:for:)`, and the result compared with the vector's, flag by flag.
@Suite("Wycheproof ECDSA secp256k1")
struct WycheproofTests {
    static let halfOrder = try! UInt256(hexString: "0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")

    static func sha256(_ bytes: [UInt8]) -> Bytes32 {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = EVP_Digest(bytes, bytes.count, &out, &length, EVP_sha256(), nil)
        return try! Bytes32(out)
    }

    struct Outcome {
        var total = 0
        var mismatches: [String] = []
        var byFlag: [String: (agree: Int, total: Int)] = [:]
    }

    static func run(_ file: String, der: Bool, expected: (_ vector: String, _ signature: [UInt8]) -> Bool) throws -> Outcome {
        let json = try #require(try fixtureJSON("vectors/wycheproof/testvectors_v1/\(file)") as? [String: Any])
        var outcome = Outcome()
        for group in try #require(json["testGroups"] as? [[String: Any]]) {
            let keyHex = try #require((group["publicKey"] as? [String: Any])?["uncompressed"] as? String)
            let key = try PublicKey(rawRepresentation: try Hex.decode(keyHex))
            for test in try #require(group["tests"] as? [[String: Any]]) {
                let id = try #require(test["tcId"] as? Int)
                let message = try Hex.decode(try #require(test["msg"] as? String))
                let signature = try Hex.decode(try #require(test["sig"] as? String))
                let result = try #require(test["result"] as? String)
                let flags = test["flags"] as? [String] ?? []
                let want = expected(result, signature)
                let got = key.isValidSignature(encoded: signature, der: der, for: sha256(message))
                outcome.total += 1
                for flag in flags {
                    var entry = outcome.byFlag[flag] ?? (0, 0)
                    entry.total += 1
                    if got == want { entry.agree += 1 }
                    outcome.byFlag[flag] = entry
                }
                if got != want { outcome.mismatches.append("tcId \(id) \(flags) \(result): got \(got)") }
            }
        }
        return outcome
    }

    /// The Bitcoin variant (strict DER, low s) is exactly libsecp256k1's and Ethereum's rule: every result agrees.
    @Test func bitcoinVariantAgreesWithEveryCase() throws {
        let outcome = try Self.run("ecdsa_secp256k1_sha256_bitcoin_test.json", der: true) { result, _ in result == "valid" }
        #expect(outcome.total == 463)
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches)")
        for (flag, counts) in outcome.byFlag { #expect(counts.agree == counts.total, "flag \(flag): \(counts)") }
    }

    /// The P1363 variant (r ‖ s) accepts high s; we do not (EIP-2): the expected result is Wycheproof's, and invalid
    /// for a high-s signature. Every case agrees with that rule, and the rule rejects some Wycheproof-valid cases.
    @Test func p1363VariantAgreesUnderTheLowSRule() throws {
        var highS = 0
        let outcome = try Self.run("ecdsa_secp256k1_sha256_p1363_test.json", der: false) { result, signature in
            guard result == "valid" else { return false }
            guard signature.count == 64, let s = try? UInt256(bigEndianBytes: signature[32...]) else { return false }
            if s > Self.halfOrder { highS += 1; return false }
            return true
        }
        #expect(outcome.total == 252)
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches)")
        #expect(highS > 0)
    }
}
