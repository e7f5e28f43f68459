import EVM

/// Why a typed contract call or transaction failed.
public enum ContractError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node or the connection failed.
    case rpc(RPCError)
    /// Execution reverted (in `eth_call`, gas estimation, or on chain): the revert decoded through the contract's
    /// ABI when possible, and the raw revert data (empty when the receipt is all there is).
    case reverted(ABIRevert?, data: [UInt8], transaction: Bytes32?)
    /// Sending failed for another reason (signing, timeout).
    case send(SendError)
    /// An argument does not fit its ABI type (a `bytes4` given 3 bytes…).
    case encoding(ABIError)
    /// The return data or a log does not decode as the ABI says.
    case decoding(ABIError)
    /// A transaction was asked of a binding without a signer.
    case noSigner(function: String)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .rpc(let e): return "\(e)"
        case .reverted(let revert, let data, let tx):
            let reason = revert.map { "\($0)" } ?? (data.isEmpty ? "no revert data" : "data \(Hex.encode(data))")
            return "reverted: \(reason)" + (tx.map { " (transaction \($0))" } ?? "")
        case .send(let e): return "\(e)"
        case .encoding(let e): return "invalid argument: \(e)"
        case .decoding(let e): return "cannot decode the result: \(e)"
        case .noSigner(let f): return "\(f) sends a transaction: give the binding a signer"
        }
    }
}

/// What a contract binding talks through: a client for reads and, for writes, a transaction sender.
public struct ContractConnection: Sendable {
    /// The client for calls, logs and receipts.
    public let client: RPCClient
    /// Signs and sends transactions (nil: read-only).
    public let sender: TransactionSender?
    /// The chain id transactions are signed for.
    public let chainId: UInt64
    /// Options for transactions sent through this connection.
    public var sendOptions: SendOptions
    /// `msg.sender` of calls (default: the sender's address, if any).
    public var caller: Address?

    /// A read-only connection.
    public init(client: RPCClient, chainId: UInt64, caller: Address? = nil) {
        self.client = client
        self.sender = nil
        self.chainId = chainId
        self.sendOptions = SendOptions()
        self.caller = caller
    }

    /// A connection that can send transactions through `sender`.
    public init(sender: TransactionSender, chainId: UInt64, sendOptions: SendOptions = SendOptions()) {
        self.client = sender.client
        self.sender = sender
        self.chainId = chainId
        self.sendOptions = sendOptions
        self.caller = sender.signer.address
    }
}

/// A typed binding of one deployed contract; generated bindings conform (see `sixnines abi to-swift`).
public protocol ContractBinding: Sendable {
    /// The contract's custom errors, to decode reverts.
    static var errorDefinitions: [ABIErrorDefinition] { get }
    /// The deployed contract.
    var address: Address { get }
    /// How it is reached.
    var connection: ContractConnection { get }
}

/// A typed event that a binding can decode from a log.
public protocol ContractEvent: Sendable {
    /// The event's ABI definition.
    static var definition: ABIEvent { get }
    /// Decodes a log of this event (topic 0 and topic count are checked).
    init(log: Log) throws(ABIError)
}

extension ContractBinding {
    /// The contract's ABI as far as decoding reverts needs it.
    public static var revertABI: ContractABI {
        var abi = ContractABI()
        abi.errors = errorDefinitions
        return abi
    }

    /// `eth_call` of `function` with `arguments` at `block`; returns the decoded outputs.
    public func performCall(_ function: ABIFunction, _ arguments: [ABIValue], value: UInt256? = nil,
                            block: BlockTag = .latest) async throws(ContractError) -> [ABIValue] {
        let data: [UInt8]
        do { data = try function.encodeCall(arguments) } catch { throw .encoding(error) }
        let request = CallRequest(from: connection.caller, to: address, data: data, value: value)
        let output: [UInt8]
        do { output = try await connection.client.call(request, at: block) } catch { throw Self.contractError(error) }
        do { return try function.decodeOutput(output) } catch { throw .decoding(error) }
    }

    /// Sends a transaction calling `function` with `arguments` and waits for it (the connection's send options);
    /// a revert is reported with its decoded reason.
    public func performSend(_ function: ABIFunction, _ arguments: [ABIValue], value: UInt256 = .zero,
                            onEvent: @Sendable (TransactionEvent) async -> Void = { _ in }) async throws(ContractError) -> Receipt {
        guard let sender = connection.sender else { throw .noSigner(function: function.signature) }
        let data: [UInt8]
        do { data = try function.encodeCall(arguments) } catch { throw .encoding(error) }
        let request = TransactionRequest(to: address, value: value, data: data, chainId: connection.chainId)
        do {
            return try await sender.send(request, options: connection.sendOptions, onEvent: onEvent)
        } catch {
            switch error {
            case .rpc(let e): throw Self.contractError(e)
            case .reverted(let receipt):
                throw .reverted(nil, data: [], transaction: receipt.transactionHash)
            default: throw .send(error)
            }
        }
    }

    /// Events of type `E` emitted by this contract in `fromBlock...toBlock` (large ranges are split as needed).
    public func fetchEvents<E: ContractEvent>(_ type: E.Type, fromBlock: BlockTag = .earliest,
                                              toBlock: BlockTag = .latest) async throws(ContractError) -> [E] {
        var topics: [[Bytes32]?] = []
        if !E.definition.anonymous { topics = [[E.definition.topic0]] }
        let filter = LogFilter(addresses: [address], topics: topics, fromBlock: fromBlock, toBlock: toBlock)
        let logs: [Log]
        do { logs = try await connection.client.logs(filter) } catch { throw Self.contractError(error) }
        var out: [E] = []
        for log in logs {
            do { out.append(try E(log: log)) } catch { throw .decoding(error) }
        }
        return out
    }

    /// Maps a node error to a contract error, decoding reverts through this contract's errors.
    public static func contractError(_ error: RPCError) -> ContractError {
        if case .revert(let data, _) = error {
            return .reverted(try? ABIRevert(decoding: data, abi: revertABI), data: data, transaction: nil)
        }
        return .rpc(error)
    }
}

extension Receipt {
    /// The logs of this receipt emitted by `address` that are events of type `E`, decoded.
    public func events<E: ContractEvent>(_ type: E.Type, from address: Address) throws(ABIError) -> [E] {
        var out: [E] = []
        for log in logs where log.address == address {
            if !E.definition.anonymous, log.topics.first != E.definition.topic0 { continue }
            out.append(try E(log: log))
        }
        return out
    }
}
