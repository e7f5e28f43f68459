import ArgumentParser
import EVM
import EVMRPC
import EVMSigner
import Foundation

/// Options of every command that talks to a node: `--rpc-url` (repeatable, `SIXNINES_RPC_URL`) and `--chain`.
struct ChainOptions: ParsableArguments {
    @Option(name: .customLong("rpc-url"), help: "JSON-RPC endpoint; repeat for failover (default: $SIXNINES_RPC_URL, comma-separated, or http://127.0.0.1:8545).")
    var rpcURLs: [String] = []

    @Option(name: .long, help: "Chain preset: polygon, amoy, ethereum, sepolia, local (sets the fee floor and finality rule).")
    var chain: String?

    @Option(name: .long, help: "Timeout of one request, in seconds.")
    var timeout: Double = 30

    func validate() throws {
        if let chain, Chain.named(chain) == nil {
            throw ValidationError("unknown chain \(chain.debugDescription) (polygon, amoy, ethereum, sepolia, local)")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// The endpoints: the flags, else the environment, else the local devnet.
    var urls: [String] {
        if !rpcURLs.isEmpty { return rpcURLs }
        if let env = ProcessInfo.processInfo.environment["SIXNINES_RPC_URL"], !env.isEmpty {
            return env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return ["http://127.0.0.1:8545"]
    }

    /// The preset chosen with `--chain`.
    var preset: Chain? { chain.flatMap(Chain.named) }

    /// Runs `body` with a client, shutting it down after; errors become one stderr line and exit code 1.
    func withClient(_ body: (RPCClient) async throws -> Void) async throws {
        let client = RPCClient(urls: urls, configuration: RPCConfiguration(
            requestTimeout: .milliseconds(Int64(timeout * 1000)),
            retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(200))))
        do {
            if let preset {
                let id = try await client.chainId()
                guard id == preset.id else { throw CLIError("the node's chain id is \(id), not \(preset.name) (\(preset.id))") }
            }
            try await body(client)
            await client.shutdown()
        } catch let error as ExitCode {
            await client.shutdown()
            throw error
        } catch {
            await client.shutdown()
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Parses an address argument with a user-facing error.
func parseAddress(_ text: String) throws -> Address {
    do { return try Address(text) } catch { throw CLIError("<address>: \(error)") }
}

/// `sixnines chain-id`.
struct ChainID: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain-id", abstract: "Print the node's chain id (eth_chainId).",
        discussion: "Example:\n  sixnines chain-id --rpc-url http://127.0.0.1:8545   # 31337")
    @OptionGroup var options: ChainOptions

    func run() async throws {
        try await options.withClient { client in print(try await client.chainId()) }
    }
}

/// `sixnines block-number`.
struct BlockNumber: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block-number", abstract: "Print the latest block number (eth_blockNumber).")
    @OptionGroup var options: ChainOptions

    func run() async throws {
        try await options.withClient { client in print(try await client.blockNumber()) }
    }
}

/// `sixnines block`.
struct BlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block", abstract: "Print a block by number, hash or tag.",
        discussion: """
            Plain output is the block hash; --json prints the header fields and transaction hashes.
            Example:
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
            guard let found = try await client.block(BlockTag(block)!) else { throw CLIError("no block \(block)") }
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
        abstract: "Print the balance of an address, in wei (or ether with --ether).",
        discussion: "Example:\n  sixnines balance 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --ether   # 10000")
    @OptionGroup var options: ChainOptions
    @Argument(help: "The address.") var address: String
    @Flag(help: "Print in ether instead of wei.") var ether = false
    @Option(help: "Block number or tag.") var block: String = "latest"

    func validate() throws {
        guard BlockTag(block) != nil else { throw ValidationError("invalid block \(block.debugDescription)") }
    }

    func run() async throws {
        try await options.withClient { client in
            let value = try await client.balance(of: try parseAddress(address), at: BlockTag(block)!)
            print(ether ? Units.format(value, unit: .ether) : value.description)
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

    func run() async throws {
        try await options.withClient { client in
            print(try await client.nonce(of: try parseAddress(address), at: pending ? .pending : .latest))
        }
    }
}

/// `sixnines code`.
struct CodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code", abstract: "Print the deployed bytecode at an address (0x for none).")
    @OptionGroup var options: ChainOptions
    @Argument(help: "The address.") var address: String

    func run() async throws {
        try await options.withClient { client in print(Hex.encode(try await client.code(at: try parseAddress(address)))) }
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
            Plain output: suggested maxFeePerGas and maxPriorityFeePerGas (wei), one per line, never below the
            chain's minimum tip (--chain polygon: 25 gwei). --json adds the history.
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
                print(maxFee)
                print(tip)
            }
        }
    }
}

/// `sixnines tx-receipt` (`receipt` is the prediction-receipt group).
struct TxReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx-receipt", abstract: "Print a transaction's receipt status, waiting for confirmations if asked.",
        discussion: """
            Plain output: "success" or "reverted", then the block number. Exit code 1 when there is no receipt
            (unless --confirmations makes it wait) and 2 when the transaction reverted.
            Example:
              sixnines tx-receipt 0x… --confirmations 3 --json
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The transaction hash.") var hash: String
    @Option(help: "Wait until the transaction has this many confirmations (0: do not wait).") var confirmations: UInt64 = 0
    @Option(help: "Give up waiting after this many seconds.") var waitTimeout: Double = 300

    func run() async throws {
        let txHash: Bytes32
        do { txHash = try Bytes32(hex: hash) } catch {
            FileHandle.standardError.write(Data("error: <hash>: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try await options.withClient { client in
            let deadline = ContinuousClock.now + .milliseconds(Int64(waitTimeout * 1000))
            var receipt: Receipt?
            var depth: UInt64 = 0
            while true {
                receipt = try await client.receipt(txHash)
                if let r = receipt {
                    let head = try await client.blockNumber()
                    depth = head >= r.blockNumber ? head - r.blockNumber + 1 : 0
                    if depth >= confirmations { break }
                } else if confirmations == 0 {
                    throw CLIError("no receipt for \(txHash) (not mined, or unknown)")
                }
                guard ContinuousClock.now < deadline else { throw CLIError("timed out waiting for \(txHash)") }
                try await Task.sleep(for: .milliseconds(250))
            }
            let r = receipt!
            if output.json {
                var object: [String: Any] = [
                    "transactionHash": r.transactionHash.description, "status": r.status ? 1 : 0,
                    "blockNumber": r.blockNumber, "blockHash": r.blockHash.description, "from": r.from.checksummed,
                    "gasUsed": r.gasUsed, "confirmations": depth, "logs": r.logs.count,
                ]
                if let to = r.to { object["to"] = to.checksummed }
                if let c = r.contractAddress { object["contractAddress"] = c.checksummed }
                if let p = r.effectiveGasPrice { object["effectiveGasPrice"] = p.description }
                try printJSON(object)
            } else {
                print(r.status ? "success" : "reverted")
                print(r.blockNumber)
            }
            if !r.status { throw ExitCode(2) }
        }
    }
}

/// `sixnines estimate`.
struct EstimateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate", abstract: "Estimate the gas of a call or transfer (eth_estimateGas).",
        discussion: """
            Calldata is given as hex until the ABI layer lands (then: a signature and arguments).
            A revert prints the node's message and the revert data on stderr, exit code 1.
            Example:
              sixnines estimate 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --value 1
            """)
    @OptionGroup var options: ChainOptions
    @Argument(help: "The recipient (omit with --create for contract creation).") var to: String?
    @Option(help: "Calldata or init code, 0x-hex.") var data: String = "0x"
    @Option(help: "Value in wei.") var value: String = "0"
    @Option(help: "Sender address.") var from: String?

    func run() async throws {
        try await options.withClient { client in
            let bytes: [UInt8]
            do { bytes = try Hex.decode(data) } catch { throw CLIError("--data: \(error)") }
            let amount: UInt256
            do { amount = try UInt256(parsing: value) } catch { throw CLIError("--value: \(error)") }
            let request = CallRequest(from: try from.map(parseAddress), to: try to.map(parseAddress), data: bytes,
                                      value: amount.isZero ? nil : amount)
            print(try await client.estimateGas(request))
        }
    }
}

/// `sixnines logs`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print event logs, splitting large block ranges when the node refuses them.",
        discussion: """
            --event takes an event signature (its keccak-256 is topic 0) or a 32-byte topic. With a declaration
            naming the indexed inputs, `event Transfer(address indexed from, address indexed to, uint256 value)`,
            each log is decoded: "block txhash logIndex Name(from=…, to=…, value=…)"; otherwise printed raw:
            "block txhash logIndex topic0 … data". --json prints objects.
            Example:
              sixnines logs --address 0x… --event 'Transfer(address,address,uint256)' --from-block 0 --to-block latest
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Contract address (repeatable).") var address: [String] = []
    @Option(help: "Event signature or topic-0 hash.") var event: String?
    @Option(help: "First block (number or tag).") var fromBlock: String = "earliest"
    @Option(help: "Last block (number or tag).") var toBlock: String = "latest"

    func validate() throws {
        guard BlockTag(fromBlock) != nil, BlockTag(toBlock) != nil else { throw ValidationError("invalid block range") }
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
            let filter = LogFilter(addresses: try address.map(parseAddress), topics: topics,
                                   fromBlock: BlockTag(fromBlock)!, toBlock: BlockTag(toBlock)!)
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
                    print(fields.joined(separator: " "))
                }
            }
        }
    }
}

/// `sixnines send`.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Sign and send a transaction, then wait for its receipt.",
        discussion: """
            Nonce, fees (eth_feeHistory, never below the chain's minimum tip) and gas (eth_estimateGas + 20 %) are
            filled in; a transaction stuck for --replace-after seconds is replaced with fees raised by 12 %.
            Prints the hash, then "success" or "reverted" and the block number (--async: the hash only).
            The call is a signature and cast-style arguments, or raw --data.
            Examples:
              SIXNINES_PRIVATE_KEY=0x… sixnines send 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --value 1ether
              sixnines send 0x… 'transfer(address,uint256)' 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 1000 --keystore k.json
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The recipient (omit with --create).") var to: String?
    @Argument(help: "A function signature to call (instead of --data).") var signature: String?
    @Argument(parsing: .allUnrecognized, help: "One argument per input of the signature.") var arguments: [String] = []
    @Flag(help: "Create a contract: --data is the init code.") var create = false
    @Option(help: "Value (wei, or with a unit: 1ether, 2gwei).") var value: String = "0"
    @Option(help: "Calldata or init code, 0x-hex.") var data: String = "0x"
    @Option(help: "Gas limit (default: estimated + 20 %).") var gasLimit: UInt64?
    @OptionGroup var wait: WaitOptions
    @Flag(name: .customLong("async"), help: "Print the hash once the node accepted it, without waiting.") var noWait = false

    func validate() throws {
        guard (to == nil) == create else { throw ValidationError("give a recipient, or --create without one") }
        guard signature == nil || data == "0x" else { throw ValidationError("give a signature or --data, not both") }
    }

    func run() async throws {
        let signingKey: PrivateKey
        do { signingKey = try key.load() } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try await options.withClient { client in
            var bytes: [UInt8]
            do { bytes = try Hex.decode(data) } catch { throw CLIError("--data: \(error)") }
            if let signature { bytes = try encodeCall(signature, arguments) }
            let amount = try parseAmount(value, option: "--value")
            let chainId = try await client.chainId()
            let chain = options.preset ?? Chain.withID(chainId) ?? Chain(name: "chain-\(chainId)", id: chainId)
            let sender = TransactionSender(client: client, signer: KeySigner(key: signingKey), chain: chain)
            let request = TransactionRequest(to: try to.map(parseAddress), value: amount, data: bytes, gasLimit: gasLimit, chainId: chainId)
            if noWait {
                print(try await sender.submit(request).hash)
                return
            }
            let sendOptions = wait.sendOptions(chain: chain)
            let receipt: Receipt
            do {
                receipt = try await sender.send(request, options: sendOptions) { event in
                    if case .sent(let hash, _, _) = event, !output.json { print(hash) }
                }
            } catch {
                if case .reverted(let r)? = error as? SendError {
                    if output.json { try printJSON(["transactionHash": r.transactionHash.description, "status": 0, "blockNumber": r.blockNumber]) }
                    else { print("reverted"); print(r.blockNumber) }
                    throw ExitCode(2)
                }
                throw error
            }
            if output.json {
                var object: [String: Any] = ["transactionHash": receipt.transactionHash.description, "status": 1,
                                             "blockNumber": receipt.blockNumber, "gasUsed": receipt.gasUsed]
                if let c = receipt.contractAddress { object["contractAddress"] = c.checksummed }
                try printJSON(object)
            } else {
                print("success")
                print(receipt.blockNumber)
                if let c = receipt.contractAddress { print(c.checksummed) }
            }
        }
    }
}

/// `sixnines call`.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Call a contract function without a transaction (eth_call) and decode the result.",
        discussion: """
            The signature gives the outputs cast-style, f(…)(types), or with `returns (…)`; arguments as for
            `calldata`. One value per line, or --json. A revert prints its decoded reason on stderr (exit 1).
            Example:
              sixnines call 0x… 'balanceOf(address)(uint256)' 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The contract.") var to: String
    @Argument(help: "The function signature, with outputs.") var signature: String
    @Argument(parsing: .allUnrecognized, help: "One argument per input.") var arguments: [String] = []
    @Option(help: "Block number or tag.") var block: String = "latest"
    @Option(help: "Caller address (msg.sender).") var from: String?

    func validate() throws {
        guard BlockTag(block) != nil else { throw ValidationError("invalid block \(block.debugDescription)") }
    }

    func run() async throws {
        try await options.withClient { client in
            let function: ABIFunction
            do { function = try ABIFunction(signature) } catch { throw CLIError("<signature>: \(error)") }
            let calldata = try encodeCall(signature, arguments)
            let result: [UInt8]
            do {
                result = try await client.call(CallRequest(from: try from.map(parseAddress), to: try parseAddress(to), data: calldata),
                                               at: BlockTag(block)!)
            } catch {
                if let revert = (error as? RPCError)?.decodedRevert() { throw CLIError("execution reverted: \(revert)") }
                throw error
            }
            if function.outputs.isEmpty {
                print(Hex.encode(result))
                return
            }
            let decoded: [ABIValue]
            do { decoded = try function.decodeOutput(result) } catch { throw CLIError("cannot decode the result \(Hex.encode(result)): \(error)") }
            if output.json {
                let text = "[" + decoded.map { $0.jsonValue.description }.joined(separator: ",") + "]"
                print(text)
            } else {
                for v in decoded { print(v) }
            }
        }
    }
}

/// Calldata for `signature` with cast-style `arguments`.
func encodeCall(_ signature: String, _ arguments: [String]) throws -> [UInt8] {
    let function: ABIFunction
    do { function = try ABIFunction(signature) } catch { throw CLIError("<signature>: \(error)") }
    guard arguments.count == function.inputs.count else {
        throw CLIError("expected \(function.inputs.count) argument(s) for \(signature), got \(arguments.count)")
    }
    var values: [ABIValue] = []
    for (i, (arg, param)) in zip(arguments, function.inputs).enumerated() {
        do { values.append(try ABIValue(parsing: arg, as: param.type)) } catch { throw CLIError("argument \(i + 1): \(error)") }
    }
    do { return try function.encodeCall(values) } catch { throw CLIError("\(error)") }
}
