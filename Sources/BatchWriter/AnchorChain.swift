import EVM
import EVMRPC
import Receipts
import SixNinesContracts

/// The head of the chain as the writer sees it.
public struct ChainHead: Sendable, Hashable {
    /// Block number.
    public var number: UInt64
    /// Block timestamp (the registry's `block.timestamp`).
    public var timestamp: UInt64

    /// A head from its parts.
    public init(number: UInt64, timestamp: UInt64) {
        self.number = number
        self.timestamp = timestamp
    }
}

/// A transaction found in a block.
public struct Inclusion: Sendable, Hashable {
    /// The block number.
    public var blockNumber: UInt64
    /// The block hash.
    public var blockHash: Bytes32
    /// Whether it executed without reverting.
    public var succeeded: Bool
    /// Gas used.
    public var gasUsed: UInt64

    /// An inclusion from its parts.
    public init(blockNumber: UInt64, blockHash: Bytes32, succeeded: Bool, gasUsed: UInt64) {
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.succeeded = succeeded
        self.gasUsed = gasUsed
    }
}

/// The arguments of `ReceiptRegistry.anchor`.
public struct AnchorCall: Sendable, Hashable {
    /// `batch_id`.
    public var batchId: BatchID
    /// `root`.
    public var root: Bytes32
    /// `receipt_count`.
    public var count: UInt32
    /// `first_time`.
    public var firstTime: UInt64
    /// `last_time`.
    public var lastTime: UInt64

    /// A call from its parts.
    public init(batchId: BatchID, root: Bytes32, count: UInt32, firstTime: UInt64, lastTime: UInt64) {
        self.batchId = batchId
        self.root = root
        self.count = count
        self.firstTime = firstTime
        self.lastTime = lastTime
    }

    /// The calldata.
    public var calldata: [UInt8] {
        try! ReceiptRegistry.Calls.anchor(batchId: batchId.word, kind: batchId.kind.rawValue, root: root, receiptCount: count,  // invariant: static types always encode
                                           firstTime: firstTime, lastTime: lastTime)
    }
}

/// What a node said to a broadcast.
public enum BroadcastResult: Sendable, Hashable {
    /// In the pool (or already known).
    case accepted
    /// The nonce is already used on chain (by this transaction, a replacement, or another one).
    case nonceUsed
    /// Refused for a reason that a later attempt may not have (underpriced replacement, pool full…).
    case refused(String)
}

/// What the batch writer needs from the chain: the registry, the writer's account, blocks and receipts.
public protocol AnchorChain: Sendable {
    /// The chain id transactions are signed for.
    var chainId: UInt64 { get }
    /// The ReceiptRegistry.
    var registry: Address { get }
    /// The writer's address (holds `WRITER_ROLE`).
    var writer: Address { get }
    /// The latest block.
    func head() async throws -> ChainHead
    /// The `finalized` block number (nil when the node has no such tag).
    func finalizedBlock() async throws -> UInt64?
    /// The writer's nonce (`pending` or `latest`).
    func nonce(pending: Bool) async throws -> UInt64
    /// Fees for a new transaction (the chain's floor applied).
    func fees() async throws -> Fees
    /// Signs an anchor transaction.
    func sign(_ call: AnchorCall, nonce: UInt64, fees: Fees, gasLimit: UInt64) async throws -> RawTransaction
    /// Broadcasts signed bytes.
    func broadcast(_ raw: [UInt8]) async throws -> BroadcastResult
    /// The block that includes `hash`, if any.
    func inclusion(of hash: Bytes32) async throws -> Inclusion?
    /// A block's timestamp.
    func timestamp(ofBlock number: UInt64) async throws -> UInt64?
    /// `batch(batch_id, root)`: `anchored_at` when this exact batch is anchored, else nil.
    func anchoredAt(_ id: BatchID, root: Bytes32) async throws -> UInt64?
    /// `is_anchored(batch_id)`.
    func isAnchored(_ id: BatchID) async throws -> Bool
}

