import BatchWriter
import EVM
import EVMRPC
import DevnetSupport
import Foundation
import GRDB
import PredictionCore
import PredictionStore
import Receipts
import Synchronization
import Testing

/// A manual wall clock (unix ms).
final class ManualClock: Sendable {
    let value = Mutex<Int64>(1_700_000_000_000)
    func advance(ms: Int64) { value.withLock { $0 += ms } }
    var closure: @Sendable () -> Int64 { { self.value.withLock { $0 } } }
}

func temporaryDatabase() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("batchwriter-\(UUID()).sqlite").path
}

/// A placement receipt `n` placed at `placedAt` for the mark `settlesAt`.
func placement(_ n: Int, placedAt: UInt64 = 999_000, settlesAt: UInt64 = 1_000_140) -> Receipts.Receipt {
    Receipts.Receipt(kind: .placement, predictionId: Keccak256.hash(data: Array("prediction-\(n)".utf8)),
            userCommitment: Keccak256.hash(data: Array("user-\(n % 7)".utf8)), asset: try! AssetID(symbol: "BTC-USD"),
            direction: n % 2 == 0 ? .up : .down, stake: UInt128(1_000_000 + n), placedAt: placedAt, settlesAt: settlesAt,
            entryPrice: 9_712_345_678_901)
}

func settlement(_ n: Int, settlesAt: UInt64 = 999_540) -> Receipts.Receipt {
    var r = placement(n, placedAt: settlesAt - 100, settlesAt: settlesAt)
    r.kind = .settlement
    r.settlementPrice = 9_800_000_000_000
    r.outcome = n % 2 == 0 ? .win : .loss
    r.payout = n % 2 == 0 ? r.stake * 19 / 10 : 0
    return r
}

/// Appends receipts to the `outbox` of the core's SQLite database at `path`, as the prediction core does.
func appendToOutbox(path: String, _ receipts: [Receipts.Receipt]) async throws {
    let core = try DatabasePool(path: path)
    try await core.write { db in
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, leaf BLOB NOT NULL, receipt BLOB NOT NULL)")
        for r in receipts {
            try db.execute(sql: "INSERT INTO outbox(kind, leaf, receipt) VALUES (?, ?, ?)",
                           arguments: [Int64(r.kind.rawValue), Data(r.leaf.bytes), Data(r.abiEncoded)])
        }
    }
}

/// The store a test runs against: every behaviour test runs on both.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// The private PostgreSQL cluster of this test process (started on first use, removed when the process exits).
let postgresCluster: Result<PostgresCluster, any Error> = Result { try PostgresCluster() }

struct Harness {
    let backend: Backend
    /// The SQLite file: the store itself (SQLite), or the core's database whose outbox the PostgreSQL store claims.
    let path = temporaryDatabase()
    /// The PostgreSQL database URL (PostgreSQL only).
    let url: String?
    let queue: any BatchQueue
    let chain = FakeChain()
    let clock = ManualClock()
    var configuration = BatchWriterConfiguration()

    init(_ backend: Backend, _ configure: (inout BatchWriterConfiguration) -> Void = { _ in }) async throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            url = nil
            queue = try SQLiteBatchQueue(path: path)
        case .postgres:
            let url = try postgresCluster.get().createDatabase(prefix: "batchwriter")
            self.url = url
            queue = try await PostgresBatchQueue(url: url, outboxPath: path)
        }
        configure(&configuration)
    }

    /// Another queue over the same store (what a restart opens).
    func reopen() async throws -> any BatchQueue {
        switch backend {
        case .sqlite: return try SQLiteBatchQueue(path: path)
        case .postgres: return try await PostgresBatchQueue(url: try #require(url), outboxPath: path)
        }
    }

    /// Appends receipts to the core's outbox (the SQLite file), as the prediction core does.
    func appendToOutbox(_ receipts: [Receipts.Receipt]) async throws { try await BatchWriterTests.appendToOutbox(path: path, receipts) }

    /// A fresh engine over the same store and chain (what a restart gets).
    func engine(chain: FakeChain? = nil, prices: CorePriceLog? = nil) async throws -> BatchWriterEngine {
        try await BatchWriterEngine(queue: queue, chain: chain ?? self.chain, configuration: configuration, now: clock.closure, prices: prices)
    }

    /// Every receipt of the store is in exactly one final batch whose id is anchored once with its root, and its proof
    /// leads to that root.
    func checkInvariants(expected: Int) async throws {
        let batches = try await queue.batches(kind: nil, states: [], after: nil, limit: .max)
        var seen = Set<Bytes32>()
        for batch in batches where batch.state != .abandoned {
            #expect(batch.state == .final, "batch \(batch.id) is \(batch.state)")
            #expect(chain.state.withLock { $0.anchorEvents[batch.id.word] } == 1)
            #expect(try await chain.anchoredAt(batch.id, root: batch.root) != nil)
            if batch.id.kind == .dailyPriceRoot { continue }  // price leaves, not receipts
            let receipts = try await queue.receipts(of: batch.id)
            #expect(receipts.count == batch.count)
            for r in receipts {
                #expect(seen.insert(r.leaf).inserted, "receipt \(r.leaf) twice")
                #expect(MerkleTree.verify(root: batch.root, leaf: r.leaf, proof: r.proof ?? []))
            }
        }
        #expect(seen.count == expected)
        #expect(try await queue.backlog().values.reduce(0, +) == 0)
    }
}

