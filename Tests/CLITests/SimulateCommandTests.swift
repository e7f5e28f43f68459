import EVM
import DevnetSupport
import Foundation
import PredictionCore
import PredictionStore
import Receipts
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

    @Test func simulateOnADurableStoreGivesTheSameOutput() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
        let arguments = ["simulate", "--assets", "BTC-USD,SPY", "--rounds", "3", "--users", "15", "--seed", "9"]
        let memory = try CLI.value(arguments)
        let durable = try CLI.value(arguments + ["--db", db])
        #expect(durable == memory)
        let store = try DurableEngine(path: db, configuration: EngineConfiguration(entropy: .seeded(9)))
        let receipts = try #require(memory.split(separator: "\n").last?.split(separator: " ").dropFirst(4).first.flatMap { Int($0) })
        #expect(try store.outboxCount() == receipts)
        #expect(store.engine.ledger.total == 0 && store.engine.predictions.allSatisfy { $0.outcome != .pending })
        try CLI.fails(arguments + ["--db", db], mentioning: "already holds a run")
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

@Suite("Crash: durable engine killed at random moments")
struct DurableCrashTests {
    /// Runs `durable-stress`, kills it with SIGKILL after a random number of acknowledgements, and returns the
    /// acknowledged prediction ids it printed.
    func runAndKill(db: String, seed: UInt64, afterAcks: Int) throws -> [String] {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["durable-stress", "--db", db, "--batches", "1000", "--batch-size", "40", "--seed", String(seed)]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let processExit = try process.start()
        var text = ""
        var acks = 0
        while acks < afterAcks {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            acks = text.components(separatedBy: "ack ").count - 1
        }
        kill(process.processIdentifier, SIGKILL)
        processExit.wait()
        // Everything printed before the kill was acknowledged; keep complete lines only.
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").filter { $0.hasPrefix("ack ") && $0.count == 4 + 66 }.map { String($0.dropFirst(4)) }
    }

    @Test func killedChildLosesNothingAcknowledged() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        }
        var acknowledged = Set<String>()
        var seed: UInt64 = 0x5EED
        for cycle in 0..<4 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            let acks = try runAndKill(db: db, seed: seed, afterAcks: 100 + Int(seed >> 33) % 700)
            #expect(!acks.isEmpty, "cycle \(cycle)")
            acknowledged.formUnion(acks)
            // Reopen in process: the replay re-checks conservation of every settled round (the engine stops on a
            // violation) and the store's unique index forbids a second settlement of any round.
            let store = try DurableEngine(path: db, configuration: EngineConfiguration(entropy: .seeded(1)))
            let stored = Set(store.engine.predictions.map(\.id.description))
            #expect(acknowledged.isSubset(of: stored), "cycle \(cycle): \(acknowledged.subtracting(stored).count) acknowledged predictions lost")
            #expect(store.engine.ledger.total == 0)
            #expect(store.engine.ledger.balances.dropFirst().allSatisfy { $0 >= 0 })
            let placementLeaves = store.engine.predictions.map(\.placementLeaf)
            let outbox = Set(try store.outboxLeaves())
            #expect(placementLeaves.allSatisfy { outbox.contains($0) }, "cycle \(cycle): a stored prediction lacks its receipt")
            let settled = store.engine.predictions.filter { $0.outcome != .pending }.count
            #expect(outbox.count == store.engine.predictions.count + settled, "cycle \(cycle)")
            if cycle == 3 { #expect(settled > 0, "no round settled in four runs") }
        }
    }
}
