import EVM
import EVMRPC
import EVMSigner
import Foundation
import Receipts
import SixNinesContracts
import TestSupport
import Testing

/// Its own devnet: this suite moves the chain's clock (oracle windows), which must not disturb other suites.
private let suiteDevnet = launchDevnet()

/// Development keys of the devnet (docs/DEVNET.md; public, test-only).
private let devKeyHex = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
].map { $0 }
private let devKeys = devKeyHex.map { try! PrivateKey(hex: $0) }

/// The vault's EIP-712 messages (docs/PROTOCOL.md §6.2), declared in Swift: the digest the signers sign.
private struct PayoutMessage: EIP712Struct {
    static let eip712TypeName = "Payout"
    static let eip712Members = [EIP712Field("token", "address"), EIP712Field("recipient", "address"),
                                EIP712Field("amount", "uint256"), EIP712Field("receipt", "bytes32")]
    var payout: PredictionVault.Payout
    var eip712Values: [EIP712Value] {
        [.value(.address(payout.token)), .value(.address(payout.recipient)), .value(.uint(payout.amount)),
         .value(.fixedBytes(payout.receipt.bytes))]
    }
}

private struct PayoutBatchMessage: EIP712Struct {
    static let eip712TypeName = "PayoutBatch"
    static let eip712Members = [EIP712Field("payouts", "Payout[]"), EIP712Field("nonce", "uint256"), EIP712Field("deadline", "uint256")]
    static let eip712Dependencies: [any EIP712Struct.Type] = [PayoutMessage.self]
    var payouts: [PredictionVault.Payout]
    var nonce: UInt256
    var deadline: UInt256
    var eip712Values: [EIP712Value] {
        [.array(payouts.map { .struct(PayoutMessage(payout: $0)) }), .value(.uint(nonce)), .value(.uint(deadline))]
    }
}

@Suite("deploy-suite and the typed bindings, end to end on the devnet", .serialized)
struct SuiteEndToEndTests {
    var url: String { suiteDevnet.url }

    func connection(_ key: PrivateKey, _ client: RPCClient) -> ContractConnection {
        let sender = TransactionSender(client: client, signer: KeySigner(key: key), chain: .local)
        return ContractConnection(sender: sender, chainId: 31337,
                                  sendOptions: SendOptions(replaceAfter: nil, pollInterval: .milliseconds(20), timeout: .seconds(60)))
    }

    func timestamp(_ client: RPCClient) async throws -> UInt64 {
        try #require(try await client.block(.latest)).timestamp
    }

    /// Moves the chain's clock so that the next block has `time`, and mines it.
    func mine(at time: UInt64, _ client: RPCClient) async throws {
        let _: JSONRPCValue = try await client.call("evm_setNextBlockTimestamp", [.int(Int(time))])
        let _: JSONRPCValue = try await client.call("evm_mine", [])
    }