@Suite("BatchWriterEngine over SQLite and PostgreSQL and an in-memory chain")
struct BatchWriterEngineTests {
    @Test(arguments: Backend.allCases) func ingestIsIdempotentPerReceiptAndRefusesConflicts(backend: Backend) async throws {
        let h = try await Harness(backend)
        let a = placement(1), b = placement(2)
        #expect(try await h.queue.ingest([a, b], now: 1) == [.stored, .stored])
        #expect(try await h.queue.ingest([a], now: 2) == [.duplicate])
        var forged = a
        forged.stake += 1
        await #expect(throws: BatchQueueError.conflict(index: 1, existing: a.leaf)) { try await h.queue.ingest([placement(3), forged], now: 3) }
        #expect(try await h.queue.pending(kind: .placement).count == 2)  // all or nothing: placement(3) was not stored
        #expect(try await h.queue.receipt(a.leaf)?.receipt == a)
        // Within one body: outcomes in the body's order whatever the leaves' order; the first copy is the one stored;
        // two receipts of one prediction conflict at the later index, whichever leaf sorts first.
        let many = (10..<40).map { placement($0) }.shuffled()
        let body = many + [many[7], a]
        let outcomes = try await h.queue.ingest(body, now: 4)
        #expect(outcomes == Array(repeating: .stored, count: many.count) + [.duplicate, .duplicate])
        for r in many { #expect(try await h.queue.receipt(r.leaf)?.receipt == r) }
        var early = placement(50), late = placement(50)
        late.stake += 1
        if early.leaf < late.leaf { swap(&early, &late) }  // the later receipt's leaf sorts first
        await #expect(throws: BatchQueueError.conflict(index: 2, existing: early.leaf)) {
            try await h.queue.ingest([placement(51), early, late], now: 5)
        }
        let storedEarly = try await h.queue.receipt(early.leaf), storedOther = try await h.queue.receipt(placement(51).leaf)
        #expect(storedEarly == nil && storedOther == nil)  // all or nothing
    }

    @Test func decodesTheABIEncodingBack() throws {
        let r = settlement(5)
        #expect(try Receipts.Receipt(abiEncoded: r.abiEncoded) == r)
        var bad = r.abiEncoded
        bad[1 * 32 + 31] = 9
        #expect(throws: ReceiptError.self) { try Receipts.Receipt(abiEncoded: bad) }
    }

    @Test(arguments: Backend.allCases) func claimsTheCoreOutboxThroughACursor(backend: Backend) async throws {
        let h = try await Harness(backend)
        let receipts = (0..<50).map { settlement($0) }
        try await h.appendToOutbox(receipts)
        #expect(try await h.queue.claimOutbox(limit: 30, now: 1) == 30)
        #expect(try await h.queue.claimOutbox(limit: 30, now: 1) == 20)
        #expect(try await h.queue.claimOutbox(limit: 30, now: 1) == 0)
        #expect(try await h.queue.pending(kind: .settlement).count == 50)
        // A second queue over the same file resumes after the cursor.
        let again = try await h.reopen()
        #expect(try await again.claimOutbox(limit: 100, now: 1) == 0)
        await again.shutdown()
    }

