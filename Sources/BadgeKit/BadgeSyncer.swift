import EVM
import EVMRPC
import EVMSigner
import SixNinesContracts

/// Mints and updates badges until the chain matches what users earned, idempotently: a rerun sends nothing, and a
/// sync killed at any point loses nothing and mints nothing twice.
///
/// How: (1) `reconcile` first finishes every transaction the journal holds as signed (one whose receipt is on chain
/// is recorded; one the node lost is rebroadcast while its nonce is unused; one whose nonce went to another
/// transaction is marked failed). (2) The plan is computed from the chain (mint and stats logs, `minted` counters).
/// (3) Its transactions are signed with consecutive nonces, **recorded in the journal in one commit, then sent**, and
/// waited for. Mints go first; then the state is read again and the stats are set. A second sync of the same journal is
/// refused while one runs (`BadgeSyncLock`); two journals must not share a minter key.
public struct BadgeSyncer: Sendable {
    /// The contract (its connection must be able to send: the minter's key).
    public let badges: Badges
    /// Signs, nonces and fees.
    public let sender: TransactionSender
    /// The journal.
    public let journal: BadgeJournal
    /// How transactions are waited for.
    public let options: SendOptions
    /// The first block with the contract's logs.
    public let fromBlock: BlockTag
    /// Transactions signed, recorded and sent together before waiting.
    public var chunkSize = 32
    /// One line per step, for a person watching.
    public var progress: @Sendable (String) -> Void = { _ in }

    /// A syncer of `badges` sending through `sender`, recording in `journal`.
    public init(badges: Badges, sender: TransactionSender, journal: BadgeJournal, options: SendOptions, fromBlock: BlockTag = .earliest) {
        self.badges = badges
        self.sender = sender
        self.journal = journal
        self.options = options
        self.fromBlock = fromBlock
    }

    /// What a sync did.
    public struct Report: Sendable {
        /// Transactions this run sent (rebroadcasts of recorded ones included).
        public var sent = 0
        /// Recorded transactions of an earlier run found final, finished or failed by `reconcile`.
        public var resumed = 0
        /// Mints that succeeded, with their token ids.
        public var minted: [(mint: BadgePlan.Mint, tokenID: UInt256?)] = []
        /// Stats set.
        public var updated: [BadgePlan.Update] = []
        /// Earners told their class is full.
        public var capReached: [BadgePlan.CapReached] = []
        /// Transactions that reverted or were refused before sending (with why).
        public var failed: [String] = []
    }

    /// Runs a sync for `statistics` (seasons over at `asOf`). Refused while another sync of the same journal runs.
    public func sync(_ statistics: BadgeStatistics, asOf: UInt64? = nil) async throws(BadgeError) -> Report {
        let lock = try BadgeSyncLock(journalPath: journal.path)
        defer { withExtendedLifetime(lock) {} }
        var report = Report()
        try await reconcile(&report)
        var capReached: [BadgePlan.CapReached] = []
        for _ in 0..<4 {
            let state = try await BadgeChainState.read(badges, fromBlock: fromBlock)
            let plan = BadgePlanner.plan(statistics, chain: state, asOf: asOf)
            capReached = plan.capReached
            if !plan.mints.isEmpty {
                progress("minting \(plan.mints.count) badges")
                try await execute(plan.mints.map(Action.mint), &report)
            } else if !plan.updates.isEmpty {
                progress("setting the stats of \(plan.updates.count) badges")
                try await execute(plan.updates.map(Action.update), &report)
            } else {
                break
            }
        }
        report.capReached = capReached
        return report
    }

    enum Action {
        case mint(BadgePlan.Mint)
        case update(BadgePlan.Update)
    }

    /// Signs, records, sends and waits for `actions`, a chunk at a time.
    private func execute(_ actions: [Action], _ report: inout Report) async throws(BadgeError) {
        let client = sender.client
        var start = 0
        while start < actions.count {
            let chunk = Array(actions[start..<min(actions.count, start + chunkSize)])
            start += chunk.count
            var signed: [(action: Action, tx: RawTransaction, request: TransactionRequest, kind: String, summary: String)] = []
            do {
                var nonce = try await client.nonce(of: sender.signer.address, at: .pending)
                var fees: Fees
                if let given = options.fees { fees = given } else { fees = try await sender.estimator.estimate(client) }
                for action in chunk {
                    let (kind, summary, data) = try Self.call(action)
                    let gas: UInt64
                    do {
                        gas = try await client.estimateGas(CallRequest(from: sender.signer.address, to: badges.address, data: data))
                    } catch {
                        // Refused before sending (a cap reached meanwhile, a role missing): told, not sent.
                        report.failed.append("\(summary): \(Badges.contractError(error))")
                        continue
                    }
                    let request = TransactionRequest(to: badges.address, data: data, gasLimit: gas + gas / 5, chainId: badges.connection.chainId)
                    let tx = try await sender.signer.sign(request, nonce: nonce, fees: fees, gasLimit: gas + gas / 5)
                    signed.append((action, tx, request, kind, summary))
                    nonce += 1
                }
            } catch let error as BadgeError {
                throw error
            } catch {
                throw .send("\(error)")
            }
            guard !signed.isEmpty else { continue }
            // Recorded before anything is sent.
            let ids = try journal.record(signed.map { ($0.kind, $0.summary, $0.tx.nonce, $0.tx.hash, $0.tx.raw, $0.request.data) })
            for s in signed {
                do { _ = try await client.sendRawTransaction(s.tx.raw) } catch {
                    // Left to `reconcile`, which rebroadcasts in nonce order (or finds it mined after all).
                    progress("sending \(s.summary) failed (\(error)); the journal keeps it")
                    break
                }
                report.sent += 1
            }
            for (s, id) in zip(signed, ids) {
                let receipt = try await wait(s.tx, request: s.request, id: id)
                try record(receipt, id: id, summary: s.summary, action: s.action, &report)
            }
        }
    }

