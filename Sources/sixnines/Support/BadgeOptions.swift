import ArgumentParser
import BadgeKit
import Deployment
import EVM
import EVMRPC
import Foundation
import PredictionCore
import PredictionStore
import SixNinesContracts

/// Where the Badges contract is: `--badges ADDRESS`, else the `Badges` entry of `<deployments>/<chain-id>.json`
/// written by `deploy-suite` (whose deployment block bounds the log queries).
struct BadgeContractOptions: ParsableArguments {
    @Option(help: "The Badges contract (default: the Badges entry of <deployments>/<chain-id>.json).") var badges: String?
    @Option(help: "Directory of the deployment records written by deploy-suite.") var deployments: String = "deployments"
    @Option(help: "First block to read the contract's logs from (default: its deployment block when recorded, else 0).")
    var fromBlock: UInt64?

    /// The contract's address and the first block of its logs, for the node behind `client`.
    func resolve(_ client: RPCClient) async throws -> (address: Address, fromBlock: UInt64, chainId: UInt64) {
        let chainId = try await client.chainId()
        if let badges {
            return (try parseAddress(badges, what: "--badges"), fromBlock ?? 0, chainId)
        }
        let file = try DeploymentsFile(directory: deployments, chainId: chainId, deployer: Address(lastBytesOf: .zero))
        guard let address = file.deployedAddress("Badges") else {
            throw CLIError("no --badges given and \(file.path) records no deployed Badges contract (run deploy-suite, or give --badges 0x…)")
        }
        return (address, fromBlock ?? file.contracts["Badges"]?.blockNumber ?? 0, chainId)
    }
}

/// The core's data and the season rules: `--db FILE` (the durable engine's SQLite file) and the season calendar.
struct BadgeCoreOptions: ParsableArguments {
    @Option(help: "The prediction core's SQLite file (sixnines simulate --db, the durable engine); the badge journal lives there too.")
    var db: String

    @Option(help: "Start of season 1, unix seconds (default: Monday 2026-11-23 00:00 UTC).") var seasonOrigin: UInt64 = 1_795_392_000
    @Option(help: "Length of a season in seconds (default: one week).") var seasonLength: UInt64 = 604_800
    @Option(help: "Seasons ending at or before this unix time are over (default: the core's latest settlement).") var asOf: UInt64?

    func validate() throws {
        guard seasonLength > 0 else { throw ValidationError("--season-length must be positive") }
    }

    /// The calendar of the options.
    func calendar() throws -> SeasonCalendar {
        do { return try SeasonCalendar(origin: seasonOrigin, length: seasonLength) } catch { throw CLIError("\(error)") }
    }

    /// Opens the core's store (an existing file only: a typo must not create an empty core).
    func openEngine() throws -> DurableEngine {
        guard FileManager.default.fileExists(atPath: db) else { throw CLIError("--db \(db): no such file") }
        do { return try DurableEngine(path: db) } catch { throw CLIError("--db \(db): \(error)") }
    }
}

/// JSON of the badge types, shared by the badge commands.
enum BadgeJSON {
    static func stats(_ s: TokenStats) -> [String: Any] {
        ["wins": s.wins, "predictions": s.predictions, "bestStreak": s.bestStreak, "winRate": s.winRate, "level": s.level.description]
    }

    static func mint(_ m: BadgePlan.Mint) -> [String: Any] {
        ["user": Int(m.user.raw), "address": m.address.checksummed, "class": m.badgeClass.slug, "classNumber": Int(m.badgeClass.rawValue),
         "season": m.season, "stats": stats(m.stats)]
    }

    static func update(_ u: BadgePlan.Update) -> [String: Any] {
        ["tokenId": u.tokenID.hexString, "class": u.badgeClass.slug, "address": u.address.checksummed, "from": stats(u.from),
         "to": stats(u.to), "levelChanges": u.levelChanges]
    }

    static func capReached(_ c: BadgePlan.CapReached) -> [String: Any] {
        ["user": Int(c.user.raw), "address": c.address.checksummed, "class": c.badgeClass.slug, "season": c.season, "reason": c.reason]
    }

    static func userStats(_ u: UserStats) -> [String: Any] {
        var o: [String: Any] = [
            "user": Int(u.user.raw), "address": u.address.checksummed, "wins": u.wins, "predictions": u.predictions,
            "winRate": u.winRate, "longestStreak": u.longestStreak, "currentStreak": u.currentStreak,
            "exactWins420": u.exactWins420, "exactWins69": u.exactWins69, "perfectTimings": u.perfectTimings, "refunds": u.refunds,
            "seasons": u.seasons.keys.sorted().map { n -> [String: Any] in
                let r = u.seasons[n]!  // invariant: n is a key of the dictionary
                return ["season": n, "stats": stats(r.stats), "net": Int(r.net)]
            },
        ]
        o["founderRank"] = u.founderRank.map { Int($0) } ?? NSNull()
        return o
    }

    /// Plain one-line forms.
    static func line(_ m: BadgePlan.Mint) -> String {
        let season = m.badgeClass == .seasonChampion ? " season \(m.season)" : ""
        let then = m.stats == .zero ? "" : " then stats \(m.stats) (\(m.stats.level))"
        return "mint \(m.badgeClass)\(season) to \(m.address.checksummed) (\(m.user))\(then)"
    }

    static func line(_ u: BadgePlan.Update) -> String {
        let level = u.levelChanges ? " level \(u.from.level) -> \(u.to.level)" : ""
        return "stats \(u.from) -> \(u.to) on \(u.badgeClass) \(u.tokenID.hexString) (\(u.address.checksummed))\(level)"
    }

    static func line(_ c: BadgePlan.CapReached) -> String {
        "cap-reached \(c.badgeClass)\(c.badgeClass == .seasonChampion ? " season \(c.season)" : "") for \(c.address.checksummed) (\(c.user)): \(c.reason)"
    }
}
