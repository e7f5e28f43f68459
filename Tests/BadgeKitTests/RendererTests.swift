import BadgeKit
import EVM
import Foundation
import Testing

@Suite("The off-chain renderer")
struct RendererTests {
    @Test func base64MatchesFoundationForEveryLengthModThree() {
        var generator = SystemRandomNumberGenerator()
        for n in 0..<100 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.decode("abc") == nil)
        #expect(Base64.decode("ab!=") == nil)
    }

    @Test func cardOfProtocolExampleHasTheDocumentedSVG() {
        let card = BadgeRenderer.Card(badgeClass: .seasonChampion, serial: 3, stats: TokenStats(wins: 120, predictions: 200, bestStreak: 12))
        let svg = BadgeRenderer.svg(card)
        #expect(svg == "<svg xmlns='http://www.w3.org/2000/svg' width='320' height='320' viewBox='0 0 320 320'><style>text{font-family:monospace;fill:#fff;text-anchor:middle}</style><rect width='320' height='320' rx='24' fill='#8a8d91'/><text x='160' y='80' font-size='22'>Season Champion</text><text x='160' y='150' font-size='40'>silver</text><text x='160' y='215' font-size='20'>120 wins</text><text x='160' y='255' font-size='20'>60% win rate</text></svg>")
        let json = BadgeRenderer.metadataJSON(card)
        #expect(json.hasPrefix("{\"name\":\"Season Champion #3\",\"description\":\"SixNines badge\""))
        #expect(json.hasSuffix("\"}"))
        let head = json.components(separatedBy: "\"image\"")[0]
        #expect(head.utf8.count % 3 == 0)
        let uri = BadgeRenderer.tokenURI(card)
        #expect(uri.hasPrefix("data:application/json;base64,"))
        #expect(Base64.decode(String(uri.dropFirst(29))).map { String(decoding: $0, as: UTF8.self) } == json)
    }

    @Test func levelsFollowWinsAtTheProtocolThresholds() {
        let cases: [(UInt64, BadgeLevel)] = [(0, .bronze), (99, .bronze), (100, .silver), (499, .silver), (500, .gold), (999, .gold),
                                             (1_000, .diamond), (UInt64(UInt32.max), .diamond)]
        for (wins, level) in cases { #expect(BadgeLevel(wins: wins) == level) }
        #expect(TokenStats(wins: 2, predictions: 3, bestStreak: 1).winRate == 66)
        #expect(TokenStats.zero.winRate == 0)
    }

    @Test func classesParseBySlugNumberAndName() {
        #expect(BadgeClass(parsing: "hot-streak") == .hotStreak)
        #expect(BadgeClass(parsing: "18") == .seasonChampion)
        #expect(BadgeClass(parsing: "$420.69 Win") == .win420)
        #expect(BadgeClass(parsing: "5") == nil)
        #expect(BadgeClass(parsing: "nope") == nil)
        let id = BadgeClass.founder.tokenID(serial: 7)
        #expect(BadgeClass.split(id)?.badgeClass == .founder && BadgeClass.split(id)?.serial == 7)
        #expect(BadgeClass.split(UInt256(5) << 128) == nil)
    }
}
