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
        ]
    )
}
