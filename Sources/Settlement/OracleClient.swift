import EVM
import EVMRPC
import PredictionCore
import Receipts
import SixNinesContracts

/// What an oracle action did: sent a transaction, or found it already done (a retry, or someone else did it).
public struct OracleActionResult: Sendable {
    /// `submit`, `finalize`, `dispute`, `dispute_price` or `resolve`.
    public let action: String
    /// The transaction sent (`nil` when nothing was sent).
    public let transaction: Bytes32?
    /// The block that included it.
    public let blockNumber: UInt64?
    /// Whether the action had already been done, so nothing was sent.
    public let alreadyDone: Bool
    /// The round after the action.
    public let round: OracleRound
}

/// Reads and drives the `PriceOracle` of PROTOCOL §7 through the generated binding: reports, finalisation, disputes
/// (directly by a `DISPUTER_ROLE` holder, or by a vault signer through `PredictionVault.dispute_price`) and resolution.
///
/// Every write is idempotent where the contract allows it: a report already made by this key, a round already
/// finalised, disputed or resolved to the same price are answered with `alreadyDone` instead of a revert. Windows are
/// checked against the chain's time first (typed errors with the times); the contract's own refusals come back as
/// ``OracleError/reverted(action:sender:reason:)`` with its revert string.
public struct OracleClient: Sendable {
    /// The oracle binding (with a signer when the client sends).
    public let oracle: PriceOracle

    /// A client of the oracle at `address` through `connection` (a read-only connection can only read).
    public init(address: Address, connection: ContractConnection) {
        oracle = PriceOracle(address: address, connection: connection)
    }

    /// The signing address, if the connection has a signer.
    public var sender: Address? { oracle.connection.sender?.signer.address }

    /// The chain's time: the latest block's timestamp (devnet time travel moves it).
    public func chainTime() async throws(OracleError) -> UInt64 {
        do {
            guard let block = try await oracle.connection.client.block(.latest) else {
                throw OracleError.chain(action: "chain time", detail: "the node has no latest block")
            }
            return block.timestamp
        } catch let error as OracleError {
            throw error
        } catch {
            throw .chain(action: "chain time", detail: "\(error)")
        }
    }

    /// The oracle's current report and dispute windows, seconds.
    public func windows() async throws(OracleError) -> (report: UInt64, dispute: UInt64) {
        do { return (try await oracle.reportWindow(), try await oracle.disputeWindow()) } catch {
            throw .from(error, action: "report_window", sender: nil)
        }
    }

    /// `price(asset, mark)`.
    public func price(asset: AssetID, mark: UInt64) async throws(OracleError) -> OraclePrice {
        let read: (arg0: UInt256, arg1: UInt8)
        do { read = try await oracle.price(asset: asset.word, settlesAt: mark) } catch {
            throw .from(error, action: "price", sender: nil)
        }
        guard let status = OracleStatus(rawValue: read.arg1) else {
            throw .chain(action: "price", detail: "unknown status \(read.arg1)")
        }
        return OraclePrice(price: try Self.price(read.arg0, action: "price"), status: status)
    }

    /// Everything about one round: price and status, source, dispute window, reports, windows and the chain time.
    public func round(asset: AssetID, mark: UInt64) async throws(OracleError) -> OracleRound {
        let now = try await chainTime()
        let price = try await price(asset: asset, mark: mark)
        do {
            let info = try await oracle.roundInfo(asset: asset.word, settlesAt: mark)
            let reports = try await oracle.reports(asset: asset.word, settlesAt: mark)
            let reportWindow = try await oracle.reportWindow()
            let disputeWindow = try await oracle.disputeWindow()
            guard let source = OracleSource(rawValue: info.arg0) else {
                throw OracleError.chain(action: "round_info", detail: "unknown source \(info.arg0)")
            }
            return OracleRound(asset: asset, settlesAt: mark, price: price, source: source, finalAfter: info.arg1,
                               reports: reports.map(OracleReport.init(packed:)), reportWindow: reportWindow,
                               disputeWindow: disputeWindow, chainTime: now)
        } catch let error as OracleError {
            throw error
        } catch let error as ContractError {
            throw .from(error, action: "round_info", sender: nil)
        } catch {
            throw .chain(action: "round_info", detail: "\(error)")
        }
    }

    /// Submits `price` for `(asset, mark)` with this client's reporter key. Already reported by this key: nothing is
    /// sent and the report on chain is returned (`alreadyDone`; its price may differ from `price`).
    public func report(asset: AssetID, mark: UInt64, price: UInt64) async throws(OracleError) -> OracleActionResult {
        guard SettlementSchedule.isSettlementTime(mark) else { throw .notAMark(mark) }
        guard price > 0 else { throw .priceOutOfRange("0") }
        let me = sender
        let before = try await round(asset: asset, mark: mark)
        if let me, before.report(of: me) != nil { return done("submit", before) }
        if before.chainTime < mark {
            throw .windowNotOpen(asset: asset.symbol, mark: mark, opensAt: mark, now: before.chainTime)
        }
        if before.chainTime > before.reportsCloseAt {
            throw .windowClosed(asset: asset.symbol, mark: mark, closedAt: before.reportsCloseAt, now: before.chainTime)
        }
        return try await send("submit", asset: asset, mark: mark, idempotent: { round in
            guard let me else { return false }
            return round.report(of: me) != nil
        }) { () async throws(ContractError) -> EVMRPC.Receipt in
            try await oracle.submit(asset: asset.word, settlesAt: mark, price: UInt256(price))
        }
    }

