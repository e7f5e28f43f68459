import EVM

/// What to send: the signer fills in nonce, fees and chain id.
public struct TransactionRequest: Sendable, Hashable {
    /// Recipient (nil: contract creation).
    public var to: Address?
    /// Value in wei.
    public var value: UInt256
    /// Calldata or init code.
    public var data: [UInt8]
    /// Gas limit (nil: `eth_estimateGas` with a 20 % margin).
    public var gasLimit: UInt64?
    /// The chain id the signature commits to.
    public var chainId: UInt64

    /// A request on `chainId`.
    public init(to: Address?, value: UInt256 = .zero, data: [UInt8] = [], gasLimit: UInt64? = nil, chainId: UInt64) {
        self.to = to
        self.value = value
        self.data = data
        self.gasLimit = gasLimit
        self.chainId = chainId
    }
}

/// A signed transaction ready for `eth_sendRawTransaction`.
public struct RawTransaction: Sendable, Hashable {
    /// The network encoding (type byte + RLP for typed transactions).
    public var raw: [UInt8]
    /// `keccak256(raw)`.
    public var hash: Bytes32
    /// The nonce it was signed with.
    public var nonce: UInt64
    /// The fees it was signed with.
    public var fees: Fees
    /// The gas limit it was signed with.
    public var gasLimit: UInt64

    /// A signed transaction; the hash is computed from `raw`.
    public init(raw: [UInt8], nonce: UInt64, fees: Fees, gasLimit: UInt64) {
        self.raw = raw
        self.hash = Keccak256.hash(data: raw)
        self.nonce = nonce
        self.fees = fees
        self.gasLimit = gasLimit
    }
}

/// Something that signs transactions for one address (EVMSigner's keys plug in here).
public protocol TransactionSigner: Sendable {
    /// The sender.
    var address: Address { get }
    /// Signs `request` with `nonce`, `fees` and `gasLimit`.
    func sign(_ request: TransactionRequest, nonce: UInt64, fees: Fees, gasLimit: UInt64) async throws -> RawTransaction
}

/// A state change of a transaction being sent, reported so a caller can persist it.
public enum TransactionEvent: Sendable, Hashable {
    /// Accepted by the node's pool.
    case sent(hash: Bytes32, nonce: UInt64, fees: Fees)
    /// Stuck too long: `replacement` (same nonce, higher fees) is signed and about to be sent. Reported before it
    /// is sent, so a caller can record its hash and bytes first and find it again after a crash.
    case replacing(oldHash: Bytes32, replacement: RawTransaction)
    /// Stuck too long: replaced by `newHash` with the same nonce and higher fees.
    case replaced(oldHash: Bytes32, newHash: Bytes32, fees: Fees)
    /// Included in a block.
    case included(hash: Bytes32, blockNumber: UInt64, blockHash: Bytes32)
    /// A reorg removed the block that included it: waiting again.
    case reorgedOut(hash: Bytes32, blockNumber: UInt64, blockHash: Bytes32)
    /// Reached the required confirmations or the finalized tag.
    case final(hash: Bytes32, blockNumber: UInt64, confirmations: UInt64)
}

/// Errors of sending a transaction, beside those of the node.
public enum SendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node refused it or the connection failed.
    case rpc(RPCError)
    /// The signer failed.
    case signing(String)
    /// Not final within the deadline; the last hash sent is given.
    case timedOut(hash: Bytes32?)
    /// The receipt says the execution reverted.
    case reverted(Receipt)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .rpc(let e): return "\(e)"
        case .signing(let m): return "signing failed: \(m)"
        case .timedOut(let h): return "transaction not final in time" + (h.map { " (last hash \($0))" } ?? "")
        case .reverted(let r): return "transaction \(r.transactionHash) reverted in block \(r.blockNumber)"
        }
    }
}

