// The off-chain badge renderer (issue 17 target: ≥ 10,000 SVG cards per second in memory). Each iteration renders
// 100,000 cards of every class and level with varying stats: the SVG alone, and the whole tokenURI (JSON + two
// base64 layers, byte for byte what the contract returns). Results: BENCHMARKS.md ("Badges").
import BadgeKit
import Benchmark

/// 100,000 cards cycling through the ten classes and the four levels, with varying numbers.
let cards: [BadgeRenderer.Card] = (0..<100_000).map { i in
    let c = BadgeClass.allCases[i % BadgeClass.allCases.count]
    let wins = UInt32([7, 250, 720, 4_321][(i / 10) % 4] + i % 97)
    return BadgeRenderer.Card(badgeClass: c, serial: UInt128(1 + i % 6_969),
                              stats: TokenStats(wins: wins, predictions: wins + UInt32(i % 1_000), bestStreak: wins / 3))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuUser, .throughput, .mallocCountTotal],
                                           warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 5)

    Benchmark("badges: 100k SVG cards in memory") { benchmark in
        for _ in benchmark.scaledIterations {
            var bytes = 0
            for card in cards { bytes &+= BadgeRenderer.svgBytes(card).count }
            blackHole(bytes)
        }
    }
    Benchmark("badges: 100k tokenURIs (metadata JSON + SVG, both base64) in memory") { benchmark in
        for _ in benchmark.scaledIterations {
            var bytes = 0
            for card in cards { bytes &+= BadgeRenderer.tokenURI(card).utf8.count }
            blackHole(bytes)
        }
    }
}
