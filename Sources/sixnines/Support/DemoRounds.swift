import EVM
import EVMRPC
import EVMSigner
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import Settlement
import SixNinesContracts

import AsyncHTTPClient

/// The end-to-end demo's rounds on a devnet (Scripts/demo): simulated users place predictions in a durable core whose
/// database the batch-writer daemon drains; the devnet's clock is moved to each cutoff (the daemon anchors the
/// placement batch before the mark), then to the mark (three reporters submit the core's aggregated price to the
/// PriceOracle through `OracleClient`), past the report window (finalize) and the dispute window (FINAL), and the
/// `Settler` settles every round on exactly the oracle's FINAL price. Prices come from `SimulatedSources` (the seed the
/// `oracle report --simulated-seed` command uses), aggregated by the core's `PriceAggregator`.
struct DemoRounds {
    struct Settings {
        var database: String
        var rpcURL: String
        var oracle: Address
        var daemonURL: String
        var reporterKeys: [PrivateKey]
        var finalizerKey: PrivateKey
        var assets: [String]
        var rounds: Int
        var users: Int
        var seed: UInt64
    }

    /// One settled round, for the summary.
    struct RoundLine {
        var asset: String
        var mark: UInt64
        var predictions: Int
        var lockPrice: UInt64?
        var oraclePrice: UInt64
        var result: String
        var paid: UInt64
        var placementLead: Int64?
    }

    let settings: Settings
    let client: RPCClient
    let chainId: UInt64
    var lines: [RoundLine] = []
    var receiptsPlaced = 0
    var receiptsSettled = 0

    init(settings: Settings, client: RPCClient) async throws {
        self.settings = settings
        self.client = client
        chainId = try await client.chainId()
    }

    // MARK: Chain clock

    func head() async throws -> UInt64 {
        guard let block = try await client.block(.latest) else { throw CLIError("the devnet has no latest block") }
        return block.timestamp
    }

    /// Mines a block at `t` (or the next second when the chain is already there).
    func travel(to t: UInt64) async throws {
        let now = try await head()
        if t > now {
            let _: JSONRPCValue = try await client.call("evm_setNextBlockTimestamp", [.number(String(t))])
        }
        let _: JSONRPCValue = try await client.call("evm_mine", [])
    }

    func oracle(_ key: PrivateKey) -> OracleClient {
        let sender = TransactionSender(client: client, signer: KeySigner(key: key), chain: .local)
        return OracleClient(address: settings.oracle, connection: ContractConnection(sender: sender, chainId: chainId))
    }

    // MARK: Daemon

    /// Receipts in final batches of `kind`, and the lead times of final placement batches.
    func anchored(kind: String) async throws -> (receipts: Int, leads: [Int64]) {
        var total = 0
        var leads: [Int64] = []
        var cursor: String?
        repeat {
            var url = "\(settings.daemonURL)/v1/batches?kind=\(kind)&state=final&limit=1000"
            if let cursor { url += "&cursor=\(cursor)" }
            // AsyncHTTPClient (already linked for JSON-RPC), not URLSession: FoundationNetworking would link libcurl and
            // its thirty shared libraries into every command's start.
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            let data = Data((try await response.body.collect(upTo: 64 << 20)).readableBytesView)
            guard let page = try JSONSerialization.jsonObject(with: data) as? [String: Any], let batches = page["batches"] as? [[String: Any]] else {
                throw CLIError("the daemon at \(settings.daemonURL) answered \(String(decoding: data.prefix(200), as: UTF8.self))")
            }
            for b in batches {
                total += (b["receipts"] as? Int) ?? 0
                if let lead = b["leadTime"] as? Int { leads.append(Int64(lead)) }
            }
            cursor = page["next"] as? String
        } while cursor != nil
        return (total, leads)
    }

