import EVM
@testable import EVMSigner
import Foundation
import Testing

@Suite("Signer: transaction vectors")
struct TransactionVectorTests {
    /// The EIP-155 example: signing payload, signing hash, signature and signed transaction.
    @Test func eip155_example() throws {
        let f = try fixtureJSON("vectors/eips/eip-155-example.json") as! [String: Any]
        let t = f["tx"] as! [String: Any]
        let tx = LegacyTransaction(
            chainId: u64(f["chain_id"]), nonce: u64(t["nonce"]), gasPrice: u256(t["gas_price"]), gasLimit: u64(t["gas_limit"]),
            to: try Address(t["to"] as! String), value: u256(t["value"]), data: hex(t["data"] as! String))
        #expect(Transaction.legacy(tx).signingPayload == hex(f["signing_data"] as! String))
        #expect(tx.signingHash == word(f["signing_hash"] as! String))
        let key = try PrivateKey(hex: f["private_key"] as! String)
        let signed = try tx.signed(by: key)
        let sig = f["signature"] as! [String: Any]
        #expect(signed.signature.r == u256(sig["r"]))
        #expect(signed.signature.s == u256(sig["s"]))
        #expect(signed.v == u256(sig["v"]))
        #expect(signed.rawHex == f["signed_tx"] as! String)
        let decoded = try SignedTransaction(hex: f["signed_tx"] as! String)
        #expect(decoded == signed)
        #expect(try decoded.recoverSender() == key.address)
    }

    /// eth-account: sign_transaction and recover_transaction.
    @Test func eth_account_tx_signing() throws {
        let f = try fixtureJSON("vectors/eth-account/tx-signing.json") as! [String: Any]
        for c in f["sign_transaction"] as! [[String: Any]] {
            let t = c["tx"] as! [String: Any]
            let tx = LegacyTransaction(
                chainId: u64(t["chainId"]), nonce: u64(t["nonce"]), gasPrice: u256(t["gasPrice"]), gasLimit: u64(t["gas"]),
                to: try Address(t["to"] as! String), value: u256(t["value"]))
            let signed = try tx.signed(by: try PrivateKey(hex: c["private_key"] as! String))
            #expect(signed.rawHex == c["raw_tx"] as! String)
            #expect(signed.hash == word(c["tx_hash"] as! String))
            #expect(try signed.recoverSender() == (try Address(c["sender"] as! String)))
        }
        for c in f["recover_transaction"] as! [[String: Any]] {
            let decoded = try SignedTransaction(hex: c["raw_tx"] as! String)
            #expect(try decoded.recoverSender() == (try Address(c["sender"] as! String)))
            #expect(decoded.rawHex == c["raw_tx"] as! String)
        }
    }

    /// ethereum/tests BasicTests/txtest.json: pre-EIP-155 legacy signing.
    @Test func txtest() throws {
        let cases = try fixtureJSON("vectors/ethereum-tests/BasicTests/txtest.json") as! [[String: Any]]
        for c in cases {
            let toText = c["to"] as! String
            let tx = LegacyTransaction(
                chainId: nil, nonce: u64(c["nonce"]), gasPrice: u256(c["gasprice"]), gasLimit: u64(c["startgas"]),
                to: toText.isEmpty ? nil : try Address(toText), value: u256(c["value"]), data: hex(c["data"] as! String))
            // "unsigned" is the old form with empty v, r, s.
            let unsigned = RLP.encode(TransactionEnvelope(transaction: .legacy(tx), tail: .signature(v: .zero, r: .zero, s: .zero)))
            #expect(unsigned == hex(c["unsigned"] as! String))
            let key = try PrivateKey(hex: c["key"] as! String)
            // The vectors predate RFC 6979 (random nonces) and Homestead (high s allowed): a high-s one is rejected,
            // a low-s one decodes, recovers the key's address and re-encodes identically.
            let raw = hex(c["signed"] as! String)
            do {
                let decoded = try SignedTransaction(rawRepresentation: raw)
                #expect(decoded.transaction == .legacy(tx))
                #expect(try decoded.recoverSender() == key.address)
                #expect(decoded.transaction.attaching(decoded.signature).rawRepresentation == raw)
            } catch {
                #expect(error == .invalidSignature(.highS))
            }
            // Gas limit 10000 is below today's intrinsic cost, so sign without validating.
            let signed = Transaction.legacy(tx).attaching(key.signature(for: tx.signingHash))
            #expect(try SignedTransaction(rawRepresentation: signed.rawRepresentation) == signed)
            #expect(try signed.recoverSender() == key.address)
        }
    }

