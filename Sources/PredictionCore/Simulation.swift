import EVM
import Receipts

/// A deterministic simulation in accelerated time: simulated feeds, simulated users placing random
/// predictions, locks at the cutoff, settlement at the mark. The same configuration gives the same
/// result, bit for bit — in memory or on a durable store.
public struct Simulation {
    /// Settings of a run.
    public struct Configuration: Sendable, Equatable {
        /// Asset symbols.
        public var assets: [String]
        /// Number of rounds (marks) to run.
        public var rounds: Int
        /// Number of simulated users.
        public var users: Int
        /// The seed of everything.
        public var seed: UInt64
        /// The mark at which the first round opens (the first round settles 600 s later).
        public var start: UInt64
        /// Engine settings (entropy is replaced by the seed).
        public var engine: EngineConfiguration
        /// Price aggregation rules.
        public var aggregator: PriceAggregator

        /// A configuration; `start` defaults to 2026-11-25 12:09:00 UTC.
        public init(assets: [String], rounds: Int, users: Int, seed: UInt64, start: UInt64 = 1_795_608_540,
                    engine: EngineConfiguration = EngineConfiguration(), aggregator: PriceAggregator = PriceAggregator()) {
            self.assets = assets
            self.rounds = rounds
            self.users = users
            self.seed = seed
            self.start = start
            self.engine = engine
            self.aggregator = aggregator
        }
    }

    /// What happened in one round of one asset.
    public struct RoundRecord: Sendable, Equatable {
        /// Round number, from 1.
        public let round: Int
        /// The settlement report.
        public let report: RoundReport
        /// Placements refused (late, limits, balance).
        public let refused: Int
        /// Retried placements answered from their first result.
        public let replayed: Int
        /// Outlier quotes discarded at the lock and at the mark.
        public let outliers: Int
        /// Stale quotes ignored at the lock and at the mark.
        public let staleQuotes: Int
        /// Receipts emitted for this round (placement + settlement).
        public let receipts: Int
        /// The ledger's sum after settlement (0).
        public let ledgerTotal: Int64
    }

    /// Errors of a simulation's set-up.
    public enum SetupError: Error, Equatable, Sendable, CustomStringConvertible {
        /// An asset symbol that is not valid.
        case invalidAsset(String)
        /// The same asset twice.
        case duplicateAsset(String)
        /// `start` is not a settlement mark.
        case startNotAMark(UInt64)
        /// The engine's store could not be opened, failed, or already holds data.
        case store(String)

        /// A human-readable message for the error.
        public var description: String {
            switch self {
            case .invalidAsset(let s): return "invalid asset symbol \(s.debugDescription)"
            case .duplicateAsset(let s): return "asset \(s) given twice"
            case .startNotAMark(let t): return "start \(t) is not a settlement mark (t % 600 != 540)"
            case .store(let why): return why.hasPrefix("store: ") ? why : "store: \(why)"
            }
        }
    }

    /// The settings.
    public let configuration: Configuration
    /// The engine, as left by the run.
    public var engine: PredictionEngine { commands.engine }
    private var commands: any PredictionCommands
    private var feed: SimulatedFeed
    private var random: SplitMix64
    private var userIDs: [UserID] = []
    private var roundNumber = 0
    private var lastKey: [UserID: (PlacementRequest, Placement)] = [:]

    /// Sets up users (1 000 USDC each from the faucet, one in ten Gold, one in twenty Diamond) and assets, on the
    /// engine `makeEngine` returns for the run's engine configuration: in memory by default, or a durable engine
    /// (`PredictionStore`), which commits every command before the run goes on. The output is the same on both.
    /// The engine must be empty (no asset yet).
    public init(_ configuration: Configuration,
                engine makeEngine: (EngineConfiguration) throws -> any PredictionCommands = { PredictionEngine(configuration: $0) })
        throws(SetupError)
    {
        guard SettlementSchedule.isSettlementTime(configuration.start) else { throw .startNotAMark(configuration.start) }
        var engineConfiguration = configuration.engine
        engineConfiguration.entropy = .seeded(configuration.seed)
        do { commands = try makeEngine(engineConfiguration) } catch { throw .store("\(error)") }
        guard commands.engine.assetIDs.isEmpty else { throw .store("the engine already holds a run") }
        self.configuration = configuration
        var assets: [SimulatedFeed.Asset] = []
        for symbol in configuration.assets {
            guard let asset = try? SimulatedFeed.Asset.standard(symbol) else { throw .invalidAsset(symbol) }
            assets.append(asset)
        }
        self.feed = SimulatedFeed(assets: assets, seed: configuration.seed, start: configuration.start)
        self.random = SplitMix64(seed: configuration.seed ^ 0x0051_4D55_4C41_5445)
        do {
            for asset in assets {
                guard !commands.engine.assetIDs.contains(asset.id) else { throw SetupError.duplicateAsset(asset.id.symbol) }
                try commands.addAsset(asset.id, enabled: true)
                try commands.setCurrentPrice(asset.startPrice, asset: asset.id)
            }
            for i in 0..<configuration.users {
                let roll = random.below(20)
                let tier: VIPTier = roll == 0 ? .diamond : roll < 3 ? .gold : .standard
                let address = PredictionEngine.address(forUserName: "sim-\(configuration.seed)-\(i)")
                let u = try commands.registerUser(address: address, tier: tier)
                try commands.deposit(1_000_000_000, to: u)
                userIDs.append(u)
            }
        } catch let error as SetupError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }

