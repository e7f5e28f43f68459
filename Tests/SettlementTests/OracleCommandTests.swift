import EVM
import EVMRPC
import Foundation
import PredictionCore
import Receipts
import Settlement
import Synchronization
import TestSupport
import Testing

@Suite("sixnines oracle and core settle on the devnet", .serialized)
struct OracleCommandTests {
    let net = SettlementDevnet.commands

    func base(_ key: Int? = nil) throws -> [String] {
        _ = try net.suite()
        return ["--rpc-url", net.url, "--deployments", net.deployments] + (key.map { ["--private-key", devKeyHex[$0]] } ?? [])
    }

    func object(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let text = try CLI.value(arguments, sourceLocation: sourceLocation)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], sourceLocation: sourceLocation)
    }

    @Test func reportFinalizeAndSettleARoundThroughTheCommandLine() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let asset = try AssetID(symbol: "BTC-USD")
        let mark = try await net.nextMark(client)
        let price = try simulatedPrice(asset, mark)
        let core = try CoreRound(mark: mark, lockPrice: price + 10_000_000_000, directory: net.directory)  // down wins
        let round = ["--asset", "BTC-USD", "--mark", String(mark)]
        let settle = ["core", "settle", "--db", core.path, "--json"] + (try base())

        // Due only after the mark.
        #expect(try object(settle)["waiting"] as? Int == 0)
        try await net.travel(to: mark + 3, client)
        for i in 2...4 {
            let report = try object(["oracle", "report", "--simulated-seed", "7", "--json"] + round + (try base(i)))
            #expect(report["price"] as? String == PredictionCore.Units.price(price))
            #expect(report["alreadyReported"] as? Bool == false)
            #expect(report["reporter"] as? String == devKeys[i].address.checksummed)
        }
        // A retry prints the report on chain and sends nothing.
        let again = try object(["oracle", "report", "--simulated-seed", "7", "--json"] + round + (try base(2)))
        #expect(again["alreadyReported"] as? Bool == true)
        #expect(again["transactionHash"] is NSNull)
        #expect(try CLI.value(["oracle", "report", "--mark", "latest", "--asset", "BTC-USD", "--simulated-seed", "7"] + (try base(3)))
                == PredictionCore.Units.price(price))

        let status = try object(["oracle", "status", "--json"] + round + (try base()))
        #expect(status["status"] as? String == "MISSING" && status["state"] as? String == "MISSING")
        #expect((status["reports"] as? [[String: Any]])?.count == 3)
        #expect(status["median"] as? String == PredictionCore.Units.price(price))
        var settled = try object(settle)
        #expect(settled["waiting"] as? Int == 1 && settled["settled"] as? Int == 0)

        // Finalised: PROVISIONAL for the dispute window, the core still waits.
        try await net.travel(to: mark + (UInt64(status["reportWindow"] as? Int ?? 120)) + 1, client)
        let finalized = try object(["oracle", "finalize", "--json"] + round + (try base(8)))
        let provisional = try #require(finalized["round"] as? [String: Any])
        #expect(provisional["status"] as? String == "PROVISIONAL")
        #expect((provisional["disputeWindowRemaining"] as? Int ?? 0) > 0)
        settled = try object(settle)
        #expect((settled["rounds"] as? [[String: Any]])?.first?["oracleStatus"] as? String == "PROVISIONAL")
        #expect(settled["settled"] as? Int == 0)

        // FINAL: settled on exactly the oracle's price; a second run settles nothing.
        try await net.travel(to: UInt64(provisional["finalAfter"] as? Int ?? 0) + 1, client)
        let plain = try CLI.value(["oracle", "status"] + round + (try base()))
        #expect(plain.split(separator: "\n").first == "state: FINAL")
        settled = try object(settle)
        let settledRound = try #require((settled["rounds"] as? [[String: Any]])?.first)
        #expect(settledRound["decision"] as? String == "settled")
        #expect(settledRound["settlementPrice"] as? String == PredictionCore.Units.price(price))
        #expect(settledRound["outcome"] as? String == "down")
        #expect(settledRound["receipts"] as? Int == 4)
        #expect(try core.settlementReceipts().allSatisfy { $0.settlementPrice == UInt128(price) })
        #expect(try CLI.value(["core", "settle", "--db", core.path] + (try base())) == "settled 0 voided 0 waiting 0")
    }

    @Test func disputeThroughTheVaultResolveAndVoidThroughTheCommandLine() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let mark = try await net.nextMark(client)
        let price = try simulatedPrice(try AssetID(symbol: "BTC-USD"), mark)
        let btc = try CoreRound(mark: mark, lockPrice: price - 10_000_000_000, directory: net.directory)  // up wins on the median
        let eth = try CoreRound(mark: mark, lockPrice: 1, directory: net.directory, symbol: "ETH-USD")    // never reported
        let round = ["--asset", "BTC-USD", "--mark", String(mark)]
        try await net.travel(to: mark + 3, client)
        for i in 2...4 { _ = try CLI.value(["oracle", "report", "--simulated-seed", "7"] + round + (try base(i))) }
        try await net.travel(to: mark + 121, client)
        #expect(try CLI.value(["oracle", "finalize"] + round + (try base(8))) == PredictionCore.Units.price(price))

        // A vault signer disputes through the vault: the core waits.
        #expect(try CLI.value(["oracle", "dispute", "--via-vault"] + round + (try base(6))) == "DISPUTED")
        var settled = try object(["core", "settle", "--db", btc.path, "--json"] + (try base()))
        #expect((settled["rounds"] as? [[String: Any]])?.first?["oracleStatus"] as? String == "DISPUTED")
        #expect(settled["waiting"] as? Int == 1)

        // The resolver resolves 200 USD lower: the round settles on that price, and down wins.
        let resolved = price - 20_000_000_000
        #expect(try CLI.value(["oracle", "resolve", "--price", PredictionCore.Units.price(resolved)] + round + (try base(4))) == "RESOLVED")
        settled = try object(["core", "settle", "--db", btc.path, "--json"] + (try base()))
        let settledRound = try #require((settled["rounds"] as? [[String: Any]])?.first)
        #expect(settledRound["decision"] as? String == "settled")
        #expect(settledRound["oracleStatus"] as? String == "RESOLVED")
        #expect(settledRound["settlementPrice"] as? String == PredictionCore.Units.price(resolved))
        #expect(settledRound["outcome"] as? String == "down")
        #expect(try btc.settlementReceipts().allSatisfy { $0.settlementPrice == UInt128(resolved) })

        // ETH-USD never got a report: waiting until the void deadline, then voided with refunds.
        let ethSettle = ["core", "settle", "--db", eth.path, "--void-after", "1800", "--json"] + (try base())
        #expect((try object(ethSettle)["rounds"] as? [[String: Any]])?.first?["decision"] as? String == "waiting")
        try await net.travel(to: mark + 1_800, client)
        let voided = try #require((try object(ethSettle)["rounds"] as? [[String: Any]])?.first)
        #expect(voided["decision"] as? String == "voided")
        #expect(voided["outcome"] as? String == "void(missing-settlement-price)")
        #expect(voided["settlementPrice"] is NSNull)
        #expect(voided["refunded"] as? String == PredictionCore.Units.money(eth.stakes.reduce(0, +)))
        #expect(try eth.settlementReceipts().allSatisfy { $0.outcome == 4 && $0.settlementPrice == 0 && $0.payout == $0.stake })
    }

    /// The demo's flow with the command line alone: the core fills and locks the rounds, three reporters report,
    /// anyone finalises, and after the dispute window the core settles on the oracle's price.
    @Test func aRoundFilledByCoreRoundSettlesOnTheReportersPrice() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let mark = try await net.nextMark(client)
        let db = net.directory.appendingPathComponent("demo-\(mark).sqlite").path
        let filled = try object(["core", "round", "--db", db, "--asset", "BTC-USD,SPY", "--mark", String(mark), "--users", "8",
                                 "--simulated-seed", "7", "--json"])
        let rounds = try #require(filled["rounds"] as? [[String: Any]])
        #expect(rounds.count == 2 && rounds.allSatisfy { ($0["placed"] as? Int ?? 0) > 0 && $0["lockPrice"] is String })
        try CLI.fails(["core", "round", "--db", db, "--asset", "BTC-USD", "--mark", String(mark), "--simulated-seed", "7"],
                      mentioning: "already locked")
        try await net.travel(to: mark + 1, client)
        for symbol in ["BTC-USD", "SPY"] {
            for i in 2...4 {
                _ = try CLI.value(["oracle", "report", "--asset", symbol, "--mark", "latest", "--simulated-seed", "7"] + (try base(i)))
            }
        }
        try await net.travel(to: mark + 121, client)
        for symbol in ["BTC-USD", "SPY"] { _ = try CLI.value(["oracle", "finalize", "--asset", symbol, "--mark", String(mark)] + (try base(8))) }
        try await net.travel(to: mark + 121 + 700, client)  // past both rounds' dispute windows
        let settled = try object(["core", "settle", "--db", db, "--json"] + (try base()))
        #expect(settled["settled"] as? Int == 2, "\(settled)")
        for r in try #require(settled["rounds"] as? [[String: Any]]) {
            let asset = try AssetID(symbol: try #require(r["asset"] as? String))
            #expect(r["settlementPrice"] as? String == PredictionCore.Units.price(try simulatedPrice(asset, mark)))
        }
    }

    @Test func oneKeyReportsSeveralAssetsFromConcurrentProcesses() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let mark = try await net.nextMark(client)
        try await net.travel(to: mark + 1, client)
        let assets = ["BTC-USD", "ETH-USD", "SOL-USD", "SPY"]
        let arguments = try assets.map { ["oracle", "report", "--asset", $0, "--mark", String(mark), "--simulated-seed", "7"] + (try base(3)) }
        let results = try await withThrowingTaskGroup(of: CLIResult.self) { group in
            for a in arguments { group.addTask { try CLI.run(a) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        for symbol in assets {
            let status = try object(["oracle", "status", "--asset", symbol, "--mark", String(mark), "--json"] + (try base()))
            #expect((status["reports"] as? [[String: Any]])?.first?["reporter"] as? String == devKeys[3].address.checksummed)
        }
    }

    @Test func helpShowsExamples() throws {
        for command in [["oracle"], ["oracle", "report"], ["oracle", "status"], ["oracle", "finalize"], ["oracle", "dispute"],
                        ["oracle", "resolve"], ["core", "settle"], ["core", "round"]] {
            let result = try CLI.run(command + ["--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("Example"), "\(command)")
            #expect(result.stdout.contains("sixnines \(command.joined(separator: " "))"), "\(command)")
        }
        #expect(try CLI.run(["--help"]).stdout.contains("ORACLE AND SETTLEMENT SUBCOMMANDS"))
    }

    @Test func badInputsExitOneWithAClearMessage() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let mark = try await net.nextMark(client)
        let report = ["oracle", "report", "--simulated-seed", "7"]
        let eth = ["--asset", "ETH-USD", "--mark", String(mark)]
        try CLI.fails(report + ["--asset", "ETH-USD", "--mark", String(mark + 60)] + (try base(2)), mentioning: "not a settlement mark")
        try CLI.fails(report + ["--asset", "DOGE-USD", "--mark", String(mark)] + (try base(2)), mentioning: "unknown asset DOGE-USD")
        try CLI.fails(report + ["--asset", "btc usd", "--mark", String(mark)] + (try base(2)), mentioning: "--asset")
        try CLI.fails(report + eth + (try base(2)), mentioning: "is not open yet: it opens at \(mark)")
        try CLI.fails(report + eth + ["--rpc-url", net.url, "--oracle", "0x0000000000000000000000000000000000000001", "--private-key", devKeyHex[2]],
                      mentioning: "no contract there")
        try CLI.fails(report + eth + ["--rpc-url", net.url, "--deployments", net.directory.appendingPathComponent("none").path,
                                      "--private-key", devKeyHex[2]], mentioning: "no --oracle given")
        try await net.travel(to: mark + 1, client)
        // A key without the reporter role: the contract's revert string.
        try CLI.fails(report + eth + (try base(8)), mentioning: "submit reverted: access_control: account is missing role")
        // Disputing or resolving without the role, directly.
        try CLI.fails(["oracle", "dispute"] + eth + (try base(8)), mentioning: "access_control: account is missing role")
        try CLI.fails(["oracle", "resolve", "--price", "abc"] + eth + (try base(4)), mentioning: "--price")
        try CLI.fails(["oracle", "finalize"] + eth + (try base(8)), mentioning: "report window is open until")

        // A quotes file: reported from it; a broken one is refused.
        let quotes = net.directory.appendingPathComponent("quotes-\(mark).json")
        try Data("""
            {"ETH-USD": {"binance": {"price": "3621.50", "observedAt": \(mark - 2)},
                         "coinbase": {"price": "3621.52", "observedAt": \(mark)},
                         "kraken": {"price": "3621.48", "observedAt": \(mark - 1)}}}
            """.utf8).write(to: quotes)
        #expect(try CLI.value(["oracle", "report", "--quotes", quotes.path] + eth + (try base(3))) == "3621.50000000")
        let broken = net.directory.appendingPathComponent("broken-\(mark).json")
        try Data(#"{"ETH-USD": {"binance": {"price": 3621.5, "observedAt": 1}}}"#.utf8).write(to: broken)
        try CLI.fails(["oracle", "report", "--quotes", broken.path] + eth + (try base(4)), mentioning: "price must be a decimal string")
        try CLI.fails(["oracle", "report", "--quotes", quotes.path, "--asset", "SPY", "--mark", String(mark)] + (try base(4)),
                      mentioning: "unknown asset SPY")

        // After the window: refused with the closing time.
        try await net.travel(to: mark + 500, client)
        try CLI.fails(report + eth + (try base(4)), mentioning: "report window of ETH-USD \(mark) closed at \(mark + 120)")

        // The settler: a store that does not exist, a void deadline inside the oracle's windows.
        try CLI.fails(["core", "settle", "--db", net.directory.appendingPathComponent("missing.sqlite").path] + (try base()),
                      mentioning: "no such file")
        let core = try CoreRound(mark: mark, lockPrice: 1, directory: net.directory)
        try CLI.fails(["core", "settle", "--db", core.path, "--void-after", "60"] + (try base()), mentioning: "too short")
    }

    @Test func followReportsEachMarkAsItPassesAndStopsOnSIGTERM() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let mark = try await net.nextMark(client)
        let follow = ["oracle", "report", "--follow", "--asset", "SOL-USD", "--simulated-seed", "7", "--poll-interval", "0.1"]
        let reporter = try Daemon(follow + ["--finalize"] + (try base(2)))
        let outsider = try Daemon(follow + (try base(8)))  // no reporter role

        // The mark passes: the daemon reports it; two more reporters make a median; after the window it finalises.
        try await net.travel(to: mark + 2, client)
        let price = try simulatedPrice(try AssetID(symbol: "SOL-USD"), mark)
        try await reporter.waitFor("reported SOL-USD \(mark) \(PredictionCore.Units.price(price))")
        for i in 3...4 {
            _ = try CLI.value(["oracle", "report", "--asset", "SOL-USD", "--mark", String(mark), "--simulated-seed", "7"] + (try base(i)))
        }
        try await net.travel(to: mark + 200, client)
        try await reporter.waitFor("finalized SOL-USD \(mark) \(PredictionCore.Units.price(price)) PROVISIONAL")
        let stopped = reporter.stop(SIGTERM)
        #expect(stopped.status == 0)
        #expect(stopped.log.contains("oracle: stopped"), "\(stopped.log)")
        #expect(reporter.lines.filter { $0.hasPrefix("reported SOL-USD \(mark)") }.count == 1)
        // A key without the role: the revert is logged once per mark, not retried, and the daemon keeps running.
        let refused = outsider.stop(SIGINT)
        #expect(refused.status == 0)
        #expect(refused.log.contains("submit SOL-USD \(mark): attempt 1/3 failed: submit reverted: access_control: account is missing role"),
                "\(refused.log)")
        #expect(refused.log.contains("giving up on this mark"))
        #expect(outsider.lines.isEmpty)
    }

    @Test func theSettlerDaemonSettlesWhenThePriceIsFinalAndStopsOnSIGINT() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let mark = try await net.nextMark(client)
        let price = try simulatedPrice(try AssetID(symbol: "ETH-USD"), mark)
        let core = try CoreRound(mark: mark, lockPrice: price, directory: net.directory, symbol: "ETH-USD")  // a push
        let settler = try Daemon(["core", "settle", "--db", core.path, "--follow", "--poll-interval", "0.1", "--json"] + (try base()))
        try await net.travel(to: mark + 2, client)
        for i in 2...4 {
            _ = try CLI.value(["oracle", "report", "--asset", "ETH-USD", "--mark", String(mark), "--simulated-seed", "7"] + (try base(i)))
        }
        try await net.travel(to: mark + 121, client)
        _ = try CLI.value(["oracle", "finalize", "--asset", "ETH-USD", "--mark", String(mark)] + (try base(8)))
        #expect(try core.settlementReceipts().isEmpty)
        try await net.travel(to: mark + 800, client)
        try await settler.waitFor("{")
        let stopped = settler.stop(SIGINT)
        #expect(stopped.status == 0)
        #expect(stopped.log.contains("core: stopped"), "\(stopped.log)")
        let line = try #require(settler.lines.first)
        let pass = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let round = try #require((pass["rounds"] as? [[String: Any]])?.first)
        #expect(round["decision"] as? String == "settled" && round["outcome"] as? String == "push")
        #expect(try core.settlementReceipts().allSatisfy { $0.settlementPrice == UInt128(price) && $0.outcome == 3 })
    }
}
