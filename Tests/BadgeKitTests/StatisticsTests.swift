import BadgeKit
import EVM
import PredictionCore
import Receipts
import Testing

/// Addresses of test users: 0x…01, 0x…02, …
func address(_ n: UInt8) -> Address {
    try! Address(Array(repeating: 0, count: 19) + [n])  // invariant: 20 bytes
}

@Suite("Statistics and earned badges from the core")
struct StatisticsTests {
    let calendar = try! SeasonCalendar(origin: 1_795_608_540, length: 3_600)  // invariant: positive length

    @Test func winsStreaksAndExactWinsComeFromSettledPredictions() throws {
        var s = try Scenario()
        let alice = try s.user(address(1)), bob = try s.user(address(2))
        try s.wins(alice, against: bob, count: 3)
        try s.round([(alice, .up, 1_000_000), (bob, .down, 1_000_000)], upWins: false)  // alice loses: streak breaks
        try s.round([(alice, .up, 1_000_000), (bob, .up, 1_000_000)], upWins: true)     // one-sided: void, no effect
        try s.round([(alice, .up, BadgeStatistics.exact420), (bob, .down, BadgeStatistics.exact69)], upWins: true)
        try s.round([(alice, .down, BadgeStatistics.exact69), (bob, .up, 2_000_000)], upWins: false)
        try s.round([(alice, .up, 1_000_000), (bob, .down, BadgeStatistics.exact420)], upWins: true, secondsBeforeCutoff: 4)
        let stats = BadgeStatistics(engine: s.engine, calendar: calendar)
        let a = try #require(stats.stats(of: alice)), b = try #require(stats.stats(of: bob))
        #expect((a.wins, a.predictions, a.refunds, a.longestStreak, a.currentStreak) == (6, 7, 1, 3, 3))
        #expect(a.winRate == 85)
        #expect((a.exactWins420, a.exactWins69) == (1, 1))
        #expect(a.first420?.stats == TokenStats(wins: 4, predictions: 5, bestStreak: 3))
        #expect(a.first69?.stats == TokenStats(wins: 5, predictions: 6, bestStreak: 3))
        #expect((b.wins, b.exactWins420, b.exactWins69) == (1, 0, 0), "losing with an exact stake is not an exact win")
        #expect(a.perfectTimings == 1 && b.perfectTimings == 1)
        #expect(a.founderRank == 1 && b.founderRank == 2)
    }

    @Test func placementsFiveSecondsBeforeTheCutoffAreNotPerfectTiming() throws {
        var s = try Scenario()
        let alice = try s.user(address(1)), bob = try s.user(address(2))
        try s.round([(alice, .up, 1_000_000), (bob, .down, 1_000_000)], upWins: true, secondsBeforeCutoff: 5)
        try s.round([(alice, .up, 1_000_000), (bob, .down, 1_000_000)], upWins: true, secondsBeforeCutoff: 1)
        let stats = BadgeStatistics(engine: s.engine, calendar: calendar)
        #expect(stats.stats(of: alice)?.perfectTimings == 1)
    }

    @Test func championIsTheMostWinsOfASeasonThatIsOver() throws {
        var s = try Scenario()  // season 1: rounds settling in the first 3,600 s (rounds 1–5)
        let alice = try s.user(address(1)), bob = try s.user(address(2)), carol = try s.user(address(3))
        try s.wins(bob, against: alice, count: 2)
        try s.wins(alice, against: carol, count: 3)
        try s.round([(carol, .up, 1_000_000), (alice, .down, 1_000_000)], upWins: true)
        // season 2 has started but is not over
        try s.wins(carol, against: bob, count: 2)
        let stats = BadgeStatistics(engine: s.engine, calendar: calendar)
        #expect(stats.champions() == [1: alice])
        #expect(stats.stats(of: alice)?.seasons[1]?.stats == TokenStats(wins: 3, predictions: 5, bestStreak: 3))
        #expect(stats.champions(asOf: calendar.end(of: 2)) == [1: alice, 2: carol])
    }

    @Test func capsLeaveLaterEarnersOutWithAReasonInEarningOrder() throws {
        var s = try Scenario()
        var users: [UserID] = []
        for n in 1...6 { users.append(try s.user(address(UInt8(n)))) }
        let loser = try s.user(address(99))
        // users 6, 5, …, 1 win an exact $420.69 bet in that order
        for u in users.reversed() { try s.round([(u, .up, BadgeStatistics.exact420), (loser, .down, 1_000_000)], upWins: true) }
        let stats = BadgeStatistics(engine: s.engine, calendar: calendar)
        let chain = BadgeChainState(block: 1, tokens: [], minted: [.win420: 418, .founder: 997])
        let plan = BadgePlanner.plan(stats, chain: chain)
        let mints420 = plan.mints.filter { $0.badgeClass == .win420 }.map(\.user)
        #expect(mints420 == [users[5], users[4]], "the two earliest earners fill the cap")
        #expect(plan.capReached.filter { $0.badgeClass == .win420 }.map(\.user) == [users[3], users[2], users[1], users[0]])
        #expect(plan.mints.filter { $0.badgeClass == .founder }.map(\.user) == [users[0], users[1], users[2]])
        #expect(plan.capReached.filter { $0.badgeClass == .founder }.count == 4)
        #expect(plan.capReached.allSatisfy { $0.reason.contains("cap reached") })
    }

    @Test func planIsEmptyWhenTheChainHoldsEveryEarnedBadgeWithItsStats() throws {
        var s = try Scenario()
        let alice = try s.user(address(1)), bob = try s.user(address(2))
        try s.wins(alice, against: bob, count: 2)
        let stats = BadgeStatistics(engine: s.engine, calendar: calendar)
        let first = BadgePlanner.plan(stats, chain: BadgeChainState(block: 1, tokens: [], minted: [:]))
        #expect(first.mints.map(\.badgeClass) == [.founder, .founder, .firstWin])
        #expect(first.transactionCount == 4)
        let tokens = [
            BadgeChainState.Token(tokenID: BadgeClass.founder.tokenID(serial: 1), badgeClass: .founder, serial: 1, receiver: address(1),
                                  owner: address(7), stats: .zero),
            BadgeChainState.Token(tokenID: BadgeClass.founder.tokenID(serial: 2), badgeClass: .founder, serial: 2, receiver: address(2),
                                  owner: address(2), stats: .zero),
            BadgeChainState.Token(tokenID: BadgeClass.firstWin.tokenID(serial: 1), badgeClass: .firstWin, serial: 1, receiver: address(1),
                                  owner: address(1), stats: TokenStats(wins: 2, predictions: 2, bestStreak: 2)),
        ]
        let done = BadgePlanner.plan(stats, chain: BadgeChainState(block: 2, tokens: tokens, minted: [.founder: 2, .firstWin: 1]))
        #expect(done.isEmpty, "a founder badge that was sold is not minted again")
        #expect(done.upToDate == 3)
    }
}
