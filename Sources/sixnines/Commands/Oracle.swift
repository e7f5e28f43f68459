import ArgumentParser
import Deployment
import EVM
import EVMRPC
import EVMSigner
import Foundation
import PredictionCore
import Receipts
import Settlement
import SixNinesContracts

/// `sixnines oracle`: reports, status, finalisation, disputes and resolution of the PriceOracle (PROTOCOL §7).
struct OracleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oracle",
        abstract: "Report :X9 prices to the PriceOracle, read a round, finalize, dispute and resolve it.",
        discussion: """
            A round is an asset and a settlement mark (unix seconds with t % 600 == 540, an ISO time such as 2026-11-25T12:09:00Z, or `latest`: the last mark at or before the chain's time). The oracle is --oracle, else the PriceOracle of <deployments>/<chain-id>.json (written by deploy-suite). Keys: --private-key, --keystore (with --password-file), or $SIXNINES_PRIVATE_KEY. Examples:
              sixnines oracle report --asset BTC-USD --mark latest --simulated-seed 7 --keystore reporter.json --password-file pw
              sixnines oracle status --asset BTC-USD --mark 1795608540 --json
              sixnines oracle finalize --asset BTC-USD --mark 1795608540 --private-key 0x…
              sixnines oracle dispute --asset BTC-USD --mark 1795608540 --via-vault --keystore signer.json
              sixnines oracle resolve --asset BTC-USD --mark 1795608540 --price 97100.5 --keystore resolver.json
            """,
        subcommands: [OracleReportCommand.self, OracleStatusCommand.self, OracleFinalize.self, OracleDispute.self, OracleResolve.self])
}

/// The oracle (and vault) addresses: the flags, else the deployments file.
struct OracleTarget: ParsableArguments {
    @Option(help: "The PriceOracle (default: the one in <deployments>/<chain-id>.json).") var oracle: String?
    @Option(help: "Directory of the deployment records (deploy-suite's).") var deployments: String = "deployments"

    /// The address of `name`: `flag` if given, else the deployments file's record.
    func address(_ name: String, flag: String?, option: String, chainId: UInt64) throws -> Address {
        if let flag { return try parseAddress(flag, what: option) }
        let path = DeploymentsFile.path(directory: deployments, chainId: chainId)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("no \(option) given and no deployments file \(path) (give \(option) ADDRESS or --deployments DIR)")
        }
        let file = try DeploymentsFile(directory: deployments, chainId: chainId, deployer: .zero)
        guard let address = file.deployedAddress(name) else { throw CLIError("no \(option) given and no deployed \(name) in \(path)") }
        return address
    }

    /// A client of the oracle on `client`, signing with `key` when given; checks there is code at the address.
    func connect(_ client: RPCClient, key: PrivateKey?, chainOptions: ChainOptions, wait: WaitOptions?) async throws -> OracleClient {
        let chainId = try await client.chainId()
        let address = try self.address("PriceOracle", flag: oracle, option: "--oracle", chainId: chainId)
        guard try await !client.code(at: address).isEmpty else { throw CLIError("--oracle \(address.checksummed): no contract there on chain \(chainId)") }
        guard let key else { return OracleClient(address: address, connection: ContractConnection(client: client, chainId: chainId)) }
        let chain = chainOptions.preset ?? Chain.withID(chainId) ?? Chain(name: "chain-\(chainId)", id: chainId)
        let sender = TransactionSender(client: client, signer: KeySigner(key: key), chain: chain)
        let options = wait?.sendOptions(chain: chain) ?? SendOptions()
        return OracleClient(address: address, connection: ContractConnection(sender: sender, chainId: chainId, sendOptions: options))
    }
}

extension OracleClient {
    /// Runs `body` holding the nonce lock of this client's key on its chain (the lock `sixnines send` takes), so
    /// concurrent sixnines processes sending with one key (a reporter daemon and a one-off report) take turns.
    func holdingNonceLock<T>(_ body: () async throws -> T) async throws -> T {
        guard let sender else { return try await body() }
        return try await NonceLock.holding(chainId: oracle.connection.chainId, address: sender, body)
    }
}

/// `--asset` and `--mark`.
struct RoundOptions: ParsableArguments {
    @Option(help: "The asset symbol (BTC-USD, SPY …).") var asset: String
    @Option(help: "The mark: unix seconds (t % 600 == 540), YYYY-MM-DDTHH:MM:SSZ, or latest.") var mark: String

    /// The asset id.
    func assetID() throws -> AssetID { try parseAsset(asset) }

    /// The mark; `latest` is the last mark at or before the chain's time.
    func markTime(_ client: OracleClient) async throws -> UInt64 { try await parseMark(mark, client) }
}

