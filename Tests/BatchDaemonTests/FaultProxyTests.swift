import BatchWriter
import DevnetSupport
import EVM
import EVMRPC
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PredictionStore
import Receipts
import Synchronization
import TestSupport
import Testing

private let faultDevnetURL = launchDevnet()

/// `Scripts/fault-proxy` in front of the devnet, living until the test process exits.
struct FaultProxy {
    let url: String

    init(upstream: String) throws {
        let child = try ChildProcess(executable: repositoryRoot.appendingPathComponent(".venv/bin/python"),
                                     arguments: [repositoryRoot.appendingPathComponent("Scripts/fault-proxy").path, upstream])
        children.withLock { $0.append(child) }
        url = try #require(child.readyLine["url"] as? String)
    }

    func set(_ mode: String) async throws {
        var request = URLRequest(url: URL(string: url + "/__mode")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: ["mode": mode])
        _ = try await URLSession.shared.data(for: request)
    }

    func stats() async throws -> [String: Int] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url + "/__stats")!)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]).compactMapValues { $0 as? Int }
    }
}

@Suite("The daemon through an RPC fault proxy", .serialized)
struct FaultProxyTests {
    @Test func keepsAcknowledgingThroughOutagesAndCatchesUpWithoutDoubleAnchors() async throws {
        let client = RPCClient(urls: [faultDevnetURL])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fault-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try await deployRegistry(client: client, writer: devKeys[1].address)
        let proxy = try FaultProxy(upstream: faultDevnetURL)
        let database = dir.appendingPathComponent("db.sqlite").path
        let config = try daemonConfig(dir: dir, database: database, rpc: proxy.url, registry: registry,
                                      extra: ["max_batch_size": 20, "max_age_ms": 100, "rpc_timeout_ms": 2000, "rebroadcast_after_ms": 500])
        let daemon = try DaemonProcess(config: config, logDirectory: dir)
        defer { daemon.kill() }
        let queue = try SQLiteBatchQueue(path: database)
        var all: [Receipts.Receipt] = []
        var counter = 0
        func post(_ n: Int) async throws {
            let now = try #require(try await client.block(.latest)).timestamp
            let receipts = (0..<n).map { _ -> Receipts.Receipt in
                counter += 1
                return makeReceipt(counter, kind: counter % 3 == 0 ? .settlement : .placement, placedAt: now - 1, tag: "fault")
            }
            let (status, answer) = try await daemon.json("POST", "/v1/receipts", body: try receiptsBody(receipts))
            #expect(status == 200, "\(answer)")
            all += receipts
        }
        func finalCount() async throws -> Int {
            var n = 0
            for r in all {
                guard let b = try await queue.receipt(r.leaf)?.batchId else { continue }
                if try await queue.batch(try BatchID(word: b))?.state == .final { n += 1 }
            }
            return n
        }

        try await post(40)
        try await eventually(120, "the first receipts final") { try await finalCount() == all.count }

        // The node is gone: ingest keeps acknowledging, the backlog grows, readiness says so.
        try await proxy.set("down")
        for _ in 0..<3 { try await post(30) }
        try await eventually(120, "the daemon to notice the outage") {
            let (status, _) = try await daemon.json("GET", "/ready")
            return status == 503
        }
        let backlog = try await queue.backlog().values.reduce(0, +)
        #expect(backlog >= 90)
        let status = try CLI.run(["daemon", "status", "--db", database, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((object["rpc"] as? [String: Any])?["healthy"] as? Bool == false, "\(object)")

        // 500s, then rate limiting.
        try await proxy.set("http500")
        try await post(20)
        try await Task.sleep(for: .milliseconds(500))
        try await proxy.set("http429")
        try await post(20)
        try await Task.sleep(for: .milliseconds(500))

        // Answers to sends are lost after the node accepted them.
        try await proxy.set("drop-after-send")
        try await post(40)
        try await eventually(120, "a send whose answer was dropped") { (try await proxy.stats()["dropped_sends"] ?? 0) >= 1 }

        try await proxy.set("ok")
        try await eventually(120, "every acknowledged receipt final") { try await finalCount() == all.count }

        let events = try await anchorEvents(client: client, registry: registry)
        let finals = try await queue.batches(kind: nil, states: [.final], after: nil, limit: .max)
        #expect(events.values.allSatisfy { $0 == 1 }, "a batch id anchored twice")
        #expect(events.count == finals.count)
        for b in finals { #expect(events[b.id.word] == 1) }
        let stats = try await proxy.stats()
        #expect((stats["faults"] ?? 0) > 0)
        #expect((stats["dropped_sends"] ?? 0) >= 1)
        #expect(daemon.terminate() == 0)
        await client.shutdown()
    }
}
