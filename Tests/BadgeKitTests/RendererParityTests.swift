import BadgeKit
import EVM
import EVMRPC
import Foundation
import PredictionCore
import SixNinesContracts
import Testing

/// This suite's own devnet.
private let devnet = Result { try startDevnet() }

/// The seed of the random stat sets: `SIXNINES_SEED` to replay a failure, else a fresh one (printed on failure).
private let seed: UInt64 = ProcessInfo.processInfo.environment["SIXNINES_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64(UInt32.max))

@Suite("The Swift renderer draws what the contract's tokenURI holds, byte for byte", .serialized)
struct RendererParityTests {
    /// Random stats of `level`: wins in the level's range, predictions ≥ wins, a streak ≤ wins.
    static func stats(_ level: BadgeLevel, _ random: inout SplitMix64) -> TokenStats {
        let low = UInt64(level.minimumWins)
        let high: UInt64 = level == .diamond ? (random.below(4) == 0 ? UInt64(UInt32.max) : 1_000_000) : UInt64(BadgeLevel(rawValue: level.rawValue + 1)!.minimumWins) - 1  // invariant: below diamond there is a next level
        let wins = low + random.below(high - low + 1)
        let predictions = random.below(3) == 0 ? wins : wins + random.below(UInt64(UInt32.max) - wins + 1)
        let streak = random.below(wins + 1)
        return TokenStats(wins: UInt32(wins), predictions: UInt32(predictions), bestStreak: UInt32(streak))
    }

    @Test func renderViewOverRandomStatsOfEveryClassAndLevel() async throws {
        let client = RPCClient(urls: [try devnet.get()])
        defer { Task { await client.shutdown() } }
        let badges = Badges(address: try await deployBadges(client), connection: ContractConnection(client: client, chainId: 31337))
        var random = SplitMix64(seed: seed)
        var checked = 0
        for i in 0..<240 {
            let c = BadgeClass.allCases[i % BadgeClass.allCases.count]
            let level = BadgeLevel.allCases[(i / BadgeClass.allCases.count) % 4]
            let stats = Self.stats(level, &random)
            let serial: UInt128 = random.below(3) == 0 ? UInt128(random.next()) << 64 | UInt128(random.next()) : UInt128(1 + random.below(6_969))
            let card = BadgeRenderer.Card(badgeClass: c, serial: serial, stats: stats)
            let onChain = try await badges.render(badgeClass: UInt256(c.rawValue), serial: UInt256(serial), wins: stats.wins,
                                                  predictions: stats.predictions, bestStreak: stats.bestStreak)
            #expect(onChain == BadgeRenderer.tokenURI(card), "SIXNINES_SEED=\(seed): \(c) serial \(serial) stats \(stats)")
            #expect(stats.level == level)
            checked += 1
        }
        #expect(checked >= 200)
    }

    @Test func tokenURIOfMintedTokensOfEveryClassAndLevel() async throws {
        let client = RPCClient(urls: [try devnet.get()])
        defer { Task { await client.shutdown() } }
        let address = try await deployBadges(client)
        let minter = Badges(address: address, connection: connection(devKeys[5], client))
        let owner = Badges(address: address, connection: connection(devKeys[0], client))
        let zero = try Address(Array(repeating: 0, count: 20))
        var tokens: [UInt256] = []
        for c in BadgeClass.allCases {
            if c.isMintable {
                let receipt = try await minter.mint(to: devKeys[3].address, badgeClass: UInt256(c.rawValue), season: c == .seasonChampion ? 42 : 0)
                tokens.append(try #require(try receipt.events(Badges.BadgeMinted.self, from: address).first).tokenId)
            } else {
                _ = try await owner.setVipPrice(badgeClass: UInt256(c.rawValue), paymentToken: zero, price: 1)
                let receipt = try await Badges(address: address, connection: connection(devKeys[3], client))
                    .buyVip(badgeClass: UInt256(c.rawValue), paymentToken: zero, value: 1)
                tokens.append(try #require(try receipt.events(Badges.BadgeMinted.self, from: address).first).tokenId)
            }
        }
        var random = SplitMix64(seed: seed ^ 0x5EED)
        for token in tokens {
            for level in BadgeLevel.allCases {
                let stats = Self.stats(level, &random)
                _ = try await minter.updateStats(tokenId: token, wins: stats.wins, predictions: stats.predictions, bestStreak: stats.bestStreak)
                let card = try #require(BadgeRenderer.Card(tokenID: token, stats: stats))
                #expect(try await minter.tokenURI(tokenId: token) == BadgeRenderer.tokenURI(card), "SIXNINES_SEED=\(seed): \(token.hexString) \(stats)")
            }
        }
    }
}
