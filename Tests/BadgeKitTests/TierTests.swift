import BadgeKit
import PredictionCore
import PredictionStore
import Foundation
import Testing

@Suite("VIP tiers in the core")
struct TierTests {
    @Test func aDiamondTierRemovesTheFeeOfLaterSettlementsAndGoldHalvesIt() throws {
        var s = try Scenario()
        let alice = try s.user(address(1)), bob = try s.user(address(2))
        func fees() throws -> UInt64 {
            try s.round([(alice, .up, 100_000_000), (bob, .down, 100_000_000)], upWins: true)
            return try #require(s.engine.report(asset: s.asset, settlesAt: s.mark)).fees
        }
        #expect(try fees() == 3_000_000)  // 3 % of the 100 USDC won
        try s.engine.setTier(.gold, of: alice)
        #expect(try fees() == 1_500_000)
        try s.engine.setTier(.diamond, of: alice)
        #expect(try fees() == 0)
        #expect(throws: LedgerError.unknownUser(UserID(raw: 9))) { try s.engine.setTier(.gold, of: UserID(raw: 9)) }
    }

    @Test func aDurableTierChangeSurvivesReopening() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tiers-\(UUID()).sqlite").path
        let engine = try DurableEngine(path: path)
        let user = try engine.registerUser(address: address(1))
        try engine.setTier(.diamond, of: user)
        #expect(try DurableEngine(path: path).engine.tier(of: user) == .diamond)
        #expect(throws: DurableError.self) { try engine.setTier(.gold, of: UserID(raw: 5)) }
    }
}
