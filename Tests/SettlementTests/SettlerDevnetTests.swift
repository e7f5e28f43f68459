import EVM
import EVMRPC
import EVMSigner
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import Settlement
import SixNinesContracts
import TestSupport
import Testing

@Suite("Oracle reporting and settlement on the devnet", .serialized)
struct SettlerDevnetTests {
    let net = SettlementDevnet.library

    /// Three reporters report the simulated sources' price at `mark` (the chain is moved to the mark first).
    func reportAll(_ asset: AssetID, _ mark: UInt64, _ client: RPCClient) async throws -> UInt64 {
        try await net.travel(to: mark + 5, client)
        let price = try simulatedPrice(asset, mark)
        for reporter in Roles.reporters {
            let result = try await net.oracle(reporter, client).report(asset: asset, mark: mark, price: price)
            #expect(!result.alreadyDone)
            #expect(result.round.report(of: reporter.address)?.price == UInt128(price))
        }
        return price
    }

    @Test func settlesOnlyOnTheFinalPriceAndCarriesItInEveryReceipt() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let mark = try await net.nextMark(client)
        let lock = try simulatedPrice(try AssetID(symbol: "BTC-USD"), mark) - 10_000_000_000  // 100 USD below: up wins
        let core = try CoreRound(mark: mark, lockPrice: lock, directory: net.directory)
        var engine = try core.open()
        let reader = try net.oracle(nil, client)
        var settler = Settler(feed: reader, policy: try SettlementPolicy())

        // Before the mark nothing is due; at the mark with reports only, the round waits.
        #expect(try await settler.pass(&engine).isEmpty)
        let price = try await reportAll(core.asset, mark, client)
        var pass = try await settler.pass(&engine)
        #expect(pass.map(\.decision) == [.waiting(voidAt: mark + SettlementPolicy.defaultVoidAfter)])
        #expect(pass.first?.oracle.status == .missing)

        // Finalised: PROVISIONAL, still waiting.
        let round = try await reader.round(asset: core.asset, mark: mark)
        try await net.travel(to: round.reportsCloseAt + 1, client)
        let finalized = try await net.oracle(Roles.outsider, client).finalize(asset: core.asset, mark: mark)
        #expect(finalized.round.price == OraclePrice(price: UInt128(price), status: .provisional))
        #expect(finalized.round.source == .median)
        #expect(finalized.round.disputeWindowRemaining > 0)
        pass = try await settler.pass(&engine)
        #expect(pass.first?.oracle.status == .provisional)
        #expect(pass.first?.decision == .waiting(voidAt: mark + SettlementPolicy.defaultVoidAfter))
        #expect(try core.settlementReceipts().isEmpty)
        // Finalising again sends nothing.
        #expect(try await net.oracle(Roles.outsider, client).finalize(asset: core.asset, mark: mark).alreadyDone)

        // After the dispute window: FINAL, settled on exactly that price.
        try await net.travel(to: finalized.round.finalAfter + 1, client)
        pass = try await settler.pass(&engine)
        guard case .settled(let report)? = pass.first?.decision else { Issue.record("not settled: \(pass)"); return }
        #expect(report.settlementPrice == price)
        #expect(report.lockPrice == lock)
        #expect(report.result == .up)
        let receipts = try core.settlementReceipts()
        #expect(receipts.count == 4)
        #expect(receipts.allSatisfy { $0.settlementPrice == UInt128(price) })
        #expect(receipts.map(\.outcome) == [1, 2, 1, 2])
        let total = core.stakes.reduce(0, +)
        #expect(report.paidToWinners + report.refunded + report.fees + report.dust == total)

