import ArgumentParser
import Dispatch
import EVM
import EVMRPC
import Foundation
import PredictionCore
import Receipts
import Settlement
import Synchronization

/// `sixnines oracle report`: one mark, or (`--follow`) every mark as it passes.
struct OracleReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Report the aggregated :X9 price of a mark with a reporter's key (or every mark: --follow).",
        discussion: """
            The price is the core's aggregation of the sources' quotes at the mark (PROTOCOL §7.1: the median of at least 3 fresh sources within 0.1 %), from deterministic simulated sources (--simulated-seed) or a quotes file (--quotes). It is submitted while the mark's report window is open (the mark to mark + report_window, chain time). A mark this key already reported is not sent again: the report on chain is printed (exit 0). Prints the price reported.

            --follow runs as a daemon: it polls the chain's latest block time (so devnet time travel works), reports every mark of the assets (comma-separated) as it passes, optionally finalises them after their window (--finalize), retries transient failures up to --attempts times per mark with a log line on stderr, prints one line (or JSON object) per report on stdout, and stops cleanly on SIGINT or SIGTERM (exit 0). A --quotes file is read once, at start. Examples:
              sixnines oracle report --asset BTC-USD --mark latest --simulated-seed 7 --keystore reporter.json --password-file pw
              sixnines oracle report --asset BTC-USD --mark 1795608540 --quotes quotes.json --private-key 0x… --json
              SIXNINES_PRIVATE_KEY=0x… sixnines oracle report --follow --asset BTC-USD,ETH-USD,SPY --simulated-seed 7 --finalize
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var target: OracleTarget
    @Option(help: "The asset symbol; with --follow a comma-separated list.") var asset: String
    @Option(help: "The mark: unix seconds (t % 600 == 540), YYYY-MM-DDTHH:MM:SSZ, or latest (not with --follow).") var mark: String?
    @OptionGroup var sources: SourceOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Run as a daemon: report every mark as it passes.") var follow = false
    @Flag(help: "With --follow: finalise each reported mark once its report window has closed.") var finalize = false
    @Option(help: "With --follow: seconds between polls of the chain's time.") var pollInterval: Double = 2
    @Option(help: "With --follow: attempts per mark before giving up on it.") var attempts: Int = 3

    func validate() throws {
        if follow { guard mark == nil else { throw ValidationError("--mark is not used with --follow (every mark is reported)") } }
        else { guard mark != nil else { throw ValidationError("give --mark (or --follow)") } }
        if finalize && !follow { throw ValidationError("--finalize goes with --follow (else use sixnines oracle finalize)") }
        guard pollInterval > 0, pollInterval <= 3600 else { throw ValidationError("--poll-interval must be between 0 and 3600 seconds") }
        guard (1...100).contains(attempts) else { throw ValidationError("--attempts must be 1…100") }
    }

    func run() async throws {
        let (assets, priceSources, signingKey) = try reportingErrors {
            let assets = try asset.split(separator: ",", omittingEmptySubsequences: false).map { try parseAsset(String($0)) }
            guard follow || assets.count == 1 else { throw CLIError("--asset: one asset without --follow") }
            let priceSources = try sources.load()
            for a in assets where !priceSources.knownAssets.isEmpty && !priceSources.knownAssets.contains(a.symbol) {
                throw OracleError.unknownAsset(asset: a.symbol, sources: priceSources.name, known: priceSources.knownAssets)
            }
            return (assets, priceSources, try key.load())
        }
        try await options.withClient { client in
            let oracle = try await target.connect(client, key: signingKey, chainOptions: options, wait: wait)
            if follow {
                try await runFollow(oracle, assets: assets, sources: priceSources)
                return
            }
            let t = try await parseMark(mark ?? "latest", oracle)
            let assetID = assets[0]
            let (price, detail) = try priceSources.aggregatedPrice(asset: assetID, at: t)
            let result = try await oracle.holdingNonceLock { try await oracle.report(asset: assetID, mark: t, price: price) }
            let onChain = result.round.report(of: signingKey.address)?.price ?? UInt128(price)
            try output.emit(priceText(onChain), json: actionJSON(result, extra: [
                "reporter": signingKey.address.checksummed, "price": priceText(onChain), "priceE8": String(onChain),
                "aggregatedPrice": PredictionCore.Units.price(price), "alreadyReported": result.alreadyDone,
                "sources": detail.used.map(\.source.name), "outliers": detail.outliers.map(\.source.name),
                "stale": detail.stale.map(\.source.name), "priceSources": priceSources.name,
            ]))
        }
    }

    private func runFollow(_ oracle: OracleClient, assets: [AssetID], sources: any PriceSources) async throws {
        let stop = StopSignal()
        var loop = ReporterLoop(client: oracle, sources: sources, assets: assets, attempts: attempts, finalize: finalize)
        log("following \(assets.map(\.symbol).joined(separator: ",")) as \(oracle.sender?.checksummed ?? "?") with \(sources.name)")
        while !stop.isSet {
            do {
                let now = try await oracle.chainTime()
                let window = try await oracle.windows().report
                let events = try await oracle.holdingNonceLock { await loop.step(now: now, reportWindow: window) }
                for event in events { try emit(event) }
            } catch {
                log("poll failed: \(error); retrying in \(pollInterval) s")
            }
            await stop.sleep(seconds: pollInterval)
        }
        log("stopped")
    }

    private func emit(_ event: ReporterEvent) throws {
        switch event {
        case .reported(let result, let price):
            let r = result.round
            if output.json {
                outputLine(try jsonValue(actionJSON(result, extra: ["event": "reported", "price": PredictionCore.Units.price(price)])).jsonText)
            } else {
                outputLine("reported \(r.asset.symbol) \(r.settlesAt) \(PredictionCore.Units.price(price))\(result.alreadyDone ? " (already reported)" : "")")
            }
            log("reported \(r.asset.symbol) \(r.settlesAt) \(PredictionCore.Units.price(price))" + (result.transaction.map { " in \($0)" } ?? " (already on chain)"))
        case .finalized(let result):
            let r = result.round
            if output.json { outputLine(try jsonValue(actionJSON(result, extra: ["event": "finalized"])).jsonText) }
            else { outputLine("finalized \(r.asset.symbol) \(r.settlesAt) \(priceText(r.price.price)) \(r.price.status)") }
        case .failed(let action, let asset, let mark, let attempt, let error, let willRetry):
            log("\(action) \(asset.symbol) \(mark): attempt \(attempt)/\(attempts) failed: \(error)" + (willRetry ? "; retrying" : "; giving up on this mark"))
        case .missed(let asset, let marks):
            log("missed \(marks.count) mark(s) of \(asset.symbol) whose report window had closed (\(marks.first ?? 0)…\(marks.last ?? 0))")
        }
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("oracle: \(terminalSafe(message))\n".utf8))
    }
}

/// Writes one line to stdout at once (unbuffered: a daemon's lines reach a pipe as they happen).
func outputLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// SIGINT and SIGTERM for the daemons (`oracle report --follow`, `core settle --follow`): the current step finishes,
/// then the loop ends and the command exits 0.
final class StopSignal: @unchecked Sendable {  // immutable after init; the flag is behind its lock
    private final class Flag: Sendable {
        let raised = Mutex(false)
    }
    private let flag = Flag()
    private let sources: [any DispatchSourceSignal]

    /// Catches SIGINT and SIGTERM from now on.
    init() {
        var installed: [any DispatchSourceSignal] = []
        let flag = self.flag
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { flag.raised.withLock { $0 = true } }
            source.resume()
            installed.append(source)
        }
        sources = installed
    }

    /// Whether a signal arrived.
    var isSet: Bool { flag.raised.withLock { $0 } }

    /// Sleeps `seconds`, waking early when a signal arrives.
    func sleep(seconds: Double) async {
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !isSet, ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