    @Test(arguments: Backend.allCases) func closesOnSizeThenOnAgeAndAnchorsEachBatchOnce(backend: Backend) async throws {
        let h = try await Harness(backend) { $0.maxBatchSize = 1000; $0.maxAgeMillis = 5_000 }
        h.chain.state.withLock { $0.automine = true }
        let engine = try await h.engine()
        _ = try await h.queue.ingest((0..<2_500).map { settlement($0) }, now: h.clock.closure())
        let first = try await engine.step()
        #expect(first.closed.count == 2)  // two full batches; 500 wait for age
        #expect(try await h.queue.pending(kind: .settlement).count == 500)
        let second = try await engine.step()
        #expect(second.closed.isEmpty)
        h.clock.advance(ms: 5_000)
        let third = try await engine.step()
        #expect(third.closed.count == 1)
        try await engine.step()
        try await h.checkInvariants(expected: 2_500)
        let ids = try await h.queue.batches(kind: .settlement, states: [.final], after: nil, limit: 10).map(\.id.sequence)
        #expect(ids == [1, 2, 3])
    }

    @Test(arguments: Backend.allCases) func placementsCloseOnTheirDeadlineWithTheLead(backend: Backend) async throws {
        let h = try await Harness(backend) { $0.maxAgeMillis = 3_600_000; $0.placementLeadSeconds = 60; $0.anchorAllowanceSeconds = 30 }
        h.chain.state.withLock { $0.automine = true }
        let engine = try await h.engine()
        // Chain time is 1,000,000; a mark 200 s ahead does not force a close yet, 80 s ahead does.
        _ = try await h.queue.ingest([placement(1, settlesAt: 1_000_200)], now: h.clock.closure())
        #expect(try await engine.step().closed.isEmpty)
        _ = try await h.queue.ingest([placement(2, settlesAt: 1_000_080)], now: h.clock.closure())
        #expect(try await engine.step().closed.count == 1)
        try await engine.step()
        let batch = try #require(try await h.queue.batches(kind: .placement, states: [.final], after: nil, limit: 1).first)
        #expect(batch.count == 2)
        #expect(batch.leadTime == 1_000_080 - Int64(batch.anchoredAt!))
        #expect(batch.leadTime! >= 60)
    }

    @Test(arguments: Backend.allCases) func receiptsFromTheChainsFutureWait(backend: Backend) async throws {
        let h = try await Harness(backend)
        h.chain.state.withLock { $0.automine = true }
        let engine = try await h.engine()
        _ = try await h.queue.ingest([placement(1, placedAt: 2_000_000, settlesAt: 2_000_340)], now: 0)
        #expect(try await engine.step(flush: true).closed.isEmpty)
        #expect(try await h.queue.pending(kind: .placement).count == 1)
    }

    @Test(arguments: Backend.allCases) func aCrashAfterClosingResendsTheSameBytes(backend: Backend) async throws {
        let h = try await Harness(backend)
        _ = try await h.queue.ingest((0..<10).map { settlement($0) }, now: 0)
        // Close with the node refusing sends (the process "dies" before anything reached the chain).
        h.chain.state.withLock { $0.failBroadcasts = 1 }
        let first = try await h.engine()
        await #expect(throws: (any Error).self) { try await first.step(flush: true) }
        let closed = try #require(try await h.queue.batches(kind: nil, states: [.closed], after: nil, limit: 10).first)
        let signed = try await h.queue.transactions(of: closed.id)
        #expect(signed.count == 1)
        // Restart: reconcile sends the recorded bytes.
        let second = try await h.engine()
        try await second.reconcile()
        h.chain.mine()
        try await second.step()
        let final = try #require(try await h.queue.batch(closed.id))
        #expect(final.state == .final)
        #expect(final.anchorTransaction == signed[0].hash)
        try await h.checkInvariants(expected: 10)
    }

