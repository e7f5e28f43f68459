import ArgumentParser
import EVM
import EVMRPC
import Foundation

/// `sixnines chain-id`.
struct ChainID: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain-id", abstract: "Print the node's chain id (eth_chainId).",
        discussion: "Example:\n  sixnines chain-id --rpc-url http://127.0.0.1:8545   # 31337")
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await options.withClient { client in
            let id = try await client.chainId()
            try output.emit(id, json: ["chainId": id])
        }
    }
}

/// `sixnines block-number`.
struct BlockNumber: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block-number", abstract: "Print the latest block number (eth_blockNumber).")
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await options.withClient { client in
            let number = try await client.blockNumber()
            try output.emit(number, json: ["blockNumber": number])
        }
    }
}

/// `sixnines block`.
struct BlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block", abstract: "Print a block by number, hash or tag.",
        discussion: """
            Plain output is the block hash; --json prints the header fields and transaction hashes. Example:
              sixnines block latest --json
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "A number (decimal or 0x), a 32-byte hash, or latest, earliest, pending, safe, finalized.")
    var block: String = "latest"

    func validate() throws {
        guard BlockTag(block) != nil else { throw ValidationError("invalid block \(block.debugDescription)") }
    }

    func run() async throws {
        try await options.withClient { client in
            guard let found = try await client.block(try parseBlock(block, what: "<block>")) else { throw CLIError("no block \(block)") }
            if output.json {
                var object: [String: Any] = [
                    "number": found.number, "hash": found.hash.description, "parentHash": found.parentHash.description,
                    "timestamp": found.timestamp, "gasLimit": found.gasLimit, "gasUsed": found.gasUsed,
                    "transactions": found.transactionHashes.map(\.description),
                ]
                if let base = found.baseFeePerGas { object["baseFeePerGas"] = base.description }
                if let miner = found.miner { object["miner"] = miner.checksummed }
                try printJSON(object)
            } else {
                print(found.hash)
            }
        }
    }
}

/// `sixnines balance`.
struct Balance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
            commandName: "balance",
        abstract: "Print the balance of an address, in wei (or ether with --ether).",
        discussion: "Example:\n  sixnines balance 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --ether   # 10000")
    @OptionGroup var options: ChainOptions
    @Argument(help: "The address.") var address: String
    @Flag(help: "Print in ether instead of wei.") var ether = false
    @OptionGroup var output: OutputOptions
    @Option(help: "Block number or tag.") var block: String = "latest"

    func validate() throws {
        guard BlockTag(block) != nil else { throw ValidationError("invalid block \(block.debugDescription)") }
    }

    func run() async throws {
        try await options.withClient { client in
            let value = try await client.balance(of: try parseAddress(address), at: try parseBlock(block, what: "--block"))
            if output.json {
                try printJSON(["address": try parseAddress(address).checksummed, "wei": value.description,
                               "ether": Units.format(value, unit: .ether)])
            } else {
                print(ether ? Units.format(value, unit: .ether) : value.description)
            }
        }
    }
}

/// `sixnines nonce`.
struct NonceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nonce", abstract: "Print the next nonce of an address (eth_getTransactionCount).")
    @OptionGroup var options: ChainOptions
    @Argument(help: "The address.") var address: String
    @Flag(help: "Count transactions in the node's pool too (the pending tag).") var pending = false
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await options.withClient { client in
            let account = try parseAddress(address)
            let nonce = try await client.nonce(of: account, at: pending ? .pending : .latest)
            try output.emit(nonce, json: ["address": account.checksummed, "nonce": nonce])
        }
    }
}

/// `sixnines code`.
struct CodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code", abstract: "Print the deployed bytecode at an address (0x for none).")
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The address.") var address: String

    func run() async throws {
        try await options.withClient { client in
            let account = try parseAddress(address)
            let code = try await client.code(at: account)
            if output.json {
                try printJSON(["address": account.checksummed, "code": Hex.encode(code), "size": code.count])
            } else {
                print(Hex.encode(code))
            }
        }
    }
}

/// `sixnines gas-price`.
struct GasPrice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gas-price", abstract: "Print the node's gas price suggestion in wei (eth_gasPrice).")
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await options.withClient { client in
            let price = try await client.gasPrice()
            if output.json {
                let tip = try await client.maxPriorityFeePerGas()
                try printJSON(["gasPrice": price.description, "maxPriorityFeePerGas": tip.description])
            } else {
                print(price)
            }
        }
    }
}

/// `sixnines fee-history`.
struct FeeHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fee-history", abstract: "Print recent base fees and tips, and the suggested EIP-1559 fees.",
        discussion: """
            Plain output: "maxFeePerGas N" and "maxPriorityFeePerGas N" (wei, suggested), one per line, never below the chain's minimum tip (--chain polygon: 25 gwei). --json adds the history.
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Number of blocks.") var blocks: Int = 10
    @Option(help: "Reward percentile.") var percentile: Double = 50

    func validate() throws {
        guard (1...1024).contains(blocks) else { throw ValidationError("--blocks must be 1…1024") }
        guard (0...100).contains(percentile) else { throw ValidationError("--percentile must be 0…100") }
    }

    func run() async throws {
        try await options.withClient { client in
            let history = try await client.feeHistory(blockCount: blocks, percentiles: [percentile])
            var chain = options.preset
            if chain == nil { chain = Chain.withID(try await client.chainId()) }
            let fees = FeeEstimator.fees(from: history, minPriorityFee: (chain ?? .ethereum).minPriorityFee)
            guard case .eip1559(let maxFee, let tip) = fees else { return }
            if output.json {
                try printJSON([
                    "oldestBlock": history.oldestBlock,
                    "baseFeePerGas": history.baseFeePerGas.map(\.description),
                    "gasUsedRatio": history.gasUsedRatio,
                    "reward": history.reward.map { $0.map(\.description) },
                    "maxFeePerGas": maxFee.description, "maxPriorityFeePerGas": tip.description,
                ])
            } else {
                print("maxFeePerGas \(maxFee)")
                print("maxPriorityFeePerGas \(tip)")
            }
        }
    }
}

