import EVM
import Receipts
import TestSupport
import DevnetSupport
import Foundation
import Testing

/// A devnet for the chain commands, started once for this test process (stops when the tests exit).
private let chainDevnet = launchDevnet()

@Suite("sixnines chain commands", .serialized)
struct ChainCommandTests {
    var url: String { chainDevnet.url }

    @Test func readsTheChain() throws {
        #expect(try CLI.value(["chain-id", "--rpc-url", url]) == "31337")
        #expect(Int(try CLI.value(["block-number", "--rpc-url", url])) != nil)
        let account = chainDevnet.accounts[9]
        #expect(try CLI.value(["balance", account, "--ether", "--rpc-url", url]) == "10000")
        #expect(try CLI.value(["balance", account, "--rpc-url", url]) == "10000000000000000000000")
        #expect(try CLI.value(["nonce", account, "--rpc-url", url]) == "0")
        #expect(try CLI.value(["code", account, "--rpc-url", url]) == "0x")
        #expect(try CLI.value(["gas-price", "--rpc-url", url]).allSatisfy(\.isNumber))
        let fees = try CLI.value(["fee-history", "--rpc-url", url, "--chain", "local"]).split(separator: "\n")
        #expect(fees.count == 2 && fees[0].hasPrefix("maxFeePerGas ") && fees[1].hasPrefix("maxPriorityFeePerGas "))
        let backwards = try CLI.run(["logs", "--from-block", "10", "--to-block", "1", "--rpc-url", url])
        #expect(backwards.status == 64 && backwards.stdout.isEmpty && backwards.stderr.contains("empty range"), "\(backwards.stderr)")
        let polygonFloor = try CLI.run(["fee-history", "--rpc-url", url, "--chain", "polygon"])
        #expect(polygonFloor.status == 1)
        #expect(polygonFloor.stderr.contains("not polygon"))
        let hash = try CLI.value(["block", "0", "--rpc-url", url])
        #expect(hash.hasPrefix("0x") && hash.count == 66)
        let json = try CLI.value(["block", "latest", "--json", "--rpc-url", url])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["hash"] is String)
    }

    @Test func failoverAndEnvironment() throws {
        #expect(try CLI.value(["chain-id", "--rpc-url", "http://127.0.0.1:1", "--rpc-url", url]) == "31337")
        setenv("SIXNINES_RPC_URL", url, 1)
        defer { unsetenv("SIXNINES_RPC_URL") }
        #expect(try CLI.value(["chain-id"]) == "31337")
    }

    @Test func receiptOfASentTransaction() throws {
        // Send with the devnet's eth_sendTransaction (prefunded account) through a raw JSON-RPC post.
        let from = chainDevnet.accounts[8]
        let body = #"{"jsonrpc":"2.0","id":1,"method":"eth_sendTransaction","params":[{"from":"\#(from)","to":"\#(chainDevnet.accounts[7])","value":"0x1"}]}"#
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        curl.arguments = ["curl", "-s", "-H", "Content-Type: application/json", "-d", body, url]
        let out = Pipe()
        curl.standardOutput = out
        let curlExit = try curl.start()
        let answer = out.fileHandleForReading.readDataToEndOfFile()
        curlExit.wait()
        let object = try #require(try JSONSerialization.jsonObject(with: answer) as? [String: Any])
        let hash = try #require(object["result"] as? String)
        let plain = try CLI.value(["tx-receipt", hash, "--rpc-url", url]).split(separator: "\n")
        #expect(plain.first == "success")
        let json = try CLI.value(["tx-receipt", hash, "--json", "--confirmations", "1", "--rpc-url", url])
        let receipt = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(receipt["status"] as? Int == 1)
        try CLI.fails(["tx-receipt", "0x" + String(repeating: "0", count: 64), "--rpc-url", url], mentioning: "no receipt")
        #expect(try CLI.value(["estimate", chainDevnet.accounts[7], "--value", "1", "--from", from, "--rpc-url", url]) == "21000")
        // A plain transfer has no logs.
        #expect(try CLI.value(["logs", "--from-block", "0", "--to-block", "latest", "--event", "Transfer(address,address,uint256)", "--rpc-url", url]) == "")
        #expect(try CLI.value(["logs", "--json", "--rpc-url", url]) == "[]")
    }

    @Test func sendsSignedTransactions() throws {
        // Account 5 of the devnet (its key is public: docs/DEVNET.md).
        let key = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"
        let lines = try CLI.value(["send", chainDevnet.accounts[6], "--value", "1gwei", "--private-key", key, "--rpc-url", url]).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("0x") && lines[0].count == 66)
        #expect(lines[1] == "success")
        let hash = try CLI.value(["send", chainDevnet.accounts[6], "--value", "1", "--async", "--private-key", key, "--rpc-url", url])
        #expect(hash.count == 66)
        let receipt = try CLI.value(["tx-receipt", hash, "--confirmations", "1", "--rpc-url", url]).split(separator: "\n")
        #expect(receipt.first == "success")
        try CLI.fails(["send", chainDevnet.accounts[6], "--rpc-url", url, "--private-key", "0x12"], mentioning: "--private-key")
    }

    @Test func deploysAndCallsAContract() throws {
        // Account 4 of the devnet; the contract is Tests/EVMRPCTests/Support/Probe.swift's (Vyper).
        let key = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"
        let lines = try CLI.value(["send", "--create", "--data", "0x6101c8610011610000396101c8610000f35f3560e01c60026005820660011b6101be01601e395f51565b63773acdef8118610062576024361034176101ba57600435600155337ffd8d0c1dc3ab254ec49463a1192bb2423b3b851adedec1aa94dcd362dc063c9d60043560405260206040a2005b631a25ab1b81186101b657346101ba5760046040527fdeadbeef000000000000000000000000000000000000000000000000000000006060526040805160208201fd5b63132e4f3c8118610152576024361034176101ba57600960043511156101365760208060a05260076040527f746f6f206269670000000000000000000000000000000000000000000000000060605260408160a001602782825e8051806020830101601f825f03163682375050601f19601f8251602001011690509050810190506308c379a060805280600401609cfd5b6004358060011b818160011c186101ba57905060405260206040f35b63e582dd3181186101b657346101ba5760015460405260206040f35b6399a0ce44811861019b576024361034176101ba5760043580156101ba5780606404905060405260206040f35b6339f028b981186101b657346101ba575f5460405260206040f35b5f5ffd5b5f80fd01b60018016e01b600a585582003511066937519afc2d5b92740614fa68fcc757f5bd77cd5f3e05ca9baf39d8d1901c8810a00a1657679706572830004030036", "--private-key", key, "--rpc-url", url]).split(separator: "\n")
        #expect(lines.count == 4)
        let contract = String(try #require(lines.last))
        #expect(try CLI.value(["call", contract, "fail(uint256)(uint256)", "4", "--rpc-url", url]) == "8")
        #expect(try CLI.value(["call", contract, "fail(uint256)(uint256)", "4", "--json", "--rpc-url", url]) == #"["8"]"#)
        try CLI.fails(["call", contract, "fail(uint256)(uint256)", "11", "--rpc-url", url], mentioning: "too big")
        _ = try CLI.value(["send", contract, "ping(uint256)", "42", "--private-key", key, "--rpc-url", url])
        #expect(try CLI.value(["call", contract, "stored()(uint256)", "--rpc-url", url]) == "42")
        let logs = try CLI.value(["logs", "--address", contract, "--event", "Ping(address,uint256)", "--rpc-url", url]).split(separator: "\n")
        #expect(logs.count == 1)
        let decoded = try CLI.value(["logs", "--address", contract, "--event", "event Ping(address indexed sender, uint256 value)", "--rpc-url", url])
        #expect(decoded.hasSuffix("Ping(sender=0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65, value=42)"), "\(decoded)")
    }

    @Test func errors() throws {
        try CLI.fails(["balance", "0x1234", "--rpc-url", url], mentioning: "20 bytes")
        try CLI.fails(["chain-id", "--rpc-url", "http://127.0.0.1:1", "--timeout", "2"], mentioning: "connection refused: http://127.0.0.1:1")
        #expect(try CLI.run(["chain-id", "--chain", "nope"]).status == 64)
    }
}

