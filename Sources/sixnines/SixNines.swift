import ArgumentParser
import EVM
import Foundation

/// The `sixnines` command line: EVM utilities, contract deployment and receipt verification.
@main
struct SixNines: AsyncParsableCommand {
    /// Runs the command line (see `SixNinesMain.run`).
    static func main() async { await SixNinesMain.run() }

    static let configuration = CommandConfiguration(
        commandName: "sixnines",
        abstract: "SixNines: EVM utilities, contracts and verifiable prediction receipts.",
        discussion: """
            Values go to stdout, one per line, so commands compose in a shell; --json gives structured output.
            Errors go to stderr as one line, with exit code 1.
            """,
        version: "0.1.0",
        subcommands: [DemoCommand.self],
        groupedSubcommands: [
            CommandGroup(name: "EVM utilities", subcommands: [
                Keccak.self, ToChecksum.self, ToWei.self, FromWei.self, RLPCommand.self,
            ]),
            CommandGroup(name: "ABI and typed data", subcommands: [
                Sig.self, SigEvent.self, Calldata.self, ABICommand.self, DecodeError.self, DecodeEvent.self,
                TypedDataCommand.self,
            ]),
            CommandGroup(name: "Wallet and transactions", subcommands: [WalletCommand.self, TxCommand.self]),
            CommandGroup(name: "Chain", subcommands: [
                ChainID.self, BlockNumber.self, BlockCommand.self, Balance.self, NonceCommand.self, CodeCommand.self,
                GasPrice.self, FeeHistoryCommand.self, LogsCommand.self, CallCommand.self, EstimateCommand.self,
                SendCommand.self, TxReceiptCommand.self,
            ]),
            CommandGroup(name: "Contracts", subcommands: [Deploy.self, DeploySuite.self]),
            CommandGroup(name: "Receipts and Merkle trees", subcommands: [ReceiptCommand.self, MerkleCommand.self]),
            CommandGroup(name: "Prediction core", subcommands: [Simulate.self, Rounds.self, DurableStress.self]),
            CommandGroup(name: "Batch writer", subcommands: [DaemonCommand.self, BatchCommand.self]),
            CommandGroup(name: "Oracle and settlement", subcommands: [OracleCommand.self, CoreCommand.self]),
            CommandGroup(name: "Vault and payouts", subcommands: [VaultCommand.self]),
            CommandGroup(name: "Badges", subcommands: [BadgesCommand.self]),
        ]
    )
}

/// How the command line runs: a command's own failures are reported by the command (one line, exit 1); a usage
/// error is one line on stderr naming the problem and where to get help (exit 64); help and version print as usual.
enum SixNinesMain {
    static func run() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let command: ParsableCommand
        do {
            command = try SixNines.parseAsRoot(arguments)
        } catch {
            exitWithUsageError(error, arguments: arguments)
        }
        do {
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                var sync = command
                try sync.run()
            }
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            exitWithUsageError(error, arguments: arguments)
        }
    }

    private static func exitWithUsageError(_ error: any Error, arguments: [String]) -> Never {
        let code = SixNines.exitCode(for: error)
        if code == .success { SixNines.exit(withError: error) }  // --help, --version
        let message = SixNines.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        let words = arguments.prefix { !$0.hasPrefix("-") }.prefix(2).joined(separator: " ")
        let help = "see 'sixnines \(words.isEmpty ? "" : terminalSafe(String(words.prefix(60))) + " ")--help'"
        FileHandle.standardError.write(Data("error: \(terminalSafe(message)) (\(help))\n".utf8))
        exit(code.rawValue)
    }
}