    /// The exception names ethereum/tests expects, mapped to this layer's errors.
    static func matches(_ exception: String, _ error: TransactionError) -> Bool {
        switch (exception, error) {
        case ("TransactionException.GASLIMIT_PRICE_PRODUCT_OVERFLOW", .gasLimitPriceProductOverflow): return true
        case ("TransactionException.RLP_LEADING_ZEROS_BASEFEE", .invalidField("maxFeePerGas", .leadingZero)): return true
        case ("TransactionException.RLP_LEADING_ZEROS_NONCE_SIZE", .invalidField("nonce", .nonCanonicalSingleByte)),
             ("TransactionException.RLP_LEADING_ZEROS_NONCE_SIZE", .invalidField("nonce", .leadingZero)): return true
        case ("TransactionException.PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2", .feeCapBelowPriorityFee): return true
        case ("TransactionException.RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_SHORT", .invalidLength("accessList.address", 20, _)): return true
        case ("TransactionException.RLP_INVALID_ACCESS_LIST_STORAGE_TOO_LONG", .invalidLength("accessList.storageKey", 32, _)): return true
        case ("TransactionException.INVALID_SIGNATURE_VRS", .invalidSignature),
             ("TransactionException.INVALID_SIGNATURE_VRS", .valueTooLarge("r")),
             ("TransactionException.INVALID_SIGNATURE_VRS", .valueTooLarge("s")),
             ("TransactionException.INVALID_SIGNATURE_VRS", .invalidV): return true
        case ("TransactionException.EC_RECOVERY_FAIL", .senderRecoveryFailed): return true
        case ("TransactionException.INVALID_CHAINID", .invalidV), ("TransactionException.INVALID_CHAINID", .chainIdMismatch):
            return true
        // geth checks the chain id (the tests run on chain 1) before the signature values; decoding checks the
        // signature first, so a transaction for another chain with a bad signature fails on the signature.
        case ("TransactionException.INVALID_CHAINID", .invalidSignature): return true
        case ("TransactionException.RLP_ERROR_SIZE", .rlp(.trailingBytes)): return true
        case ("TransactionException.RLP_ERROR_SIZE_LEADING_ZEROS", .rlp(.leadingZeroInLength)),
             ("TransactionException.RLP_ERROR_SIZE_LEADING_ZEROS", .rlp(.nonCanonicalSize)): return true
        case ("TransactionException.RLP_ERROR_EOF", .rlp(.inputTooShort)): return true
        default: return false
        }
    }

    /// ethereum/tests TransactionTests: valid ones give the hash and sender; invalid ones the specific error.
    @Test func ethereum_tests_transaction_tests() throws {
        let root = repositoryRoot.appendingPathComponent("Tests/Fixtures/vectors/ethereum-tests/TransactionTests")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        var valid = 0, invalid = 0
        for file in files {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: [String: Any]]
            for (name, test) in json {
                let results = test["result"] as! [String: [String: String]]
                // The last fork present (Cancun, or Shanghai for ttWrongRLP).
                let fork = ["Prague", "Cancun", "Shanghai"].first { results[$0] != nil }!
                let result = results[fork]!
                let raw = hex(test["txbytes"] as! String)
                let outcome = Result { () throws(TransactionError) -> (Bytes32, Address) in
                    let tx = try SignedTransaction(rawRepresentation: raw)
                    let sender = try tx.recoverSender()
                    try tx.validate(chainId: 1)
                    #expect(tx.transaction.intrinsicGas == u64(result["intrinsicGas"]), "\(name)")
                    #expect(RLP.encode(TransactionEnvelope(transaction: tx.transaction, tail: .signature(v: tx.v, r: tx.signature.r, s: tx.signature.s))) == raw)
                    return (tx.hash, sender)
                }
                if let exception = result["exception"] {
                    invalid += 1
                    switch outcome {
                    case .success: Issue.record("\(file.lastPathComponent) \(name): accepted, expected \(exception)")
                    case .failure(let error):
                        #expect(Self.matches(exception, error), "\(file.lastPathComponent) \(name): \(exception) but got \(error)")
                    }
                } else {
                    valid += 1
                    switch outcome {
                    case .success(let (hash, sender)):
                        #expect(hash == word(result["hash"]!), "\(name)")
                        #expect(sender == (try Address(result["sender"]!)), "\(name)")
                    case .failure(let error): Issue.record("\(file.lastPathComponent) \(name): rejected with \(error)")
                    }
                }
            }
        }
        #expect(valid >= 20 && invalid >= 10)
    }

    /// ethers testcases/transactions.json.gz: every form of every case, signed byte-identically, decoded and re-encoded.
    @Test func ethers_transactions() throws {
        let cases = try fixtureGzipJSON("vectors/ethers/testcases/transactions.json.gz") as! [[String: Any]]
        #expect(cases.count == 3200)
        // Debug builds sign ~1000 tx/s; every case is checked in release (`SIXNINES_FULL=1` forces it in debug).
        let stride = ProcessInfo.processInfo.environment["SIXNINES_FULL"] != nil ? 1 : 4
        for (index, c) in cases.enumerated() where index % stride == 0 {
            let t = c["transaction"] as! [String: Any]
            let key = try PrivateKey(hex: c["privateKey"] as! String)
            let to = (t["to"] as? String).map { try! Address($0) }
            let data = (t["data"] as? String).map(hex) ?? []
            let accessList = (t["accessList"] as? [[String: Any]] ?? []).map {
                AccessListEntry(address: try! Address($0["address"] as! String),
                                storageKeys: ($0["storageKeys"] as! [String]).map(word))
            }
            let chainId = u64(t["chainId"])
            var forms: [(String, Transaction)] = [
                ("Legacy", .legacy(LegacyTransaction(chainId: nil, nonce: u64(t["nonce"]), gasPrice: u256(t["gasPrice"]),
                                                     gasLimit: u64(t["gasLimit"]), to: to, value: u256(t["value"]), data: data))),
                ("Berlin", .accessList(AccessListTransaction(chainId: chainId, nonce: u64(t["nonce"]), gasPrice: u256(t["gasPrice"]),
                                                             gasLimit: u64(t["gasLimit"]), to: to, value: u256(t["value"]), data: data,
                                                             accessList: accessList))),
                ("London", .dynamicFee(DynamicFeeTransaction(chainId: chainId, nonce: u64(t["nonce"]),
                                                             maxPriorityFeePerGas: u256(t["maxPriorityFeePerGas"]),
                                                             maxFeePerGas: u256(t["maxFeePerGas"]), gasLimit: u64(t["gasLimit"]),
                                                             to: to, value: u256(t["value"]), data: data, accessList: accessList))),
            ]
            if t["chainId"] != nil {
                forms.append(("Eip155", .legacy(LegacyTransaction(chainId: chainId, nonce: u64(t["nonce"]), gasPrice: u256(t["gasPrice"]),
                                                                  gasLimit: u64(t["gasLimit"]), to: to, value: u256(t["value"]), data: data))))
            }
            for (form, tx) in forms {
                let expected = hex(c["signed\(form)"] as! String)
                #expect(tx.signingPayload == hex(c["unsigned\(form)"] as! String), "\(c["name"]!) \(form)")
                let signed = tx.attaching(key.signature(for: tx.signingHash))
                #expect(signed.rawRepresentation == expected, "\(c["name"]!) \(form)")
                let decoded = try SignedTransaction(rawRepresentation: expected)
                #expect(decoded == signed, "\(c["name"]!) \(form)")
            }
            // EIP-4844: decode, re-encode, recover.
            if let cancun = c["signedCancun"] as? String, !cancun.isEmpty {
                let decoded = try SignedTransaction(hex: cancun)
                #expect(decoded.transaction.type == .blob)
                #expect(decoded.transaction.signingPayload == hex(c["unsignedCancun"] as! String))
                #expect(decoded.transaction.attaching(decoded.signature).rawHex == cancun)
                #expect(try decoded.recoverSender() == key.address, "\(c["name"]!) Cancun")
            }
        }
    }
}