/// `receipt verify --rpc-url` against a ReceiptRegistry deployed on the devnet from ABI/ReceiptRegistry.json.
extension ChainCommandTests {
    @Test func receiptProofsVerifyInTheDeployedRegistry() throws {
        // Account 7 of the devnet (its key is public: docs/DEVNET.md): admin and writer.
        let key = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"
        let writer = try CLI.value(["wallet", "address", "--private-key", key])
        let artifact = try #require(try fixtureJSONAtRoot("ABI/ReceiptRegistry.json") as? [String: Any])
        let bytecode = try #require(artifact["bytecode"] as? String)
        let arguments = try CLI.value(["abi", "encode", "(address,address)", writer, writer])
        let deployed = try CLI.value(["send", "--create", "--data", bytecode + arguments.dropFirst(2), "--private-key", key,
                                      "--rpc-url", url]).split(separator: "\n")
        let registry = String(try #require(deployed.last))
        // A forger's registry: the same code, deployed by someone else, with the forger's own batches in it.
        let forger = String(try #require(try CLI.value(["send", "--create", "--data", bytecode + arguments.dropFirst(2), "--private-key", key,
                                                        "--rpc-url", url]).split(separator: "\n").last))
        let block = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.value(["block", "latest", "--json", "--rpc-url", url]).utf8)) as? [String: Any])
        let now = UInt64(try #require(block["timestamp"] as? Int))

        // Two fresh placements for the round after now, and the fixture's placement whose round settled long ago.
        let vectors = try #require(try fixtureJSONAtRoot("Tests/Fixtures/protocol-vectors.json") as? [String: Any])
        let old = try JSONDecoder().decode(Receipt.self, from: JSONSerialization.data(
            withJSONObject: try #require((vectors["placementReceipts"] as? [[String: Any]])?.first?["fields"])))
        var fresh = old
        fresh.placedAt = now - 5
        fresh.settlesAt = SettlementSchedule.nextSettlement(after: now + 60)
        var other = fresh
        other.predictionId = Keccak256.hash(utf8: "prediction-fresh-2")
        let batch = try ReceiptBatch(id: BatchID(kind: .placement, sequence: 77), receipts: [fresh, other, old])
        let range = batch.timeRange
        for target in [registry, forger] {
            _ = try CLI.value(["send", target, "anchor(bytes32,uint8,bytes32,uint32,uint64,uint64)", batch.id.word.description, "1",
                               batch.root.description, "3", "\(range.first)", "\(range.last)", "--private-key", key, "--rpc-url", url])
        }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-onchain-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func proofFile(_ index: Int, _ edit: (inout ReceiptProofFile) -> Void = { _ in }) throws -> String {
            var file = try batch.proofFile(for: index, chainId: 31337, registry: try Address(registry))
            edit(&file)
            let path = dir.appendingPathComponent("\(UUID()).json").path
            try file.jsonData().write(to: URL(fileURLWithPath: path))
            return path
        }
        func failed(_ path: String) throws -> [String] {
            let result = try CLI.run(["receipt", "verify", path, "--json", "--rpc-url", url, "--registry", registry])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect((object["valid"] as? Bool) == (result.status == 0))
            let checks = try #require(object["checks"] as? [[String: Any]])
            return checks.filter { $0["passed"] as? Bool == false }.compactMap { $0["name"] as? String }
        }
        // A fresh placement: every offline and on-chain check holds, against the registry the user trusts.
        let good = try CLI.value(["receipt", "verify", try proofFile(0), "--rpc-url", url, "--registry", registry])
        #expect(good.hasPrefix("VALID"))
        #expect(good.contains("[ok] trusted registry"))
        // Nothing vouches for the registry the file names: UNCHECKED (exit 2), unless the user says to trust it.
        let unvouched = try CLI.run(["receipt", "verify", try proofFile(0), "--rpc-url", url, "--deployments", dir.path])
        #expect(unvouched.status == 2 && unvouched.stdout.hasPrefix("UNCHECKED: registry"), "\(unvouched.stdout)")
        #expect(try CLI.run(["receipt", "verify", try proofFile(0), "--rpc-url", url, "--deployments", dir.path,
                             "--trust-proof-registry"]).status == 0)
        // The trusted registry from deployments/<chain-id>.json.
        try Data("{\"chainId\": 31337, \"deployer\": \"\(writer)\", \"contracts\": {\"ReceiptRegistry\": {\"name\": \"ReceiptRegistry\", \"address\": \"\(registry)\", \"transactionHash\": \"0x\(String(repeating: "11", count: 32))\", \"artifactHash\": \"0x\(String(repeating: "22", count: 32))\", \"constructorArguments\": \"0x\", \"status\": \"deployed\"}}}".utf8)
            .write(to: dir.appendingPathComponent("31337.json"))
        #expect(try CLI.run(["receipt", "verify", try proofFile(0), "--rpc-url", url, "--deployments", dir.path]).status == 0)
        // A forged file naming the forger's registry passes every check in that registry, but is INVALID against the
        // trusted one, whichever way it is named.
        let forged = try proofFile(0) { $0.registry = try! Address(forger) }
        #expect(try CLI.run(["receipt", "verify", forged, "--rpc-url", url, "--trust-proof-registry"]).status == 0)
        #expect(try failed(forged) == ["trusted registry"])
        let viaRecords = try CLI.run(["receipt", "verify", forged, "--rpc-url", url, "--deployments", dir.path])
        #expect(viaRecords.status == 1 && viaRecords.stdout.contains("[FAIL] trusted registry"), "\(viaRecords.stdout)")
        // A dead node: UNCHECKED, exit 2, never VALID.
        let dead = try CLI.run(["receipt", "verify", try proofFile(0), "--rpc-url", "http://127.0.0.1:1", "--registry", registry,
                                "--timeout", "2"])
        #expect(dead.status == 2 && dead.stdout.hasPrefix("UNCHECKED: the chain could not be read"), "\(dead.stdout)")
        for name in ["registry verify_receipt", "anchored batch", "anchored before settlement", "chain id"] {
            #expect(good.contains("[ok] \(name)"), "\(good)")
        }
        #expect(try failed(try proofFile(1)).isEmpty)
        // Anchored after its round settled: only that check fails, loudly.
        #expect(try failed(try proofFile(2)) == ["anchored before settlement"])
        // A tampered receipt fails offline and in the registry; a wrong registry or chain is caught.
        #expect(try failed(try proofFile(0) { $0.receipt.stake += 1 }) == ["leaf", "merkle proof", "registry verify_receipt"])
        #expect(try failed(try proofFile(0) { $0.registry = try! Address(writer) }).contains("trusted registry"))
        #expect(try failed(try proofFile(0) { $0.chainId = 137 }) == ["chain id"])

        // Multiproofs built in Swift verify in the registry; a bent one and an empty one do not.
        let signature = "verify_multi(bytes32,bytes32[],bytes32[],bool[])(bool)"
        func list(_ words: [Bytes32]) -> String { "[" + words.map(\.description).joined(separator: ",") + "]" }
        func flags(_ bits: [Bool]) -> String { "[" + bits.map { $0 ? "true" : "false" }.joined(separator: ",") + "]" }
        for indices in [[0], [0, 2], [1, 2], [0, 1, 2]] {
            let multi = try batch.tree.multiProof(forLeaves: indices)
            #expect(try CLI.value(["call", registry, signature, batch.id.word.description, list(multi.leaves), list(multi.proof),
                                   flags(multi.proofFlags), "--rpc-url", url]) == "true", "leaves \(indices)")
            var bent = multi
            bent.leaves[0] = Keccak256.hash(bent.leaves[0])
            #expect(try CLI.value(["call", registry, signature, batch.id.word.description, list(bent.leaves), list(bent.proof),
                                   flags(bent.proofFlags), "--rpc-url", url]) == "false", "leaves \(indices)")
        }
        #expect(try CLI.value(["call", registry, signature, batch.id.word.description, "[]", list([batch.root]), "[]",
                               "--rpc-url", url]) == "false")
    }
}