    @Test(arguments: Backend.allCases) func aLostAnswerAfterAcceptanceAnchorsOnce(backend: Backend) async throws {
        let h = try await Harness(backend)
        _ = try await h.queue.ingest((0..<10).map { settlement($0) }, now: 0)
        h.chain.state.withLock { $0.loseAnswers = 1 }
        let engine = try await h.engine()
        await #expect(throws: (any Error).self) { try await engine.step(flush: true) }
        h.chain.mine()
        try await engine.step()
        try await h.checkInvariants(expected: 10)
        #expect(try await h.queue.transactions(of: BatchID(kind: .settlement, sequence: 1)).count == 1)
    }

    @Test(arguments: Backend.allCases) func aStuckTransactionIsReplacedAndTheReplacementRecordedFirst(backend: Backend) async throws {
        let h = try await Harness(backend) { $0.replaceAfterMillis = 10_000 }
        _ = try await h.queue.ingest((0..<10).map { settlement($0) }, now: 0)
        let engine = try await h.engine()
        try await engine.step(flush: true)
        h.clock.advance(ms: 10_000)
        try await engine.step()
        let id = BatchID(kind: .settlement, sequence: 1)
        let transactions = try await h.queue.transactions(of: id)
        #expect(transactions.count == 2)
        #expect(transactions[1].replaces == transactions[0].hash)
        #expect(transactions[1].nonce == transactions[0].nonce)
        h.chain.mine()
        try await engine.step()
        try await h.checkInvariants(expected: 10)
        let after = try await h.queue.transactions(of: id)
        #expect(after.filter { $0.state == .final }.map(\.hash) == [transactions[1].hash])
    }

    @Test(arguments: Backend.allCases) func aFeeSpikeAboveTheCeilingWaitsInsteadOfPaying(backend: Backend) async throws {
        // The fake chain asks maxFee 100 wei; a ceiling of 0 gwei caps every offer at 0: no replacement can beat it.
        let h = try await Harness(backend) { $0.replaceAfterMillis = 1_000; $0.maxFeePerGasGwei = 0 }
        _ = try await h.queue.ingest((0..<3).map { settlement($0) }, now: 0)
        let engine = try await h.engine()
        try await engine.step(flush: true)
        for _ in 0..<3 {
            h.clock.advance(ms: 2_000)
            try await engine.step()
        }
        let transactions = try await h.queue.transactions(of: BatchID(kind: .settlement, sequence: 1))
        #expect(transactions.count == 1)
        #expect(transactions[0].maxFee == "0")
        h.chain.mine()
        try await engine.step()
        try await h.checkInvariants(expected: 3)
    }

    @Test(arguments: Backend.allCases) func aReorgTakesAnIncludedBatchBackToWaiting(backend: Backend) async throws {
        let h = try await Harness(backend) { $0.confirmations = 3 }
        _ = try await h.queue.ingest((0..<10).map { settlement($0) }, now: 0)
        let engine = try await h.engine()
        try await engine.step(flush: true)
        h.chain.mine()
        try await engine.step()
        let id = BatchID(kind: .settlement, sequence: 1)
        #expect(try await h.queue.batch(id)?.state == .included)
        h.chain.reorg(depth: 1)
        try await engine.step()
        #expect(try await h.queue.batch(id)?.state == .sent)
        h.chain.mine()
        h.chain.mine()
        h.chain.mine()
        try await engine.step()
        #expect(try await h.queue.batch(id)?.state == .final)
        try await h.checkInvariants(expected: 10)
    }

    @Test(arguments: Backend.allCases) func anRPCOutageKeepsIngestingAndCatchesUp(backend: Backend) async throws {
        let h = try await Harness(backend) { $0.maxBatchSize = 100 }
        h.chain.state.withLock { $0.automine = true; $0.down = true }
        let engine = try await h.engine()
        for round in 0..<5 {
            #expect(try await engine.ingest((0..<100).map { settlement(round * 100 + $0) }).allSatisfy { $0 == .stored })
            await #expect(throws: (any Error).self) { try await engine.step() }
        }
        #expect(try await h.queue.backlog()[.settlement] == 500)
        #expect(await engine.isRPCHealthy == false)
        h.chain.state.withLock { $0.down = false }
        for _ in 0..<3 { try await engine.step() }
        try await h.checkInvariants(expected: 500)
    }