    /// Waits (mining a block now and then) until the daemon has `count` receipts of `kind` in final batches.
    func waitAnchored(kind: String, count: Int, seconds: Double = 90) async throws -> [Int64] {
        let deadline = Date().addingTimeInterval(seconds)
        var spins = 0
        while true {
            let (done, leads) = try await anchored(kind: kind)
            if done >= count { return leads }
            guard Date() < deadline else { throw CLIError("the batch writer anchored \(done) of \(count) \(kind) receipts in \(Int(seconds)) s: is the daemon running?") }
            spins += 1
            if spins % 10 == 0 { let _: JSONRPCValue = try await client.call("evm_mine", []) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    // MARK: Rounds

    mutating func run(progress: (String) -> Void) async throws {
        var store: DurableEngine
        do { store = try DurableEngine(path: settings.database) } catch { throw CLIError("\(settings.database): \(error)") }
        var assets: [AssetID] = []
        for symbol in settings.assets {
            do { assets.append(try AssetID(symbol: symbol)) } catch { throw CLIError("asset \(symbol): \(error)") }
        }
        let sources = SimulatedSources(seed: settings.seed)
        let aggregator = PriceAggregator()
        func price(_ asset: AssetID, at t: UInt64) throws -> UInt64 {
            do { return try sources.aggregatedPrice(asset: asset, at: t, aggregator: aggregator).price } catch { throw CLIError("\(error)") }
        }
        var random = SplitMix64(seed: settings.seed)
        var users: [UserID] = []
        let start = try await head()
        if store.engine.assetIDs.isEmpty {
            for a in assets { try store.addAsset(a); try store.setCurrentPrice(try price(a, at: start), asset: a) }
            for i in 0..<settings.users {
                let roll = random.below(20)
                let tier: VIPTier = roll == 0 ? .diamond : roll < 3 ? .gold : .standard
                let u = try store.registerUser(address: PredictionEngine.address(forUserName: "demo-\(settings.seed)-\(i)"), tier: tier)
                try store.deposit(1_000_000_000, to: u)
                users.append(u)
            }
        } else {
            users = (0..<settings.users).map { UserID(raw: UInt32($0)) }
        }
        let schedule = store.engine.configuration.schedule
        let reporters = settings.reporterKeys.map(oracle)
        let finalizer = oracle(settings.finalizerKey)
        var settler = Settler(feed: finalizer, policy: try SettlementPolicy())
        var mark = Self.nextMark(after: start)
        var placedTotal = 0
        for round in 1...settings.rounds {
            let open = mark - 600, cutoff = schedule.cutoff(of: mark)
            // Predictions from about half of the users per asset, at simulated times before the cutoff; lock at the cutoff.
            var events: [(UInt64, Int, UserID)] = []
            for a in assets.indices { for u in users where random.below(2) == 0 { events.append((open + random.below(cutoff - open), a, u)) } }
            events.sort { ($0.0, $0.1, $0.2.raw) < ($1.0, $1.1, $1.2.raw) }
            var placed = 0
            for (t, a, u) in events {
                try store.setCurrentPrice(try price(assets[a], at: t), asset: assets[a])
                let request = PlacementRequest(user: u, asset: assets[a], direction: random.below(2) == 0 ? .up : .down,
                                               stake: 1_000_000 * (1 + random.below(50)), clientKey: UInt128(random.next()), settlesAt: mark)
                if case .success = try store.place(request, at: t) { placed += 1 }
            }
            var lockPrices: [AssetID: UInt64] = [:]
            for a in assets {
                let p = try price(a, at: cutoff)
                lockPrices[a] = p
                try store.lock(asset: a, settlesAt: mark, price: p)
            }
            placedTotal += placed
            receiptsPlaced += placed
            progress("round \(round)/\(settings.rounds) mark \(iso8601(mark)): \(placed) predictions on \(assets.count) assets, locked at the cutoff")

            // The chain reaches the cutoff: the daemon anchors the placement batch before the mark.
            try await travel(to: cutoff + 1)
            let leads = try await waitAnchored(kind: "placement", count: placedTotal)
            let roundLead = leads.last
            progress("  placement receipts anchored before the mark (lead \(roundLead.map { "\($0) s" } ?? "?"))")

            // The mark: every reporter submits the aggregated price; finalize after the report window.
            try await travel(to: mark + 1)
            for a in assets {
                let p = try price(a, at: mark)
                for reporter in reporters {
                    do { _ = try await reporter.report(asset: a, mark: mark, price: p) } catch { throw CLIError("oracle report \(a.symbol): \(error)") }
                }
            }
            let windows: (report: UInt64, dispute: UInt64)
            do { windows = try await finalizer.windows() } catch { throw CLIError("oracle: \(error)") }
            try await travel(to: mark + windows.report + 1)
            var finalAfter: UInt64 = 0
            for a in assets {
                do {
                    _ = try await finalizer.finalize(asset: a, mark: mark)
                    finalAfter = max(finalAfter, try await finalizer.round(asset: a, mark: mark).finalAfter)
                } catch { throw CLIError("oracle finalize \(a.symbol): \(error)") }
            }
            progress("  oracle: \(reporters.count) reports per asset, finalized; dispute window until \(iso8601(finalAfter))")
            try await travel(to: finalAfter + 1)

            // The settler settles each round on exactly the oracle's FINAL price.
            let settled: [RoundSettlement]
            do { settled = try await settler.pass(&store) } catch { throw CLIError("settlement: \(error)") }
            for s in settled {
                guard case .settled(let report) = s.decision else { throw CLIError("\(s.round): \(s.decision), not settled on a FINAL price") }
                receiptsSettled += report.receiptsEmitted
                lines.append(RoundLine(asset: report.asset.symbol, mark: mark, predictions: report.predictions,
                                       lockPrice: lockPrices[report.asset], oraclePrice: report.settlementPrice ?? 0,
                                       result: "\(report.result)", paid: report.paidToWinners, placementLead: roundLead))
            }
            progress("  settled on the oracle's FINAL prices: " + lines.suffix(settled.count).map { "\($0.asset) \($0.result)" }.joined(separator: ", "))
            mark = Self.nextMark(after: try await head())
        }
        _ = try await waitAnchored(kind: "settlement", count: receiptsSettled)
        progress("settlement receipts anchored: \(receiptsSettled)")
    }

    /// The first mark whose whole betting window (mark − 600 … mark) is after `t`.
    static func nextMark(after t: UInt64) -> UInt64 {
        var mark = (t / 600) * 600 + 540
        while mark - 600 <= t { mark += 600 }
        return mark
    }
}