/// `sixnines logs`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print event logs, splitting large block ranges when the node refuses them.",
        discussion: """
            --event takes an event signature (its keccak-256 is topic 0) or a 32-byte topic. With a declaration naming the indexed inputs, `event Transfer(address indexed from, address indexed to, uint256 value)`, each log is decoded: "block txhash logIndex Name(from=…, to=…, value=…)"; otherwise printed raw:
            "block txhash logIndex topic0 … data". --json prints objects. Example:
              sixnines logs --address 0x… --event 'Transfer(address,address,uint256)' --from-block 0 --to-block latest
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Contract address (repeatable).") var address: [String] = []
    @Option(help: "Event signature or topic-0 hash.") var event: String?
    @Option(help: "First block (number or tag).") var fromBlock: String = "earliest"
    @Option(help: "Last block (number or tag).") var toBlock: String = "latest"

    func validate() throws {
        guard let from = BlockTag(fromBlock) else { throw ValidationError("--from-block: invalid block \(fromBlock.debugDescription)") }
        guard let to = BlockTag(toBlock) else { throw ValidationError("--to-block: invalid block \(toBlock.debugDescription)") }
        if case .number(let first) = from, case .number(let last) = to, first > last {
            throw ValidationError("--from-block \(first) is after --to-block \(last): an empty range")
        }
    }

    func run() async throws {
        try await options.withClient { client in
            var topics: [[Bytes32]?] = []
            var definition: ABIEvent?
            if let event {
                if event.hasPrefix("0x") {
                    do { topics = [[try Bytes32(hex: event)]] } catch { throw CLIError("--event: \(error)") }
                } else {
                    do { definition = try ABIEvent(event) } catch { throw CLIError("--event: \(error)") }
                    topics = [[definition!.topic0]]
                }
            }
            let filter = LogFilter(addresses: try address.map { try parseAddress($0, what: "--address") }, topics: topics,
                                   fromBlock: try parseBlock(fromBlock, what: "--from-block"), toBlock: try parseBlock(toBlock, what: "--to-block"))
            let logs = try await client.logs(filter)
            // Decoded when the event declares which inputs are indexed (`event Name(type indexed a, …)`).
            func decode(_ log: Log) -> [ABIEvent.DecodedInput]? {
                try? definition?.decodeLog(topics: log.topics, data: log.data)
            }
            if output.json {
                try printJSON(logs.map { log -> [String: Any] in
                    var object: [String: Any] = [
                        "address": log.address.checksummed, "topics": log.topics.map(\.description), "data": Hex.encode(log.data),
                        "blockNumber": log.blockNumber ?? 0, "transactionHash": log.transactionHash?.description ?? NSNull(),
                        "logIndex": log.logIndex ?? 0,
                    ]
                    if let inputs = decode(log) {
                        object["event"] = definition!.name
                        object["args"] = inputs.map { "\($0.parameter.name.isEmpty ? "_" : $0.parameter.name)=\($0.value)" }
                    }
                    return object
                })
            } else {
                for log in logs {
                    var fields = ["\(log.blockNumber ?? 0)", log.transactionHash?.description ?? "-", "\(log.logIndex ?? 0)"]
                    if let inputs = decode(log) {
                        fields.append(definition!.name + "(" + inputs.map { "\($0.parameter.name.isEmpty ? "_" : $0.parameter.name)=\($0.value)" }.joined(separator: ", ") + ")")
                    } else {
                        fields += log.topics.map(\.description) + [Hex.encode(log.data)]
                    }
                    print(terminalSafe(fields.joined(separator: " ")))
                }
            }
        }
    }
}
