import ArgumentParser
import EVM
import EVMRPC
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import Settlement

/// `sixnines core`: the durable prediction core's chain-facing steps.
struct CoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core", abstract: "Drive the durable prediction core: settle its rounds on the oracle's price.",
        discussion: """
            Examples:
              sixnines core round --db sixnines.sqlite --asset BTC-USD,ETH-USD --mark 1795608540 --users 20 --simulated-seed 7
              sixnines core settle --db sixnines.sqlite --rpc-url http://127.0.0.1:8545 --follow
            """,
        subcommands: [CoreRoundCommand.self, CoreSettle.self])
}

/// `sixnines core round`: simulated users' predictions on one mark's rounds, then the lock.
struct CoreRoundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "round", abstract: "Fill and lock one mark's rounds of the durable core with simulated users' predictions.",
        discussion: """
            For demos and tests: opens (or creates) the durable core's store, registers the assets it lacks and --users new users (1000 USDC each from the faucet), places their random predictions (seeded) between the round's opening (mark − 600 s) and its cutoff, each at the simulated sources' aggregated price of that second, then locks each round at the aggregated price at the cutoff (--simulated-seed: the same sources as `oracle report --simulated-seed`, so reporters and the core see one market). Times are the core's own (the mark given), not the chain's. Then `core settle` settles the rounds on the oracle's price. Prints the predictions placed and the lock prices. Example:
              sixnines core round --db core.sqlite --asset BTC-USD,ETH-USD,SPY --mark 1795608540 --users 20 --simulated-seed 7 --json
            """)
    @OptionGroup var output: OutputOptions
    @Option(help: "The durable core's SQLite file (created when missing).") var db: String
    @Option(help: "Comma-separated asset symbols.") var asset: String
    @Option(help: "The rounds' mark (unix seconds, t % 600 == 540, or YYYY-MM-DDTHH:MM:SSZ).") var mark: String
    @Option(help: "New simulated users.") var users: Int = 10
    @Option(help: "Seed of the simulated sources and users.") var simulatedSeed: UInt64
    @Option(help: "The core's cutoff, seconds before each mark.") var cutoff: UInt64 = 30
    @Option(help: "The core's fee in basis points.") var feeBps: UInt64 = 300

    func validate() throws {
        guard (1...10_000).contains(users) else { throw ValidationError("--users must be 1…10000") }
    }

    func run() throws {
        try reportingErrors {
            guard let t = parseTime(mark) else { throw CLIError("--mark \(terminalSafe(mark)): not unix seconds or an ISO time") }
            guard SettlementSchedule.isSettlementTime(t) else { throw OracleError.notAMark(t) }
            let assets = try asset.split(separator: ",", omittingEmptySubsequences: false).map { try parseAsset(String($0)) }
            let sources = SimulatedSources(seed: simulatedSeed)
            for a in assets where !SimulatedSources.assets.contains(a.symbol) {
                throw OracleError.unknownAsset(asset: a.symbol, sources: sources.name, known: SimulatedSources.assets)
            }
            let configuration: EngineConfiguration
            do {
                configuration = EngineConfiguration(schedule: try RoundSchedule(cutoffSeconds: cutoff), fees: try FeeSchedule(bps: feeBps))
            } catch { throw CLIError("\(error)") }
            let store: DurableEngine
            do { store = try DurableEngine(path: db, configuration: configuration) } catch { throw CLIError("--db \(db): \(error)") }
            var random = SplitMix64(seed: simulatedSeed ^ t)
            let first = store.engine.predictions.count
            var newUsers: [UserID] = []
            for i in 0..<users {
                let user = try store.registerUser(address: PredictionEngine.address(forUserName: "core-round-\(t)-\(first)-\(i)"))
                try store.deposit(1_000_000_000, to: user)
                newUsers.append(user)
            }
            var rounds: [[String: Any]] = []
            for a in assets {
                if !store.engine.assetIDs.contains(a) { try store.addAsset(a) }
                if store.engine.isLocked(asset: a, settlesAt: t) { throw CLIError("round \(a.symbol) \(t) is already locked in \(db)") }
                var placed = 0, refused = 0
                for user in newUsers {
                    let at = t - 600 + random.below(600 - cutoff)
                    guard let price = try? sources.aggregatedPrice(asset: a, at: at).price else { refused += 1; continue }
                    try store.setCurrentPrice(price, asset: a)
                    let stake = 1_000_000 * (1 + random.below(50))
                    let request = PlacementRequest(user: user, asset: a, direction: random.below(2) == 0 ? .up : .down, stake: stake, settlesAt: t)
                    if case .success = try store.place(request, at: at) { placed += 1 } else { refused += 1 }
                }
                let lock = try? sources.aggregatedPrice(asset: a, at: t - cutoff).price
                try store.lock(asset: a, settlesAt: t, price: lock)
                rounds.append(["asset": a.symbol, "mark": t, "placed": placed, "refused": refused,
                               "lockPrice": lock.map { PredictionCore.Units.price($0) } ?? NSNull()])
            }
            if output.json {
                try printJSON(["db": db, "mark": t, "users": users, "rounds": rounds] as [String: Any])
            } else {
                for r in rounds {
                    print("\(r["asset"] ?? "") \(t) placed \(r["placed"] ?? 0) refused \(r["refused"] ?? 0) lock \(r["lockPrice"] as? String ?? "missing")")
                }
            }
        }
    }
}

