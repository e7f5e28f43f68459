import EVM

/// How the core's micro-units become token units: `amount = micro × unitsPerMicro`, integers only. USDC (6
/// decimals) is 1:1 with the core's micro-units (`unitsPerMicro` 1); the devnet's native token (18 decimals) at
/// one ether per USDC is `1_000_000_000_000`.
public struct PayoutToken: Equatable, Sendable {
    /// The token (zero: native).
    public var address: Address
    /// Token units per micro-unit.
    public var unitsPerMicro: UInt256

    /// A token and its scale (`unitsPerMicro` > 0).
    public init(address: Address, unitsPerMicro: UInt256) throws(PayoutError) {
        guard !unitsPerMicro.isZero else { throw .malformed(path: "--units-per-micro", reason: "must be at least 1") }
        self.address = address
        self.unitsPerMicro = unitsPerMicro
    }

    /// `micro × unitsPerMicro`, refusing an overflow.
    public func amount(micro: UInt64) throws(PayoutError) -> UInt256 {
        let (value, overflow) = UInt256(micro).multipliedReportingOverflow(by: unitsPerMicro)
        guard !overflow else { throw .malformed(path: "--units-per-micro", reason: "\(micro) × \(unitsPerMicro) overflows 256 bits") }
        return value
    }
}

/// The batches `vault propose` writes for what the core owes, and what it leaves out and why.
public struct PayoutPlan: Sendable {
    /// The batches, at the free nonces from the vault's current one; together within today's remaining limit.
    public var batches: [PayoutBatch]
    /// Owed payouts already paid on chain (or in a batch file not executed yet): never proposed twice.
    public var alreadyHandled: [SettledPayout]
    /// Owed payouts left for later: they would cross today's remaining daily limit.
    public var deferred: [SettledPayout]
    /// The remaining daily limit the plan was made within.
    public var remainingToday: UInt256

    /// Plans batches for `owed`: leaves out every receipt in `handled`, converts amounts with `token`, fills batches
    /// of at most `maxPerBatch` payouts in order while the running total stays within `remainingToday`, and defers
    /// the rest (a batch that would cross the limit is never written: the vault would revert it).
    /// The batches take the nonces from `startNonce` up, skipping `usedNonces` (those of batch files waiting to execute).
    public init(owed: [SettledPayout], handled: Set<Bytes32>, token: PayoutToken, remainingToday: UInt256, startNonce: UInt64,
                usedNonces: Set<UInt64> = [], maxPerBatch: Int, deadline: UInt64, chainId: UInt64, vault: Address) throws(PayoutError) {
        guard (1...VaultMessages.maxPayouts).contains(maxPerBatch) else {
            throw .batchSize(count: maxPerBatch, maximum: VaultMessages.maxPayouts)
        }
        self.remainingToday = remainingToday
        alreadyHandled = owed.filter { handled.contains($0.leaf) }
        var pending = owed.filter { !handled.contains($0.leaf) }
        var chosen: [[PayoutBatch.Entry]] = [[]]
        var total = UInt256.zero
        deferred = []
        while !pending.isEmpty {
            let next = pending.removeFirst()
            let amount = try token.amount(micro: next.micro)
            let (sum, overflow) = total.addingReportingOverflow(amount)
            if overflow || sum > remainingToday {
                deferred = [next] + pending
                break
            }
            total = sum
            if chosen[chosen.count - 1].count == maxPerBatch { chosen.append([]) }
            chosen[chosen.count - 1].append(PayoutBatch.Entry(
                payout: Payout(token: token.address, recipient: next.recipient, amount: amount, receipt: next.leaf),
                round: next.round.description, predictionId: next.predictionId, outcome: next.outcome.name))
        }
        var batches: [PayoutBatch] = []
        var nonce = startNonce
        for entries in chosen where !entries.isEmpty {
            while usedNonces.contains(nonce) { nonce += 1 }
            batches.append(try PayoutBatch(chainId: chainId, vault: vault, nonce: nonce, deadline: deadline, entries: entries))
            nonce += 1
        }
        self.batches = batches
    }
}