/// How a ``TransactionSender`` waits.
public struct SendOptions: Sendable {
    /// Confirmations to wait for (1 = included); ignored when `waitForFinalized`.
    public var confirmations: UInt64
    /// Wait until the `finalized` tag covers the block instead of counting confirmations.
    public var waitForFinalized: Bool
    /// Replace the transaction when not included after this long (nil: never).
    public var replaceAfter: Duration?
    /// Percent by which each replacement raises both fee fields (node minimum: 10).
    public var bumpPercent: Int
    /// Poll interval for receipts and blocks.
    public var pollInterval: Duration
    /// Give up after this long.
    public var timeout: Duration
    /// Explicit fees (nil: estimated).
    public var fees: Fees?

    /// Options; defaults wait for one confirmation, replace after 60 s, poll every 500 ms, time out after 10 min.
    public init(confirmations: UInt64 = 1, waitForFinalized: Bool = false, replaceAfter: Duration? = .seconds(60), bumpPercent: Int = 12,
                pollInterval: Duration = .milliseconds(500), timeout: Duration = .seconds(600), fees: Fees? = nil) {
        self.confirmations = max(1, confirmations)
        self.waitForFinalized = waitForFinalized
        self.replaceAfter = replaceAfter
        self.bumpPercent = max(10, bumpPercent)
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.fees = fees
    }
}

/// Sends transactions for one signer: nonce, fees, send, wait, replace, confirmations and reorgs.
public struct TransactionSender: Sendable {
    /// The client.
    public let client: RPCClient
    /// The signer.
    public let signer: any TransactionSigner
    /// The nonce manager of the signer's address.
    public let nonces: NonceManager
    /// The fee estimator.
    public let estimator: FeeEstimator

    /// A sender for `signer` on `client`, with fees for `chain`.
    public init(client: RPCClient, signer: any TransactionSigner, chain: Chain, nonces: NonceManager? = nil) {
        self.client = client
        self.signer = signer
        self.nonces = nonces ?? NonceManager(address: signer.address, client: client)
        self.estimator = FeeEstimator(chain: chain)
    }

    /// Signs and sends `request` with the next nonce; returns once the node accepted it.
    public func submit(_ request: TransactionRequest, fees: Fees? = nil) async throws(SendError) -> RawTransaction {
        let fees = try await resolveFees(fees)
        let gasLimit = try await resolveGas(request)
        var tooLowRetries = 0
        while true {
            let nonce: UInt64
            do { nonce = try await nonces.next() } catch { throw .rpc(error) }
            let signed: RawTransaction
            do {
                signed = try await signer.sign(request, nonce: nonce, fees: fees, gasLimit: gasLimit)
            } catch {
                await nonces.release(nonce)
                throw .signing("\(error)")
            }
            do {
                try await client.sendRawTransaction(signed.raw)
                return signed
            } catch {
                if Self.isNonceTooLow(error), tooLowRetries < 3 {
                    // Someone else used this nonce: take the chain's view and try again with a fresh one.
                    tooLowRetries += 1
                    do { try await nonces.resync() } catch { throw .rpc(error) }
                    continue
                }
                if error.mayHaveReachedNode {
                    // Did it reach the pool after all? Then it is sent; if the node does not know it, the nonce
                    // goes back so that no gap is left.
                    if (try? await client.transaction(signed.hash)) != nil { return signed }
                }
                await nonces.release(nonce)
                throw .rpc(error)
            }
        }
    }

    /// Sends `request` and waits until it is final, replacing it when stuck and following reorgs.
    /// Every state change goes to `onEvent` before this continues.
    public func send(_ request: TransactionRequest, options: SendOptions = SendOptions(),
                     onEvent: @Sendable (TransactionEvent) async -> Void = { _ in }) async throws(SendError) -> Receipt {
        let first = try await submit(request, fees: options.fees)
        await onEvent(.sent(hash: first.hash, nonce: first.nonce, fees: first.fees))
        return try await wait(for: first, request: request, options: options, onEvent: onEvent)
    }

