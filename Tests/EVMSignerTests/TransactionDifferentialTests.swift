import EVM
@testable import EVMSigner
import Foundation
import Testing

@Suite("Signer: differential against eth-account and coincurve")
struct TransactionDifferentialTests {
    static func randomU256(_ rng: inout SeededRandom) -> UInt256 {
        // Mix of small, word-boundary and full-width values, up to 2^256 − 1.
        switch rng.next() % 5 {
        case 0: return .zero
        case 1: return UInt256(rng.next() % 1000)
        case 2: return .max
        case 3: return UInt256(limbs: (rng.next(), rng.next(), 0, 0))
        default: return UInt256(limbs: (rng.next(), rng.next(), rng.next(), rng.next()))
        }
    }

    static func randomU64(_ rng: inout SeededRandom) -> UInt64 {
        switch rng.next() % 4 {
        case 0: return 0
        case 1: return rng.next() % 300
        case 2: return UInt64.max - 1 - rng.next() % 2
        default: return rng.next() >> (rng.next() % 64)
        }
    }

    static func randomChainId(_ rng: inout SeededRandom) -> UInt64 {
        [1, 137, 11_155_111, UInt64(UInt32.max), UInt64.max / 2 - 18, UInt64.max][Int(rng.next() % 6)]
    }

    static func randomAccessList(_ rng: inout SeededRandom) -> [AccessListEntry] {
        (0..<Int(rng.next() % 4)).map { _ in
            AccessListEntry(address: try! Address(rng.bytes(20)),
                            storageKeys: (0..<Int(rng.next() % 4)).map { _ in try! Bytes32(rng.bytes(32)) })
        }
    }

    static func json(_ tx: Transaction) -> [String: Any] {
        func hexInt(_ v: UInt256) -> String { "0x" + String(v.hexString.dropFirst(2)) }
        var d: [String: Any] = [
            "nonce": "0x" + String(tx.nonce, radix: 16), "gas": "0x" + String(tx.gasLimit, radix: 16),
            "value": hexInt(tx.value), "data": Hex.encode(tx.data),
        ]
        if let to = tx.to { d["to"] = to.checksummed }
        let accessList: [[String: Any]] = tx.accessList.map {
            ["address": $0.address.checksummed, "storageKeys": $0.storageKeys.map(\.description)]
        }
        switch tx {
        case .legacy(let t):
            d["gasPrice"] = hexInt(t.gasPrice)
            if let c = t.chainId { d["chainId"] = "0x" + String(c, radix: 16) }
        case .accessList(let t):
            d["type"] = "0x1"
            d["gasPrice"] = hexInt(t.gasPrice)
            d["chainId"] = "0x" + String(t.chainId, radix: 16)
            d["accessList"] = accessList
        case .dynamicFee(let t):
            d["type"] = "0x2"
            d["maxFeePerGas"] = hexInt(t.maxFeePerGas)
            d["maxPriorityFeePerGas"] = hexInt(t.maxPriorityFeePerGas)
            d["chainId"] = "0x" + String(t.chainId, radix: 16)
            d["accessList"] = accessList
        default: fatalError()
        }
        return d
    }

    static func randomTransaction(_ rng: inout SeededRandom, type: Int) -> Transaction {
        let to: Address? = rng.next() % 8 == 0 ? nil : try! Address(rng.bytes(20))
        let data = rng.bytes(Int(rng.next() % 4 == 0 ? rng.next() % 2049 : rng.next() % 100))
        switch type {
        case 0:
            return .legacy(LegacyTransaction(chainId: rng.next() % 4 == 0 ? nil : randomChainId(&rng), nonce: randomU64(&rng),
                                             gasPrice: randomU256(&rng), gasLimit: randomU64(&rng), to: to,
                                             value: randomU256(&rng), data: data))
        case 1:
            return .accessList(AccessListTransaction(chainId: randomChainId(&rng), nonce: randomU64(&rng), gasPrice: randomU256(&rng),
                                                     gasLimit: randomU64(&rng), to: to, value: randomU256(&rng), data: data,
                                                     accessList: randomAccessList(&rng)))
        default:
            return .dynamicFee(DynamicFeeTransaction(chainId: randomChainId(&rng), nonce: randomU64(&rng),
                                                     maxPriorityFeePerGas: randomU256(&rng), maxFeePerGas: randomU256(&rng),
                                                     gasLimit: randomU64(&rng), to: to, value: randomU256(&rng), data: data,
                                                     accessList: randomAccessList(&rng)))
        }
    }

    /// Seeded random transactions of each type: byte-identical raw transactions and hashes; every signature
    /// verifies and recovers with coincurve.
    @Test func random_transactions_match_eth_account() throws {
        var rng = SeededRandom()
        var cases: [[String: Any]] = []
        var ours: [SignedTransaction] = []
        var keys: [PrivateKey] = []
        for i in 0..<300 {
            let key = try PrivateKey(rawRepresentation: rng.bytes(32))
            let tx = Self.randomTransaction(&rng, type: i % 3)
            let signed = tx.attaching(key.signature(for: tx.signingHash))
            cases.append(["key": Hex.encode(key.rawRepresentation), "tx": Self.json(tx)])
            ours.append(signed)
            keys.append(key)
        }
        let answers = try PythonOracle.run("signer.sign_transaction", cases)
        for (i, answer) in answers.enumerated() {
            guard let a = answer as? [String: String], let raw = a["raw"] else {
                Issue.record("eth-account failed case \(i): \(answer) \(cases[i]), \(rng.replay)")
                continue
            }
            #expect(ours[i].rawHex == raw, "case \(i) type \(ours[i].transaction.type), \(rng.replay)")
            #expect(ours[i].hash.description == a["hash"], "case \(i), \(rng.replay)")
            // Decode → same value; sender recovers.
            let decoded = try SignedTransaction(rawRepresentation: ours[i].rawRepresentation)
            #expect(decoded == ours[i], "case \(i), \(rng.replay)")
            #expect(try decoded.recoverSender() == keys[i].address)
        }
        // coincurve verifies and recovers every Swift signature.
        let checks = try PythonOracle.run("signer.coincurve_check", ours.enumerated().map { i, s in
            ["digest": s.transaction.signingHash.description, "signature": s.signature.description,
             "address": keys[i].address.lowercased]
        })
        for (i, check) in checks.enumerated() {
            let c = check as! [String: Any]
            #expect(c["verified"] as? Bool == true, "case \(i)")
            #expect(c["address"] as? String == keys[i].address.lowercased, "case \(i)")
        }
    }

    /// EIP-191 personal messages of random bytes: byte-identical signatures to eth-account.
    @Test func personal_sign_matches_eth_account() throws {
        var rng = SeededRandom()
        var cases: [[String: String]] = []
        var ours: [String] = []
        for _ in 0..<50 {
            let key = try PrivateKey(rawRepresentation: rng.bytes(32))
            let message = rng.bytes(Int(rng.next() % 300))
            cases.append(["key": Hex.encode(key.rawRepresentation), "message_hex": Hex.encode(message)])
            ours.append(key.signPersonalMessage(message).description)
        }
        let answers = try PythonOracle.run("signer.personal_sign", cases)
        for (i, a) in answers.enumerated() { #expect(a as? String == ours[i], "case \(i), \(rng.replay)") }
    }
}