    @Test func deploysTheSuiteThenAnchorsPaysReportsAndMints() async throws {
        let client = RPCClient(urls: [url])
        defer { Task { await client.shutdown() } }
        let deployer = devKeys[0], writer = devKeys[1], reporters = Array(devKeys[2...4]), minter = devKeys[5]
        let signers = Array(devKeys[5...9]), admin = devKeys[9]
        let user = try PrivateKey(hex: "0x" + String(repeating: "42", count: 32)).address

        // 1. Deploy through the CLI.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-suite-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config: [String: Any] = [
            "writer": writer.address.checksummed, "reporters": reporters.map(\.address.checksummed),
            "minter": minter.address.checksummed, "signers": signers.map(\.address.checksummed), "threshold": 3,
            "tokens": ["0x0000000000000000000000000000000000000000"], "dailyLimits": ["10000000000000000000"],
            "admin": admin.address.checksummed, "artifacts": repositoryRoot.appendingPathComponent("ABI").path, "chainId": 31337,
        ]
        let configPath = dir.appendingPathComponent("suite.json").path
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
        let deployments = dir.appendingPathComponent("deployments").path
        let arguments = ["deploy-suite", "--config", configPath, "--deployments", deployments, "--rpc-url", url,
                         "--private-key", devKeyHex[0], "--json"]
        let first = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.value(arguments).utf8)) as? [String: Any])
        let actions = try #require(first["actions"] as? [String])
        #expect(actions.filter { $0.hasPrefix("deployed ") }.count == 4, "\(actions)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: deployments + "/31337.json"))) as? [String: Any])
        let contracts = try #require(record["contracts"] as? [String: [String: Any]])
        func address(_ name: String) throws -> Address { try Address(try #require(contracts[name]?["address"] as? String)) }
        for name in ["ReceiptRegistry", "PriceOracle", "PredictionVault", "Badges"] {
            let entry = try #require(contracts[name])
            #expect(entry["status"] as? String == "deployed")
            #expect((entry["blockNumber"] as? Int ?? 0) > 0)
            let artifact = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: repositoryRoot.appendingPathComponent("ABI/\(name).json"))) as? [String: Any])
            let bytecode = try Hex.decode(try #require(artifact["bytecode"] as? String))
            #expect(entry["artifactHash"] as? String == Keccak256.hash(data: bytecode).description)
        }

        // Run again: nothing is sent.
        let nonceBefore = try await client.nonce(of: deployer.address)
        let again = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.value(arguments).utf8)) as? [String: Any])
        #expect((again["actions"] as? [String])?.allSatisfy { $0.hasPrefix("skipped ") } == true, "\(again)")
        #expect(try await client.nonce(of: deployer.address) == nonceBefore)

        // A crash after sending Badges' creation left it pending: the next run finishes it without deploying again.
        var edited = record
        var badgesEntry = try #require(contracts["Badges"])
        badgesEntry["status"] = "pending"
        badgesEntry.removeValue(forKey: "address")
        var editedContracts = contracts
        editedContracts["Badges"] = badgesEntry
        edited["contracts"] = editedContracts
        try JSONSerialization.data(withJSONObject: edited).write(to: URL(fileURLWithPath: deployments + "/31337.json"))
        let resumed = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.value(arguments).utf8)) as? [String: Any])
        #expect((resumed["actions"] as? [String])?.contains { $0.hasPrefix("resumed Badges") } == true, "\(resumed)")
        #expect(try await client.nonce(of: deployer.address) == nonceBefore)

        let registryAddress = try address("ReceiptRegistry"), vaultAddress = try address("PredictionVault")
        let oracleAddress = try address("PriceOracle"), badgesAddress = try address("Badges")

        // The wiring, read through the bindings.
        let reader = ContractConnection(client: client, chainId: 31337)
        let registryView = ReceiptRegistry(address: registryAddress, connection: reader)
        let oracleView = PriceOracle(address: oracleAddress, connection: reader)
        let badgesView = Badges(address: badgesAddress, connection: reader)
        let vaultView = PredictionVault(address: vaultAddress, connection: reader)
        #expect(try await registryView.hasRole(arg0: try await registryView.writerRole(), arg1: writer.address))
        #expect(try await registryView.hasRole(arg0: try await registryView.defaultAdminRole(), arg1: admin.address))
        let adminRole = try await oracleView.defaultAdminRole()
        #expect(try await oracleView.hasRole(arg0: adminRole, arg1: admin.address))
        #expect(try await !oracleView.hasRole(arg0: adminRole, arg1: deployer.address))
        for reporter in reporters {
            #expect(try await oracleView.hasRole(arg0: try await oracleView.reporterRole(), arg1: reporter.address))
        }
        // Disputes work without a manual grant (the disputer defaults to the vault); the resolver is the admin, never
        // the deployer.
        #expect(try await oracleView.hasRole(arg0: try await oracleView.disputerRole(), arg1: vaultAddress))
        let resolverRole = try await oracleView.resolverRole()
        #expect(try await oracleView.hasRole(arg0: resolverRole, arg1: admin.address))
        #expect(try await !oracleView.hasRole(arg0: resolverRole, arg1: deployer.address))
        #expect(try await badgesView.isMinter(arg0: minter.address))
        #expect(try await badgesView.owner() == admin.address)
        #expect(try await badgesView.treasury() == vaultAddress)
        #expect(try await vaultView.getSigners() == signers.map(\.address).sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) })
        #expect(try await vaultView.threshold() == UInt256(3))

        // 2. Anchor a batch of receipts and verify one of them on chain.
        let now = try await timestamp(client)
        let settlesAt = SettlementSchedule.nextSettlement(after: now + 60)
        var receipts: [Receipts.Receipt] = []
        for i in 0..<5 {
            receipts.append(Receipts.Receipt(
                kind: .placement, predictionId: Keccak256.hash(utf8: "e2e-\(i)"),
                userCommitment: userCommitment(user: user, salt: Keccak256.hash(utf8: "salt-\(i)")),
                asset: try AssetID(symbol: "BTC-USD"), direction: i % 2 == 0 ? .up : .down, stake: UInt128(1_000_000 * (i + 1)),
                placedAt: now - 10, settlesAt: settlesAt, entryPrice: 0, settlementPrice: 0, outcome: .pending, payout: 0))
        }
        let batch = try ReceiptBatch(id: BatchID(kind: .placement, sequence: 1), receipts: receipts)
        let registry = ReceiptRegistry(address: registryAddress, connection: connection(writer, client))
        let range = batch.timeRange
        let anchorReceipt = try await registry.anchor(batchId: batch.id.word, kind: 1, root: batch.root, receiptCount: 5,
                                                      firstTime: range.first, lastTime: range.last)
        let anchored = try anchorReceipt.events(ReceiptRegistry.BatchAnchored.self, from: registryAddress)
        #expect(anchored.count == 1)
        #expect(anchored.first?.batchId == batch.id.word)
        let logged = try await registryView.fetchEvents(ReceiptRegistry.BatchAnchored.self)
        #expect(logged.map(\.batchId) == [batch.id.word])
        #expect(logged.first?.root == batch.root)
        // The calldata builders agree with the dynamic ABI coder.
        let calldata = try ReceiptRegistry.Calls.anchor(batchId: batch.id.word, kind: 1, root: batch.root, receiptCount: 5,
                                                        firstTime: range.first, lastTime: range.last)
        #expect(calldata == (try ABIFunction("anchor(bytes32,uint8,bytes32,uint32,uint64,uint64)").encodeCall([
            .fixedBytes(batch.id.word.bytes), .uint(1), .fixedBytes(batch.root.bytes), .uint(5),
            .uint(UInt256(range.first)), .uint(UInt256(range.last)),
        ])))
        let proofFile = try batch.proofFile(for: 3, chainId: 31337, registry: registryAddress)
        let onChainReceipt = try ReceiptRegistry.Receipt(
            abiValue: try ABI.decode(ReceiptRegistry.Receipt.abiType, from: proofFile.receipt.abiEncoded))
        #expect(try await registry.receiptLeaf(receipt: onChainReceipt) == proofFile.receipt.leaf)
        #expect(try await registry.verifyReceipt(batchId: batch.id.word, receipt: onChainReceipt, proof: proofFile.proof))
        var forged = onChainReceipt
        forged.stake += 1
        #expect(try await !registry.verifyReceipt(batchId: batch.id.word, receipt: forged, proof: proofFile.proof))
        let info = try await registry.batch(batchId: batch.id.word, root: batch.root)
        #expect(info.anchored && info.receiptCount == 5 && info.kind == 1)
        // A retried anchor of the same (batch, root) changes nothing and emits nothing; another root for the id
        // reverts, and the reason comes back decoded.
        let retried = try await registry.anchor(batchId: batch.id.word, kind: 1, root: batch.root, receiptCount: 5,
                                                firstTime: range.first, lastTime: range.last)
        #expect(try retried.events(ReceiptRegistry.BatchAnchored.self, from: registryAddress).isEmpty)
        await #expect {
            try await registry.anchor(batchId: batch.id.word, kind: 1, root: Keccak256.hash(utf8: "another root"), receiptCount: 5,
                                      firstTime: range.first, lastTime: range.last)
        } throws: { error in
            guard case .reverted(let revert?, _, _) = error as? ContractError, case .message(let m) = revert else { return false }
            return m.hasPrefix("registry:")
        }

        // 3. A 3-of-5 signed payout from the vault.
        let funder = TransactionSender(client: client, signer: KeySigner(key: deployer), chain: .local)
        let oneEther = UInt256(1_000_000_000_000_000_000 as UInt64)
        _ = try await funder.send(TransactionRequest(to: vaultAddress, value: oneEther * 3, chainId: 31337),
                                  options: SendOptions(replaceAfter: nil, pollInterval: .milliseconds(20)))
        let payout = PredictionVault.Payout(token: .zero, recipient: user, amount: oneEther, receipt: receipts[3].leaf)
        let nonce = try await vaultView.nonce()
        let deadline = UInt256(try await timestamp(client) + 3600)
        let message = PayoutBatchMessage(payouts: [payout], nonce: nonce, deadline: deadline)
        let domain = EIP712Domain(name: "SixNines PredictionVault", version: "1", chainId: UInt256(31337), verifyingContract: vaultAddress)
        let digest = try message.eip712Digest(domain: domain)
        #expect(try await vaultView.payoutBatchDigest(payouts: [payout], nonce: nonce, deadline: deadline) == digest)
        let chosen = [signers[0], signers[2], signers[4]].sorted { $0.address.bytes.lexicographicallyPrecedes($1.address.bytes) }
        let signatures = chosen.map { $0.signature(for: digest).rawRepresentation }
        let vault = PredictionVault(address: vaultAddress, connection: connection(devKeys[8], client))
        let paidReceipt = try await vault.executePayouts(payouts: [payout], nonce: nonce, deadline: deadline, signatures: signatures)
        let paid = try paidReceipt.events(PredictionVault.PayoutExecuted.self, from: vaultAddress)
        #expect(paid.map(\.recipient) == [user])
        #expect(paid.first?.amount == oneEther)
        #expect(try await client.balance(of: user) == oneEther)
        #expect(try await vaultView.paid(arg0: receipts[3].leaf))
        #expect(try await vaultView.nonce() == nonce + 1)
        // Two signatures are not enough.
        await #expect(throws: ContractError.self) {
            try await vault.executePayouts(payouts: [payout], nonce: nonce + 1, deadline: deadline, signatures: Array(signatures.prefix(2)))
        }

        // 4. Three reporters report a price; it is finalised and, after the dispute window, final.
        let asset = try AssetID(symbol: "BTC-USD").word
        let mark = SettlementSchedule.nextSettlement(after: try await timestamp(client))
        try await mine(at: mark + 5, client)
        for (i, reporter) in reporters.enumerated() {
            let oracle = PriceOracle(address: oracleAddress, connection: connection(reporter, client))
            try await oracle.submit(asset: asset, settlesAt: mark, price: UInt256(64_000_000_000 + UInt64(i) * 1_000_000))
        }
        #expect(try await oracleView.reports(asset: asset, settlesAt: mark).count == 3)
        let windowClosed = max(mark + UInt64(try await oracleView.reportWindow()) + 1, try await timestamp(client) + 1)
        try await mine(at: windowClosed, client)
        let anyone = PriceOracle(address: oracleAddress, connection: connection(devKeys[8], client))
        let finalized = try await anyone.finalize(asset: asset, settlesAt: mark)
        #expect(try finalized.events(PriceOracle.PriceFinalized.self, from: oracleAddress).first?.price == UInt256(64_001_000_000))
        let provisional = try await oracleView.price(asset: asset, settlesAt: mark)
        #expect(provisional.arg0 == UInt256(64_001_000_000))
        #expect(provisional.arg1 == 1)
        // The dispute window runs from the finalising block's time, which may be later than `windowClosed`
        // (the devnet's clock keeps running between blocks): count from the latest block, not from the request.
        try await mine(at: try await timestamp(client) + UInt64(try await oracleView.disputeWindow()) + 1, client)
        #expect(try await oracleView.price(asset: asset, settlesAt: mark).arg1 == 2)

        // 5. The minter mints a badge; its tokenURI is on-chain JSON.
        let badges = Badges(address: badgesAddress, connection: connection(minter, client))
        let firstWin = try await badgesView.firstWin()
        let minted = try await badges.mint(to: user, badgeClass: firstWin, season: 0)
        let transfer = try #require(try minted.events(Badges.Transfer.self, from: badgesAddress).first)
        #expect(transfer.receiver == user)
        #expect(try await badgesView.ownerOf(tokenId: transfer.tokenId) == user)
        #expect(try await badgesView.locked(tokenId: transfer.tokenId))
        let uri = try await badgesView.tokenURI(tokenId: transfer.tokenId)
        let prefix = "data:application/json;base64,"
        #expect(uri.hasPrefix(prefix))
        let json = try #require(Data(base64Encoded: String(uri.dropFirst(prefix.count))))
        let metadata = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(metadata["name"] is String && metadata["image"] is String)
        // Reads without a signer work; writes without one are refused before anything is sent.
        await #expect(throws: ContractError.noSigner(function: "set_minter(address,bool)")) {
            try await badgesView.setMinter(minter: user, status: true)
        }
    }

    @Test func deployOneContractAndRefuseBadInputBeforeSending() async throws {
        let client = RPCClient(urls: [url])
        defer { Task { await client.shutdown() } }
        let key = devKeyHex[7], me = devKeys[7].address
        let artifact = repositoryRoot.appendingPathComponent("ABI/ReceiptRegistry.json").path
        let base = ["--rpc-url", url, "--private-key", key]
        let nonce = try await client.nonce(of: me)

        // Refused before anything is sent: argument count and type, a value that is no amount,
        // a chain that is not the preset, a file that is no artifact, a key without funds.
        try CLI.fails(["deploy", artifact, me.checksummed] + base, mentioning: "expected 2 arguments")
        try CLI.fails(["deploy", artifact, me.checksummed, "0x1234"] + base, mentioning: "ReceiptRegistry constructor")
        try CLI.fails(["deploy", artifact, me.checksummed, me.checksummed, "--value", "1banana"] + base, mentioning: "--value")
        try CLI.fails(["deploy", artifact, me.checksummed, me.checksummed, "--chain", "polygon"] + base, mentioning: "not polygon (137)")
        try CLI.fails(["deploy", repositoryRoot.appendingPathComponent("Tests/Fixtures/protocol-vectors.json").path] + base,
                      mentioning: "protocol-vectors.json")
        let broke = "0x" + String(repeating: "17", count: 32)
        try CLI.fails(["deploy", artifact, me.checksummed, me.checksummed, "--rpc-url", url, "--private-key", broke],
                      mentioning: "insufficient balance for deploying ReceiptRegistry")
        #expect(try await client.nonce(of: me) == nonce)

        // A deployment: the address printed is the contract, whose code is the artifact's.
        let output = try CLI.value(["deploy", artifact, me.checksummed, me.checksummed, "--json"] + base)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let address = try Address(try #require(object["address"] as? String))
        #expect(object["codeVerified"] as? Bool == true)
        #expect((object["gasUsed"] as? Int ?? 0) > 0)
        #expect(object["contract"] as? String == "ReceiptRegistry")
        let hashText = try #require(object["transactionHash"] as? String)
        let blockNumber = try #require(object["blockNumber"] as? Int)
        let receipt = try #require(try await client.receipt(try Bytes32(hex: hashText)))
        #expect(receipt.contractAddress == address)
        #expect(receipt.blockNumber == UInt64(blockNumber))
        let registry = ReceiptRegistry(address: address, connection: ContractConnection(client: client, chainId: 31337))
        #expect(try await registry.hasRole(arg0: try await registry.writerRole(), arg1: me))
        // solc-style artifacts: code is compared with the immutables' byte ranges ignored, and nothing else.
        // Init code returning the runtime `PUSH1 0x2a; PUSH1 0; MSTORE; PUSH1 32; PUSH1 0; RETURN`, whose byte 1 is
        // an "immutable" (0x00 in the compiled runtime, 0x2a once deployed).
        func solcArtifact(runtime: String, references: String) throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-artifact-\(UUID()).json").path
            let text = """
                {"contractName": "Answer", "abi": [], "bytecode": {"object": "0x600a80600b6000396000f3602a60005260206000f3"},
                 "deployedBytecode": {"object": "\(runtime)", "immutableReferences": \(references)}}
                """
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let masked = try solcArtifact(runtime: "0x600060005260206000f3", references: #"{"7": [{"start": 1, "length": 1}]}"#)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.value(["deploy", masked, "--json"] + base).utf8)) as? [String: Any])
        #expect(answer["codeVerified"] as? Bool == true)
        try CLI.fails(["deploy", try solcArtifact(runtime: "0x600060005260206000f3", references: "{}")] + base,
                      mentioning: "is not Answer's deployed bytecode")
        try CLI.fails(["deploy", try solcArtifact(runtime: "0x600060005260206001f3", references: #"{"7": [{"start": 1, "length": 1}]}"#)] + base,
                      mentioning: "is not Answer's deployed bytecode")
        // Plain output is the address alone.
        let plain = try CLI.value(["deploy", artifact, me.checksummed, me.checksummed] + base)
        #expect(try Address(plain) != address)
    }

    @Test func deploySuiteRefusesBadConfigurations() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-config-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = devKeys[1].address.checksummed, b = devKeys[2].address.checksummed
        let good: [String: Any] = ["writer": a, "reporter": a, "minter": a, "signers": [a, b], "threshold": 2, "resolver": b,
                                   "artifacts": repositoryRoot.appendingPathComponent("ABI").path]
        func fails(_ edit: (inout [String: Any]) -> Void, mentioning fragment: String) throws {
            var config = good
            edit(&config)
            let path = dir.appendingPathComponent("\(UUID()).json").path
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
            try CLI.fails(["deploy-suite", "--config", path, "--deployments", dir.path, "--rpc-url", url,
                           "--private-key", devKeyHex[8]], mentioning: fragment)
        }
        try fails({ $0["writter"] = a }, mentioning: "unknown key \"writter\"")
        try fails({ $0.removeValue(forKey: "writer") }, mentioning: "\"writer\" must be an address")
        try fails({ $0["minter"] = "0x1234" }, mentioning: "\"minter\"")
        try fails({ $0["signers"] = [a, a] }, mentioning: "listed twice")
        try fails({ $0["tokens"] = [a] }, mentioning: "same length")
        try fails({ $0.removeValue(forKey: "reporter") }, mentioning: "reporters")
        try fails({ $0["chainId"] = 137 }, mentioning: "config is for chain 137")
        try fails({ $0["artifacts"] = dir.path }, mentioning: "ReceiptRegistry.json")
        try fails({ $0.removeValue(forKey: "resolver") }, mentioning: "give \"resolver\"")
        try fails({ $0["threshold"] = 3 }, mentioning: "between 2 and the number of signers")
        try fails({ $0["writer"] = "0x0000000000000000000000000000000000000000" }, mentioning: "zero address")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { $0.hasSuffix(".json") && $0 != "31337.json" })
    }
}
