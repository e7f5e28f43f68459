import EVM
import EVMRPC
import SixNinesContracts

/// The vault's state as read from the chain, for checks before signing, sending and proposing.
public struct VaultState: Sendable {
    /// The node's chain id.
    public var chainId: UInt64
    /// The vault.
    public var vault: Address
    /// The nonce the next message must carry.
    public var nonce: UInt64
    /// Signatures required.
    public var threshold: Int
    /// The current signers.
    public var signers: [Address]
    /// Whether payouts are paused.
    public var paused: Bool
    /// The successor after a migration (zero: none).
    public var successor: Address
    /// The latest block's timestamp.
    public var time: UInt64
}

/// Reads and checks through the generated `PredictionVault` binding (the only way Swift code talks to the vault).
public struct VaultChain: Sendable {
    /// The binding (read-only connection).
    public let binding: PredictionVault
    /// The client.
    public let client: RPCClient

    /// The vault at `vault` behind `client` on `chainId`.
    public init(client: RPCClient, chainId: UInt64, vault: Address) {
        self.client = client
        binding = PredictionVault(address: vault, connection: ContractConnection(client: client, chainId: chainId))
    }

    /// The state: refuses an address without code (no vault there).
    public func state() async throws -> VaultState {
        let code = try await client.code(at: binding.address)
        guard !code.isEmpty else { throw VaultChainError("no contract at \(binding.address.checksummed) on chain \(binding.connection.chainId)") }
        let nonce = try await binding.nonce()
        let threshold = try await binding.threshold()
        guard nonce < UInt256(UInt64.max), threshold <= UInt256(64) else { throw VaultChainError("the vault's nonce or threshold is out of range") }
        let time = try await client.block(.latest)?.timestamp ?? 0
        return VaultState(chainId: binding.connection.chainId, vault: binding.address, nonce: nonce.limbs.0,
                          threshold: Int(threshold.limbs.0), signers: try await binding.getSigners(), paused: try await binding.paused(),
                          successor: try await binding.successor(), time: time)
    }

    /// Today's (UTC day of the latest block) remaining allowance of `token`.
    public func remainingToday(token: Address) async throws -> UInt256 { try await binding.remainingToday(token: token) }

    /// The daily limit of `token`.
    public func dailyLimit(token: Address) async throws -> UInt256 { try await binding.dailyLimit(arg0: token) }

    /// What the vault holds of `token` (zero: native).
    public func balance(token: Address) async throws -> UInt256 {
        if token == .zero { return try await client.balance(of: binding.address) }
        let balanceOf = try ABIFunction("balanceOf(address)(uint256)")
        let output = try await client.call(CallRequest(to: token, data: try balanceOf.encodeCall([.address(binding.address)])), at: .latest)
        return try balanceOf.decodeOutput(output)[0].asUInt256()
    }

    /// Whether each receipt is paid (`paid(receipt)`).
    public func isPaid(_ receipt: Bytes32) async throws -> Bool { try await binding.paid(arg0: receipt) }

    /// Every `PayoutExecuted` event of the vault (from `fromBlock`), with its transaction and block.
    public func payoutEvents(fromBlock: BlockTag = .earliest) async throws -> [PaidOnChain] {
        let definition = PredictionVault.PayoutExecuted.definition
        let logs = try await client.logs(LogFilter(addresses: [binding.address], topics: [[definition.topic0]], fromBlock: fromBlock))
        return try logs.filter { !$0.removed }.map { log in
            let e = try PredictionVault.PayoutExecuted(log: log)
            return PaidOnChain(nonce: e.nonce, payout: Payout(token: e.token, recipient: e.recipient, amount: e.amount, receipt: e.receipt),
                               transaction: log.transactionHash, block: log.blockNumber)
        }
    }

    /// The `PayoutBatchExecuted` event of `nonce`, if the vault executed a batch at that nonce.
    public func batchExecuted(nonce: UInt64) async throws -> (digest: Bytes32, transaction: Bytes32?)? {
        let definition = PredictionVault.PayoutBatchExecuted.definition
        let logs = try await client.logs(LogFilter(addresses: [binding.address], topics: [[definition.topic0], [UInt256(nonce).bytes32]]))
        guard let log = logs.last(where: { !$0.removed }) else { return nil }
        return (try PredictionVault.PayoutBatchExecuted(log: log).digest, log.transactionHash)
    }

    /// Everything that would make `execute_payouts` of `batch` with `report`'s signatures revert, or pay what it
    /// should not, as one message each (empty: safe to send). Checked before anything is sent.
    public func problems(executing batch: PayoutBatch, report: SignatureReport, state: VaultState) async throws -> [String] {
        var out: [String] = []
        if batch.chainId != state.chainId { out.append("the batch is for chain \(batch.chainId), the node is chain \(state.chainId)") }
        if batch.vault != state.vault { out.append("the batch is for vault \(batch.vault.checksummed), not \(state.vault.checksummed)") }
        if state.paused { out.append("the vault is paused") }
        if batch.nonce < state.nonce {
            out.append("stale nonce: the batch has nonce \(batch.nonce) but the vault is at \(state.nonce) (nonce \(batch.nonce) was used by another message; propose again)")
        } else if batch.nonce > state.nonce {
            out.append("nonce \(batch.nonce) is ahead of the vault's \(state.nonce): execute the batches or proposals of nonces \(state.nonce)…\(batch.nonce - 1) first")
        }
        // The next block's timestamp is at least the latest one's plus one second.
        if batch.deadline <= state.time { out.append("expired: the deadline \(batch.deadline) has passed (chain time \(state.time))") }
        let valid = report.sortedValid.count
        if valid < report.threshold { out.append("too few valid signatures: \(valid) of the \(report.threshold) required") }
        for (token, total) in batch.totals {
            let remaining = try await remainingToday(token: token)
            if total > remaining {
                out.append("over the daily limit: \(total) of \(token == .zero ? "the native token" : token.checksummed), \(remaining) left today")
            }
            let held = try await balance(token: token)
            if total > held { out.append("the vault holds \(held) of \(token == .zero ? "the native token" : token.checksummed), the batch pays \(total)") }
        }
        var paid = 0
        for p in batch.payouts where try await isPaid(p.receipt) { paid += 1 }
        if paid > 0 { out.append("\(paid) receipt\(paid == 1 ? " is" : "s are") already paid on chain") }
        // Read last: a batch executed by someone else while these checks ran is reported as what it is.
        if let done = try await batchExecuted(nonce: batch.nonce), done.digest == batch.digest {
            return ["replayed: this batch was already executed at nonce \(batch.nonce)\(done.transaction.map { " (transaction \($0))" } ?? "")"]
        }
        return out
    }
}

/// A failure reading the vault (no contract, out-of-range values).
public struct VaultChainError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
