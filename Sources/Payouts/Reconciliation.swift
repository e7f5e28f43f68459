import EVM

/// One `PayoutExecuted` event of the vault.
public struct PaidOnChain: Hashable, Sendable {
    /// The batch nonce.
    public var nonce: UInt256
    /// The payout.
    public var payout: Payout
    /// The transaction that paid it.
    public var transaction: Bytes32?
    /// Its block.
    public var block: UInt64?

    /// An event's content.
    public init(nonce: UInt256, payout: Payout, transaction: Bytes32?, block: UInt64?) {
        self.nonce = nonce
        self.payout = payout
        self.transaction = transaction
        self.block = block
    }
}

/// Payouts on chain against what the ledger owes: every settlement receipt with a payout must be paid exactly once,
/// to its recipient, with its amount, in its token.
public struct ReconciliationReport: Sendable {
    /// Receipts paid once, as owed.
    public var matched: [Bytes32]
    /// Owed but not paid (yet).
    public var missing: [Payout]
    /// Paid more than once (the vault forbids it: a bug if ever seen).
    public var duplicated: [Bytes32]
    /// Paid, but not owed by the ledger (`nil` ledger: not checked).
    public var unknown: [PaidOnChain]
    /// Paid once, but not as owed (recipient, amount or token differ).
    public var mismatched: [(owed: Payout, paid: PaidOnChain)]
    /// Every payout seen on chain.
    public var paidCount: Int

    /// True when nothing is duplicated, unknown or mismatched (missing payouts are only not paid yet).
    public var isConsistent: Bool { duplicated.isEmpty && unknown.isEmpty && mismatched.isEmpty }

    /// Compares `paid` (the vault's events) with `owed` (the ledger's payouts; nil: events alone, checking only
    /// that no receipt is paid twice).
    public init(paid: [PaidOnChain], owed: [Payout]?) {
        paidCount = paid.count
        var byReceipt: [Bytes32: [PaidOnChain]] = [:]
        for p in paid { byReceipt[p.payout.receipt, default: []].append(p) }
        duplicated = byReceipt.filter { $0.value.count > 1 }.keys.sorted()
        var matched: [Bytes32] = [], missing: [Payout] = [], mismatched: [(Payout, PaidOnChain)] = []
        var unknown: [PaidOnChain] = []
        if let owed {
            let owedReceipts = Set(owed.map(\.receipt))
            for o in owed {
                guard let events = byReceipt[o.receipt], let first = events.first else { missing.append(o); continue }
                if first.payout == o { matched.append(o.receipt) } else { mismatched.append((o, first)) }
            }
            unknown = paid.filter { !owedReceipts.contains($0.payout.receipt) }
        } else {
            matched = byReceipt.filter { $0.value.count == 1 }.keys.sorted()
        }
        self.matched = matched
        self.missing = missing
        self.mismatched = mismatched
        self.unknown = unknown
    }
}
