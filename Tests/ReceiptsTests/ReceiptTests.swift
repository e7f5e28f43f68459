import EVM
import Foundation
import Receipts
import TestSupport
import Testing

/// Builds a receipt from the fixtures' `fields` object.
func receipt(from fields: [String: Any]) throws -> Receipt {
    func int(_ key: String) throws -> UInt128 {
        if let n = fields[key] as? Int { return UInt128(n) }
        let text = try #require(fields[key] as? String)
        return try #require(UInt128(text))
    }
    func word(_ key: String) throws -> Bytes32 {
        let text = try #require(fields[key] as? String)
        return try Bytes32(hex: text)
    }
    return Receipt(
        version: UInt8(try int("version")),
        kind: try #require(Receipt.Kind(rawValue: UInt8(try int("kind")))),
        predictionId: try word("predictionId"), userCommitment: try word("userCommitment"),
        asset: try AssetID(word: try word("asset")),
        direction: try #require(Receipt.Direction(rawValue: UInt8(try int("direction")))),
        stake: try int("stake"), placedAt: UInt64(try int("placedAt")), settlesAt: UInt64(try int("settlesAt")),
        entryPrice: try int("entryPrice"), settlementPrice: try int("settlementPrice"),
        outcome: try #require(Receipt.Outcome(rawValue: UInt8(try int("outcome")))), payout: try int("payout"))
}

@Suite("Receipts (docs/PROTOCOL.md fixtures)")
struct ReceiptTests {
    let vectors: [String: Any]

    init() throws {
        vectors = try #require(try fixtureJSON("protocol-vectors.json") as? [String: Any])
    }

    @Test(arguments: ["placementReceipts", "settlementReceipts"])
    func receiptEncodingAndLeaf(key: String) throws {
        let entries = try #require(vectors[key] as? [[String: Any]])
        #expect(!entries.isEmpty)
        for entry in entries {
            let r = try receipt(from: try #require(entry["fields"] as? [String: Any]))
            #expect(Hex.encode(r.abiEncoded) == entry["abiEncoded"] as? String)
            #expect(r.innerHash.description == entry["innerHash"] as? String)
            #expect(r.leaf.description == entry["leaf"] as? String)
        }
    }

    @Test func leafEncodingMatchesTheProtocol() {
        #expect(Receipt.leafEncoding == vectors["receiptLeafEncoding"] as? [String])
    }

    @Test func assetsAndCommitmentsAndBatchIds() throws {
        let assets = try #require(vectors["assets"] as? [String: String])
        for (symbol, word) in assets {
            let id = try AssetID(symbol: symbol)
            #expect(id.word.description == word)
            #expect(try AssetID(word: id.word).symbol == symbol)
        }
        #expect(throws: ReceiptError.invalidAssetSymbol("BTC USD")) { try AssetID(symbol: "BTC USD") }
        #expect(throws: ReceiptError.invalidAssetSymbol("")) { try AssetID(symbol: "") }
        #expect(throws: ReceiptError.self) { try AssetID(symbol: String(repeating: "A", count: 33)) }

        for entry in try #require(vectors["userCommitments"] as? [[String: String]]) {
            let commitment = userCommitment(user: try Address(entry["user"]!), salt: try Bytes32(hex: entry["salt"]!))
            #expect(commitment.description == entry["commitment"])
        }
        for entry in try #require(vectors["batchIds"] as? [[String: Any]]) {
            let rawKind = try #require(entry["kind"] as? Int)
            let kind = try #require(BatchKind(rawValue: UInt8(rawKind)))
            let sequence = try #require(entry["sequence"] as? Int)
            let id = BatchID(kind: kind, sequence: UInt64(sequence))
            #expect(id.word.description == entry["batchId"] as? String)
            #expect(try BatchID(word: id.word) == id)
        }
        #expect(throws: ReceiptError.self) { try BatchID(word: Keccak256.hash(utf8: "not an id")) }
    }

    @Test func settlementSchedule() throws {
        for entry in try #require(vectors["settlementTimes"] as? [[String: Any]]) {
            let t = UInt64(try #require(entry["timestamp"] as? Int))
            #expect(SettlementSchedule.isSettlementTime(t) == (entry["isSettlementTime"] as? Bool))
        }
        #expect(SettlementSchedule.nextSettlement(after: 1_795_608_539) == 1_795_608_540)
        #expect(SettlementSchedule.nextSettlement(after: 1_795_608_540) == 1_795_609_140)
        #expect(SettlementSchedule.nextSettlement(after: 0) == 540)
        for t in stride(from: UInt64(1_795_600_000), to: 1_795_610_000, by: 37) {
            let next = SettlementSchedule.nextSettlement(after: t)
            #expect(next > t && next - t <= 600 && SettlementSchedule.isSettlementTime(next))
        }
    }
}
