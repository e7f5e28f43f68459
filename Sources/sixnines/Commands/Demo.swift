import ArgumentParser
import Deployment
import EVM
import EVMRPC
import EVMSigner
import Foundation

/// `sixnines demo`: the drivers Scripts/demo runs on a devnet (hidden from the main help).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Drive the end-to-end demo on a devnet (used by Scripts/demo).",
        shouldDisplay: false,
        subcommands: [Rounds.self]
    )

    struct Rounds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rounds",
            abstract: "Run prediction rounds against a devnet: place, anchor, oracle reports, finalize, settle on the oracle price.",
            discussion: """
                Moves the devnet's clock (evm_setNextBlockTimestamp): to each round's cutoff (the batch-writer daemon, which
                shares --db, anchors the placement batch before the mark), to the mark (every reporter key submits the
                core's aggregated price), past the report window (finalize) and past the dispute window (FINAL); the
                core then settles every round on exactly the oracle's price. Prints a line per stage; --json adds the
                summary object as the last line.

                Example:
                  sixnines demo rounds --db core.sqlite --rpc-url http://127.0.0.1:8545 --deployments deployments \\
                    --daemon-url http://127.0.0.1:8086 --reporter-keys-file reporters.txt --finalizer-key-file k.txt
                """
        )

        @Option(help: "The core's SQLite database (shared with the daemon).") var db: String
        @Option(name: .customLong("rpc-url"), help: "The devnet's JSON-RPC URL.") var rpcURL: String = "http://127.0.0.1:8545"
        @Option(help: "Directory of deployments/<chain-id>.json (the PriceOracle's address).") var deployments: String = "deployments"
        @Option(name: .customLong("daemon-url"), help: "The batch-writer daemon's HTTP API.") var daemonURL: String
        @Option(help: "File with one reporter private key (hex) per line.") var reporterKeysFile: String
        @Option(help: "File with the private key (hex) that sends finalize.") var finalizerKeyFile: String
        @Option(help: "Comma-separated assets.") var assets: String = "BTC-USD,ETH-USD,SPY"
        @Option(help: "Rounds per asset.") var rounds: Int = 6
        @Option(help: "Simulated users.") var users: Int = 40
        @Option(help: "Seed of the simulated users and prices.") var seed: UInt64 = 7
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1…100") }
            guard (1...10_000).contains(users) else { throw ValidationError("--users must be 1…10000") }
        }

        func run() async throws {
            let client: RPCClient
            let settings: DemoRounds.Settings
            do {
                client = try ChainOptions.client(urls: [rpcURL], timeout: 30)
                let keys = try InputFile.readText(reporterKeysFile, what: "--reporter-keys-file", limit: 1 << 16)
                    .split(whereSeparator: \.isNewline).map { try parseKey(String($0), source: "--reporter-keys-file") }
                guard keys.count >= 3 else { throw CLIError("--reporter-keys-file: \(keys.count) keys; the oracle needs 3 reports") }
                let finalizer = try parseKey(try InputFile.firstLine(finalizerKeyFile, what: "--finalizer-key-file"), source: "--finalizer-key-file")
                let chainId = try await client.chainId()
                let oracle = try Self.deployedAddress("PriceOracle", directory: deployments, chainId: chainId)
                settings = DemoRounds.Settings(database: db, rpcURL: rpcURL, oracle: oracle, daemonURL: daemonURL, reporterKeys: keys,
                                               finalizerKey: finalizer, assets: assets.split(separator: ",").map(String.init),
                                               rounds: rounds, users: users, seed: seed)
            } catch {
                reportError(error)
                throw ExitCode(1)
            }
            do {
                var demo = try await DemoRounds(settings: settings, client: client)
                try await demo.run { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
                if output.json {
                    let roundsJSON: [[String: Any]] = demo.lines.map { l in
                        var o: [String: Any] = ["asset": l.asset, "mark": l.mark, "predictions": l.predictions, "oraclePrice": l.oraclePrice,
                                                "result": l.result, "paidToWinners": l.paid]
                        if let p = l.lockPrice { o["lockPrice"] = p }
                        if let lead = l.placementLead { o["placementLeadSeconds"] = lead }
                        return o
                    }
                    try printJSON(["rounds": roundsJSON, "placementReceipts": demo.receiptsPlaced, "settlementReceipts": demo.receiptsSettled])
                }
            } catch {
                await client.shutdown()
                reportError(error)
                throw ExitCode(1)
            }
            await client.shutdown()
        }

        /// The address of `name` in `<directory>/<chainId>.json` (deploy-suite's record).
        static func deployedAddress(_ name: String, directory: String, chainId: UInt64) throws -> Address {
            let path = DeploymentsFile.path(directory: directory, chainId: chainId)
            guard FileManager.default.fileExists(atPath: path),
                  let address = try DeploymentsFile(directory: directory, chainId: chainId, deployer: .zero).deployedAddress(name) else {
                throw CLIError("\(path): no \(name) address (run deploy-suite first)")
            }
            return address
        }
    }
}
