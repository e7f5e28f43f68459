import EVM
import EVMRPC
import EVMSigner
import Foundation

/// Deploys contracts and sends wiring transactions for one signer: checks before sending (revert, balance),
/// sends, waits, verifies the code.
public struct Deployer: Sendable {
    /// The node.
    public let client: RPCClient
    /// Signs, nonces and fees.
    public let sender: TransactionSender
    /// The chain's rules (fee floor, block time).
    public let chain: Chain
    /// The node's chain id.
    public let chainId: UInt64
    /// How transactions are waited for.
    public let options: SendOptions

    /// A deployer for `key` on the node behind `client`; `preset` overrides the chain found by its id; `options`
    /// builds the wait options for the chain.
    public init(client: RPCClient, key: PrivateKey, preset: Chain?, options: (Chain) -> SendOptions) async throws {
        self.client = client
        chainId = try await client.chainId()
        chain = preset ?? Chain.withID(chainId) ?? Chain(name: "chain-\(chainId)", id: chainId)
        sender = TransactionSender(client: client, signer: KeySigner(key: key), chain: chain)
        self.options = options(chain)
    }

    /// The signer's address.
    public var address: Address { sender.signer.address }

    /// Gas limit and fees a transaction is sent with.
    public typealias Plan = (gasLimit: UInt64, fees: Fees)

    /// Refuses, before sending, a transaction that would revert or whose worst-case cost (gas × max fee + value)
    /// exceeds the balance. Returns the gas limit (estimate + 20 %) and fees to send with.
    public func checkAffordable(to: Address?, data: [UInt8], value: UInt256, what: String) async throws -> Plan {
        let estimate: UInt64
        do {
            estimate = try await client.estimateGas(CallRequest(from: address, to: to, data: data, value: value))
        } catch {
            if case .revert = error { throw DeploymentError("\(what) would revert: \(error.decodedRevert().map { "\($0)" } ?? "\(error)")") }
            throw error
        }
        let gasLimit = estimate + estimate / 5
        let fees = try await sender.estimator.estimate(client)
        let maxFee = fees.maxPerGas
        let (gasCost, overflow) = maxFee.multipliedReportingOverflow(by: UInt256(gasLimit))
        let (cost, overflow2) = gasCost.addingReportingOverflow(value)
        let balance = try await client.balance(of: address)
        if overflow || overflow2 || cost > balance {
            throw DeploymentError("insufficient balance for \(what): \(address.checksummed) has \(balance) wei, needs up to \(cost) wei (gas \(gasLimit) × max fee \(maxFee) + value \(value))")
        }
        return (gasLimit, fees)
    }

    /// The request a transaction to `to` with `data` and `value` is signed from.
    public func request(to: Address?, data: [UInt8], value: UInt256 = .zero, gasLimit: UInt64) -> TransactionRequest {
        TransactionRequest(to: to, value: value, data: data, gasLimit: gasLimit, chainId: chainId)
    }

    /// Signs and submits with `plan`.
    public func submit(to: Address?, data: [UInt8], value: UInt256 = .zero, plan: Plan) async throws -> RawTransaction {
        try await sender.submit(request(to: to, data: data, value: value, gasLimit: plan.gasLimit), fees: plan.fees)
    }

    /// Waits for a submitted transaction (or a fee-bumped replacement of it) to be final; throws when it reverted.
    /// `beforeReplacement` sees each replacement before it is sent (to record it durably).
    public func wait(_ signed: RawTransaction, to: Address?, data: [UInt8], value: UInt256 = .zero, what: String,
                     beforeReplacement: @escaping @Sendable (RawTransaction) async -> Void = { _ in }) async throws -> Receipt {
        let request = request(to: to, data: data, value: value, gasLimit: signed.gasLimit)
        do {
            return try await sender.wait(for: signed, request: request, options: options) { event in
                if case .replacing(_, let replacement) = event { await beforeReplacement(replacement) }
            }
        } catch {
            if case .reverted(let r) = error { throw DeploymentError("\(what) reverted in block \(r.blockNumber) (transaction \(r.transactionHash))") }
            throw error
        }
    }

    /// Sends a call to `to` with `data` (checked first) and waits for it to be final.
    public func transact(to: Address, data: [UInt8], what: String) async throws -> Receipt {
        let plan = try await checkAffordable(to: to, data: data, value: .zero, what: what)
        let signed = try await submit(to: to, data: data, plan: plan)
        return try await wait(signed, to: to, data: data, what: what)
    }

    /// Checks the code at `address` against the artifact: an error when there is none or it differs; `nil` when the
    /// artifact has no runtime code to compare with.
    public func verifyCode(_ artifact: Artifact, at address: Address) async throws -> Bool? {
        let code = try await client.code(at: address)
        guard !code.isEmpty else { throw DeploymentError("no code at \(address.checksummed) after deploying \(artifact.name)") }
        let matches = artifact.matchesDeployedCode(code)
        if matches == false {
            throw DeploymentError("the code at \(address.checksummed) is not \(artifact.name)'s deployed bytecode (\(code.count) bytes on chain)")
        }
        return matches
    }
}