/// ``AnchorChain`` over JSON-RPC (EVMRPC) and the ReceiptRegistry binding.
public struct RPCAnchorChain: AnchorChain {
    /// The client.
    public let client: RPCClient
    /// The signer (the writer's key).
    public let signer: any TransactionSigner
    /// The chain (fee floor).
    public let chain: Chain
    /// The chain id transactions are signed for.
    public let chainId: UInt64
    /// The ReceiptRegistry the batches are anchored in.
    public let registry: Address
    private let estimator: FeeEstimator
    private let binding: ReceiptRegistry

    /// A chain reached through `client`, signing with `signer`, anchoring in `registry`.
    public init(client: RPCClient, signer: any TransactionSigner, chain: Chain, chainId: UInt64, registry: Address) {
        self.client = client
        self.signer = signer
        self.chain = chain
        self.chainId = chainId
        self.registry = registry
        self.estimator = FeeEstimator(chain: chain)
        self.binding = ReceiptRegistry(address: registry, connection: ContractConnection(client: client, chainId: chainId))
    }

    /// The writer's address (the signer's).
    public var writer: Address { signer.address }

    /// The latest block (`eth_getBlockByNumber(latest)`).
    public func head() async throws -> ChainHead {
        guard let block = try await client.block(.latest) else { throw RPCError.invalidResponse("no latest block") }
        return ChainHead(number: block.number, timestamp: block.timestamp)
    }

    /// The `finalized` block number; nil when the node refuses the tag.
    public func finalizedBlock() async throws -> UInt64? {
        do { return try await client.block(.finalized)?.number } catch {
            if case .server = error { return nil }
            throw error
        }
    }

    /// The writer's transaction count at `pending` or `latest`.
    public func nonce(pending: Bool) async throws -> UInt64 {
        try await client.nonce(of: signer.address, at: pending ? .pending : .latest)
    }

    /// Fees from `eth_feeHistory`, never below the chain's floor (Polygon: 25 gwei tip).
    public func fees() async throws -> Fees { try await estimator.estimate(client) }

    /// Signs `anchor(...)` to the registry with the writer key.
    public func sign(_ call: AnchorCall, nonce: UInt64, fees: Fees, gasLimit: UInt64) async throws -> RawTransaction {
        try await signer.sign(TransactionRequest(to: registry, data: call.calldata, gasLimit: gasLimit, chainId: chainId),
                              nonce: nonce, fees: fees, gasLimit: gasLimit)
    }

    /// `eth_sendRawTransaction`: "already known" is accepted, "nonce too low" is `nonceUsed`, other refusals `refused`.
    public func broadcast(_ raw: [UInt8]) async throws -> BroadcastResult {
        do {
            try await client.sendRawTransaction(raw)
            return .accepted
        } catch {
            if case .server(_, let message, _) = error {
                let lower = message.lowercased()
                if lower.contains("nonce too low") || lower.contains("nonce is too low") { return .nonceUsed }
                return .refused(message)
            }
            throw error
        }
    }

    /// The receipt of `hash`, if it is in a block.
    public func inclusion(of hash: Bytes32) async throws -> Inclusion? {
        guard let receipt = try await client.receipt(hash) else { return nil }
        return Inclusion(blockNumber: receipt.blockNumber, blockHash: receipt.blockHash, succeeded: receipt.status, gasUsed: receipt.gasUsed)
    }

    /// A block's timestamp.
    public func timestamp(ofBlock number: UInt64) async throws -> UInt64? {
        try await client.block(.number(number))?.timestamp
    }

    /// The registry's `batch(id, root)`: `anchored_at` when anchored with this root.
    public func anchoredAt(_ id: BatchID, root: Bytes32) async throws -> UInt64? {
        let record = try await binding.batch(batchId: id.word, root: root)
        return record.anchored ? record.anchoredAt : nil
    }

    /// The registry's `is_anchored(id)`.
    public func isAnchored(_ id: BatchID) async throws -> Bool {
        try await binding.isAnchored(batchId: id.word)
    }
}
