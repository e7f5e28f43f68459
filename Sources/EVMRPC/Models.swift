import EVM

/// A block selector: a number, a hash (EIP-1898) or a tag.
public enum BlockTag: Sendable, Hashable, CustomStringConvertible {
    /// A block number.
    case number(UInt64)
    /// A block hash (EIP-1898 `{"blockHash": …}`).
    case hash(Bytes32)
    /// The head, the genesis, the node's pending view, the safe head and the finalized head.
    case latest, earliest, pending, safe, finalized

    /// The JSON-RPC parameter form (`"0x1b"`, `"latest"`, or `{"blockHash": …}`).
    public var json: JSONRPCValue {
        switch self {
        case .number(let n): return .quantity(n)
        case .hash(let h): return ["blockHash": .hash(h)]
        case .latest: return "latest"
        case .earliest: return "earliest"
        case .pending: return "pending"
        case .safe: return "safe"
        case .finalized: return "finalized"
        }
    }

    /// Parses `latest`/`earliest`/`pending`/`safe`/`finalized`, a decimal or `0x` number, or a 32-byte hash.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "latest": self = .latest
        case "earliest": self = .earliest
        case "pending": self = .pending
        case "safe": self = .safe
        case "finalized": self = .finalized
        default:
            if text.hasPrefix("0x") && text.count == 66, let h = try? Bytes32(hex: text) { self = .hash(h); return }
            if text.hasPrefix("0x"), let n = UInt64(text.dropFirst(2), radix: 16) { self = .number(n); return }
            if let n = UInt64(text) { self = .number(n); return }
            return nil
        }
    }

    /// The number in decimal, the hash in hex, or the tag's name.
    public var description: String {
        switch self {
        case .number(let n): return String(n)
        case .hash(let h): return h.description
        case .latest: return "latest"
        case .earliest: return "earliest"
        case .pending: return "pending"
        case .safe: return "safe"
        case .finalized: return "finalized"
        }
    }
}

// MARK: - Decoding helpers

extension KeyedDecodingContainer {
    func quantity(_ key: Key) throws -> UInt64 {
        let text = try decode(String.self, forKey: key)
        guard text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "invalid quantity \(text)")
        }
        return value
    }
    func quantityIfPresent(_ key: Key) throws -> UInt64? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "invalid quantity \(text)")
        }
        return value
    }
    func bytes(_ key: Key) throws -> [UInt8] {
        let text = try decode(String.self, forKey: key)
        do { return try Hex.decode(text) } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "invalid data \(text)")
        }
    }
}

/// Decodes a JSON-RPC quantity string into a UInt64.
struct Quantity: Decodable, Sendable {
    let value: UInt64
    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid quantity \(text)"))
        }
        self.value = value
    }
}

/// Decodes JSON-RPC data (`0x` hex) into bytes.
struct HexData: Decodable, Sendable {
    let bytes: [UInt8]
    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { bytes = try Hex.decode(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid data \(text)"))
        }
    }
}

// MARK: - Blocks

/// A block header with its transaction hashes (or full transactions).
public struct Block: Sendable, Decodable, Hashable {
    /// Block number.
    public var number: UInt64
    /// Block hash.
    public var hash: Bytes32
    /// Parent block hash.
    public var parentHash: Bytes32
    /// Unix time in seconds.
    public var timestamp: UInt64
    /// Block gas limit.
    public var gasLimit: UInt64
    /// Gas used by all transactions.
    public var gasUsed: UInt64
    /// EIP-1559 base fee (nil before London).
    public var baseFeePerGas: UInt256?
    /// Fee recipient.
    public var miner: Address?
    /// State trie root.
    public var stateRoot: Bytes32?
    /// Receipts trie root.
    public var receiptsRoot: Bytes32?
    /// Transactions trie root.
    public var transactionsRoot: Bytes32?
    /// Transaction hashes (always filled).
    public var transactionHashes: [Bytes32]
    /// Full transactions, when requested.
    public var transactions: [RPCTransaction]?

    enum CodingKeys: String, CodingKey {
        case number, hash, parentHash, timestamp, gasLimit, gasUsed, baseFeePerGas, miner, stateRoot, receiptsRoot, transactionsRoot, transactions
    }

