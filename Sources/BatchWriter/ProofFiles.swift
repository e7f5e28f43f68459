import EVM
import Foundation
import PredictionStore
import Receipts

/// Proof files from the store.
public enum ProofFiles {
    /// Errors of proof lookups.
    public enum Failure: Error, CustomStringConvertible {
        /// No receipt with this id.
        case unknownReceipt(Bytes32)
        /// The store lacks the chain settings.
        case noSettings

        public var description: String {
            switch self {
            case .unknownReceipt(let id): return "no receipt \(id) in the store"
            case .noSettings: return "the store has no chain id / registry (the daemon never ran on it)"
            }
        }
    }

    /// The `sixnines-receipt-proof-v1` file of the receipt `leaf` once its batch is final (nil before).
    public static func proofFile(queue: any BatchQueue, leaf: Bytes32, chainId: UInt64? = nil, registry: Address? = nil) async throws -> ReceiptProofFile? {
        guard let stored = try await queue.receipt(leaf) else { throw Failure.unknownReceipt(leaf) }
        guard let batchWord = stored.batchId, let proof = stored.proof else { return nil }
        let id = try BatchID(word: batchWord)
        guard let batch = try await queue.batch(id), batch.state == .final else { return nil }
        var chainId = chainId
        if chainId == nil { chainId = try await queue.setting("chain_id").flatMap(UInt64.init) }
        var registry = registry
        if registry == nil { registry = try await queue.setting("registry").flatMap({ try? Address($0) }) }
        guard let chainId, let registry else { throw Failure.noSettings }
        return ReceiptProofFile(chainId: chainId, registry: registry, batchId: batchWord, batchKind: id.kind.rawValue, root: batch.root,
                                receipt: stored.receipt, opening: nil, proof: proof)
    }
}