/// A mark: unix seconds or an ISO time that is a mark, or `latest` (the last mark at or before the chain's time).
func parseMark(_ text: String, _ client: OracleClient) async throws -> UInt64 {
    if text == "latest" { return ReporterLoop.lastMark(atOrBefore: try await client.chainTime()) }
    guard let t = parseTime(text) else { throw CLIError("--mark \(terminalSafe(text)): not unix seconds, an ISO time or latest") }
    guard SettlementSchedule.isSettlementTime(t) else { throw OracleError.notAMark(t) }
    return t
}

/// An asset symbol with a user-facing error.
func parseAsset(_ text: String, what: String = "--asset") throws -> AssetID {
    do { return try AssetID(symbol: text) } catch { throw CLIError("\(what): \(error)") }
}

/// A USD price with at most 8 decimals (`97100.5`), exact.
func parsePrice(_ text: String, what: String) throws -> UInt64 {
    let value: UInt64
    do { value = try FixedPoint.parse(text, decimals: PredictionCore.Units.priceDecimals) } catch { throw CLIError("\(what): \(error)") }
    guard value > 0 else { throw CLIError("\(what): the price must be positive") }
    return value
}

/// The price sources of a reporter.
struct SourceOptions: ParsableArguments {
    @Option(help: "Deterministic simulated sources with this seed (the same seed gives every reporter the same quotes).")
    var simulatedSeed: UInt64?
    @Option(help: "A JSON quotes file: {\"BTC-USD\": {\"binance\": {\"price\": \"97123.45\", \"observedAt\": 1795608540}, …}}.")
    var quotes: String?
    @Option(help: "Number of simulated sources per asset.") var sourceCount: Int = 5

    func validate() throws {
        guard (simulatedSeed == nil) != (quotes == nil) else {
            throw ValidationError("give the price sources: --simulated-seed N or --quotes FILE (one of them)")
        }
        guard (1...64).contains(sourceCount) else { throw ValidationError("--source-count must be 1…64") }
    }

    /// The sources.
    func load() throws -> any PriceSources {
        if let quotes { return try QuotesFile(text: try readText(quotes, what: "--quotes"), path: quotes) }
        return SimulatedSources(seed: simulatedSeed ?? 0, sourceCount: sourceCount)
    }
}

/// The JSON of a round, as `oracle status --json` prints it (and every oracle command under "round").
func roundJSON(_ r: OracleRound) -> [String: Any] {
    var object: [String: Any] = [
        "asset": r.asset.symbol, "mark": r.settlesAt, "markTime": iso8601(r.settlesAt), "status": r.price.status.description,
        "state": r.price.status.description,
        "statusCode": Int(r.price.status.rawValue), "price": r.price.price == 0 ? NSNull() : priceText(r.price.price),
        "priceE8": String(r.price.price), "source": r.source.description, "finalAfter": r.finalAfter,
        "disputeWindowRemaining": r.disputeWindowRemaining, "reportsCloseAt": r.reportsCloseAt, "chainTime": r.chainTime,
        "reportWindow": r.reportWindow, "disputeWindow": r.disputeWindow, "settleable": r.price.status.allowsSettlement,
        "reports": r.reports.map { ["reporter": $0.reporter.checksummed, "price": priceText($0.price), "priceE8": String($0.price)] },
    ]
    object["median"] = r.reportsMedian.map { PredictionCore.Units.price($0) } ?? NSNull()
    return object
}

/// A price with 8 decimals as USD text.
func priceText(_ value: UInt128) -> String {
    let whole = value / 100_000_000, fraction = String(value % 100_000_000)
    return "\(whole).\(String(repeating: "0", count: 8 - fraction.count))\(fraction)"
}

/// The JSON of an action's result.
func actionJSON(_ r: OracleActionResult, extra: [String: Any] = [:]) -> [String: Any] {
    var object: [String: Any] = ["action": r.action, "alreadyDone": r.alreadyDone, "round": roundJSON(r.round),
                                 "transactionHash": r.transaction.map { $0.description } ?? NSNull(),
                                 "blockNumber": r.blockNumber.map { $0 as Any } ?? NSNull()]
    for (k, v) in extra { object[k] = v }
    return object
}

