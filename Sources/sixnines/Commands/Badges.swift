import ArgumentParser
import BadgeKit
import EVM
import EVMRPC
import Foundation
import PredictionCore
import PredictionStore
import SixNinesContracts

/// `sixnines badges`: earned badges, their sync to the Badges contract, and their cards.
struct BadgesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "badges",
        abstract: "Badges: what users earned, minting and levelling them on chain, and their cards (SVG, PNG).",
        discussion: """
            Statistics come from the prediction core's SQLite file (--db); the chain state from the Badges contract's logs (--badges, or the deploy-suite record in --deployments). Eligibility, caps and stats rules: docs/BADGES.md.
            Examples:
              sixnines badges plan --db run.sqlite --rpc-url http://127.0.0.1:8545
              SIXNINES_PRIVATE_KEY=0x… sixnines badges sync --db run.sqlite
              sixnines badges render --class hot-streak --stats 640,900,31 --png card.png
              sixnines badges show 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc --json
            """,
        subcommands: [Plan.self, Sync.self, Render.self, Show.self]
    )

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show what a sync would do: mints, stats updates (level changes), earners a full class leaves out.",
            discussion: """
                Compares the badges earned in the core with the contract's mints and stats, and prints one line per action, then a total. Nothing is sent. With --json: {"mints", "updates", "capReached", "upToDate", "transactions", "badges", "block"}.
                Example:
                  sixnines badges plan --db run.sqlite --json
                """)
        @OptionGroup var core: BadgeCoreOptions
        @OptionGroup var contract: BadgeContractOptions
        @OptionGroup var options: ChainOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (engine, calendar) = try reportingErrors { (try core.openEngine(), try core.calendar()) }
            let statistics = BadgeStatistics(engine: engine.engine, calendar: calendar)
            try await options.withClient { client in
                let (address, from, chainId) = try await contract.resolve(client)
                let badges = Badges(address: address, connection: ContractConnection(client: client, chainId: chainId))
                let state = try await BadgeChainState.read(badges, fromBlock: .number(from))
                let plan = BadgePlanner.plan(statistics, chain: state, asOf: core.asOf)
                if output.json {
                    try printJSON([
                        "badges": address.checksummed, "block": state.block, "mints": plan.mints.map(BadgeJSON.mint),
                        "updates": plan.updates.map(BadgeJSON.update), "capReached": plan.capReached.map(BadgeJSON.capReached),
                        "upToDate": plan.upToDate, "transactions": plan.transactionCount,
                    ] as [String: Any])
                } else {
                    for m in plan.mints { print(BadgeJSON.line(m)) }
                    for u in plan.updates { print(BadgeJSON.line(u)) }
                    for c in plan.capReached { print(BadgeJSON.line(c)) }
                    print("total \(plan.mints.count) mints, \(plan.updates.count) stats updates, \(plan.capReached.count) cap reached, "
                          + "\(plan.upToDate) up to date: \(plan.transactionCount) transactions")
                }
            }
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Mint and update badges until the chain matches what users earned; set VIP fee tiers from chain.",
            discussion: """
                First finishes whatever an earlier sync left (the badge_journal table of --db), then mints, then sets stats. Every transaction is recorded before it is sent, so a sync killed at any point is finished by the next one without minting twice; a rerun with nothing new sends nothing. Earners of a full class are listed, not failed. Then (unless --no-vip) the holders of VIP passes get their fee tier in the core (Diamond: no fee, Gold: half), from the Transfer events since the cached block. The minter's key comes from --private-key, --keystore or SIXNINES_PRIVATE_KEY. Exit code 1 when a transaction reverted.
                Example:
                  SIXNINES_PRIVATE_KEY=0x… sixnines badges sync --db run.sqlite --rpc-url http://127.0.0.1:8545 --json
                """)
        @OptionGroup var core: BadgeCoreOptions
        @OptionGroup var contract: BadgeContractOptions
        @OptionGroup var options: ChainOptions
        @OptionGroup var key: KeyOptions
        @OptionGroup var send: WaitOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Do not refresh the VIP fee tiers.") var noVip = false

        func run() async throws {
            let (engine, calendar, signingKey) = try reportingErrors { (try core.openEngine(), try core.calendar(), try key.load()) }
            try await options.withClient { client in
                let (address, from, chainId) = try await contract.resolve(client)
                let chain = options.preset ?? Chain.withID(chainId) ?? Chain(name: "chain-\(chainId)", id: chainId)
                let sender = TransactionSender(client: client, signer: KeySigner(key: signingKey), chain: chain)
                let sendOptions = send.sendOptions(chain: chain)
                let badges = Badges(address: address, connection: ContractConnection(sender: sender, chainId: chainId, sendOptions: sendOptions))
                guard try await badges.isMinter(arg0: signingKey.address) else {
                    throw CLIError("\(signingKey.address.checksummed) is not a minter of Badges \(address.checksummed)")
                }
                let journal = try BadgeJournal(path: core.db, chainId: chainId, contract: address, sender: signingKey.address)
                var syncer = BadgeSyncer(badges: badges, sender: sender, journal: journal, options: sendOptions, fromBlock: .number(from))
                syncer.progress = { progress($0) }
                let statistics = BadgeStatistics(engine: engine.engine, calendar: calendar)
                let report = try await syncer.sync(statistics, asOf: core.asOf)
                var tiers: [(UserID, VIPTier)] = []
                if !noVip {
                    let cache = try VIPTierCache(path: core.db, contract: address)
                    var durable = engine
                    tiers = try VIPTierCache.apply(try await cache.refresh(badges, fromBlock: from), to: &durable)
                }
                if output.json {
                    try printJSON([
                        "badges": address.checksummed, "sent": report.sent, "resumed": report.resumed,
                        "minted": report.minted.map { m -> [String: Any] in
                            var o = BadgeJSON.mint(m.mint)
                            o["tokenId"] = m.tokenID?.hexString ?? NSNull()
                            return o
                        },
                        "updated": report.updated.map(BadgeJSON.update), "capReached": report.capReached.map(BadgeJSON.capReached),
                        "failed": report.failed, "tiers": tiers.map { ["user": Int($0.0.raw), "tier": $0.1.description] as [String: Any] },
                    ] as [String: Any])
                } else {
                    for m in report.minted { print("minted \(m.mint.badgeClass) \(m.tokenID?.hexString ?? "?") to \(m.mint.address.checksummed)") }
                    for u in report.updated { print(BadgeJSON.line(u)) }
                    for c in report.capReached { print(BadgeJSON.line(c)) }
                    for f in report.failed { print("failed \(f)") }
                    for (user, tier) in tiers { print("tier \(user) \(tier)") }
                    print("sent \(report.sent) transactions: \(report.minted.count) minted, \(report.updated.count) updated, "
                          + "\(report.capReached.count) cap reached, \(report.failed.count) failed, \(report.resumed) resumed, \(tiers.count) tiers changed")
                }
                if !report.failed.isEmpty { throw CLIError("\(report.failed.count) badge transactions failed (listed above)") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "A user's badges: token id, class, level and stats (and, with --db, the user's statistics).",
            discussion: """
                Reads the contract's logs: every badge the address holds, and those minted to it that it no longer holds. Plain output: one line per token (id, class#serial, level, wins/predictions/streak, held or moved). With --db also the core's statistics of the user at that address.
                Example:
                  sixnines badges show 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json
                """)
        @Argument(help: "The holder's address.") var address: String
        @Option(help: "The prediction core's SQLite file, for the user's statistics.") var db: String?
        @OptionGroup var contract: BadgeContractOptions
        @OptionGroup var options: ChainOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let holder = try reportingErrors { try parseAddress(address) }
            let userStats: UserStats? = try reportingErrors {
                guard let db else { return nil }
                let engine = try BadgeCoreOptions.parse(["--db", db]).openEngine()
                return BadgeStatistics(engine: engine.engine, calendar: try SeasonCalendar()).stats(of: holder)
            }
            try await options.withClient { client in
                let (badgesAddress, from, chainId) = try await contract.resolve(client)
                let badges = Badges(address: badgesAddress, connection: ContractConnection(client: client, chainId: chainId))
                let state = try await BadgeChainState.read(badges, fromBlock: .number(from))
                let tokens = Set(state.held(by: holder)).union(state.tokens.values.filter { $0.receiver == holder }).sorted { $0.tokenID < $1.tokenID }
                if output.json {
                    var object: [String: Any] = [
                        "address": holder.checksummed, "badges": badgesAddress.checksummed, "block": state.block,
                        "tokens": tokens.map { t -> [String: Any] in
                            ["tokenId": t.tokenID.hexString, "tokenIdDecimal": t.tokenID.description, "class": t.badgeClass.slug,
                             "name": t.badgeClass.name, "serial": t.serial.description, "soulbound": t.badgeClass.isSoulbound,
                             "held": t.owner == holder, "owner": t.owner.checksummed, "stats": BadgeJSON.stats(t.stats)]
                        },
                    ]
                    object["user"] = userStats.map(BadgeJSON.userStats) ?? NSNull()
                    try printJSON(object)
                } else {
                    for t in tokens {
                        print("\(t.tokenID.hexString) \(t.badgeClass)#\(t.serial) \(t.stats.level) \(t.stats)"
                              + (t.owner == holder ? "" : " (now held by \(t.owner.checksummed))"))
                    }
                    if let u = userStats {
                        print("stats wins \(u.wins) predictions \(u.predictions) win-rate \(u.winRate)% longest-streak \(u.longestStreak) "
                              + "exact-420 \(u.exactWins420) exact-69 \(u.exactWins69) perfect-timing \(u.perfectTimings) "
                              + "founder \(u.founderRank.map { "#\($0)" } ?? "no")")
                    }
                    if tokens.isEmpty { print("no badges") }
                }
            }
        }
    }
}
