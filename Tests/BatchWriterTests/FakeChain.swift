import BatchWriter
import EVM
import EVMRPC
import Receipts
import Synchronization

/// An in-memory chain with the registry's anchoring rules, a pool with per-nonce replacement, explicit mining,
/// reorgs and faults (failed sends, answers lost after acceptance, transactions dropped from the pool).
final class FakeChain: AnchorChain {
    struct Tx {
        var call: AnchorCall
        var nonce: UInt64
        var fees: Fees
        var hash: Bytes32
    }
    struct Block {
        var number: UInt64
        var hash: Bytes32
        var timestamp: UInt64
        var txs: [(hash: Bytes32, succeeded: Bool)]
        var anchoredIds: [Bytes32]
    }
    struct State {
        var signed: [Bytes32: Tx] = [:]
        var pool: [UInt64: Tx] = [:]
        var blocks: [Block] = [Block(number: 0, hash: Keccak256.hash(data: [0]), timestamp: 1_000_000, txs: [], anchoredIds: [])]
        var anchored: [Bytes32: (root: Bytes32, at: UInt64)] = [:]
        var anchorEvents: [Bytes32: Int] = [:]
        var nonce: UInt64 = 0
        var time: UInt64 = 1_000_000
        var automine = false
        var failBroadcasts = 0
        var loseAnswers = 0
        var dropFromPool = false
        var down = false
        var broadcasts = 0
        var salt: UInt8 = 0
    }
    let state = Mutex(State())
    let chainId: UInt64 = 31337
    let registry = try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")
    let writer: Address

    /// A chain whose writer account is `writer`.
    init(writer: Address = try! Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")) {
        self.writer = writer
    }

    struct Down: Error {}

    private func check() throws { if state.withLock({ $0.down }) { throw Down() } }

    func head() async throws -> ChainHead {
        try check()
        return state.withLock { s in ChainHead(number: s.blocks.last!.number, timestamp: s.blocks.last!.timestamp) }
    }

    func finalizedBlock() async throws -> UInt64? { nil }

    func nonce(pending: Bool) async throws -> UInt64 {
        try check()
        return state.withLock { s in
            var n = s.nonce
            if pending { while s.pool[n] != nil { n += 1 } }
            return n
        }
    }

    func fees() async throws -> Fees {
        try check()
        return .eip1559(maxFeePerGas: 100, maxPriorityFeePerGas: 10)
    }

    func sign(_ call: AnchorCall, nonce: UInt64, fees: Fees, gasLimit: UInt64) async throws -> RawTransaction {
        var raw = call.calldata
        withUnsafeBytes(of: nonce.bigEndian) { raw.append(contentsOf: $0) }
        raw.append(contentsOf: Array(fees.description.utf8))
        let signed = RawTransaction(raw: raw, nonce: nonce, fees: fees, gasLimit: gasLimit)
        state.withLock { $0.signed[signed.hash] = Tx(call: call, nonce: nonce, fees: fees, hash: signed.hash) }
        return signed
    }

    func broadcast(_ raw: [UInt8]) async throws -> BroadcastResult {
        try check()
        let hash = Keccak256.hash(data: raw)
        let result: Result<BroadcastResult, Down> = state.withLock { s in
            s.broadcasts += 1
            if s.failBroadcasts > 0 { s.failBroadcasts -= 1; return .failure(Down()) }
            guard let tx = s.signed[hash] else { return .success(.refused("unknown bytes")) }
            if tx.nonce < s.nonce { return .success(.nonceUsed) }
            if let existing = s.pool[tx.nonce], existing.hash != hash {
                guard tx.fees.maxPerGas >= existing.fees.maxPerGas + existing.fees.maxPerGas / 10 else {
                    return .success(.refused("replacement transaction underpriced"))
                }
            }
            if !s.dropFromPool { s.pool[tx.nonce] = tx }
            if s.loseAnswers > 0 { s.loseAnswers -= 1; return .failure(Down()) }
            return .success(.accepted)
        }
        let value = try result.get()
        if state.withLock({ $0.automine }) { mine() }
        return value
    }

    /// Mines one block with every pool transaction that is next in nonce order.
    @discardableResult
    func mine(advance seconds: UInt64 = 2) -> UInt64 {
        state.withLock { s in
            s.time += seconds
            s.salt &+= 1
            let number = s.blocks.last!.number + 1
            var block = Block(number: number, hash: Keccak256.hash(data: [UInt8](repeating: s.salt, count: 3) + withUnsafeBytes(of: number) { Array($0) }),
                              timestamp: s.time, txs: [], anchoredIds: [])
            while let tx = s.pool.removeValue(forKey: s.nonce) {
                s.nonce += 1
                let id = tx.call.batchId.word
                var ok = tx.call.lastTime <= s.time && tx.call.count > 0
                if let existing = s.anchored[id] {
                    if existing.root != tx.call.root { ok = false }
                } else if ok {
                    s.anchored[id] = (tx.call.root, s.time)
                    s.anchorEvents[id, default: 0] += 1
                    block.anchoredIds.append(id)
                }
                block.txs.append((tx.hash, ok))
            }
            s.blocks.append(block)
            return number
        }
    }

    /// Removes the last `depth` blocks; their transactions go back to the pool.
    func reorg(depth: Int) {
        state.withLock { s in
            for _ in 0..<depth {
                let block = s.blocks.removeLast()
                for id in block.anchoredIds {
                    s.anchored[id] = nil
                    s.anchorEvents[id, default: 1] -= 1
                }
                for (hash, _) in block.txs {
                    let tx = s.signed[hash]!
                    s.pool[tx.nonce] = tx
                    s.nonce = min(s.nonce, tx.nonce)
                }
            }
        }
    }

    func inclusion(of hash: Bytes32) async throws -> Inclusion? {
        try check()
        return state.withLock { s in
            for block in s.blocks {
                if let tx = block.txs.first(where: { $0.hash == hash }) {
                    return Inclusion(blockNumber: block.number, blockHash: block.hash, succeeded: tx.succeeded, gasUsed: 53_400)
                }
            }
            return nil
        }
    }

    func timestamp(ofBlock number: UInt64) async throws -> UInt64? {
        try check()
        return state.withLock { s in s.blocks.first { $0.number == number }?.timestamp }
    }

    func anchoredAt(_ id: BatchID, root: Bytes32) async throws -> UInt64? {
        try check()
        return state.withLock { s in s.anchored[id.word].flatMap { $0.root == root ? $0.at : nil } }
    }

    func isAnchored(_ id: BatchID) async throws -> Bool {
        try check()
        return state.withLock { s in s.anchored[id.word] != nil }
    }
}
