import EVM
import EVMRPC
import Foundation
import Logging
import PredictionCore
import PredictionStore
import Receipts

// The daily price root (docs/PROTOCOL.md §4, kind 3): once a UTC day is complete (chain time past its end plus
// `dailyRootDelaySeconds`), the root of its mark prices is anchored under batch id `3 << 64 | day`, once: a day with a
// batch in the store, or anchored in the registry, is never closed again. Its leaves are rebuilt from the core's log.
extension BatchWriterEngine {
    /// Closes the daily price root of every complete day with prices and no batch yet (checked once per new day).
    func closeDailyPriceRoots(head: ChainHead) async throws -> [BatchRecord] {
        guard let prices else { return [] }
        let delay = configuration.dailyRootDelaySeconds
        let complete = head.timestamp >= delay ? (head.timestamp - delay) / 86_400 : 0
        guard complete != checkedPriceDay else { return [] }
        let known = Set(try await queue.batches(kind: .dailyPriceRoot, states: [], after: nil, limit: .max).map(\.id.sequence))
        var closed: [BatchRecord] = []
        for day in try await prices.pricedDays(before: complete) where !known.contains(day) {
            if let record = try await closeDailyPriceRoot(day: day, prices: prices) { closed.append(record) }
        }
        checkedPriceDay = complete
        return closed
    }

    /// Closes the daily price root of `day`: tree, signed anchor transaction, committed before anything is sent.
    private func closeDailyPriceRoot(day: UInt64, prices: CorePriceLog) async throws -> BatchRecord? {
        let root: DailyPriceRoot
        do { root = try await prices.history(day: day).dailyPriceRoot(day: day) } catch MerkleError.emptyTree { return nil }
        let id = root.batchID
        let meta: Logger.Metadata = ["batch_id": "\(id)", "kind": "\(id.kind)", "day": "\(day)"]
        if try await chainCall({ try await self.chain.isAnchored(id) }) {
            logger.warning("daily price root already anchored in the registry (not by this store): skipped", metadata: meta)
            return nil
        }
        if cachedFees == nil { cachedFees = try await chainCall { try await self.chain.fees() } }
        guard let fees = cachedFees else { return nil }
        let pendingNonce = try await chainCall { try await self.chain.nonce(pending: true) }
        let nonce = max(pendingNonce, (try await queue.highestNonce(sender: chain.writer)).map { $0 + 1 } ?? 0)
        let times = root.leaves.map(\.settlesAt)
        let (first, last) = (times.min() ?? day * 86_400, times.max() ?? day * 86_400)
        let call = AnchorCall(batchId: id, root: root.root, count: UInt32(root.leaves.count), firstTime: first, lastTime: last)
        let signed = try await chain.sign(call, nonce: nonce, fees: capped(fees), gasLimit: configuration.gasLimit)
        let closedAt = now()
        let record = BatchRecord(id: id, state: .closed, root: root.root, count: root.leaves.count, firstTime: first, lastTime: last,
                                 deadline: last, closedAt: closedAt, oldestIngestedAt: closedAt)
        do {
            try await queue.close(ClosingBatch(record: record, proofs: [], treeNodes: root.tree.nodes,
                                               transaction: transaction(signed, batch: id, replaces: nil, at: closedAt)))
        } catch {
            // Another writer of a shared store closed this day first (the batch id is the table's key).
            if try await queue.batch(id) != nil { return nil }
            throw error
        }
        logger.info("daily price root closed", metadata: meta.merging([
            "prices": "\(root.leaves.count)", "root": "\(root.root)", "tx": "\(signed.hash)", "nonce": "\(nonce)"]) { $1 })
        return record
    }
}