    /// Decodes a JSON-RPC block object; `transactions` may be hashes or full transactions.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.quantity(.number)
        hash = try c.decode(Bytes32.self, forKey: .hash)
        parentHash = try c.decode(Bytes32.self, forKey: .parentHash)
        timestamp = try c.quantity(.timestamp)
        gasLimit = try c.quantity(.gasLimit)
        gasUsed = try c.quantity(.gasUsed)
        baseFeePerGas = try c.decodeIfPresent(UInt256.self, forKey: .baseFeePerGas)
        miner = try c.decodeIfPresent(Address.self, forKey: .miner)
        stateRoot = try c.decodeIfPresent(Bytes32.self, forKey: .stateRoot)
        receiptsRoot = try c.decodeIfPresent(Bytes32.self, forKey: .receiptsRoot)
        transactionsRoot = try c.decodeIfPresent(Bytes32.self, forKey: .transactionsRoot)
        if let hashes = try? c.decode([Bytes32].self, forKey: .transactions) {
            transactionHashes = hashes
            transactions = nil
        } else {
            let full = try c.decodeIfPresent([RPCTransaction].self, forKey: .transactions) ?? []
            transactions = full
            transactionHashes = full.map(\.hash)
        }
    }
}

// MARK: - Transactions

/// A transaction as returned by `eth_getTransactionByHash` (block fields nil while pending).
public struct RPCTransaction: Sendable, Decodable, Hashable {
    /// Transaction hash.
    public var hash: Bytes32
    /// Envelope type (0 legacy, 1 EIP-2930, 2 EIP-1559, …).
    public var type: UInt64
    /// Sender.
    public var from: Address
    /// Recipient (nil for contract creation).
    public var to: Address?
    /// Sender nonce.
    public var nonce: UInt64
    /// Value in wei.
    public var value: UInt256
    /// Gas limit.
    public var gas: UInt64
    /// Legacy gas price, or the effective price once mined.
    public var gasPrice: UInt256?
    /// EIP-1559 max fee per gas.
    public var maxFeePerGas: UInt256?
    /// EIP-1559 max priority fee per gas.
    public var maxPriorityFeePerGas: UInt256?
    /// Calldata or init code.
    public var input: [UInt8]
    /// Chain id (nil for unprotected legacy transactions).
    public var chainId: UInt64?
    /// Including block hash (nil while pending).
    public var blockHash: Bytes32?
    /// Including block number (nil while pending).
    public var blockNumber: UInt64?
    /// Position in the block (nil while pending).
    public var transactionIndex: UInt64?

    enum CodingKeys: String, CodingKey {
        case hash, type, from, to, nonce, value, gas, gasPrice, maxFeePerGas, maxPriorityFeePerGas, input, chainId, blockHash, blockNumber, transactionIndex
    }

    /// Decodes a JSON-RPC transaction object (quantities in hex).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hash = try c.decode(Bytes32.self, forKey: .hash)
        type = try c.quantityIfPresent(.type) ?? 0
        from = try c.decode(Address.self, forKey: .from)
        to = try c.decodeIfPresent(Address.self, forKey: .to)
        nonce = try c.quantity(.nonce)
        value = try c.decode(UInt256.self, forKey: .value)
        gas = try c.quantity(.gas)
        gasPrice = try c.decodeIfPresent(UInt256.self, forKey: .gasPrice)
        maxFeePerGas = try c.decodeIfPresent(UInt256.self, forKey: .maxFeePerGas)
        maxPriorityFeePerGas = try c.decodeIfPresent(UInt256.self, forKey: .maxPriorityFeePerGas)
        input = try c.bytes(.input)
        chainId = try c.quantityIfPresent(.chainId)
        blockHash = try c.decodeIfPresent(Bytes32.self, forKey: .blockHash)
        blockNumber = try c.quantityIfPresent(.blockNumber)
        transactionIndex = try c.quantityIfPresent(.transactionIndex)
    }
}