    private struct Event {
        let time: UInt64
        let order: Int
        let asset: Int
        let user: UserID
        let retry: Bool
    }

    private mutating func aggregate(_ asset: Int, at t: UInt64) -> AggregatedPrice {
        feed.advance(to: t)
        return configuration.aggregator.aggregate(feed.quotes(asset), at: t)
    }

    /// Runs the next round of every asset and returns one record per asset. Throws `SetupError.store` when the
    /// engine's store fails (the commands before it are committed; the run cannot go on).
    public mutating func runRound() throws(SetupError) -> [RoundRecord] {
        do { return try runRoundCommands() } catch let error as SetupError { throw error } catch { throw .store("\(error)") }
    }

    private mutating func runRoundCommands() throws -> [RoundRecord] {
        roundNumber += 1
        let schedule = engine.configuration.schedule
        let mark = configuration.start + 600 * UInt64(roundNumber)
        let open = mark - 600
        let cutoff = schedule.cutoff(of: mark)
        let assets = engine.assetIDs
        let receiptsBefore = engine.outbox.emitted

        var events: [Event] = []
        for a in assets.indices {
            for u in userIDs where random.below(2) == 0 {
                let time = open + random.below(600)
                events.append(Event(time: time, order: events.count, asset: a, user: u, retry: false))
                if random.below(20) == 0 {
                    events.append(Event(time: min(mark - 1, time + 1 + random.below(60)), order: events.count, asset: a,
                                        user: u, retry: true))
                }
            }
        }
        events.sort { ($0.time, $0.order) < ($1.time, $1.order) }

        var refused = [Int](repeating: 0, count: assets.count)
        var replayed = [Int](repeating: 0, count: assets.count)
        var outliers = [Int](repeating: 0, count: assets.count)
        var stale = [Int](repeating: 0, count: assets.count)
        var receipts = [Int](repeating: 0, count: assets.count)
        var locked = false
        func lockAll(_ sim: inout Simulation) throws {
            for a in assets.indices {
                let agg = sim.aggregate(a, at: cutoff)
                outliers[a] += agg.outliers.count
                stale[a] += agg.stale.count
                try sim.commands.lock(asset: assets[a], settlesAt: mark, price: agg.price)
            }
        }
        for event in events {
            if !locked, event.time >= cutoff {
                try lockAll(&self)
                locked = true
            }
            let a = event.asset
            let agg = aggregate(a, at: event.time)
            if let p = agg.price { try commands.setCurrentPrice(p, asset: assets[a]) }
            let request: PlacementRequest
            if event.retry, let (previous, _) = lastKey[event.user], previous.asset == assets[a] {
                request = previous
            } else {
                let stake = 1_000_000 * (1 + random.below(50)) + random.below(1_000_000)
                request = PlacementRequest(user: event.user, asset: assets[a], direction: random.below(2) == 0 ? .up : .down,
                                           stake: stake, clientKey: UInt128(random.next()) << 64 | UInt128(random.next()),
                                           settlesAt: mark)
            }
            switch try commands.submit(request, at: event.time) {
            case .success(let placement):
                if placement.replayed {
                    replayed[a] += 1
                } else {
                    receipts[a] += 1
                    lastKey[event.user] = (request, placement)
                }
            case .failure:
                refused[a] += 1
            }
        }
        if !locked { try lockAll(&self) }

        var records: [RoundRecord] = []
        for a in assets.indices {
            let agg = aggregate(a, at: mark)
            outliers[a] += agg.outliers.count
            stale[a] += agg.stale.count
            if let p = agg.price { try commands.setCurrentPrice(p, asset: assets[a]) }
            let report = try commands.settle(asset: assets[a], settlesAt: mark, price: agg.price)
            receipts[a] += report.receiptsEmitted
            records.append(RoundRecord(round: roundNumber, report: report, refused: refused[a], replayed: replayed[a],
                                       outliers: outliers[a], staleQuotes: stale[a], receipts: receipts[a],
                                       ledgerTotal: engine.ledger.total))
        }
        assert(engine.outbox.emitted - receiptsBefore == UInt64(receipts.reduce(0, +)))
        // The batch writer would take these; the simulation keeps memory flat (a durable engine keeps them in its store).
        if var memory = commands as? PredictionEngine {
            commands = PredictionEngine(configuration: memory.configuration)  // drop the second reference first: no copy
            _ = memory.outbox.drain(max: .max)
            commands = memory
        }
        return records
    }

    /// Runs every configured round.
    public mutating func run() throws(SetupError) -> [RoundRecord] {
        var out: [RoundRecord] = []
        for _ in 0..<configuration.rounds { out += try runRound() }
        return out
    }
}

/// `2026-11-25T12:09:00Z` for a unix time (proleptic Gregorian, UTC), without Foundation.
public func iso8601(_ t: UInt64) -> String {
    let days = Int64(t / 86_400), secs = Int(t % 86_400)
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468
    let era = z / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
    func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))Z"
}