    /// Waits for `signed` (or a replacement of it) to be final.
    public func wait(for signed: RawTransaction, request: TransactionRequest, options: SendOptions = SendOptions(),
                     onEvent: @Sendable (TransactionEvent) async -> Void = { _ in }) async throws(SendError) -> Receipt {
        let clock = ContinuousClock()
        let deadline = clock.now + options.timeout
        var sent: [RawTransaction] = [signed]
        var lastSent = clock.now
        var included: Receipt?
        while clock.now < deadline {
            do {
                if let receipt = included {
                    // Still there? A reorg may have removed it.
                    let current = try await client.receipt(receipt.transactionHash)
                    if current == nil || current!.blockHash != receipt.blockHash {
                        await onEvent(.reorgedOut(hash: receipt.transactionHash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash))
                        included = nil
                        lastSent = clock.now
                        // Nodes usually return reorged transactions to their pool; make sure this one is there.
                        if let dropped = sent.first(where: { $0.hash == receipt.transactionHash }) {
                            _ = try? await client.sendRawTransaction(dropped.raw)
                        }
                        continue
                    }
                    if let depth = try await finality(of: receipt, options: options) {
                        await onEvent(.final(hash: receipt.transactionHash, blockNumber: receipt.blockNumber, confirmations: depth))
                        if !receipt.status { throw SendError.reverted(receipt) }
                        return receipt
                    }
                } else {
                    for candidate in sent.reversed() {
                        if let receipt = try await client.receipt(candidate.hash) {
                            included = receipt
                            await onEvent(.included(hash: receipt.transactionHash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash))
                            break
                        }
                    }
                    if included != nil { continue }
                    if let after = options.replaceAfter, clock.now - lastSent >= after {
                        let old = sent.last!
                        let estimate = try? await estimator.estimate(client)
                        let fees = old.fees.bumped(percent: options.bumpPercent, atLeast: estimate)
                        let replacement: RawTransaction
                        do {
                            replacement = try await signer.sign(request, nonce: old.nonce, fees: fees, gasLimit: old.gasLimit)
                        } catch { throw SendError.signing("\(error)") }
                        await onEvent(.replacing(oldHash: old.hash, replacement: replacement))
                        do {
                            try await client.sendRawTransaction(replacement.raw)
                            sent.append(replacement)
                            await onEvent(.replaced(oldHash: old.hash, newHash: replacement.hash, fees: fees))
                        } catch {
                            // "nonce too low": one of ours (or another) was mined meanwhile: keep polling receipts.
                            if !Self.isNonceTooLow(error) && !error.isTransient { throw SendError.rpc(error) }
                        }
                        lastSent = clock.now
                    }
                }
            } catch let error as SendError {
                throw error
            } catch let error as RPCError {
                if !error.isTransient { throw .rpc(error) }
            } catch {
                throw .rpc(.cancelled)
            }
            do { try await Task.sleep(for: options.pollInterval) } catch { throw .rpc(.cancelled) }
        }
        throw .timedOut(hash: sent.last?.hash)
    }

    /// The confirmations of `receipt` once it meets the options' finality rule, else nil.
    private func finality(of receipt: Receipt, options: SendOptions) async throws(RPCError) -> UInt64? {
        let head = try await client.blockNumber()
        let depth = head >= receipt.blockNumber ? head - receipt.blockNumber + 1 : 0
        if options.waitForFinalized {
            guard let finalized = try await client.block(.finalized), finalized.number >= receipt.blockNumber else { return nil }
            return depth
        }
        return depth >= options.confirmations ? depth : nil
    }

    private func resolveFees(_ fees: Fees?) async throws(SendError) -> Fees {
        if let fees { return fees }
        do { return try await estimator.estimate(client) } catch { throw .rpc(error) }
    }

    private func resolveGas(_ request: TransactionRequest) async throws(SendError) -> UInt64 {
        if let gas = request.gasLimit { return gas }
        do {
            let estimate = try await client.estimateGas(CallRequest(from: signer.address, to: request.to, data: request.data, value: request.value))
            return estimate + estimate / 5
        } catch { throw .rpc(error) }
    }

    static func isNonceTooLow(_ error: RPCError) -> Bool {
        if case .server(_, let message, _) = error { return message.lowercased().contains("nonce too low") }
        return false
    }
}