/// A transaction receipt.
public struct Receipt: Sendable, Decodable, Hashable {
    /// Transaction hash.
    public var transactionHash: Bytes32
    /// Including block hash.
    public var blockHash: Bytes32
    /// Including block number.
    public var blockNumber: UInt64
    /// Position in the block.
    public var transactionIndex: UInt64
    /// Sender.
    public var from: Address
    /// Recipient (nil for contract creation).
    public var to: Address?
    /// The created contract, for contract creations.
    public var contractAddress: Address?
    /// `true` for success (status 1).
    public var status: Bool
    /// Gas used by this transaction.
    public var gasUsed: UInt64
    /// Gas used in the block up to and including this transaction.
    public var cumulativeGasUsed: UInt64
    /// Price paid per gas.
    public var effectiveGasPrice: UInt256?
    /// Envelope type.
    public var type: UInt64
    /// Emitted logs.
    public var logs: [Log]

    enum CodingKeys: String, CodingKey {
        case transactionHash, blockHash, blockNumber, transactionIndex, from, to, contractAddress, status, gasUsed, cumulativeGasUsed, effectiveGasPrice, type, logs
    }

    /// Decodes a JSON-RPC receipt object; a missing `status` (pre-Byzantium) counts as success.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        transactionHash = try c.decode(Bytes32.self, forKey: .transactionHash)
        blockHash = try c.decode(Bytes32.self, forKey: .blockHash)
        blockNumber = try c.quantity(.blockNumber)
        transactionIndex = try c.quantity(.transactionIndex)
        from = try c.decode(Address.self, forKey: .from)
        to = try c.decodeIfPresent(Address.self, forKey: .to)
        contractAddress = try c.decodeIfPresent(Address.self, forKey: .contractAddress)
        status = (try c.quantityIfPresent(.status) ?? 1) == 1
        gasUsed = try c.quantity(.gasUsed)
        cumulativeGasUsed = try c.quantity(.cumulativeGasUsed)
        effectiveGasPrice = try c.decodeIfPresent(UInt256.self, forKey: .effectiveGasPrice)
        type = try c.quantityIfPresent(.type) ?? 0
        logs = try c.decode([Log].self, forKey: .logs)
    }
}

/// An event log.
public struct Log: Sendable, Decodable, Hashable {
    /// Emitting contract.
    public var address: Address
    /// Indexed topics (topic 0: the event selector, except anonymous events).
    public var topics: [Bytes32]
    /// Non-indexed data.
    public var data: [UInt8]
    /// Block number (nil while pending).
    public var blockNumber: UInt64?
    /// Block hash (nil while pending).
    public var blockHash: Bytes32?
    /// Emitting transaction.
    public var transactionHash: Bytes32?
    /// Transaction position in the block.
    public var transactionIndex: UInt64?
    /// Log position in the block.
    public var logIndex: UInt64?
    /// `true` when a reorg removed the log (subscriptions).
    public var removed: Bool

    enum CodingKeys: String, CodingKey {
        case address, topics, data, blockNumber, blockHash, transactionHash, transactionIndex, logIndex, removed
    }

    /// Decodes a JSON-RPC log object; a missing `removed` is `false`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address = try c.decode(Address.self, forKey: .address)
        topics = try c.decode([Bytes32].self, forKey: .topics)
        data = try c.bytes(.data)
        blockNumber = try c.quantityIfPresent(.blockNumber)
        blockHash = try c.decodeIfPresent(Bytes32.self, forKey: .blockHash)
        transactionHash = try c.decodeIfPresent(Bytes32.self, forKey: .transactionHash)
        transactionIndex = try c.quantityIfPresent(.transactionIndex)
        logIndex = try c.quantityIfPresent(.logIndex)
        removed = try c.decodeIfPresent(Bool.self, forKey: .removed) ?? false
    }
}

/// The answer of `eth_feeHistory`.
public struct FeeHistory: Sendable, Decodable, Hashable {
    /// The first block of the range.
    public var oldestBlock: UInt64
    /// Base fees of each block in the range plus the next block's.
    public var baseFeePerGas: [UInt256]
    /// Fraction of the gas limit used in each block.
    public var gasUsedRatio: [Double]
    /// Priority fees at the requested percentiles, one row per block.
    public var reward: [[UInt256]]

