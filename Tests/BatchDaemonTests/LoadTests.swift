import BatchWriter
import EVM
import EVMRPC
import Foundation
import PredictionStore
import Receipts
import TestSupport
import Testing

/// Opt-in (`SIXNINES_LOAD_SECONDS=N`): placements POSTed at `SIXNINES_LOAD_RATE` per second (default 1,000) for N
/// seconds into a daemon on the devnet (automine, the devnet's clock); reports acknowledgement → final p50/p99 and
/// the placement lead times before settlement, into `SIXNINES_LOAD_REPORT` when set.
@Suite("Load on the devnet", .serialized)
struct LoadTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SIXNINES_LOAD_SECONDS"] != nil))
    func placementsPerSecondUntilFinal() async throws {
        let env = ProcessInfo.processInfo.environment
        let seconds = Int(env["SIXNINES_LOAD_SECONDS"] ?? "") ?? 20
        let rate = Int(env["SIXNINES_LOAD_RATE"] ?? "") ?? 1_000
        let url = launchDevnet()
        let client = RPCClient(urls: [url])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try await deployRegistry(client: client, writer: devKeys[1].address)
        let database = dir.appendingPathComponent("db.sqlite").path
        let config = try daemonConfig(dir: dir, database: database, rpc: url, registry: registry,
                                      extra: ["max_batch_size": 1000, "max_age_ms": 1000, "poll_interval_ms": 50, "log_level": "warning"])
        let daemon = try DaemonProcess(config: config, logDirectory: dir)
        defer { daemon.kill() }
        // Devnet time: 80 s before a settlement mark, so that the placements of the first seconds are due for that mark
        // (the cutoff is 30 s before it) and their batches close on the placement deadline rule.
        let t0 = try #require(try await client.block(.latest)).timestamp
        let mark = SettlementSchedule.nextSettlement(after: t0 + 120)
        let _: JSONRPCValue = try await client.call("evm_increaseTime", [.int(Int(mark - 80 - t0))])
        let _: JSONRPCValue = try await client.call("evm_mine", [])
        var posted = 0
        let started = ContinuousClock.now
        var tick = 0
        while ContinuousClock.now < started + .seconds(seconds) {
            // 10 requests a second of rate/10 placements, each for the first mark whose cutoff has not passed.
            let now = try #require(try await client.block(.latest)).timestamp
            let receipts = (0..<(rate / 10)).map { _ -> Receipts.Receipt in
                posted += 1
                var r = makeReceipt(posted, kind: .placement, placedAt: now - 1, tag: "load")
                r.settlesAt = SettlementSchedule.nextSettlement(after: now - 1 + 30)  // the first mark still open (cutoff 30 s)
                return r
            }
            let (status, _) = try await daemon.request("POST", "/v1/receipts", body: try receiptsBody(receipts))
            #expect(status == 200)
            tick += 1
            let next = started + .milliseconds(100 * tick)
            if ContinuousClock.now < next { try await Task.sleep(until: next) }
        }
        let elapsed = ContinuousClock.now - started
        let queue = try SQLiteBatchQueue(path: database)
        try await eventually(120, "everything final") { try await queue.backlog().values.reduce(0, +) == 0 }
        var latencies: [Int64] = []
        var leads: [Int64] = []
        var gas: [UInt64] = []
        for batch in try await queue.batches(kind: nil, states: [.final], after: nil, limit: .max) {
            for r in try await queue.receipts(of: batch.id) { latencies.append(batch.finalAt! - r.ingestedAt) }
            if let lead = batch.leadTime { leads.append(lead) }
            if let used = try await queue.transactions(of: batch.id).first(where: { $0.state == .final })?.gasUsed { gas.append(used) }
        }
        latencies.sort()
        leads.sort()
        func p(_ values: [Int64], _ q: Int) -> Int64 { values.isEmpty ? 0 : values[min(values.count - 1, values.count * q / 100)] }
        let seconds_ = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let report: [String: Any] = [
            "placements": posted, "seconds": seconds_, "ratePerSecond": Double(posted) / seconds_, "batches": leads.count,
            "ackToFinalMs": ["p50": p(latencies, 50), "p99": p(latencies, 99), "max": latencies.last ?? 0],
            // Lead times: "worst1pct" is the lead that 99 % of placement batches meet or beat (the "p99 ≥ 20 s").
            "leadSeconds": ["worst1pct": p(leads, 1), "p50": p(leads, 50), "min": leads.first ?? 0, "max": leads.last ?? 0],
            "gasPerAnchor": ["min": gas.min() ?? 0, "max": gas.max() ?? 0], "receiptsPerBatch": posted / max(1, leads.count),
            "leadMisses": leads.filter { $0 < 60 }.count, "mark": mark,
        ]
        if let path = env["SIXNINES_LOAD_REPORT"] {
            try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
        }
        print(report)
        #expect(latencies.count == posted)
        #expect(p(leads, 1) >= 20, "lead time at the 1st percentile (the p99 of how late) below 20 s")
        await client.shutdown()
    }
}
