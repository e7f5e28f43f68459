import ArgumentParser
import EVM
import Foundation

/// The `sixnines` command line: EVM utilities, contract deployment and receipt verification.
@main
struct SixNines: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sixnines",
        abstract: "SixNines: EVM utilities, contracts and verifiable prediction receipts.",
        discussion: """
            Values go to stdout, one per line, so commands compose in a shell; --json gives structured output.
            Errors go to stderr as one line, with exit code 1.
            """,
        version: "0.1.0",
        subcommands: [
            Keccak.self,
            RLPCommand.self,
            ToWei.self,
            FromWei.self,
            ToChecksum.self,
            Sig.self,
            SigEvent.self,
            ABICommand.self,
            Calldata.self,
            DecodeError.self,
            DecodeEvent.self,
            TypedDataCommand.self,
            ReceiptCommand.self,
            MerkleCommand.self,
            WalletCommand.self,
            TxCommand.self,
            Simulate.self,
            Rounds.self,
            DurableStress.self,
            ChainID.self,
            BlockNumber.self,
            BlockCommand.self,
            Balance.self,
            NonceCommand.self,
            CodeCommand.self,
            GasPrice.self,
            FeeHistoryCommand.self,
            TxReceiptCommand.self,
            EstimateCommand.self,
            LogsCommand.self,
            SendCommand.self,
            CallCommand.self,
            Deploy.self,
            DeploySuite.self,
        ]
    )
}

/// A user-facing failure: printed as one line on stderr, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning any thrown error into one stderr line and exit code 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// Prints a JSON object (sorted keys) on stdout.
func printJSON(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
    print(String(decoding: data, as: UTF8.self))
}

/// Options shared by commands that can print JSON.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print structured JSON instead of a plain value.")
    var json = false
}
