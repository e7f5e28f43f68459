import ArgumentParser
import EVM
import EVMRPC
import EVMSigner
import Foundation

/// `sixnines send`.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Sign and send a transaction, then wait for its receipt.",
        discussion: """
            Nonce, fees (eth_feeHistory, never below the chain's minimum tip) and gas (eth_estimateGas + 20 %) are filled in; a transaction stuck for --replace-after seconds is replaced with fees raised by 12 %. Prints the hash, then "success" or "reverted" and the block number (--async: the hash only). The call is a signature and cast-style arguments, or raw --data. Examples:
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
            let request = TransactionRequest(to: try to.map { try parseAddress($0, what: "<to>") }, value: amount, data: bytes, gasLimit: gasLimit, chainId: chainId)
            // Nonce assignment and submission under a lock per chain and sender shared by every sixnines process, so
            // concurrent sends from one key take consecutive nonces.
            let submitted = try await NonceLock.holding(chainId: chainId, address: sender.signer.address) {
                try await sender.submit(request)
            }
            if noWait {
                print(output.json ? "{\"transactionHash\":\"\(submitted.hash)\",\"nonce\":\(submitted.nonce)}" : "\(submitted.hash)")
                return
            }
            if !output.json { print(submitted.hash) }
            let sendOptions = wait.sendOptions(chain: chain)
            let receipt: Receipt
            do {
                receipt = try await sender.wait(for: submitted, request: request, options: sendOptions)
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
            The signature gives the outputs cast-style, f(…)(types), or with `returns (…)`; arguments as for `calldata`. One value per line, or --json. A revert prints its decoded reason on stderr (exit 1). Example:
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
                result = try await client.call(CallRequest(from: try from.map { try parseAddress($0, what: "--from") }, to: try parseAddress(to, what: "<to>"), data: calldata),
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
                for v in decoded { print(terminalSafe("\(v)")) }
            }
        }
    }
}

/// `sixnines estimate`.
struct EstimateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate", abstract: "Estimate the gas of a call or transfer (eth_estimateGas).",
        discussion: """
            Calldata is given as hex until the ABI layer lands (then: a signature and arguments). A revert prints the node's message and the revert data on stderr, exit code 1. Example:
              sixnines estimate 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --value 1
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var output: OutputOptions
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
            let request = CallRequest(from: try from.map { try parseAddress($0, what: "--from") }, to: try to.map { try parseAddress($0, what: "<to>") }, data: bytes,
                                      value: amount.isZero ? nil : amount)
            let gas = try await client.estimateGas(request)
            try output.emit(gas, json: ["gas": gas])
        }
    }
}

/// `sixnines tx-receipt` (`receipt` is the prediction-receipt group).
struct TxReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx-receipt", abstract: "Print a transaction's receipt status, waiting for confirmations if asked.",
        discussion: """
            Plain output: "success" or "reverted", then the block number. Exit code 1 when there is no receipt (unless --confirmations makes it wait) and 2 when the transaction reverted. Example:
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

/// A lock file per chain id and sender address (`$SIXNINES_CACHE_DIR`, else `$XDG_CACHE_HOME/sixnines`, else
/// `~/.cache/sixnines`, under `nonces/`), held by one process at a time around nonce assignment and submission.
enum NonceLock {
    /// The lock directory.
    static var directory: String {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["SIXNINES_CACHE_DIR"], !dir.isEmpty { return dir + "/nonces" }
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/sixnines/nonces" }
        return NSHomeDirectory() + "/.cache/sixnines/nonces"
    }

    /// Runs `body` holding the lock of `address` on `chainId` (waits up to 120 s for it).
    static func holding<T>(chainId: UInt64, address: Address, _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/\(chainId)-\(address.lowercased).lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError("nonce lock \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }  // closing releases the lock
        let deadline = ContinuousClock.now + .seconds(120)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw CLIError("nonce lock \(path): \(String(cString: strerror(errno)))") }
            guard ContinuousClock.now < deadline else { throw CLIError("nonce lock \(path): held by another sixnines process for 120 s") }
            try await Task.sleep(for: .milliseconds(5))
        }
        return try await body()
    }
}
