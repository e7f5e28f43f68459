import BatchWriter
import DevnetSupport
import EVM
import EVMRPC
import EVMSigner
import Foundation
import GRDB
import PredictionStore
import Receipts
import SixNinesContracts
import TestSupport
import Testing

private let postgresDevnetURL = launchDevnet()


@Suite("Three daemons with three keys on one PostgreSQL database, against the devnet", .serialized)
struct PostgresDaemonTests {
    let client = RPCClient(urls: [postgresDevnetURL])

    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-daemons-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A registry whose writers are dev keys 1, 2 and 3.
    func registryForThreeWriters() async throws -> Address {
        let registry = try await deployRegistry(client: client, writer: devKeys[1].address)
        let sender = TransactionSender(client: client, signer: KeySigner(key: devKeys[0]), chain: .local)
        let admin = ReceiptRegistry(address: registry, connection: ContractConnection(
            sender: sender, chainId: 31337, sendOptions: SendOptions(replaceAfter: nil, pollInterval: .milliseconds(20), timeout: .seconds(60))))
        let role = try await admin.writerRole()
        for key in devKeys[2...3] { try await admin.grantRole(role: role, account: key.address) }
        return registry
    }

    @Test func threeDaemonsShareTheWorkAndAnchorEveryReceiptOnceEachWithItsOwnKey() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try await registryForThreeWriters()
        let url = try testPostgresCluster.get().createDatabase(prefix: "daemons")
        // The prediction core's SQLite database: every daemon may claim its outbox (one claimer at a time).
        let core = dir.appendingPathComponent("core.sqlite").path
        let now = try #require(try await client.block(.latest)).timestamp
        let fromOutbox = (0..<150).map { makeReceipt($0, kind: .placement, placedAt: now - 2, tag: "outbox") }
        let corePool = try DatabasePool(path: core)
        try await corePool.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, leaf BLOB NOT NULL, receipt BLOB NOT NULL)")
            for r in fromOutbox {
                try db.execute(sql: "INSERT INTO outbox(kind, leaf, receipt) VALUES (?, ?, ?)",
                               arguments: [Int64(r.kind.rawValue), Data(r.leaf.bytes), Data(r.abiEncoded)])
            }
        }
        var daemons: [DaemonProcess] = []
        defer { for d in daemons where d.process.isRunning { d.kill() } }
        for i in 1...3 {
            let config = try daemonConfig(dir: dir, database: url, rpc: postgresDevnetURL, registry: registry, extra: [
                "writer_key": devKeyHex[i], "outbox_database": core, "max_batch_size": 20, "max_age_ms": 100, "poll_interval_ms": 20,
            ])
            daemons.append(try DaemonProcess(config: config, logDirectory: dir))
        }
        // Producers post to every daemon in turn while all three close and anchor.
        var posted: [Receipts.Receipt] = []
        for round in 0..<30 {
            let receipts = (0..<20).map { makeReceipt(round * 20 + $0, kind: round % 5 == 4 ? .settlement : .placement, placedAt: now - 2, tag: "post") }
            let (status, answer) = try await daemons[round % 3].json("POST", "/v1/receipts", body: try receiptsBody(receipts))
            #expect(status == 200, "\(answer)")
            posted += receipts
        }
        let expected = Set((posted + fromOutbox).map(\.leaf))
        let store = try await PostgresBatchQueue(url: url)
        try await eventually(120, "every receipt in a final batch") {
            let backlog = try await store.backlog().values.reduce(0, +)
            let final = try await store.batches(kind: nil, states: [.final], after: nil, limit: .max).reduce(0) { $0 + $1.count }
            return backlog == 0 && final == expected.count
        }
        for daemon in daemons { #expect(daemon.terminate() == 0) }

        // Every receipt in exactly one final batch; every batch anchored exactly once, by the key that signed it.
        let events = try await ReceiptRegistry(address: registry, connection: ContractConnection(client: client, chainId: 31337))
            .fetchEvents(ReceiptRegistry.BatchAnchored.self)
        var anchoredBy: [Bytes32: [Address]] = [:]
        for e in events { anchoredBy[e.batchId, default: []].append(e.writer) }
        let batches = try await store.batches(kind: nil, states: [], after: nil, limit: .max)
        var seen = Set<Bytes32>()
        var perWriter: [Address: Int] = [:]
        var nonces: [Address: [UInt64]] = [:]
        for batch in batches {
            #expect(batch.state == .final, "batch \(batch.id) is \(batch.state)")
            let transactions = try await store.transactions(of: batch.id)
            let senders = Set(transactions.compactMap(\.sender))
            #expect(senders.count == 1 && transactions.allSatisfy { $0.sender != nil }, "batch \(batch.id): senders \(senders)")
            let sender = try #require(senders.first)
            perWriter[sender, default: 0] += 1
            nonces[sender, default: []] += transactions.map(\.nonce)
            #expect(anchoredBy[batch.id.word] == [sender], "batch \(batch.id) anchored by \(anchoredBy[batch.id.word] ?? [])")
            #expect(try await RPCAnchorChain(client: client, signer: KeySigner(key: devKeys[1]), chain: .local, chainId: 31337, registry: registry)
                .anchoredAt(batch.id, root: batch.root) == batch.anchoredAt)
            for r in try await store.receipts(of: batch.id) {
                #expect(seen.insert(r.leaf).inserted, "receipt \(r.leaf) in two batches")
                #expect(MerkleTree.verify(root: batch.root, leaf: r.leaf, proof: r.proof ?? []))
            }
        }
        #expect(seen == expected)
        #expect(events.count == batches.count)
        // Load spread over the three daemons, each with its own key and its own nonces.
        #expect(Set(perWriter.keys) == Set(devKeys[1...3].map(\.address)), "batches per writer: \(perWriter)")
        for (writer, used) in nonces {
            let account = try await client.nonce(of: writer)
            #expect(used.max().map { $0 < account } == true, "writer \(writer): nonces \(used.sorted()) vs account \(account)")
        }
        // The proof of any receipt verifies on chain through the CLI, from the PostgreSQL store.
        let file = dir.appendingPathComponent("proof.json").path
        let proof = try CLI.run(["receipt", "proof", fromOutbox[7].leaf.description, "--db", url, "--output", file])
        #expect(proof.status == 0, "\(proof.stderr)")
        let verify = try CLI.run(["receipt", "verify", file, "--rpc-url", postgresDevnetURL, "--registry", registry.description])
        #expect(verify.stdout.contains("VALID"), "\(verify.stdout)\(verify.stderr)")
        let status = try CLI.run(["daemon", "status", "--db", url, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["finalBatches"] as? Int == batches.count)
        await store.shutdown()
    }

    @Test func aBadOrUnreachableDatabaseURLIsAClearErrorWithExitCode1() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = devKeys[2].address
        let bad = try daemonConfig(dir: dir, database: "postgres://u@127.0.0.1:99999/x", rpc: postgresDevnetURL, registry: registry)
        let refused = try CLI.run(["daemon", "run", "--config", bad])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("database"), "\(refused.stderr)")
        let unreachable = try daemonConfig(dir: dir, database: "postgres://postgres@127.0.0.1:1/none", rpc: postgresDevnetURL, registry: registry)
        let failed = try CLI.run(["daemon", "run", "--config", unreachable])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("postgres"), "\(failed.stderr)")
        let list = try CLI.run(["batch", "list", "--db", "postgres://postgres@127.0.0.1:1/none"])
        #expect(list.status == 1)
    }
}