    /// Waits for `tx` (or a replacement, recorded before it is sent); rebroadcasts it first if the node lost it.
    private func wait(_ tx: RawTransaction, request: TransactionRequest, id: Int64) async throws(BadgeError) -> Receipt {
        let journal = self.journal
        do {
            return try await sender.wait(for: tx, request: request, options: options) { event in
                if case .replacing(_, let replacement) = event {
                    try? journal.recordReplacement(id, hash: replacement.hash, raw: replacement.raw)
                }
            }
        } catch {
            if case .reverted(let receipt) = error { return receipt }
            throw .send("waiting for \(tx.hash): \(error)")
        }
    }

    private func record(_ receipt: Receipt, id: Int64, summary: String, action: Action?, _ report: inout Report) throws(BadgeError) {
        guard receipt.status else {
            try journal.finish(id, state: "failed", result: "reverted in block \(receipt.blockNumber)", block: receipt.blockNumber)
            report.failed.append("\(summary): reverted in block \(receipt.blockNumber) (transaction \(receipt.transactionHash))")
            return
        }
        let minted = (try? receipt.events(Badges.BadgeMinted.self, from: badges.address))?.first?.tokenId
        try journal.finish(id, state: "final", result: minted.map { "token \($0.hexString)" } ?? "ok", block: receipt.blockNumber)
        switch action {
        case .mint(let m): report.minted.append((m, minted))
        case .update(let u): report.updated.append(u)
        case nil: break
        }
    }

    /// Finishes the journal's open rows, oldest nonce first.
    private func reconcile(_ report: inout Report) async throws(BadgeError) {
        let client = sender.client
        for entry in try journal.open() {
            report.resumed += 1
            do {
                if let receipt = try await minedReceipt(entry) {
                    try record(receipt, id: entry.id, summary: entry.summary, action: nil, &report)
                    continue
                }
                if try await client.nonce(of: sender.signer.address, at: .latest) > entry.nonce {
                    if let receipt = try await minedReceipt(entry) {
                        try record(receipt, id: entry.id, summary: entry.summary, action: nil, &report)
                    } else {
                        try journal.finish(entry.id, state: "failed", result: "nonce \(entry.nonce) used by another transaction", block: nil)
                    }
                    continue
                }
                let decoded = try SignedTransaction(rawRepresentation: entry.raw)
                let t = decoded.transaction
                let fees: Fees = t.maxPriorityFeePerGas.map { .eip1559(maxFeePerGas: t.maxFeePerGas, maxPriorityFeePerGas: $0) }
                    ?? .legacy(gasPrice: t.maxFeePerGas)
                let tx = RawTransaction(raw: entry.raw, nonce: entry.nonce, fees: fees, gasLimit: t.gasLimit)
                if try await client.transaction(tx.hash) == nil {
                    progress("rebroadcasting \(entry.summary) (nonce \(entry.nonce))")
                    do { _ = try await client.sendRawTransaction(entry.raw); report.sent += 1 } catch {
                        if let receipt = try await minedReceipt(entry) {
                            try record(receipt, id: entry.id, summary: entry.summary, action: nil, &report)
                            continue
                        }
                        throw error
                    }
                }
                let request = TransactionRequest(to: badges.address, data: entry.data, gasLimit: t.gasLimit, chainId: badges.connection.chainId)
                let receipt = try await wait(tx, request: request, id: entry.id)
                try record(receipt, id: entry.id, summary: entry.summary, action: nil, &report)
            } catch let error as BadgeError {
                throw error
            } catch {
                throw .send("resuming \(entry.summary): \(error)")
            }
        }
    }

    private func minedReceipt(_ entry: BadgeJournal.Entry) async throws -> Receipt? {
        for hash in entry.hashes.reversed() {
            if let receipt = try await sender.client.receipt(hash) { return receipt }
        }
        return nil
    }

    /// The journal kind, a summary and the calldata of an action.
    static func call(_ action: Action) throws -> (String, String, [UInt8]) {
        switch action {
        case .mint(let m):
            let data = try Badges.Calls.mint(to: m.address, badgeClass: UInt256(m.badgeClass.rawValue), season: UInt256(UInt64(m.season)))
            let season = m.badgeClass == .seasonChampion ? " season \(m.season)" : ""
            return ("mint", "mint \(m.badgeClass)\(season) to \(m.address.checksummed)", data)
        case .update(let u):
            let data = try Badges.Calls.updateStats(tokenId: u.tokenID, wins: u.to.wins, predictions: u.to.predictions, bestStreak: u.to.bestStreak)
            return ("stats", "stats \(u.to) on \(u.badgeClass) \(u.tokenID.hexString)", data)
        }
    }
}
