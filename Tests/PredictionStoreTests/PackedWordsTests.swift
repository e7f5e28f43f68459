import EVM
import Foundation
import GRDB
import PredictionCore
@testable import PredictionStore
import Receipts
import Testing

/// The packed form in which the SQLite batch queue stores receipts.
@Suite("Packed receipt words")
struct PackedWordsTests {
    func pack(_ abi: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0xEE, count: PackedWords.capacity(words: abi.count / 32))
        let n = abi.withUnsafeBytes { a in out.withUnsafeMutableBytes { PackedWords.pack(a, into: $0) } }
        return Array(out[0..<n])
    }

    @Test func everyWordShapeRoundTrips() {
        var rng = SystemRandomNumberGenerator()
        // Zero, full, leading zeros, trailing zeros, both, a single byte at every position.
        var words: [[UInt8]] = [Array(repeating: 0, count: 32), (0..<32).map { _ in UInt8.random(in: 1...255, using: &rng) }]
        for k in 0...32 {
            var lead = [UInt8](repeating: 0, count: 32), trail = [UInt8](repeating: 0, count: 32)
            for i in k..<32 { lead[i] = UInt8.random(in: 1...255, using: &rng) }
            for i in 0..<k { trail[i] = UInt8.random(in: 1...255, using: &rng) }
            words += [lead, trail]
        }
        for i in 0..<32 { var w = [UInt8](repeating: 0, count: 32); w[i] = 0x80; words.append(w) }
        for a in 0..<12 { var w = [UInt8](repeating: 0, count: 32); w[a + 3] = 7; w[31 - a] = 9; words.append(w) }
        for count in [1, 2, 13, words.count] {
            let abi = Array(words.shuffled(using: &rng).prefix(count).joined())
            let packed = pack(abi)
            #expect(packed.count <= PackedWords.capacity(words: count))
            #expect(PackedWords.unpack(packed, words: count) == abi)
        }
    }

    @Test func receiptsPackToAThirdAndBack() throws {
        for n in 0..<200 {
            let r = Receipt(kind: n % 2 == 0 ? .placement : .settlement, predictionId: Keccak256.hash(data: Array("p\(n)".utf8)),
                            userCommitment: Keccak256.hash(data: Array("u\(n)".utf8)), asset: try AssetID(symbol: n % 3 == 0 ? "SPY" : "BTC-USD"),
                            direction: n % 2 == 0 ? .up : .down, stake: UInt128(n) << UInt128(n % 120), placedAt: UInt64(n) * 1_000_003,
                            settlesAt: UInt64.max - UInt64(n), entryPrice: UInt128.max >> UInt128(n % 128), settlementPrice: 0, outcome: .pending,
                            payout: 0)
            let packed = pack(r.abiEncoded)
            #expect(packed.count < 200)
            #expect(try Receipt(abiEncoded: #require(PackedWords.unpack(packed, words: 13))) == r)
        }
    }

    @Test func anythingElseIsRefused() {
        let abi = Array((0..<64).map { UInt8($0 % 7) })
        let good = pack(abi)
        #expect(PackedWords.unpack(good, words: 2) == abi)
        #expect(PackedWords.unpack(good, words: 3) == nil)  // too short
        #expect(PackedWords.unpack(good, words: 1) == nil)  // bytes left over
        #expect(PackedWords.unpack([], words: 1) == nil)
        #expect(PackedWords.unpack(abi, words: 2) == nil)  // plain ABI (first byte 0x00)
        #expect(PackedWords.unpack([0x01, 33] + Array(repeating: 1, count: 33), words: 1) == nil)  // more than 32 bytes
        #expect(PackedWords.unpack([0x01, 0x41, 5], words: 1) == nil)  // reserved bit
        #expect(PackedWords.unpack([0x01, 3, 1, 2], words: 1) == nil)  // truncated
        #expect(PackedWords.unpack(good.dropLast(), words: 2) == nil)
    }

    @Test func theQueueStoresReceiptsPackedAndReadsThemBack() async throws {
        let path = temporaryStore()
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let queue = try SQLiteBatchQueue(path: path)
        let receipts = (0..<50).map { n in
            Receipt(kind: .placement, predictionId: Keccak256.hash(data: [UInt8(n)]), userCommitment: Keccak256.hash(data: [UInt8(n), 1]),
                    asset: try! AssetID(symbol: "BTC-USD"), direction: .up, stake: UInt128(1_000 + n), placedAt: 1_795_608_000,  // invariant: valid
                    settlesAt: 1_795_608_540, entryPrice: 9_712_345_678_901)
        }
        _ = try await queue.ingest(receipts, now: 1)
        let sizes = try await queue.pool.read { db in try Row.fetchAll(db, sql: "SELECT length(receipt) AS n, hex(substr(receipt, 1, 1)) AS f FROM batch_receipts") }
        #expect(sizes.count == 50)
        #expect(sizes.allSatisfy { ($0["n"] as Int) < 160 && ($0["f"] as String) == "01" })
        for r in receipts { #expect(try await queue.receipt(r.leaf)?.receipt == r) }
        // A damaged packed value is reported as corrupt, not decoded into something else.
        try await queue.pool.write { db in try db.execute(sql: "UPDATE batch_receipts SET receipt = X'0121' WHERE seq = 1") }
        let damaged = try await queue.pool.read { db in try Data.fetchOne(db, sql: "SELECT leaf FROM batch_receipts WHERE seq = 1") }
        await #expect(throws: BatchQueueError.self) { try await queue.receipt(try Bytes32(#require(damaged))) }
    }
}