@Suite("Signer: EIP-7702 decoding")
struct SetCodeDecodingTests {
    /// A type-4 transaction signed by eth-account 0.14 (key 0x11…11, one authorization by key 0x22…22).
    static let raw = "0x04f901050103843b9aca008506fc23ac00830186a0945aaeb6053f3e94c9b9a09f33669435e7ef1beaed05821234f838f7945aaeb6053f3e94c9b9a09f33669435e7ef1beaede1a00000000000000000000000000000000000000000000000000000000000000001f85cf85a01945aaeb6053f3e94c9b9a09f33669435e7ef1beaed0701a010b22d335df73d66dec684b2ed122fb513d60d3d0be6cc6e4ad8a2bf710bace7a05a437407533f6235b08e25dbf1c912dff6fdc0f2f94d4e82de615a18112b199b01a08249a0b83b650805cc983a48e094a3d15bd937dfb41bacdbbdd9ccc9c7af0014a069ea6754dfaa8ccda9d3fdd6248ccf9c630039c77073a80789672f178d378f46"

    @Test func decodes_eth_account_type4() throws {
        let tx = try SignedTransaction(hex: Self.raw)
        #expect(tx.hash == word("0x6b30e69ee03f2a8fbdcdf4b0fdf31ae15a0897b9ba3cee1fe885522fa64db164"))
        #expect(try tx.recoverSender() == (try Address("0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A")))
        guard case .setCode(let t) = tx.transaction else { Issue.record("not type 4"); return }
        #expect(t.nonce == 3 && t.gasLimit == 100_000 && t.value == UInt256(5) && t.data == [0x12, 0x34])
        #expect(t.accessList.count == 1 && t.accessList[0].storageKeys.count == 1)
        #expect(t.authorizationList.count == 1)
        let auth = t.authorizationList[0]
        #expect(auth.chainId == UInt256(1) && auth.nonce == 7)
        #expect(auth.address == (try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")))
        // Re-encodes to the same bytes; signing a type-4 transaction is refused.
        #expect(tx.transaction.attaching(tx.signature).rawHex == Self.raw)
        #expect(throws: TransactionError.signingNotSupported(type: 4)) {
            try tx.transaction.signed(by: try PrivateKey(hex: "0x" + String(repeating: "11", count: 32)))
        }
        // An empty authorization list fails validation.
        var empty = t
        empty.authorizationList = []
        #expect(throws: TransactionError.emptyAuthorizationList) { try Transaction.setCode(empty).validate() }
        #expect(Transaction.setCode(t).intrinsicGas == 21_000 + 16 + 16 + 2_400 + 1_900 + 25_000)
    }
}
