import BatchWriter
import EVM
import EVMRPC
import Foundation
import PredictionStore
import Receipts
import Testing

/// Three writers (three keys) on one PostgreSQL store: disjoint batches, nonces per key, each following its own batches.
@Suite("Several batch writers sharing one PostgreSQL store")
struct SharedStoreTests {
    static let writers = [
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    ].map { try! Address($0) }

    @Test func concurrentWritersCloseDisjointBatchesEachWithItsOwnKey() async throws {
        let url = try postgresCluster.get().createDatabase(prefix: "shared")
        var queues: [PostgresBatchQueue] = []
        var chains: [FakeChain] = []
        var engines: [BatchWriterEngine] = []
        var configuration = BatchWriterConfiguration()
        configuration.maxBatchSize = 40
        for writer in Self.writers {
            let queue = try await PostgresBatchQueue(url: url)  // each its own pool, as separate daemons have
            let chain = FakeChain(writer: writer)
            chain.state.withLock { $0.automine = true }
            queues.append(queue)
            chains.append(chain)
            engines.append(try await BatchWriterEngine(queue: queue, chain: chain, configuration: configuration))
        }
        // Producers keep ingesting (through any writer) while all three step at once.
        let total = 1_200
        let writers = engines
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                var stored = 0
                for round in 0..<12 {
                    let receipts = (0..<100).map { settlement(round * 100 + $0) }
                    stored += try await writers[round % 3].ingest(receipts).filter { $0 == .stored }.count
                }
                return stored
            }
            for engine in writers {
                group.addTask { for _ in 0..<30 { try await engine.step() }; return 0 }
            }
            var stored = 0
            for try await n in group { stored += n }
            #expect(stored == total)
        }
        for _ in 0..<3 {
            for engine in engines { try await engine.step(flush: true) }
        }
        for engine in engines { try await engine.step() }

        let store = queues[0]
        let batches = try await store.batches(kind: nil, states: [], after: nil, limit: .max)
        var seen = Set<Bytes32>()
        var perWriter: [Address: Int] = [:]
        for batch in batches {
            #expect(batch.state == .final, "batch \(batch.id) is \(batch.state)")
            // Anchored exactly once, on the chain of the writer that signed it, and never by another writer.
            let transactions = try await store.transactions(of: batch.id)
            let senders = Set(transactions.compactMap(\.sender))
            #expect(senders.count == 1, "batch \(batch.id) signed by \(senders)")
            let sender = try #require(senders.first)
            perWriter[sender, default: 0] += 1
            let events = chains.map { chain in chain.state.withLock { $0.anchorEvents[batch.id.word] ?? 0 } }
            #expect(events.reduce(0, +) == 1, "batch \(batch.id) anchored \(events)")
            #expect(events[try #require(Self.writers.firstIndex(of: sender))] == 1)
            for r in try await store.receipts(of: batch.id) {
                #expect(seen.insert(r.leaf).inserted, "receipt \(r.leaf) in two batches")
                #expect(MerkleTree.verify(root: batch.root, leaf: r.leaf, proof: r.proof ?? []))
            }
        }
        #expect(seen.count == total)
        #expect(Set(batches.map(\.id)).count == batches.count)
        #expect(try await store.backlog().values.reduce(0, +) == 0)
        // Nonces are per key: each writer's transactions count up from its own 0 without gaps.
        for (index, writer) in Self.writers.enumerated() {
            let nonces = try await batches.asyncFlatMap { try await store.transactions(of: $0.id) }.filter { $0.sender == writer }.map(\.nonce)
            #expect(nonces.sorted() == Array(0..<UInt64(nonces.count)), "writer \(index): \(nonces.sorted())")
            if let highest = nonces.max() { #expect(try await store.highestNonce(sender: writer) == highest) }
        }
        #expect(perWriter.values.reduce(0, +) == batches.count)
        #expect(perWriter.count >= 2, "load went to \(perWriter)")
        for queue in queues { await queue.shutdown() }
    }

    @Test func theOutboxIsClaimedOnceWhateverTheNumberOfClaimers() async throws {
        let url = try postgresCluster.get().createDatabase(prefix: "claim")
        let core = temporaryDatabase()
        let queues = [try await PostgresBatchQueue(url: url, outboxPath: core), try await PostgresBatchQueue(url: url, outboxPath: core)]
        try await appendToOutbox(path: core, (0..<500).map { settlement($0) })
        var claimed = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            for queue in queues { group.addTask { var n = 0; for _ in 0..<10 { n += try await queue.claimOutbox(limit: 60, now: 1) }; return n } }
            for try await n in group { claimed += n }
        }
        while true {
            let n = try await queues[0].claimOutbox(limit: 1_000, now: 1)
            if n == 0 { break }
            claimed += n
        }
        #expect(claimed == 500)
        #expect(try await queues[1].pending(kind: .settlement).count == 500)
        for queue in queues { await queue.shutdown() }
    }

    @Test func databaseURLsAreParsedOrRefusedClearly() throws {
        let location = try PostgresLocation(url: "postgres://writer:s%40cret@127.0.0.1:6543/batches")
        #expect(location.host == "127.0.0.1" && location.port == 6543 && location.user == "writer")
        #expect(location.password == "s@cret" && location.database == "batches")
        #expect(location.description == "postgres://writer@127.0.0.1:6543/batches")
        let defaults = try PostgresLocation(url: "postgresql://db.internal")
        #expect(defaults.port == 5432 && defaults.user == "postgres" && defaults.database == "postgres")
        for bad in ["mysql://x@h/db", "postgres://", "postgres://u@h:99999/db", "postgres://u@h/a/b", "postgres://u@h/db?sslmode=require"] {
            #expect(throws: BatchQueueError.self, "\(bad)") { try PostgresLocation(url: bad) }
        }
    }

    @Test func anUnreachableServerIsAnErrorNotAHang() async throws {
        let started = ContinuousClock.now
        let error = await #expect(throws: BatchQueueError.self) { try await PostgresBatchQueue(url: "postgres://postgres@127.0.0.1:1/none") }
        // Alone this takes about 2 s; under the whole suite's parallel load on 2 cores it measured 45 s and once 148 s
        // (while three builds ran beside it): the suite's synchronous subprocess tests hold the two cooperative threads.
        // A hang never returns, so the bound only has to be finite.
        #expect(ContinuousClock.now - started < .seconds(300))
        #expect("\(error.map { "\($0)" } ?? "")".contains("cannot connect to postgres://postgres@127.0.0.1:1/none"))
        // A database that does not exist: the server's own words.
        let cluster = try postgresCluster.get()
        let missing = await #expect(throws: BatchQueueError.self) { try await PostgresBatchQueue(url: cluster.url(database: "no_such_db")) }
        #expect("\(missing.map { "\($0)" } ?? "")".contains("no_such_db"))
    }
}

extension Array {
    /// `flatMap` with an async transform, in order.
    func asyncFlatMap<T>(_ transform: (Element) async throws -> [T]) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(contentsOf: try await transform(element)) }
        return result
    }
}