/// `sixnines oracle status`.
struct OracleStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a round: reports, their median, state, price, source and dispute window.",
        discussion: """
            Reads price(), round_info() and reports() at the latest block. States: MISSING, PROVISIONAL (finalised, dispute window open), FINAL, DISPUTED, RESOLVED; a round settles only on FINAL or RESOLVED. Example:
              sixnines oracle status --asset BTC-USD --mark 1795608540 --json
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var target: OracleTarget
    @OptionGroup var round: RoundOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let asset = try reportingErrors { try round.assetID() }
        try await options.withClient { client in
            let oracle = try await target.connect(client, key: nil, chainOptions: options, wait: nil)
            let r = try await oracle.round(asset: asset, mark: try await round.markTime(oracle))
            if output.json { try printJSON(roundJSON(r)); return }
            print("state: \(r.price.status)")
            print("price: \(r.price.price == 0 ? "-" : priceText(r.price.price))")
            print("source: \(r.source)")
            print("final_after: \(r.finalAfter == 0 ? "-" : String(r.finalAfter))")
            print("dispute_window_remaining: \(r.disputeWindowRemaining) s")
            print("reports_close_at: \(r.reportsCloseAt)")
            print("median: \(r.reportsMedian.map { PredictionCore.Units.price($0) } ?? "-")")
            print("reports: \(r.reports.count)")
            for report in r.reports { print("report: \(report.reporter.checksummed) \(priceText(report.price))") }
        }
    }
}

/// `sixnines oracle finalize`.
struct OracleFinalize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finalize", abstract: "Finalise a round once its report window has closed (anyone may).",
        discussion: """
            The oracle applies the median rule (PROTOCOL §7.1) to the reports, else its fallback aggregator; the price is then PROVISIONAL for the dispute window, FINAL after it. Already finalised: nothing is sent. Prints the price. Example:
              sixnines oracle finalize --asset BTC-USD --mark 1795608540 --private-key 0x… --json
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var target: OracleTarget
    @OptionGroup var round: RoundOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (asset, signingKey) = try reportingErrors { (try round.assetID(), try key.load()) }
        try await options.withClient { client in
            let oracle = try await target.connect(client, key: signingKey, chainOptions: options, wait: wait)
            let mark = try await round.markTime(oracle)
            let result = try await oracle.holdingNonceLock { try await oracle.finalize(asset: asset, mark: mark) }
            try output.emit(priceText(result.round.price.price), json: actionJSON(result))
        }
    }
}

/// `sixnines oracle dispute`.
struct OracleDispute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute", abstract: "Dispute a PROVISIONAL price (disputer role, or a vault signer with --via-vault).",
        discussion: """
            Directly: the key holds the oracle's DISPUTER_ROLE. With --via-vault: the key is one of the PredictionVault's signers and the vault (the suite's default disputer) calls dispute on the oracle (dispute_price); the vault is --vault, else the deployments file's. A disputed round waits for the resolver. Already disputed: nothing is sent. Prints the state. Example:
              sixnines oracle dispute --asset BTC-USD --mark 1795608540 --via-vault --keystore signer.json --password-file pw
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var target: OracleTarget
    @OptionGroup var round: RoundOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Dispute through the PredictionVault (the key is a vault signer).") var viaVault = false
    @Option(help: "The PredictionVault (with --via-vault; default: the one in the deployments file).") var vault: String?

    func validate() throws {
        if vault != nil && !viaVault { throw ValidationError("--vault goes with --via-vault") }
    }

    func run() async throws {
        let (asset, signingKey) = try reportingErrors { (try round.assetID(), try key.load()) }
        try await options.withClient { client in
            let oracle = try await target.connect(client, key: signingKey, chainOptions: options, wait: wait)
            var vaultAddress: Address?
            if viaVault {
                vaultAddress = try target.address("PredictionVault", flag: vault, option: "--vault", chainId: oracle.oracle.connection.chainId)
            }
            let mark = try await round.markTime(oracle)
            let result = try await oracle.holdingNonceLock { try await oracle.dispute(asset: asset, mark: mark, throughVault: vaultAddress) }
            try output.emit(result.round.price.status.description,
                            json: actionJSON(result, extra: ["vault": vaultAddress.map { $0.checksummed } ?? NSNull()]))
        }
    }
}

/// `sixnines oracle resolve`.
struct OracleResolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Set the price of a disputed round, or of one without a median (resolver only).",
        discussion: """
            The resolver's key (RESOLVER_ROLE). A round without a median can be resolved once its report and dispute windows have passed; a round with a median only after a dispute. Already resolved to this price: nothing is sent. Prints the state. Example:
              sixnines oracle resolve --asset BTC-USD --mark 1795608540 --price 97100.5 --keystore resolver.json --password-file pw
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var target: OracleTarget
    @OptionGroup var round: RoundOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The price in USD, at most 8 decimals (97100.5).") var price: String

    func run() async throws {
        let (asset, value, signingKey) = try reportingErrors { (try round.assetID(), try parsePrice(price, what: "--price"), try key.load()) }
        try await options.withClient { client in
            let oracle = try await target.connect(client, key: signingKey, chainOptions: options, wait: wait)
            let mark = try await round.markTime(oracle)
            let result = try await oracle.holdingNonceLock { try await oracle.resolve(asset: asset, mark: mark, price: value) }
            try output.emit(result.round.price.status.description, json: actionJSON(result))
        }
    }
}
