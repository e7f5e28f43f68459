import EVM
import Foundation
import Receipts
import TestSupport
import Testing

@Suite("Receipt batches and proof files")
struct ProofFileTests {
    let vectors: [String: Any]
    let placements: [Receipt]

    init() throws {
        vectors = try #require(try fixtureJSON("protocol-vectors.json") as? [String: Any])
        let entries = try #require(vectors["placementReceipts"] as? [[String: Any]])
        placements = try entries.map { entry in
            let fields = try JSONSerialization.data(withJSONObject: try #require(entry["fields"]))
            return try JSONDecoder().decode(Receipt.self, from: fields)
        }
    }

    /// Receipts decoded from the fixtures' JSON give the fixture leaves, and the batch gives the fixture root.
    @Test func batchRootMatchesTheFixtureTree() throws {
        let fixture = try #require(vectors["placementTree"] as? [String: Any])
        let id = try BatchID(word: try Bytes32(hex: try #require(fixture["batchId"] as? String)))
        let batch = try ReceiptBatch(id: id, receipts: placements)
        #expect(batch.root.description == fixture["root"] as? String)
        #expect(batch.tree.nodes.count == 2 * placements.count - 1)
        let range = batch.timeRange
        #expect(range.first == placements.map(\.placedAt).min() && range.last == placements.map(\.placedAt).max())
    }

    @Test func receiptJSONRoundTrips() throws {
        for receipt in placements {
            let data = try JSONEncoder().encode(receipt)
            let decoded = try JSONDecoder().decode(Receipt.self, from: data)
            #expect(decoded == receipt)
        }
        // Large values go as decimal strings and come back exactly.
        var big = placements[0]
        big.stake = UInt128.max
        let data = try JSONEncoder().encode(big)
        #expect(String(decoding: data, as: UTF8.self).contains("\"\(UInt128.max)\""))
        #expect(try JSONDecoder().decode(Receipt.self, from: data) == big)
    }

    @Test func badReceiptJSONIsATypedError() throws {
        let entries = try #require(vectors["placementReceipts"] as? [[String: Any]])
        var fields = try #require(entries[0]["fields"] as? [String: Any])
        fields["direction"] = 7
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Receipt.self, from: try JSONSerialization.data(withJSONObject: fields))
        }
        fields["direction"] = 1
        fields["placedAt"] = -5
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Receipt.self, from: try JSONSerialization.data(withJSONObject: fields))
        }
    }

    @Test func mixedKindsAreRefused() throws {
        var receipts = placements
        receipts[1].kind = .settlement
        let id = BatchID(kind: .placement, sequence: 1)
        #expect(throws: ReceiptError.self) { _ = try ReceiptBatch(id: id, receipts: receipts) }
        #expect(throws: ReceiptError.self) { _ = try ReceiptBatch(id: id, receipts: []) }
    }

    /// Every receipt's proof file passes all offline checks, survives a JSON round trip, and fails
    /// the right check when tampered with.
    @Test func proofFilesVerifyAndDetectTampering() throws {
        let batch = try ReceiptBatch(id: BatchID(kind: .placement, sequence: 1), receipts: placements)
        let registry = try Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")
        let commitments = try #require(vectors["userCommitments"] as? [[String: String]])
        let opening = CommitmentOpening(user: try Address(commitments[0]["user"]!), salt: try Bytes32(hex: commitments[0]["salt"]!))
        for index in placements.indices {
            let opens = placements[index].userCommitment == userCommitment(user: opening.user, salt: opening.salt)
            let file = try batch.proofFile(for: index, chainId: 137, registry: registry, opening: opens ? opening : nil)
            #expect(failed(file).isEmpty)
            let reloaded = try ReceiptProofFile.load(from: file.jsonData())
            #expect(reloaded == file)

            var tampered = file
            tampered.receipt.stake += 1
            #expect(failed(tampered) == ["leaf", "merkle proof"])
            tampered = file
            tampered.batchKind = 2
            #expect(failed(tampered) == ["batch kind"])
            tampered = file
            tampered.opening = CommitmentOpening(user: .zero, salt: .zero)
            #expect(failed(tampered) == ["commitment opening"])
            if !file.proof.isEmpty {
                tampered = file
                tampered.proof.removeLast()
                #expect(failed(tampered) == ["merkle proof"])
            }
        }
    }

    private func failed(_ file: ReceiptProofFile) -> [String] {
        file.offlineChecks().filter { !$0.passed }.map(\.name)
    }
}