    @Test(arguments: Backend.allCases) func aRevertedAnchorIsAbandonedAndItsReceiptsRebatched(backend: Backend) async throws {
        let h = try await Harness(backend)
        _ = try await h.queue.ingest((0..<4).map { settlement($0) }, now: 0)
        // Someone anchored id 1 with another root: our anchor of id 1 reverts (`batch id taken`).
        h.chain.state.withLock { $0.anchored[BatchID(kind: .settlement, sequence: 1).word] = (Keccak256.hash(data: [1]), 5) }
        let engine = try await h.engine()
        try await engine.step(flush: true)
        h.chain.mine()
        try await engine.step()
        #expect(try await h.queue.batch(BatchID(kind: .settlement, sequence: 1))?.state == .abandoned)
        h.chain.state.withLock { $0.automine = true }
        try await engine.step(flush: true)
        try await engine.step()
        let final = try await h.queue.batches(kind: .settlement, states: [.final], after: nil, limit: 10)
        #expect(final.map(\.id.sequence) == [2])
        #expect(final.first?.count == 4)
    }

    @Test(arguments: Backend.allCases) func theProofFileVerifiesOffline(backend: Backend) async throws {
        let h = try await Harness(backend)
        h.chain.state.withLock { $0.automine = true }
        let engine = try await h.engine()
        let receipts = (0..<7).map { settlement($0) }
        _ = try await engine.ingest(receipts)
        #expect(try await engine.proofFile(for: receipts[3].leaf) == nil)
        try await engine.step(flush: true)
        try await engine.step()
        let file = try #require(try await engine.proofFile(for: receipts[3].leaf))
        #expect(file.offlineChecks().allSatisfy { $0.passed })
        #expect(file.registry == h.chain.registry)
        // The CLI's path: settings read from the store.
        let again = try #require(try await ProofFiles.proofFile(queue: h.queue, leaf: receipts[3].leaf))
        #expect(again == file)
    }
}

@Suite("The batch writer over the prediction core's own outbox")
struct CoreOutboxTests {
    @Test(arguments: Backend.allCases) func anchorsWhatTheDurableEngineCommits(backend: Backend) async throws {
        let h = try await Harness(backend) { $0.maxAgeMillis = 0 }
        h.chain.state.withLock { $0.automine = true }
        let asset = try AssetID(symbol: "BTC-USD")
        let mark: UInt64 = 1_795_608_540
        let store = try DurableEngine(path: h.path, configuration: EngineConfiguration(
            limits: try StakeLimits(minimum: 1, maximum: 1_000_000_000, exposureCap: 1_000_000_000_000), entropy: .seeded(42)))
        try store.addAsset(asset)
        try store.setCurrentPrice(9_712_345_678_901, asset: asset)
        let users = try (0..<5).map { i in try store.registerUser(address: PredictionEngine.address(forUserName: "u\(i)")) }
        for u in users { try store.deposit(1_000_000_000_000, to: u) }
        let placed = try store.place(batch: (0..<30).map { i in
            (PlacementRequest(user: users[i % 5], asset: asset, direction: i & 1 == 0 ? .up : .down, stake: 1_000_000 + UInt64(i)), mark - 300)
        })
        #expect(placed.allSatisfy { if case .success = $0 { true } else { false } })
        try store.lock(asset: asset, settlesAt: mark, price: 9_712_345_678_901)
        _ = try store.settle(asset: asset, settlesAt: mark, price: 9_800_000_000_000)
        let leaves = try store.outboxLeaves()
        #expect(leaves.count == 60)
        // Chain time past the mark: every receipt is anchorable.
        h.chain.state.withLock { $0.time = mark + 10 }
        h.chain.mine()
        let engine = try await h.engine()
        try await engine.step()
        try await engine.step()
        try await h.checkInvariants(expected: 60)
        #expect(Set(try await h.queue.batches(kind: nil, states: [.final], after: nil, limit: 10).map(\.id.kind)) == [.placement, .settlement])
        for leaf in leaves { #expect(try await h.queue.receipt(leaf)?.batchId != nil) }
        // The core keeps writing while the queue is open: more placements are claimed on the next step.
        _ = try store.place(batch: [(PlacementRequest(user: users[0], asset: asset, direction: .up, stake: 7_000_000), mark + 100)])
        h.chain.state.withLock { $0.time = mark + 200 }
        h.chain.mine()
        #expect(try await engine.step().claimed == 1)
    }
}
