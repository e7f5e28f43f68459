import EVM
import Foundation
import Receipts
import TestSupport
import Testing

@Suite("sixnines receipt")
struct ReceiptCommandTests {
    func placementReceipts() throws -> [Receipt] {
        let vectors = try #require(try fixtureJSON("protocol-vectors.json") as? [String: Any])
        let entries = try #require(vectors["placementReceipts"] as? [[String: Any]])
        return try entries.map { entry in
            try JSONDecoder().decode(Receipt.self, from: try JSONSerialization.data(withJSONObject: try #require(entry["fields"])))
        }
    }

    @Test func verifyAcceptsAGoodProofAndRejectsATamperedOne() throws {
        let batch = try ReceiptBatch(id: BatchID(kind: .placement, sequence: 7), receipts: try placementReceipts())
        let file = try batch.proofFile(for: 2, chainId: 31337, registry: .zero)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-receipt-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.json")
        try file.jsonData().write(to: good)
        let output = try CLI.value(["receipt", "verify", good.path])
        #expect(output.hasPrefix("VALID"))
        #expect(output.contains("[ok] merkle proof"))

        var tampered = file
        tampered.receipt.payout = 1
        let bad = dir.appendingPathComponent("bad.json")
        try tampered.jsonData().write(to: bad)
        let result = try CLI.run(["receipt", "verify", bad.path, "--json"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)

        try CLI.fails(["receipt", "verify", dir.appendingPathComponent("missing.json").path], mentioning: "cannot read")
        try Data("{}".utf8).write(to: bad)
        try CLI.fails(["receipt", "verify", bad.path], mentioning: "missing field")
    }

    @Test func leafOfFixtureReceipt() throws {
        let vectors = try #require(try fixtureJSON("protocol-vectors.json") as? [String: Any])
        let entry = try #require((vectors["settlementReceipts"] as? [[String: Any]])?.first)
        let json = String(decoding: try JSONSerialization.data(withJSONObject: try #require(entry["fields"])), as: UTF8.self)
        #expect(try CLI.value(["receipt", "leaf", json]) == entry["leaf"] as? String)
        try CLI.fails(["receipt", "leaf", #"{"version": 1}"#], mentioning: "missing field")
    }
}