    enum CodingKeys: String, CodingKey { case oldestBlock, baseFeePerGas, gasUsedRatio, reward }

    /// Decodes an `eth_feeHistory` result; missing arrays are empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        oldestBlock = try c.quantity(.oldestBlock)
        baseFeePerGas = try c.decodeIfPresent([UInt256].self, forKey: .baseFeePerGas) ?? []
        gasUsedRatio = try c.decodeIfPresent([Double].self, forKey: .gasUsedRatio) ?? []
        reward = try c.decodeIfPresent([[UInt256]].self, forKey: .reward) ?? []
    }
}

/// The parameters of `eth_call` / `eth_estimateGas`.
public struct CallRequest: Sendable, Hashable {
    /// Caller (`msg.sender`).
    public var from: Address?
    /// Callee (nil: contract creation).
    public var to: Address?
    /// Calldata or init code.
    public var data: [UInt8]
    /// Value in wei.
    public var value: UInt256?
    /// Gas limit.
    public var gas: UInt64?
    /// Legacy gas price.
    public var gasPrice: UInt256?
    /// EIP-1559 max fee per gas.
    public var maxFeePerGas: UInt256?
    /// EIP-1559 max priority fee per gas.
    public var maxPriorityFeePerGas: UInt256?

    /// A call to `to` (nil: contract creation) with `data`.
    public init(from: Address? = nil, to: Address?, data: [UInt8] = [], value: UInt256? = nil, gas: UInt64? = nil,
                gasPrice: UInt256? = nil, maxFeePerGas: UInt256? = nil, maxPriorityFeePerGas: UInt256? = nil) {
        self.from = from
        self.to = to
        self.data = data
        self.value = value
        self.gas = gas
        self.gasPrice = gasPrice
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
    }

    /// The JSON-RPC object.
    public var json: JSONRPCValue {
        var members: [(String, JSONRPCValue)] = []
        if let from { members.append(("from", .address(from))) }
        if let to { members.append(("to", .address(to))) }
        if !data.isEmpty { members.append(("input", .data(data))) }
        if let value { members.append(("value", .quantity(value))) }
        if let gas { members.append(("gas", .quantity(gas))) }
        if let gasPrice { members.append(("gasPrice", .quantity(gasPrice))) }
        if let maxFeePerGas { members.append(("maxFeePerGas", .quantity(maxFeePerGas))) }
        if let maxPriorityFeePerGas { members.append(("maxPriorityFeePerGas", .quantity(maxPriorityFeePerGas))) }
        return .object(members)
    }
}

/// The filter of `eth_getLogs`.
public struct LogFilter: Sendable, Hashable {
    /// Contracts whose logs match (empty: any).
    public var addresses: [Address]
    /// Topic filters by position: nil matches anything, otherwise any of the listed values.
    public var topics: [[Bytes32]?]
    /// First block of the range.
    public var fromBlock: BlockTag
    /// Last block of the range.
    public var toBlock: BlockTag

    /// A filter over `fromBlock...toBlock`.
    public init(addresses: [Address] = [], topics: [[Bytes32]?] = [], fromBlock: BlockTag = .earliest, toBlock: BlockTag = .latest) {
        self.addresses = addresses
        self.topics = topics
        self.fromBlock = fromBlock
        self.toBlock = toBlock
    }

    /// The JSON-RPC object.
    public var json: JSONRPCValue {
        var members: [(String, JSONRPCValue)] = [("fromBlock", fromBlock.json), ("toBlock", toBlock.json)]
        if addresses.count == 1 { members.append(("address", .address(addresses[0]))) }
        else if !addresses.isEmpty { members.append(("address", .array(addresses.map { .address($0) }))) }
        if !topics.isEmpty { members.append(("topics", topicsJSON)) }
        return .object(members)
    }

    var topicsJSON: JSONRPCValue {
        .array(topics.map { position in
            guard let position else { return .null }
            return position.count == 1 ? .hash(position[0]) : .array(position.map { .hash($0) })
        })
    }
}
