import BatchWriter
import EVM
import EVMRPC
import Foundation
import GRDB
import PredictionStore
import Receipts
import SixNinesContracts
import Synchronization
import TestSupport
import Testing

private let daemonDevnetURL = launchDevnet()

@Suite("sixnines daemon run: HTTP API, lifecycle and crashes on the devnet", .serialized)
struct DaemonTests {
    let client = RPCClient(urls: [daemonDevnetURL])

    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("daemon-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func chainTime() async throws -> UInt64 { try #require(try await client.block(.latest)).timestamp }

    @Test func servesTheAPIAndStopsOnSIGTERM() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try await deployRegistry(client: client, writer: devKeys[1].address)
        let database = dir.appendingPathComponent("db.sqlite").path
        let daemon = try DaemonProcess(config: try daemonConfig(dir: dir, database: database, rpc: daemonDevnetURL, registry: registry),
                                       logDirectory: dir)
        var stopped = false
        defer { if !stopped { daemon.kill() } }
        #expect(daemon.base.hasPrefix("http://127.0.0.1:"))

        let (healthStatus, _) = try await daemon.request("GET", "/health")
        #expect(healthStatus == 200)
        let (readyStatus, ready) = try await daemon.json("GET", "/ready")
        #expect(readyStatus == 200, "\(ready)")

        let now = try await chainTime()
        let receipts = (0..<120).map { makeReceipt($0, kind: .placement, placedAt: now - 2, tag: "api") }
        let (status, answer) = try await daemon.json("POST", "/v1/receipts", body: try receiptsBody(receipts))
        #expect(status == 200, "\(answer)")
        #expect(answer["stored"] as? Int == 120)
        // Idempotent.
        let (again, second) = try await daemon.json("POST", "/v1/receipts", body: try receiptsBody(Array(receipts[0..<3])))
        #expect(again == 200)
        #expect(second["duplicates"] as? Int == 3)

        // Bad bodies: 4xx naming the field, nothing stored.
        func rejects(_ body: String, status expected: Int, field: String) async throws {
            let (code, object) = try await daemon.json("POST", "/v1/receipts", body: Data(body.utf8))
            #expect(code == expected, "\(body.prefix(80)) → \(code) \(object)")
            #expect(object["field"] as? String == field, "\(object)")
        }
        var fields = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(makeReceipt(999, kind: .placement, placedAt: now - 2, tag: "bad"))) as? [String: Any])
        func body(_ edit: (inout [String: Any]) -> Void) -> String {
            var copy = fields
            edit(&copy)
            return String(decoding: try! JSONSerialization.data(withJSONObject: [copy]), as: UTF8.self)
        }
        try await rejects("{}", status: 400, field: "body")
        try await rejects("not json", status: 400, field: "body")
        try await rejects(body { $0["stake"] = "twelve" }, status: 400, field: "[0].stake")
        try await rejects(body { $0["stake"] = -5 }, status: 400, field: "[0].stake")
        try await rejects(body { $0.removeValue(forKey: "asset") }, status: 400, field: "[0].asset")
        try await rejects(body { $0["colour"] = "red" }, status: 400, field: "[0].colour")
        try await rejects(body { $0["kind"] = 7 }, status: 400, field: "[0].kind")
        try await rejects(body { $0["settlesAt"] = 1_000 }, status: 400, field: "[0].settlesAt")
        try await rejects(body { $0["leaf"] = Bytes32.zero.description }, status: 422, field: "[0].leaf")
        var conflicting = receipts[0]
        conflicting.stake += 1
        let conflictBody = String(decoding: try receiptsBody([conflicting]), as: UTF8.self)
        try await rejects(conflictBody, status: 409, field: "[0].predictionId")
        let huge = "[" + String(repeating: "1,", count: 5_000_000) + "1]"
        try await rejects(huge, status: 413, field: "body")
        fields["stake"] = 1  // silence "never mutated"
        let (_, bad) = try await daemon.json("GET", "/v1/receipts/\(makeReceipt(999, kind: .placement, placedAt: now - 2, tag: "bad").leaf)")
        #expect(bad["error"] != nil)

        // Every receipt becomes final with a proof.
        try await eventually(120, "the receipts to be final") {
            let (_, object) = try await daemon.json("GET", "/v1/receipts/\(receipts[119].leaf)")
            return object["state"] as? String == "final" && object["proof"] != nil
        }
        let (_, one) = try await daemon.json("GET", "/v1/receipts/\(receipts[5].leaf)")
        let proof = try #require(one["proof"] as? [String: Any])
        #expect(proof["format"] as? String == "sixnines-receipt-proof-v1")
        let (listStatus, list) = try await daemon.json("GET", "/v1/batches?kind=placement&state=final&limit=2")
        #expect(listStatus == 200)
        #expect((list["batches"] as? [Any])?.count == 2)
        let cursor = try #require(list["next"] as? String)
        let (_, page2) = try await daemon.json("GET", "/v1/batches?kind=placement&cursor=\(cursor)")
        #expect((page2["batches"] as? [Any])?.count == 1)  // 120 receipts in batches of 50
        let (batchStatus, batch) = try await daemon.json("GET", "/v1/batches/placement:1")
        #expect(batchStatus == 200)
        #expect((batch["transactions"] as? [Any])?.count == 1)
        #expect(try await daemon.json("GET", "/v1/batches?kind=nope").0 == 400)
        #expect(try await daemon.json("GET", "/v1/batches/0x1234").0 == 400)

        let (metricsStatus, metrics) = try await daemon.request("GET", "/metrics")
        #expect(metricsStatus == 200)
        let text = String(decoding: metrics, as: UTF8.self)
        #expect(text.contains("sixnines_batch_lead_time_seconds"))
        #expect(text.contains("sixnines_receipts_ingested_total"))

        // Logs are JSON lines carrying batch ids.
        let lines = daemon.log.split(separator: "\n")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        #expect(lines.contains { $0.contains("\"batch_id\"") && $0.contains("batch final") })

        #expect(daemon.terminate() == 0)
        stopped = true
        #expect(daemon.log.contains("daemon stopped"))
    }

    @Test func settingsComeFromTheEnvironmentOverTheFileAndBadOnesAreRefused() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try await deployRegistry(client: client, writer: devKeys[1].address)
        let database = dir.appendingPathComponent("db.sqlite").path
        // The file says batches of 50 and another registry; the environment says batches of 7 and the real registry.
        let config = try daemonConfig(dir: dir, database: database, rpc: daemonDevnetURL, registry: devKeys[2].address,
                                      extra: ["max_age_ms": 3_600_000])
        let daemon = try DaemonProcess(config: config, logDirectory: dir,
                                       environment: ["SIXNINES_REGISTRY": registry.description, "SIXNINES_MAX_BATCH_SIZE": "7"])
        defer { daemon.kill() }
        let now = try await chainTime()
        let receipts = (0..<7).map { makeReceipt($0, kind: .placement, placedAt: now - 2, tag: "env") }
        #expect(try await daemon.json("POST", "/v1/receipts", body: try receiptsBody(receipts)).0 == 200)
        let queue = try SQLiteBatchQueue(path: database)
        try await eventually(120, "a batch of 7 final in the environment's registry") {
            try await queue.batches(kind: .placement, states: [.final], after: nil, limit: 10).first?.count == 7
        }
        #expect(try await queue.setting("registry") == registry.description)
        #expect(daemon.terminate() == 0)

        // Unknown keys and bad values are refused before anything starts, naming the setting.
        let bad = dir.appendingPathComponent("bad.json").path
        try Data(#"{"registry": "0x00", "colour": "red"}"#.utf8).write(to: URL(fileURLWithPath: bad))
        let unknown = try CLI.run(["daemon", "run", "--config", bad])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("colour"))
        let badValue = try CLI.run(["daemon", "run", "--config", config], environment: ["SIXNINES_MAX_BATCH_SIZE": "lots"])
        #expect(badValue.status == 1)
        #expect(badValue.stderr.contains("max_batch_size"))
    }

    @Test func survivesSIGKILLWhileReceiptsStreamIn() async throws {
        let kills = Int(ProcessInfo.processInfo.environment["SIXNINES_CRASH_KILLS"] ?? "") ?? 20
        let report = try await CrashHarness(client: client, rpc: daemonDevnetURL, kills: kills).run()
        if let path = ProcessInfo.processInfo.environment["SIXNINES_CRASH_REPORT"] {
            try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test func survivesSIGKILLOnPostgreSQLWhileReceiptsStreamIn() async throws {
        let kills = Int(ProcessInfo.processInfo.environment["SIXNINES_CRASH_KILLS_POSTGRES"] ?? "") ?? 10
        let url = try testPostgresCluster.get().createDatabase(prefix: "crash")
        let report = try await CrashHarness(client: client, rpc: daemonDevnetURL, kills: kills, postgresURL: url).run()
        if let path = ProcessInfo.processInfo.environment["SIXNINES_CRASH_REPORT_POSTGRES"] {
            try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
        }
    }
}

/// SIGKILLs the daemon at random moments while receipts stream in (POST and the core's outbox), then checks, against
/// the chain: every acknowledged receipt in exactly one final batch, each batch id anchored once, every proof valid.
struct CrashHarness {
    let client: RPCClient
    let rpc: String
    let kills: Int
    /// The daemon's PostgreSQL database (nil: SQLite); the core's outbox stays in the SQLite file either way.
    var postgresURL: String? = nil

    func run() async throws -> [String: Any] {
        let started = ContinuousClock.now
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try await deployRegistry(client: client, writer: devKeys[1].address)
        let database = dir.appendingPathComponent("db.sqlite").path
        var extra: [String: Any] = ["max_batch_size": 40, "max_age_ms": 100, "poll_interval_ms": 20]
        if postgresURL != nil { extra["outbox_database"] = database }
        let config = try daemonConfig(dir: dir, database: postgresURL ?? database, rpc: rpc, registry: registry, extra: extra)
        // The core's side: its outbox table in its SQLite database (the queue creates it too, if first).
        if postgresURL == nil { _ = try SQLiteBatchQueue(path: database) }
        var coreConfiguration = Configuration()
        coreConfiguration.busyMode = .timeout(10)  // the daemon writes the same file
        let core = try DatabaseQueue(path: database, configuration: coreConfiguration)
        try await core.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, leaf BLOB NOT NULL, receipt BLOB NOT NULL)")
        }
        var acknowledged = Set<Bytes32>()
        var generator = SeededRandom(seed: 20261204)
        var counter = 0
        var postFailures = 0
        let client = self.client
        for _ in 0..<kills {
            let daemon = try DaemonProcess(config: config, logDirectory: dir)
            // Receipts stream in from a concurrent task; the kill lands wherever it lands (mid-request, mid-commit,
            // mid-close, mid-send). Only what was acknowledged (HTTP 200, or the core's commit) must survive.
            let start = counter
            // A flag rather than task cancellation: cancelling a task inside URLSession deadlocks FoundationNetworking on Linux.
            let stop = StopFlag()
            let poster = Task { () -> (acknowledged: [Bytes32], failures: Int, counter: Int) in
                var acked: [Bytes32] = [], failures = 0, n = start
                while !stop.isSet {
                    guard let now = try? await client.block(.latest)?.timestamp else { continue }
                    let receipts = (0..<20).map { i -> Receipts.Receipt in
                        n += 1
                        return makeReceipt(n, kind: i % 4 == 0 ? .settlement : .placement, placedAt: now - 1, tag: "crash")
                    }
                    // Half through HTTP (acknowledged on 200), half through the core's outbox (acknowledged on commit).
                    let viaHTTP = Array(receipts[0..<10]), viaOutbox = Array(receipts[10...])
                    do {
                        let (status, _) = try await daemon.request("POST", "/v1/receipts", body: try receiptsBody(viaHTTP))
                        if status == 200 { acked += viaHTTP.map(\.leaf) } else { failures += 1 }
                    } catch { failures += 1 }
                    do {
                        try await core.write { db in
                            for r in viaOutbox {
                                try db.execute(sql: "INSERT INTO outbox(kind, leaf, receipt) VALUES (?, ?, ?)",
                                               arguments: [Int64(r.kind.rawValue), Data(r.leaf.bytes), Data(r.abiEncoded)])
                            }
                        }
                        acked += viaOutbox.map(\.leaf)
                    } catch { failures += 1 }
                }
                return (acked, failures, n)
            }
            try await Task.sleep(for: .milliseconds(Int64(100 + generator.next() % 700)))
            daemon.kill()
            stop.set()
            let result = await poster.value
            acknowledged.formUnion(result.acknowledged)
            postFailures += result.failures
            counter = result.counter
        }
        // Last restart: let it drain, then stop it cleanly.
        let daemon = try DaemonProcess(config: config, logDirectory: dir)
        var drained = false
        defer { if !drained { daemon.kill() } }
        let queue: any BatchQueue = if let postgresURL { try await PostgresBatchQueue(url: postgresURL) } else { try SQLiteBatchQueue(path: database) }
        try await eventually(120, "every acknowledged receipt in a final batch") {
            for leaf in acknowledged {
                guard let stored = try await queue.receipt(leaf), let batch = stored.batchId,
                      try await queue.batch(try BatchID(word: batch))?.state == .final else { return false }
            }
            return true
        }
        #expect(daemon.terminate() == 0)
        drained = true

        // The invariants, against the chain.
        let events = try await anchorEvents(client: client, registry: registry)
        let reader = ReceiptRegistry(address: registry, connection: ContractConnection(client: client, chainId: 31337))
        let batches = try await queue.batches(kind: nil, states: [], after: nil, limit: .max)
        var inBatches: [Bytes32: Int] = [:]
        var proofsChecked = 0
        var sampleFiles: [String] = []
        for batch in batches where batch.state != .abandoned {
            #expect(batch.state == .final)
            #expect(events[batch.id.word] == 1, "batch \(batch.id) anchored \(events[batch.id.word] ?? 0) times")
            #expect(try await reader.batch(batchId: batch.id.word, root: batch.root).anchored)
            for r in try await queue.receipts(of: batch.id) {
                inBatches[r.leaf, default: 0] += 1
                #expect(MerkleTree.verify(root: batch.root, leaf: r.leaf, proof: r.proof ?? []))
                proofsChecked += 1
            }
            // One proof per batch goes through `receipt verify` against the chain.
            let sample = try #require(try await queue.receipts(of: batch.id).first)
            let file = try #require(try await ProofFiles.proofFile(queue: queue, leaf: sample.leaf))
            let path = dir.appendingPathComponent("\(sample.leaf).json").path
            try file.jsonData().write(to: URL(fileURLWithPath: path))
            sampleFiles.append(path)
        }
        var verified = 0
        for path in sampleFiles {
            let result = try CLI.run(["receipt", "verify", path, "--rpc-url", rpc, "--registry", registry.description])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            if result.status == 0 { verified += 1 }
        }
        #expect(events.count == batches.filter { $0.state == .final }.count)
        let missing = acknowledged.filter { inBatches[$0] != 1 }
        #expect(missing.isEmpty, "\(missing.count) acknowledged receipts not in exactly one final batch")
        #expect(inBatches.values.allSatisfy { $0 == 1 })
        let elapsed = ContinuousClock.now - started
        return [
            "kills": kills, "acknowledged": acknowledged.count, "batches": batches.count,
            "abandoned": batches.filter { $0.state == .abandoned }.count, "anchorEvents": events.values.reduce(0, +),
            "batchIdsAnchoredTwice": events.values.filter { $0 > 1 }.count, "receiptsNotInExactlyOneFinalBatch": missing.count,
            "proofsCheckedAgainstRoots": proofsChecked, "proofFilesVerifiedOnChain": verified, "postFailuresDuringKills": postFailures,
            "seconds": Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
        ]
    }
}

/// A stop flag shared with a streaming task.
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}