        // A restart (the store reopened) and another pass settle nothing twice.
        var reopened = try core.open()
        var restarted = Settler(feed: reader, policy: try SettlementPolicy())
        #expect(try await restarted.pass(&reopened).isEmpty)
        #expect(try core.settlementReceipts().count == 4)
        #expect(try await settler.pass(&engine).isEmpty)
    }

    @Test func aDisputedMarkWaitsForTheResolutionThenSettlesOnTheResolvedPrice() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let mark = try await net.nextMark(client)
        let lock = try simulatedPrice(try AssetID(symbol: "BTC-USD"), mark) - 10_000_000_000  // the median is 100 USD above
        let core = try CoreRound(mark: mark, lockPrice: lock, directory: net.directory)
        var engine = try core.open()
        let reader = try net.oracle(nil, client)
        var settler = Settler(feed: reader, policy: try SettlementPolicy())
        let price = try await reportAll(core.asset, mark, client)
        let window = try await reader.round(asset: core.asset, mark: mark)
        try await net.travel(to: window.reportsCloseAt + 1, client)
        let finalized = try await net.oracle(Roles.outsider, client).finalize(asset: core.asset, mark: mark)

        // A vault signer disputes through the vault (the suite's disputer); a second dispute sends nothing.
        let vault = try net.suite().vault
        let disputed = try await net.oracle(Roles.signers[1], client).dispute(asset: core.asset, mark: mark, throughVault: vault)
        #expect(disputed.round.price.status == .disputed)
        #expect(!disputed.alreadyDone && disputed.transaction != nil)
        #expect(try await net.oracle(Roles.signers[2], client).dispute(asset: core.asset, mark: mark, throughVault: vault).alreadyDone)
        // Someone who is not a signer (the registry's writer) cannot dispute through the vault: the vault's reason comes back.
        let fresh = try await net.nextMark(client, lead: 0)
        await #expect {
            try await net.oracle(devKeys[1], client).dispute(asset: core.asset, mark: fresh, throughVault: vault)
        } throws: { ($0 as? Settlement.OracleError)?.revertReason?.contains("not a signer") == true }

        // Disputed: waits, also after the dispute window.
        var pass = try await settler.pass(&engine)
        #expect(pass.first?.oracle.status == .disputed)
        #expect(pass.first?.decision == .waiting(voidAt: mark + SettlementPolicy.defaultVoidAfter))
        try await net.travel(to: finalized.round.finalAfter + 10, client)
        pass = try await settler.pass(&engine)
        #expect(pass.first?.oracle.status == .disputed)
        #expect(try core.settlementReceipts().isEmpty)

        // Only the resolver resolves; then the round settles on the resolved price.
        let resolvedPrice = price - 25_000_000_000  // 250 USD lower: below the lock price, down wins
        await #expect {
            try await net.oracle(Roles.outsider, client).resolve(asset: core.asset, mark: mark, price: resolvedPrice)
        } throws: { ($0 as? Settlement.OracleError)?.revertReason == "access_control: account is missing role" }
        let resolved = try await net.oracle(Roles.resolver, client).resolve(asset: core.asset, mark: mark, price: resolvedPrice)
        #expect(resolved.round.price == OraclePrice(price: UInt128(resolvedPrice), status: .resolved))
        #expect(resolved.round.source == .resolved)
        #expect(try await net.oracle(Roles.resolver, client).resolve(asset: core.asset, mark: mark, price: resolvedPrice).alreadyDone)
        pass = try await settler.pass(&engine)
        guard case .settled(let report)? = pass.first?.decision else { Issue.record("not settled: \(pass)"); return }
        #expect(report.settlementPrice == resolvedPrice)
        let receipts = try core.settlementReceipts()
        #expect(receipts.count == 4)
        #expect(receipts.allSatisfy { $0.settlementPrice == UInt128(resolvedPrice) })
        // Down wins at the resolved price (users 1 and 3 bet down).
        #expect(receipts.map(\.outcome) == [2, 1, 2, 1])
    }

    @Test func aHolderOfTheDisputerRoleDisputesDirectly() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let asset = try AssetID(symbol: "SPY")
        let mark = try await net.nextMark(client)
        let disputer = devKeys[1]
        // Without the role: the contract's reason. The admin grants it.
        let admin = try net.oracle(Roles.admin, client).oracle
        let role = try await admin.disputerRole()
        #expect(try await !admin.hasRole(arg0: role, arg1: disputer.address))
        _ = try await reportAll(asset, mark, client)
        let window = try await net.oracle(nil, client).round(asset: asset, mark: mark)
        try await net.travel(to: window.reportsCloseAt + 1, client)
        _ = try await net.oracle(Roles.outsider, client).finalize(asset: asset, mark: mark)
        await #expect {
            try await net.oracle(disputer, client).dispute(asset: asset, mark: mark)
        } throws: { ($0 as? Settlement.OracleError)?.revertReason == "access_control: account is missing role" }
        try await admin.grantRole(role: role, account: disputer.address)
        let disputed = try await net.oracle(disputer, client).dispute(asset: asset, mark: mark)
        #expect(disputed.round.price.status == .disputed && disputed.action == "dispute")
        // After the dispute window nothing can be disputed any more: the contract's reason.
        let next = mark + 600
        _ = try await reportAll(asset, next, client)
        try await net.travel(to: next + 121, client)
        let finalized = try await net.oracle(Roles.outsider, client).finalize(asset: asset, mark: next)
        try await net.travel(to: finalized.round.finalAfter + 1, client)
        await #expect {
            try await net.oracle(disputer, client).dispute(asset: asset, mark: next)
        } throws: { ($0 as? Settlement.OracleError)?.revertReason == "oracle: dispute window closed" }
    }

    @Test func aMarkThatNeverFinalisesIsVoidedAtTheDeadlineWithRefunds() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let mark = try await net.nextMark(client)
        let core = try CoreRound(mark: mark, lockPrice: 9_700_000_000_000, directory: net.directory)
        var engine = try core.open()
        let reader = try net.oracle(nil, client)
        let windows = try await reader.round(asset: core.asset, mark: mark)
        // A void deadline shorter than the oracle's windows is refused.
        #expect(throws: SettlerError.invalidVoidAfter(600, minimum: windows.reportWindow + windows.disputeWindow + 1)) {
            try SettlementPolicy(voidAfter: 600, reportWindow: windows.reportWindow, disputeWindow: windows.disputeWindow)
        }
        let policy = try SettlementPolicy(voidAfter: 1_800, reportWindow: windows.reportWindow, disputeWindow: windows.disputeWindow)
        var settler = Settler(feed: reader, policy: policy)

        // Nobody reports; finalising fails with the contract's reason.
        try await net.travel(to: mark + windows.reportWindow + 1, client)
        await #expect {
            try await net.oracle(Roles.outsider, client).finalize(asset: core.asset, mark: mark)
        } throws: { ($0 as? Settlement.OracleError)?.revertReason == "oracle: too few reports and no aggregator" }
        var pass = try await settler.pass(&engine)
        #expect(pass.first?.decision == .waiting(voidAt: mark + 1_800))
        try await net.travel(to: mark + 1_799, client)
        #expect(try await settler.pass(&engine).first?.decision == .waiting(voidAt: mark + 1_800))

        // At the deadline: voided, every stake back, receipts say void with settlement price 0.
        try await net.travel(to: mark + 1_800, client)
        pass = try await settler.pass(&engine)
        guard case .voided(let report)? = pass.first?.decision else { Issue.record("not voided: \(pass)"); return }
        #expect(report.result == .void(.missingSettlementPrice))
        #expect(report.settlementPrice == nil)
        #expect(report.refunded == core.stakes.reduce(0, +))
        let receipts = try core.settlementReceipts()
        #expect(receipts.count == 4)
        #expect(receipts.allSatisfy { $0.outcome == Receipt.Outcome.void.rawValue && $0.settlementPrice == 0 && $0.payout == $0.stake })
        for user in core.users { #expect(engine.engine.balance(of: user) == core.deposit) }
        #expect(try await settler.pass(&engine).isEmpty)
    }

    @Test func reportsAreIdempotentAndRefusedOutsideTheirWindowWithTheTimes() async throws {
        let client = RPCClient(urls: [net.url])
        defer { Task { await client.shutdown() } }
        let asset = try AssetID(symbol: "ETH-USD")
        let mark = try await net.nextMark(client)
        let reporter = try net.oracle(Roles.reporters[0], client)
        let price = try simulatedPrice(asset, mark)
        let now = try await net.now(client)
        await #expect(throws: Settlement.OracleError.windowNotOpen(asset: "ETH-USD", mark: mark, opensAt: mark, now: now)) {
            try await reporter.report(asset: asset, mark: mark, price: price)
        }
        await #expect(throws: Settlement.OracleError.notAMark(mark + 1)) { try await reporter.report(asset: asset, mark: mark + 1, price: price) }
        try await net.travel(to: mark, client)
        let first = try await reporter.report(asset: asset, mark: mark, price: price)
        #expect(!first.alreadyDone && first.transaction != nil)
        // Again (a retry, or another price): nothing is sent, the report on chain stands.
        let again = try await reporter.report(asset: asset, mark: mark, price: price + 1)
        #expect(again.alreadyDone && again.transaction == nil)
        #expect(again.round.reports == [OracleReport(reporter: Roles.reporters[0].address, price: UInt128(price))])
        // A key without the reporter role: the contract's reason.
        await #expect {
            try await net.oracle(Roles.outsider, client).report(asset: asset, mark: mark, price: price)
        } throws: { ($0 as? Settlement.OracleError)?.revertReason == "access_control: account is missing role" }
        // After the window: refused with the closing time.
        let closes = mark + first.round.reportWindow
        try await net.travel(to: closes + 1, client)
        await #expect(throws: Settlement.OracleError.windowClosed(asset: "ETH-USD", mark: mark, closedAt: closes, now: closes + 1)) {
            try await net.oracle(Roles.reporters[1], client).report(asset: asset, mark: mark, price: price)
        }
        // The simulated sources are deterministic and refuse an asset they do not quote.
        #expect(try simulatedPrice(asset, mark) == price)
        #expect(throws: Settlement.OracleError.self) { try SimulatedSources(seed: 7).quotes(asset: try AssetID(symbol: "DOGE-USD"), at: mark) }
    }
}