/// A JSON file relative to the repository root (TestSupport's `repositoryRoot`).
private func fixtureJSONAtRoot(_ path: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(contentsOf: repositoryRoot.appendingPathComponent(path)))
}

/// Fifty `sixnines send` processes from one key at once (issue: parallel sends from one key).
extension ChainCommandTests {
    @Test func fiftyConcurrentSendProcessesTakeTheNextFiftyNonces() throws {
        // A fresh key funded by a devnet account, so no other test uses its nonces.
        let key = "0x" + Keccak256.hash(utf8: "fifty-senders-\(UUID())").description.dropFirst(2)
        let sender = try CLI.value(["wallet", "address", "--private-key", key])
        _ = try CLI.value(["send", sender, "--value", "10ether", "--private-key",
                           "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97", "--rpc-url", url])
        let start = UInt64(try CLI.value(["nonce", sender, "--rpc-url", url]))!
        let recipients = (0..<50).map { "0x" + String(format: "%040x", 0xB0B0_0000 + $0) }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-cache-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var processes: [(Process, ProcessExit, Pipe, Pipe)] = []
        for recipient in recipients {
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = ["send", recipient, "--value", "1000", "--private-key", key, "--rpc-url", url, "--json"]
            var environment = ProcessInfo.processInfo.environment
            environment["SIXNINES_CACHE_DIR"] = cache
            process.environment = environment
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            let processExit = try process.start()
            processes.append((process, processExit, out, err))
        }
        var failures: [String] = []
        for (process, processExit, out, err) in processes {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            processExit.wait()
            if process.terminationStatus != 0 {
                failures.append("exit \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self)) \(String(decoding: stdout, as: UTF8.self))")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        // Exactly the next fifty nonces, and every recipient paid exactly once.
        #expect(try CLI.value(["nonce", sender, "--rpc-url", url]) == "\(start + 50)")
        for recipient in recipients {
            #expect(try CLI.value(["balance", recipient, "--rpc-url", url]) == "1000", "\(recipient)")
        }
    }
}
