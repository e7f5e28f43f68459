import Foundation
import Testing

@Suite("CLI: simulate and rounds")
struct SimulateCommandTests {
    @Test func simulateIsDeterministicAndConserves() throws {
        let arguments = ["simulate", "--assets", "BTC-USD,ETH-USD,SPY", "--rounds", "4", "--users", "25", "--seed", "42"]
        let first = try CLI.value(arguments)
        let second = try CLI.value(arguments)
        #expect(first == second)
        let lines = first.split(separator: "\n")
        #expect(lines.count == 4 * 3 + 1)
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("conserved ok") })
        #expect(lines.last?.hasPrefix("total predictions ") == true && lines.last?.contains("ledger-sum 0 conserved ok") == true)
        #expect(lines[0].hasPrefix("#1 BTC-USD 2026-11-25T12:19:00Z lock "))
        let other = try CLI.value(["simulate", "--assets", "BTC-USD,ETH-USD,SPY", "--rounds", "4", "--users", "25", "--seed", "43"])
        #expect(other != first)
    }

    @Test func simulateJSON() throws {
        let arguments = ["simulate", "--assets", "SPY,BTC-USD", "--rounds", "3", "--users", "30", "--seed", "7", "--json"]
        let text = try CLI.value(arguments)
        #expect(text == (try CLI.value(arguments)))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let rounds = try #require(json["rounds"] as? [[String: Any]])
        #expect(rounds.count == 6)
        #expect(rounds.map { $0["asset"] as? String } == ["SPY", "BTC-USD", "SPY", "BTC-USD", "SPY", "BTC-USD"])
        for r in rounds {
            #expect(r["conserved"] as? Bool == true)
            let predictions = try #require(r["predictions"] as? Int)
            #expect(r["receipts"] as? Int == 2 * predictions)
        }
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["ledgerTotal"] as? Int == 0 && summary["conserved"] as? Bool == true)
    }

    @Test func simulateErrors() throws {
        try CLI.fails(["simulate", "--assets", "BTC USD"], mentioning: "invalid asset symbol")
        try CLI.fails(["simulate", "--assets", "SPY,SPY"], mentioning: "given twice")
        try CLI.fails(["simulate", "--start", "1795608541"], mentioning: "not a settlement mark")
        try CLI.fails(["simulate", "--cutoff", "600"], mentioning: "cutoff 600")
    }

    @Test func roundsNext() throws {
        #expect(try CLI.value(["rounds", "next", "--at", "1795608000"]) == "1795608540 1795608510")
        // At the cutoff the round is closed: the next one is given.
        #expect(try CLI.value(["rounds", "next", "--at", "1795608510"]) == "1795609140 1795609110")
        #expect(try CLI.value(["rounds", "next", "--at", "1795608509"]) == "1795608540 1795608510")
        #expect(try CLI.value(["rounds", "next", "--at", "2026-11-25T23:59:59Z", "--cutoff", "0"]) == "1795651740 1795651740")
        let text = try CLI.value(["rounds", "next", "--asset", "BTC-USD", "--at", "2026-11-25T12:08:45Z", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["asset"] as? String == "BTC-USD")
        #expect(json["settlesAtTime"] as? String == "2026-11-25T12:19:00Z")
        #expect(json["nextMark"] as? Int == 1_795_608_540 && json["nextMarkOpen"] as? Bool == false)
        try CLI.fails(["rounds", "next", "--at", "yesterday"], mentioning: "--at")
        try CLI.fails(["rounds", "next", "--at", "2026-02-30T00:00:00Z"], mentioning: "--at")
        try CLI.fails(["rounds", "next", "--asset", "BTC USD", "--at", "0"], mentioning: "--asset")
    }
}
