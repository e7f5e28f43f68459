import EVM
import Foundation
import Receipts
import TestSupport
import Testing

/// `receipt verify`'s offline "outcome" check: what a receipt's kind allows, checked against its own prices.
@Suite("Receipt outcome consistency")
struct OutcomeConsistencyTests {
    static func receipts(_ key: String) throws -> [Receipt] {
        let vectors = try #require(try fixtureJSON("protocol-vectors.json") as? [String: Any])
        return try #require(vectors[key] as? [[String: Any]]).map {
            try JSONDecoder().decode(Receipt.self, from: JSONSerialization.data(withJSONObject: $0["fields"]!))
        }
    }

    /// Every receipt of the protocol's fixtures is consistent.
    @Test func fixtureReceiptsAreConsistent() throws {
        for receipt in try Self.receipts("placementReceipts") + Self.receipts("settlementReceipts") {
            let (ok, why) = receipt.outcomeConsistency()
            #expect(ok, "\(why)")
        }
    }

    /// A placement receipt carrying an outcome, a price or a payout fails; so does a settlement whose outcome
    /// contradicts its prices, a loss that pays, a push that does not refund, a void with a price.
    @Test func contradictionsFail() throws {
        let placement = try #require(try Self.receipts("placementReceipts").first)
        var p = placement
        p.outcome = .win
        #expect(!p.outcomeConsistency().0)
        p = placement
        p.payout = 1
        #expect(!p.outcomeConsistency().0)
        p = placement
        p.settlementPrice = placement.entryPrice + 1
        #expect(!p.outcomeConsistency().0)

        var s = placement
        s.kind = .settlement
        s.direction = .up
        s.settlementPrice = s.entryPrice + 1
        s.outcome = .win
        s.payout = s.stake * 19 / 10
        #expect(s.outcomeConsistency().0)
        s.outcome = .loss
        #expect(!s.outcomeConsistency().0, "up and the price rose: not a loss")
        s.direction = .down
        s.payout = 0
        #expect(s.outcomeConsistency().0)
        s.payout = 5
        #expect(!s.outcomeConsistency().0, "a loss pays nothing")
        s.settlementPrice = s.entryPrice
        s.outcome = .push
        s.payout = s.stake
        #expect(s.outcomeConsistency().0)
        s.payout = s.stake - 1
        #expect(!s.outcomeConsistency().0)
        s.outcome = .void
        s.payout = s.stake
        #expect(!s.outcomeConsistency().0, "void has no price")
        s.settlementPrice = 0
        #expect(s.outcomeConsistency().0)
        s.outcome = .pending
        #expect(!s.outcomeConsistency().0)
    }

    /// The proof file's offline checks include it: a tampered outcome fails "outcome" (and the leaf).
    @Test func proofFileChecksTheOutcome() throws {
        let placement = try #require(try Self.receipts("placementReceipts").first)
        var wrong = placement
        wrong.outcome = .win
        let batch = try ReceiptBatch(id: BatchID(kind: .placement, sequence: 1), receipts: [placement, wrong])
        let file = try batch.proofFile(for: 1, chainId: 1, registry: .zero)
        let failed = file.offlineChecks().filter { !$0.passed }.map(\.name)
        #expect(failed == ["outcome"])
        #expect(try batch.proofFile(for: 0, chainId: 1, registry: .zero).offlineChecks().allSatisfy(\.passed))
    }
}
