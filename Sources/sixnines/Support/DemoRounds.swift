import EVM
import EVMRPC
import EVMSigner
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import SixNinesContracts

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The end-to-end demo's rounds on a devnet (Scripts/demo): simulated users place predictions in a durable core whose
/// database the batch-writer daemon drains; the devnet's clock is moved to each cutoff (the daemon anchors the
/// placement batch before the mark), then to the mark (three reporters submit the core's aggregated price to the
/// PriceOracle), past the report window (finalize) and the dispute window (FINAL), and the core settles every round
/// on exactly the oracle's FINAL price.
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

    func oracle(_ key: PrivateKey) -> PriceOracle {
        let sender = TransactionSender(client: client, signer: KeySigner(key: key), chain: .local)
        return PriceOracle(address: settings.oracle, connection: ContractConnection(sender: sender, chainId: chainId))
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
            guard let u = URL(string: url) else { throw CLIError("bad daemon URL \(settings.daemonURL)") }
            let (data, _) = try await URLSession.shared.data(from: u)
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
        let store: DurableEngine
        do { store = try DurableEngine(path: settings.database) } catch { throw CLIError("\(settings.database): \(error)") }
        var assets: [SimulatedFeed.Asset] = []
        for symbol in settings.assets {
            do { assets.append(try SimulatedFeed.Asset.standard(symbol)) } catch { throw CLIError("asset \(symbol): \(error)") }
        }
        var random = SplitMix64(seed: settings.seed)
        var users: [UserID] = []
        if store.engine.assetIDs.isEmpty {
            for a in assets { try store.addAsset(a.id); try store.setCurrentPrice(a.startPrice, asset: a.id) }
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
        let aggregator = PriceAggregator()
        let schedule = store.engine.configuration.schedule
        var mark = Self.nextMark(after: try await head())
        var feed = SimulatedFeed(assets: assets, seed: settings.seed, start: mark - 600)
        var placedTotal = 0
        for round in 1...settings.rounds {
            let open = mark - 600, cutoff = schedule.cutoff(of: mark)
            // Predictions from half of the users per asset, at simulated times before the cutoff; lock at the cutoff.
            var events: [(UInt64, Int, UserID)] = []
            for a in assets.indices { for u in users where random.below(2) == 0 { events.append((open + random.below(cutoff - open), a, u)) } }
            events.sort { ($0.0, $0.1, $0.2.raw) < ($1.0, $1.1, $1.2.raw) }
            var placed = [Int](repeating: 0, count: assets.count)
            for (t, a, u) in events {
                feed.advance(to: t)
                if let p = aggregator.aggregate(feed.quotes(a), at: t).price { try store.setCurrentPrice(p, asset: assets[a].id) }
                let request = PlacementRequest(user: u, asset: assets[a].id, direction: random.below(2) == 0 ? .up : .down,
                                               stake: 1_000_000 * (1 + random.below(50)), clientKey: UInt128(random.next()), settlesAt: mark)
                if case .success = try store.place(request, at: t) { placed[a] += 1 }
            }
            feed.advance(to: cutoff)
            var lockPrices: [UInt64?] = []
            for a in assets.indices {
                let price = aggregator.aggregate(feed.quotes(a), at: cutoff).price
                lockPrices.append(price)
                try store.lock(asset: assets[a].id, settlesAt: mark, price: price)
            }
            placedTotal += placed.reduce(0, +)
            receiptsPlaced += placed.reduce(0, +)
            progress("round \(round)/\(settings.rounds) mark \(iso8601(mark)): \(placed.reduce(0, +)) predictions on \(assets.count) assets, locked at the cutoff")

            // The chain reaches the cutoff: the daemon anchors the placement batch before the mark.
            try await travel(to: cutoff + 1)
            let leads = try await waitAnchored(kind: "placement", count: placedTotal)
            let roundLead = leads.suffix(max(1, assets.count)).min()
            progress("  placement receipts anchored before the mark (lead \(roundLead.map { "\($0) s" } ?? "?"))")

            // The mark: three reporters submit the core's aggregated price; finalize; the dispute window passes.
            feed.advance(to: mark)
            var markPrices: [UInt64] = []
            for a in assets.indices {
                guard let price = aggregator.aggregate(feed.quotes(a), at: mark).price else {
                    throw CLIError("\(assets[a].id.symbol): fewer than 3 fresh sources at the mark")
                }
                markPrices.append(price)
            }
            try await travel(to: mark + 1)
            for a in assets.indices {
                for key in settings.reporterKeys {
                    do { try await oracle(key).submit(asset: assets[a].id.word, settlesAt: mark, price: UInt256(markPrices[a])) } catch {
                        throw CLIError("oracle submit \(assets[a].id.symbol) by \(key.address): \(error)")
                    }
                }
            }
            let reportWindow = try await oracle(settings.finalizerKey).reportWindow()
            try await travel(to: mark + reportWindow + 1)
            var finalAfter: UInt64 = 0
            for a in assets.indices {
                do { try await oracle(settings.finalizerKey).finalize(asset: assets[a].id.word, settlesAt: mark) } catch {
                    throw CLIError("oracle finalize \(assets[a].id.symbol): \(error)")
                }
                finalAfter = max(finalAfter, try await oracle(settings.finalizerKey).roundInfo(asset: assets[a].id.word, settlesAt: mark).arg1)
            }
            progress("  oracle: \(settings.reporterKeys.count) reports per asset, finalized; dispute window until \(iso8601(finalAfter))")
            try await travel(to: finalAfter + 1)

            // Settle on exactly the oracle's FINAL price.
            for a in assets.indices {
                let (price, status) = try await oracle(settings.finalizerKey).price(asset: assets[a].id.word, settlesAt: mark)
                guard status == 2 || status == 4, let settlement = UInt64(exactly: price) else {
                    throw CLIError("\(assets[a].id.symbol) at \(iso8601(mark)): oracle status \(status), not FINAL")
                }
                let report = try store.settle(asset: assets[a].id, settlesAt: mark, price: settlement)
                receiptsSettled += report.receiptsEmitted
                lines.append(RoundLine(asset: assets[a].id.symbol, mark: mark, predictions: report.predictions, lockPrice: lockPrices[a],
                                       oraclePrice: settlement, result: "\(report.result)", paid: report.paidToWinners,
                                       placementLead: roundLead))
            }
            progress("  settled on the oracle's FINAL prices: " + lines.suffix(assets.count).map { "\($0.asset) \($0.result)" }.joined(separator: ", "))
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
