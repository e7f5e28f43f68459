import BatchWriter
import EVM
import EVMRPC
import EVMSigner
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import SixNinesContracts
import TestSupport
import Testing

private let devnetURL = launchDevnet()

@Suite("The batch writer against the devnet", .serialized)
struct DevnetAnchoringTests {
    @Test func anchorsBatchesAndEveryStoredProofVerifiesWithReceiptVerify() async throws {
        let client = RPCClient(urls: [devnetURL])
        defer { Task { await client.shutdown() } }
        let writer = devKeys[1]
        let registry = try await deployRegistry(client: client, writer: writer.address)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("devnet-batch-\(UUID()).sqlite").path
        let queue = try SQLiteBatchQueue(path: path)
        let chain = RPCAnchorChain(client: client, signer: KeySigner(key: writer), chain: .local, chainId: 31337, registry: registry)
        var configuration = BatchWriterConfiguration()
        configuration.maxBatchSize = 100
        let engine = try await BatchWriterEngine(queue: queue, chain: chain, configuration: configuration)

        let now = try await chain.head().timestamp
        let placements = (0..<250).map { makeReceipt($0, kind: .placement, placedAt: now - 5, tag: "lib") }
        let settlements = (0..<30).map { makeReceipt($0, kind: .settlement, placedAt: now - 5, tag: "lib") }
        #expect(try await engine.ingest(placements + settlements).allSatisfy { $0 == .stored })
        let report = try await engine.step(flush: true)
        #expect(report.closed.count == 4)  // 100 + 100 + 50 placements, 30 settlements
        try await eventually(120, "every batch final") {
            try await engine.step()
            return try await queue.batches(kind: nil, states: [.final], after: nil, limit: 100).count == 4
        }
        // Each batch id anchored exactly once, with its root.
        let events = try await anchorEvents(client: client, registry: registry)
        let batches = try await queue.batches(kind: nil, states: [], after: nil, limit: 100)
        for batch in batches {
            #expect(events[batch.id.word] == 1)
            #expect(try await chain.anchoredAt(batch.id, root: batch.root) == batch.anchoredAt)
            let transactions = try await queue.transactions(of: batch.id)
            #expect(transactions.count == 1)
            #expect(transactions[0].gasUsed.map { $0 < 100_000 } == true, "gas \(String(describing: transactions[0].gasUsed))")
        }
        #expect(events.count == 4)
        // Placement batches record their lead before settlement.
        for batch in batches where batch.id.kind == .placement { #expect(batch.leadTime.map { $0 > 60 } == true) }

        // Proof files through the CLI, verified on chain by `receipt verify`.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("proofs-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for receipt in [placements[0], placements[149], placements[249], settlements[7]] {
            let file = dir.appendingPathComponent("\(receipt.leaf).json").path
            let proof = try CLI.run(["receipt", "proof", receipt.leaf.description, "--db", path, "--output", file])
            #expect(proof.status == 0, "\(proof.stderr)")
            let verify = try CLI.run(["receipt", "verify", file, "--rpc-url", devnetURL, "--registry", registry.description])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.contains("VALID"))
        }
        // An unknown receipt, and the batch views.
        #expect(try CLI.run(["receipt", "proof", Bytes32.zero.description, "--db", path]).status == 1)
        let list = try CLI.run(["batch", "list", "--db", path, "--json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        #expect((listed["batches"] as? [Any])?.count == 4)
        let show = try CLI.run(["batch", "show", "placement:1", "--db", path, "--json"])
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(shown["state"] as? String == "final")
        #expect((shown["transactions"] as? [Any])?.count == 1)
        #expect((shown["receiptIds"] as? [Any])?.count == 100)
        let status = try CLI.run(["daemon", "status", "--db", path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["finalBatches"] as? Int == 4)
        #expect(object["openBatches"] as? Int == 0)
    }

    @Test func anchorsYesterdaysPriceRootUnderItsDayNumberAndItsLeavesVerifyOnChain() async throws {
        let client = RPCClient(urls: [devnetURL])
        defer { Task { await client.shutdown() } }
        let writer = devKeys[1]
        let registry = try await deployRegistry(client: client, writer: writer.address)
        let chain = RPCAnchorChain(client: client, signer: KeySigner(key: writer), chain: .local, chainId: 31337, registry: registry)
        let day = try await chain.head().timestamp / 86_400 - 1
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("devnet-prices-\(UUID()).sqlite").path
        let core = try DurableEngine(path: path, configuration: EngineConfiguration(
            limits: try StakeLimits(minimum: 1, maximum: 1_000_000_000, exposureCap: 1_000_000_000_000), entropy: .seeded(3)))
        let asset = try AssetID(symbol: "ETH-USD")
        try core.addAsset(asset)
        var history = PriceHistory()
        for k in 0..<5 {
            let mark = day * 86_400 + 540 + UInt64(k) * 600
            let price = 345_678_901_234 + UInt64(k)
            try core.lock(asset: asset, settlesAt: mark, price: price)
            _ = try core.settle(asset: asset, settlesAt: mark, price: price)
            history.recordMark(asset: asset, settlesAt: mark, price: price)
        }
        var configuration = BatchWriterConfiguration()
        configuration.dailyRootDelaySeconds = 0
        let engine = try await BatchWriterEngine(queue: try SQLiteBatchQueue(path: path), chain: chain, configuration: configuration,
                                                 prices: try CorePriceLog(path: path))
        let id = BatchID(kind: .dailyPriceRoot, sequence: day)
        try await eventually(120, "the daily price root final") {
            try await engine.step()
            return try await engine.queue.batch(id)?.state == .final
        }
        let expected = try history.dailyPriceRoot(day: day)
        #expect(try await chain.anchoredAt(id, root: expected.root) != nil)
        let binding = ReceiptRegistry(address: registry, connection: ContractConnection(client: client, chainId: 31337))
        for (index, leaf) in expected.leaves.enumerated() {
            #expect(try await binding.verify(batchId: id.word, leaf: leaf.leaf, proof: try expected.tree.proof(forLeaf: index)))
        }
        #expect(try await anchorEvents(client: client, registry: registry)[id.word] == 1)
    }
}