    /// Finalises `(asset, mark)` (anyone may). Already finalised: nothing is sent (`alreadyDone`).
    public func finalize(asset: AssetID, mark: UInt64) async throws(OracleError) -> OracleActionResult {
        guard SettlementSchedule.isSettlementTime(mark) else { throw .notAMark(mark) }
        let before = try await round(asset: asset, mark: mark)
        if before.price.status != .missing { return done("finalize", before) }
        if before.chainTime < before.reportsCloseAt {
            throw .reportWindowOpen(asset: asset.symbol, mark: mark, closesAt: before.reportsCloseAt, now: before.chainTime)
        }
        return try await send("finalize", asset: asset, mark: mark, idempotent: { $0.price.status != .missing }) {
            () async throws(ContractError) -> EVMRPC.Receipt in
            try await oracle.finalize(asset: asset.word, settlesAt: mark)
        }
    }

    /// Disputes `(asset, mark)`: directly (this key holds `DISPUTER_ROLE`), or with `vault` through
    /// `PredictionVault.dispute_price` (this key is one of the vault's signers; the vault holds the role). Already
    /// disputed or resolved: nothing is sent (`alreadyDone`).
    public func dispute(asset: AssetID, mark: UInt64, throughVault vault: Address? = nil) async throws(OracleError) -> OracleActionResult {
        guard SettlementSchedule.isSettlementTime(mark) else { throw .notAMark(mark) }
        let before = try await round(asset: asset, mark: mark)
        let action = vault == nil ? "dispute" : "dispute_price"
        if before.price.status == .disputed || before.price.status == .resolved { return done(action, before) }
        let settled: (OracleRound) -> Bool = { $0.price.status == .disputed || $0.price.status == .resolved }
        if let vault {
            let binding = PredictionVault(address: vault, connection: oracle.connection)
            return try await send(action, asset: asset, mark: mark, idempotent: settled) { () async throws(ContractError) -> EVMRPC.Receipt in
                try await binding.disputePrice(oracle: oracle.address, asset: asset.word, settlesAt: mark)
            }
        }
        return try await send(action, asset: asset, mark: mark, idempotent: settled) { () async throws(ContractError) -> EVMRPC.Receipt in
            try await oracle.dispute(asset: asset.word, settlesAt: mark)
        }
    }

    /// Resolves `(asset, mark)` to `price` with the resolver's key. Already resolved to that price: nothing is sent.
    public func resolve(asset: AssetID, mark: UInt64, price: UInt64) async throws(OracleError) -> OracleActionResult {
        guard SettlementSchedule.isSettlementTime(mark) else { throw .notAMark(mark) }
        guard price > 0 else { throw .priceOutOfRange("0") }
        let resolvedTo: (OracleRound) -> Bool = { $0.price.status == .resolved && $0.price.price == UInt128(price) }
        let before = try await round(asset: asset, mark: mark)
        if resolvedTo(before) { return done("resolve", before) }
        return try await send("resolve", asset: asset, mark: mark, idempotent: resolvedTo) { () async throws(ContractError) -> EVMRPC.Receipt in
            try await oracle.resolve(asset: asset.word, settlesAt: mark, price: UInt256(price))
        }
    }

    // MARK: Helpers

    private func done(_ action: String, _ round: OracleRound) -> OracleActionResult {
        OracleActionResult(action: action, transaction: nil, blockNumber: nil, alreadyDone: true, round: round)
    }

    /// Sends one transaction; on a revert, re-reads the round: when `idempotent` says the action is done after all
    /// (another process did it meanwhile), answers `alreadyDone`; otherwise maps the window reverts to typed errors.
    private func send(_ action: String, asset: AssetID, mark: UInt64, idempotent: (OracleRound) -> Bool,
                      _ body: () async throws(ContractError) -> EVMRPC.Receipt) async throws(OracleError) -> OracleActionResult {
        let receipt: EVMRPC.Receipt
        do {
            receipt = try await body()
        } catch {
            let failure = OracleError.from(error, action: action, sender: sender)
            guard case .reverted(_, _, let reason) = failure else { throw failure }
            let after = try await round(asset: asset, mark: mark)
            if idempotent(after) { return done(action, after) }
            if reason.hasPrefix("oracle: report window closed") {
                throw .windowClosed(asset: asset.symbol, mark: mark, closedAt: after.reportsCloseAt, now: after.chainTime)
            }
            if reason.hasPrefix("oracle: round not settled yet") {
                throw .windowNotOpen(asset: asset.symbol, mark: mark, opensAt: mark, now: after.chainTime)
            }
            if reason.hasPrefix("oracle: report window open") {
                throw .reportWindowOpen(asset: asset.symbol, mark: mark, closesAt: after.reportsCloseAt, now: after.chainTime)
            }
            throw failure
        }
        let after = try await round(asset: asset, mark: mark)
        return OracleActionResult(action: action, transaction: receipt.transactionHash, blockNumber: receipt.blockNumber,
                                  alreadyDone: false, round: after)
    }

    private static func price(_ value: UInt256, action: String) throws(OracleError) -> UInt128 {
        let (w0, w1, w2, w3) = value.limbs
        guard w2 == 0, w3 == 0 else { throw .chain(action: action, detail: "price \(value) does not fit 128 bits") }
        return UInt128(w1) << 64 | UInt128(w0)
    }
}
