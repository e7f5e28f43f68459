import BadgeKit
import EVM
import EVMRPC
import EVMSigner
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import SixNinesContracts
import Testing

/// This suite's own devnet.
private let devnet = Result { try startDevnet() }

@Suite("Badge sync against the devnet", .serialized)
struct DevnetSyncTests {
    let minter = devKeys[5]
    let calendar = try! SeasonCalendar(origin: 1_795_608_540, length: 21_600)  // invariant: positive length

    func syncer(_ client: RPCClient, _ badges: Address, journal path: String) throws -> BadgeSyncer {
        let sender = TransactionSender(client: client, signer: KeySigner(key: minter), chain: .local)
        let binding = Badges(address: badges, connection: ContractConnection(sender: sender, chainId: 31337, sendOptions: devnetSendOptions))
        let journal = try BadgeJournal(path: path, chainId: 31337, contract: badges, sender: minter.address)
        return BadgeSyncer(badges: binding, sender: sender, journal: journal, options: devnetSendOptions)
    }

    func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("badges-\(UUID()).sqlite").path
    }

    /// A simulated season of 40 users, then crafted rounds: exact $420.69 / $69.69 wins, a long winning streak of a
    /// user with a devnet key (dev 6) and a first win of another (dev 7).
    func season() throws -> (Scenario, streaker: UserID, holder: UserID, loser: UserID) {
        var simulation = try Simulation(.init(assets: ["BTC-USD"], rounds: 12, users: 40, seed: 11))
        _ = try simulation.run()
        var s = try Scenario(start: simulation.configuration.start + 600 * 12, engine: simulation.engine)
        let streaker = try s.user(devKeys[6].address), holder = try s.user(devKeys[7].address), loser = try s.user(address(200))
        for n in 1...3 {
            let u = try s.user(address(UInt8(n)))
            try s.round([(u, .up, BadgeStatistics.exact420), (loser, .down, 1_000_000)], upWins: true)
        }
        for n in 4...5 {
            let u = try s.user(address(UInt8(n)))
            try s.round([(u, .down, BadgeStatistics.exact69), (loser, .up, 1_000_000)], upWins: false)
        }
        try s.round([(holder, .up, 5_000_000), (loser, .down, 1_000_000)], upWins: true)
        try s.wins(streaker, against: loser, count: 120)
        return (s, streaker, holder, loser)
    }

    @Test func simulatedSeasonMintsEachBadgeOnceLevelsFollowWinsAndRerunsSendNothing() async throws {
        let client = RPCClient(urls: [try devnet.get()])
        defer { Task { await client.shutdown() } }
        let badgesAddress = try await deployBadges(client)
        let reader = Badges(address: badgesAddress, connection: ContractConnection(client: client, chainId: 31337))
        var (s, streaker, holder, loser) = try season()
        let path = temporaryDatabase()
        let syncer = try syncer(client, badgesAddress, journal: path)

        let statistics = BadgeStatistics(engine: s.engine, calendar: calendar)
        let before = BadgePlanner.plan(statistics, chain: try await BadgeChainState.read(reader))
        #expect(before.mints.contains { $0.badgeClass == .win420 } && before.mints.contains { $0.badgeClass == .win69 })
        #expect(before.mints.contains { $0.badgeClass == .seasonChampion } && before.mints.contains { $0.badgeClass == .hotStreak })
        let report = try await syncer.sync(statistics)
        #expect(report.failed.isEmpty, "\(report.failed)")
        #expect(report.minted.count == before.mints.count)

        // Each earned badge once; no class beyond its cap; the chain now matches the plan.
        let state = try await BadgeChainState.read(reader)
        var seen = Set<String>()
        for token in state.tokens.values {
            let key = "\(token.receiver)-\(token.badgeClass)-\(token.badgeClass == .seasonChampion ? token.serial : 0)"
            #expect(seen.insert(key).inserted, "minted twice: \(key)")
        }
        for c in BadgeClass.allCases where c != .seasonChampion {
            if let cap = c.cap { #expect(try await reader.minted(arg0: UInt256(c.rawValue)) <= UInt256(cap)) }
        }
        // Champions: one per season (the serial is the season), each for a season that is over.
        let champions = state.tokens.values.filter { $0.badgeClass == .seasonChampion }
        #expect(!champions.isEmpty && champions.allSatisfy { calendar.end(of: UInt32($0.serial)) <= statistics.lastSettlement })
        #expect(Set(champions.map(\.serial)).count == champions.count)
        #expect(BadgePlanner.plan(statistics, chain: state).isEmpty)

        // A rerun sends nothing.
        let nonce = try await client.nonce(of: minter.address)
        let again = try await syncer.sync(statistics)
        #expect(again.sent == 0 && again.minted.isEmpty && again.updated.isEmpty)
        #expect(try await client.nonce(of: minter.address) == nonce)

        // Soulbound badges never move: transfer and approval are refused with Soulbound(id).
        let firstWin = try #require(state.minted(.firstWin, to: devKeys[7].address).first)
        let asHolder = Badges(address: badgesAddress, connection: connection(devKeys[7], client))
        let soulbound = Array(Keccak256.hash(utf8: "Soulbound(uint256)").bytes[0..<4]) + firstWin.tokenID.bytes32.bytes
        for attempt in [
            { try await asHolder.transferFrom(owner: devKeys[7].address, to: devKeys[2].address, tokenId: firstWin.tokenID) },
            { try await asHolder.safeTransferFrom(owner: devKeys[7].address, to: devKeys[2].address, tokenId: firstWin.tokenID) },
            { try await asHolder.approve(to: devKeys[2].address, tokenId: firstWin.tokenID) },
        ] as [() async throws -> EVMRPC.Receipt] {
            do {
                _ = try await attempt()
                Issue.record("a soulbound badge moved or was approved")
            } catch let ContractError.reverted(_, data, _) {
                #expect(data == soulbound)
            }
        }
        #expect(try await reader.ownerOf(tokenId: firstWin.tokenID) == devKeys[7].address)
        _ = holder

        // Levels follow wins: 400 more wins take the streaker from silver to gold.
        let streakerTokens = state.minted(.wins100, to: devKeys[6].address)
        #expect(streakerTokens.first?.stats.level == .silver)
        try s.wins(streaker, against: loser, count: 400)
        let grown = BadgeStatistics(engine: s.engine, calendar: calendar)
        let plan = BadgePlanner.plan(grown, chain: try await BadgeChainState.read(reader))
        let levelled = plan.updates.filter { $0.address == devKeys[6].address }
        #expect(Set(levelled.map(\.badgeClass)) == [.firstWin, .wins100, .hotStreak])
        #expect(levelled.allSatisfy { $0.levelChanges && $0.from.level == .silver && $0.to.level == .gold })
        let third = try await syncer.sync(grown)
        #expect(third.failed.isEmpty, "\(third.failed)")
        let token = try #require(streakerTokens.first)
        let (w, p, b) = try await reader.stats(tokenId: token.tokenID)
        #expect(w == UInt32(grown.stats(of: streaker)?.wins ?? 0) && p >= w && b == w)
        #expect(try await reader.levelOf(wins: UInt256(UInt64(w))) == "gold")
        let card = try #require(BadgeRenderer.Card(tokenID: token.tokenID, stats: TokenStats(wins: w, predictions: p, bestStreak: b)))
        #expect(try await reader.tokenURI(tokenId: token.tokenID) == BadgeRenderer.tokenURI(card))
        #expect(try await syncer.sync(grown).sent == 0)
    }

    @Test func aMintRecordedButNeverSentIsSentOnceByTheNextSync() async throws {
        let client = RPCClient(urls: [try devnet.get()])
        defer { Task { await client.shutdown() } }
        let badgesAddress = try await deployBadges(client)
        let reader = Badges(address: badgesAddress, connection: ContractConnection(client: client, chainId: 31337))
        var s = try Scenario()
        let alice = try s.user(address(1)), bob = try s.user(address(2))
        try s.wins(alice, against: bob, count: 2)
        let path = temporaryDatabase()
        let syncer = try syncer(client, badgesAddress, journal: path)

        // As if a sync was killed right after recording alice's founder mint (before sending it), and after sending
        // bob's (before seeing it mined).
        let nonce = try await client.nonce(of: minter.address, at: .pending)
        let fees = try await syncer.sender.estimator.estimate(client)
        var rows: [(action: String, summary: String, nonce: UInt64, hash: Bytes32, raw: [UInt8], data: [UInt8])] = []
        for (i, who) in [address(1), address(2)].enumerated() {
            let data = try Badges.Calls.mint(to: who, badgeClass: 19, season: 0)
            let request = TransactionRequest(to: badgesAddress, data: data, gasLimit: 400_000, chainId: 31337)
            let tx = try await syncer.sender.signer.sign(request, nonce: nonce + UInt64(i), fees: fees, gasLimit: 400_000)
            rows.append(("mint", "mint founder to \(who)", tx.nonce, tx.hash, tx.raw, data))
        }
        _ = try syncer.journal.record(rows)
        // Only bob's is sent: it waits in the pool behind alice's nonce.
        _ = try await client.sendRawTransaction(rows[1].raw)

        let report = try await syncer.sync(BadgeStatistics(engine: s.engine, calendar: calendar))
        #expect(report.resumed == 2 && report.failed.isEmpty, "\(report)")
        let state = try await BadgeChainState.read(reader)
        #expect(state.minted(.founder, to: address(1)).count == 1 && state.minted(.founder, to: address(2)).count == 1)
        #expect(try await reader.minted(arg0: 19) == 2)
        #expect(try syncer.journal.open().isEmpty)
        #expect(try syncer.journal.all().filter { $0.action == "mint" }.count == 3, "two founders resumed, one first win")
        _ = alice
    }

    @Test func aSeasonWhoseChampionBadgeIsTakenIsReportedNotFailed() async throws {
        let client = RPCClient(urls: [try devnet.get()])
        defer { Task { await client.shutdown() } }
        let badgesAddress = try await deployBadges(client)
        // Season 1's champion badge went to someone else (minted by hand).
        _ = try await Badges(address: badgesAddress, connection: connection(minter, client)).mint(to: devKeys[2].address, badgeClass: 18, season: 1)
        var s = try Scenario()
        let alice = try s.user(address(1)), bob = try s.user(address(2))
        try s.wins(alice, against: bob, count: 7)  // season 1 (3,600 s) is over after six rounds
        let short = try SeasonCalendar(origin: 1_795_608_540, length: 3_600)
        let report = try await syncer(client, badgesAddress, journal: temporaryDatabase()).sync(BadgeStatistics(engine: s.engine, calendar: short))
        #expect(report.failed.isEmpty, "\(report.failed)")
        #expect(report.capReached.map(\.badgeClass) == [.seasonChampion] && report.capReached.first?.user == alice)
        #expect(report.capReached.first?.reason.contains("already has a champion") == true)
        let reader = Badges(address: badgesAddress, connection: ContractConnection(client: client, chainId: 31337))
        #expect(try await reader.minted(arg0: 18) == 1)
        #expect(try await reader.ownerOf(tokenId: BadgeClass.seasonChampion.tokenID(serial: 1)) == devKeys[2].address)
    }

    @Test func twoSyncsAtOnceMintEachBadgeOnce() async throws {
        let client = RPCClient(urls: [try devnet.get()])
        defer { Task { await client.shutdown() } }
        let badgesAddress = try await deployBadges(client)
        var s = try Scenario()
        var users: [UserID] = []
        for n in 1...8 { users.append(try s.user(address(UInt8(n)))) }
        for u in users.dropFirst() { try s.wins(users[0], against: u, count: 1) }
        let statistics = BadgeStatistics(engine: s.engine, calendar: calendar)
        let path = temporaryDatabase()
        let first = try syncer(client, badgesAddress, journal: path), second = try syncer(client, badgesAddress, journal: path)
        @Sendable func attempt(_ syncer: BadgeSyncer) async -> Result<BadgeSyncer.Report, BadgeError> {
            do { return .success(try await syncer.sync(statistics)) } catch { return .failure(error) }
        }
        async let a = attempt(first)
        async let b = attempt(second)
        let results = await [a, b]
        let refused = results.filter { if case .failure(let e) = $0 { return "\(e)".contains("another badge sync is running") } else { return false } }
        #expect(results.allSatisfy { if case .failure(let e) = $0 { return "\(e)".contains("another badge sync") } else { return true } })
        #expect(refused.count <= 1)
        let state = try await BadgeChainState.read(Badges(address: badgesAddress, connection: ContractConnection(client: client, chainId: 31337)))
        #expect(state.tokens.values.filter { $0.badgeClass == .founder }.count == 8)
        #expect(state.tokens.values.filter { $0.badgeClass == .firstWin }.count == 1)
        #expect(try await first.sync(statistics).sent == 0)
    }

    @Test func vipPassesSetTheFeeTierOfTheirHoldersAndFollowTransfers() async throws {
        let client = RPCClient(urls: [try devnet.get()])
        defer { Task { await client.shutdown() } }
        let badgesAddress = try await deployBadges(client)
        let owner = Badges(address: badgesAddress, connection: connection(devKeys[0], client))
        let zero = try Address(Array(repeating: 0, count: 20))
        _ = try await owner.setVipPrice(badgeClass: 32, paymentToken: zero, price: 1)
        _ = try await owner.setVipPrice(badgeClass: 33, paymentToken: zero, price: 1)
        let path = temporaryDatabase()
        let engine = try DurableEngine(path: path)
        let gold = try engine.registerUser(address: devKeys[8].address), diamond = try engine.registerUser(address: devKeys[9].address)
        let plain = try engine.registerUser(address: devKeys[4].address)
        _ = try await Badges(address: badgesAddress, connection: connection(devKeys[8], client)).buyVip(badgeClass: 33, paymentToken: zero, value: 1)
        let asDiamond = Badges(address: badgesAddress, connection: connection(devKeys[9], client))
        let bought = try await asDiamond.buyVip(badgeClass: 32, paymentToken: zero, value: 1)
        let pass = try #require(try bought.events(Badges.BadgeMinted.self, from: badgesAddress).first).tokenId

        let cache = try VIPTierCache(path: path, contract: badgesAddress)
        var durable = engine
        // As if a sync died after the cache's commit and before the tiers were applied: the next refresh still
        // reports every holder.
        _ = try await cache.refresh(owner)
        let changed = try VIPTierCache.apply(try await cache.refresh(owner), to: &durable)
        #expect(changed.count == 2)
        #expect(engine.engine.tier(of: gold) == .gold && engine.engine.tier(of: diamond) == .diamond && engine.engine.tier(of: plain) == .standard)
        #expect(try cache.block() == (try await client.blockNumber()))
        #expect(try DurableEngine(path: path).engine.tier(of: diamond) == .diamond, "the tier is durable")
        #expect(try VIPTierCache.apply(try await cache.refresh(owner), to: &durable).isEmpty, "nothing moved since the cached block")

        // The Diamond pass goes to the Gold holder: one becomes standard, the other Diamond.
        _ = try await asDiamond.safeTransferFrom(owner: devKeys[9].address, to: devKeys[8].address, tokenId: pass)
        try VIPTierCache.apply(try await cache.refresh(owner), to: &durable)
        #expect(engine.engine.tier(of: gold) == .diamond && engine.engine.tier(of: diamond) == .standard)
    }
}