/// `sixnines core settle`.
struct CoreSettle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle", abstract: "Settle the core's locked rounds on the oracle's FINAL or RESOLVED price.",
        discussion: """
            For every round of the durable core (--db) with unsettled predictions whose mark has passed (chain time), reads the PriceOracle's price(asset, mark): FINAL or RESOLVED → the round is settled on exactly that price (its settlement receipts carry it, in the store's outbox for the batch writer); MISSING, PROVISIONAL or DISPUTED → it waits. A round without such a price by its void deadline (--void-after seconds after the mark; default 86400 = 24 h, see docs/PROTOCOL.md §2) is voided: every stake refunded, receipts with outcome void and settlement price 0. Each settlement is one committed command of the store, so a run after a crash settles nothing twice. Prints one line per round (settled, voided, waiting) and a summary; --follow polls the chain's time and runs until SIGINT or SIGTERM. The core's settings (--cutoff, --fee-bps) must be the ones the store was written with. Examples:
              sixnines core settle --db sixnines.sqlite --rpc-url http://127.0.0.1:8545 --json
              sixnines core settle --db sixnines.sqlite --oracle 0x… --follow --void-after 3600
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var target: OracleTarget
    @OptionGroup var output: OutputOptions
    @Option(help: "The durable core's SQLite file (an existing one).") var db: String
    @Option(help: "Seconds after a mark at which a round still without a FINAL or RESOLVED price is voided (more than the oracle's report + dispute windows).")
    var voidAfter: UInt64 = SettlementPolicy.defaultVoidAfter
    @Option(help: "The core's cutoff, seconds before each mark.") var cutoff: UInt64 = 30
    @Option(help: "The core's fee in basis points.") var feeBps: UInt64 = 300
    @Flag(help: "Keep running: a pass every --poll-interval seconds until SIGINT or SIGTERM.") var follow = false
    @Option(help: "With --follow: seconds between passes.") var pollInterval: Double = 2

    func validate() throws {
        guard pollInterval > 0, pollInterval <= 3600 else { throw ValidationError("--poll-interval must be between 0 and 3600 seconds") }
    }

    func run() async throws {
        var store: DurableEngine = try reportingErrors {
            var info = stat()
            guard stat(db, &info) == 0 else { throw CLIError("--db \(db): no such file (the core's SQLite store)") }
            guard info.st_mode & S_IFMT == S_IFREG else { throw CLIError("--db \(db): not a regular file") }
            let configuration: EngineConfiguration
            do {
                configuration = EngineConfiguration(schedule: try RoundSchedule(cutoffSeconds: cutoff), fees: try FeeSchedule(bps: feeBps))
            } catch { throw CLIError("\(error)") }
            do { return try DurableEngine(path: db, configuration: configuration) } catch { throw CLIError("--db \(db): \(error)") }
        }
        try await options.withClient { client in
            let oracle = try await target.connect(client, key: nil, chainOptions: options, wait: nil)
            let (reportWindow, disputeWindow) = try await oracle.windows()
            let policy: SettlementPolicy
            do { policy = try SettlementPolicy(voidAfter: voidAfter, reportWindow: reportWindow, disputeWindow: disputeWindow) } catch {
                throw CLIError("--void-after: \(error)")
            }
            var settler = Settler(feed: oracle, policy: policy)
            guard follow else {
                let results = try await settler.pass(&store)
                try emit(results, summary: true)
                return
            }
            let stop = StopSignal()
            log("settling \(db) on oracle \(oracle.oracle.address.checksummed), void after \(voidAfter) s")
            while !stop.isSet {
                do {
                    let results = try await settler.pass(&store)
                    try emit(results.filter { if case .waiting = $0.decision { return false }; if case .waitingForLock = $0.decision { return false }; return true },
                             summary: false)
                } catch let error as SettlerError {
                    if case .engine = error { throw error }
                    log("pass failed: \(error); retrying in \(pollInterval) s")
                }
                await stop.sleep(seconds: pollInterval)
            }
            log("stopped")
        }
    }

    private func emit(_ results: [RoundSettlement], summary: Bool) throws {
        var counts = (settled: 0, voided: 0, waiting: 0)
        var objects: [[String: Any]] = []
        for r in results {
            var object: [String: Any] = ["asset": r.round.asset.symbol, "mark": r.round.settlesAt, "predictions": r.round.predictions,
                                         "oracleStatus": r.oracle.status.description,
                                         "oraclePrice": r.oracle.price == 0 ? NSNull() : priceText(r.oracle.price)]
            var line: String
            switch r.decision {
            case .settled(let report), .voided(let report):
                let voided: Bool
                if case .voided = r.decision { voided = true; counts.voided += 1 } else { voided = false; counts.settled += 1 }
                object["decision"] = voided ? "voided" : "settled"
                object["outcome"] = report.result.description
                object["settlementPrice"] = report.settlementPrice.map { PredictionCore.Units.price($0) } ?? NSNull()
                object["lockPrice"] = report.lockPrice.map { PredictionCore.Units.price($0) } ?? NSNull()
                object["receipts"] = report.receiptsEmitted
                object["winners"] = report.winners
                object["paidToWinners"] = PredictionCore.Units.money(report.paidToWinners)
                object["refunded"] = PredictionCore.Units.money(report.refunded)
                line = "\(voided ? "voided" : "settled") \(r.round.asset.symbol) \(r.round.settlesAt) "
                    + "price \(report.settlementPrice.map { PredictionCore.Units.price($0) } ?? "none") outcome \(report.result) "
                    + "receipts \(report.receiptsEmitted) (oracle \(r.oracle.status))"
            case .waiting(let voidAt), .waitingForLock(let voidAt):
                counts.waiting += 1
                let forLock: Bool
                if case .waitingForLock = r.decision { forLock = true } else { forLock = false }
                object["decision"] = forLock ? "waiting-for-lock" : "waiting"
                object["voidAt"] = voidAt
                line = "waiting \(r.round.asset.symbol) \(r.round.settlesAt) oracle \(r.oracle.status)\(forLock ? " (not locked)" : "") void at \(voidAt)"
            case .alreadySettled:
                object["decision"] = "already-settled"
                line = "already settled \(r.round.asset.symbol) \(r.round.settlesAt)"
            }
            if output.json { objects.append(object) } else { outputLine(line) }
        }
        if output.json {
            if summary || !objects.isEmpty {
                outputLine(try jsonValue(["rounds": objects, "settled": counts.settled, "voided": counts.voided,
                                          "waiting": counts.waiting] as [String: Any]).jsonText)
            }
        } else if summary {
            outputLine("settled \(counts.settled) voided \(counts.voided) waiting \(counts.waiting)")
        }
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("core: \(terminalSafe(message))\n".utf8))
    }
}
