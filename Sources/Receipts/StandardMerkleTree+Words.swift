import Dispatch
import EVM
import Foundation

// The standard-v1 dump of a tree whose values are held as their ABI words (simple static types only: one 32-byte word
// per type), written in chunks rendered two at a time on two threads and handed to the sink in file order. The bytes are
// exactly those of `writeDump(to:)` / `dump().jsonText` for the same values (StandardDumpWordsTests checks every type).
extension StandardMerkleTree {
    /// Writes the standard-v1 dump of `tree`, whose value `i` is the ABI encoding at `encodedValues[32·k·i ..< 32·k·(i+1)]`
    /// (k = `leafEncoding.count`, every type one `isSimpleStatic` accepts), in chunks of about `chunkSize` bytes, each
    /// valid only during its `sink` call (the chunk buffers, at most six, are reused). The output is byte for byte
    /// `writeDump(to:)` of the same values.
    /// - Throws: ``Failure/malformedDump(_:)`` when the types are not simple static ones or the words do not match the
    ///   tree's leaf count; whatever `sink` throws.
    public static func writeDump(leafEncoding: [ABIType], tree: MerkleTree, encodedValues: UnsafeRawBufferPointer,
                                 chunkSize: Int = 1 << 22, to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let rowLength = 32 * leafEncoding.count
        guard !leafEncoding.isEmpty, isSimpleStatic(leafEncoding) else {
            throw Failure.malformedDump("the word writer takes uintN, address, bool and bytesN values only")
        }
        guard encodedValues.count == rowLength * tree.count else {
            throw Failure.malformedDump("\(encodedValues.count) bytes of values for \(tree.count) leaves of \(rowLength) bytes")
        }
        var header: [UInt8] = Array(#"{"format":"standard-v1","leafEncoding":"#.utf8)
        JSONValue.array(leafEncoding.map { .string($0.description) }).write(to: &header)
        header.append(contentsOf: #","tree":["#.utf8)
        try header.withUnsafeBytes { try sink($0) }
        let writer = WordDumpWriter(types: leafEncoding, tree: tree, values: encodedValues)
        let nodesPerChunk = max(1, chunkSize / 69), valuesPerChunk = max(1, chunkSize / writer.maxValueBytes)
        var jobs: [WordDumpWriter.Job] = stride(from: 0, to: tree.nodes.count, by: nodesPerChunk).map {
            .nodes($0..<min(tree.nodes.count, $0 + nodesPerChunk))
        }
        jobs.append(.text(Array(#"],"values":["#.utf8)))
        jobs += stride(from: 0, to: tree.count, by: valuesPerChunk).map { .values($0..<min(tree.count, $0 + valuesPerChunk)) }
        jobs.append(.text(Array("]}".utf8)))
        try writer.run(jobs, sink: sink)
    }
}

/// Renders the chunks of a word dump; every method reads only immutable state, so chunks render on any thread.
private struct WordDumpWriter: @unchecked Sendable {
    enum Job { case text([UInt8]), nodes(Range<Int>), values(Range<Int>) }

    /// How a column's word is written; unlike `ABIType` (an indirect enum), switching over it retains nothing.
    enum Column { case address, uint, bool, fixedBytes(Int) }

    let types: [ABIType]
    let columns: [Column]
    /// The positions of the address columns.
    let addressColumns: [Int]
    let tree: MerkleTree
    /// The values' words, valid while `writeDump` runs (it waits for every render before returning).
    let values: UnsafeRawBufferPointer
    /// The most bytes one value entry can take, with its separator.
    let maxValueBytes: Int

    init(types: [ABIType], tree: MerkleTree, values: UnsafeRawBufferPointer) {
        self.types = types
        columns = types.map {
            switch $0 {
            case .address: .address
            case .bool: .bool
            case .fixedBytes(let n): .fixedBytes(n)
            default: .uint  // writeDump admits uintN, address, bool and bytesN only
            }
        }
        addressColumns = types.indices.filter { types[$0] == .address }
        self.tree = tree
        self.values = values
        // `,{"value":[` … `],"treeIndex":` digits `}`; per item at most `"0x` + 64 digits + `",` (a uint256 has 78 digits).
        maxValueBytes = 11 + 15 + 20 + 1 + types.count * 81
    }

    /// Renders the jobs on two worker threads, at most four chunks ahead of the writer, while the calling thread hands
    /// them to `sink` in order (writing overlaps rendering). Chunks are rendered into buffers that are reused once
    /// written (no fresh pages to fault in and zero for every chunk). If `sink` throws, the workers stop and are waited for.
    func run(_ jobs: [Job], sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let capacity = jobs.map(capacity(of:)).max() ?? 0
        let queue = RenderQueue(count: jobs.count, window: 4, bufferSize: capacity)
        let done = DispatchGroup()
        let writer = self
        for _ in 0..<2 {
            done.enter()
            Thread.detachNewThread {
                while let (k, buffer) = queue.nextJob() { queue.finish(k, buffer, writer.render(jobs[k], into: buffer)) }
                done.leave()
            }
        }
        defer {
            queue.stop()
            done.wait()
            queue.deallocate()
        }
        for k in 0..<jobs.count {
            let (buffer, count) = queue.take(k)
            try sink(UnsafeRawBufferPointer(start: buffer, count: count))
            queue.recycle(buffer)
        }
    }

    /// The buffer size `job` needs: its text, 69 bytes per node, or `maxValueBytes` per value plus the scratch space
    /// of its addresses' EIP-55 spellings (40 bytes each).
    func capacity(of job: Job) -> Int {
        switch job {
        case .text(let bytes): bytes.count
        case .nodes(let range): range.count * 69
        case .values(let range): range.count * (maxValueBytes + 40 * addressColumns.count)
        }
    }

    /// Renders `job` at `out` (at least `capacity(of: job)` bytes); the number of bytes written.
    func render(_ job: Job, into out: UnsafeMutablePointer<UInt8>) -> Int {
        switch job {
        case .text(let bytes):
            out.update(from: bytes, count: bytes.count)
            return bytes.count
        case .nodes(let range): return renderNodes(range, into: out)
        case .values(let range): return renderValues(range, into: out)
        }
    }

    /// `"0x…"` for each node of `range`, comma-separated (and a leading comma unless it starts the array).
    func renderNodes(_ range: Range<Int>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        tree.nodes.withUnsafeBufferPointer { nodes in
            var o = Cursor(out)
            for i in range {
                o.put(i > 0 ? #","0x"# : #""0x"#)
                let node = UnsafeRawPointer(nodes.baseAddress! + i).assumingMemoryBound(to: UInt8.self)
                WordText.hex(node, count: 32, into: o.p)
                o.p += 64
                o.put("\"")
            }
            return o.p - out
        }
    }

    /// The value entries of `range`, comma-separated (and a leading comma unless it starts the array); the block's
    /// addresses get their EIP-55 spelling first, four Keccak hashes at a time, in the scratch space after the
    /// entries' room (`range.count · maxValueBytes`).
    func renderValues(_ range: Range<Int>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let rowLength = 32 * types.count
        let words = values.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let columns = self.columns, addressColumns = self.addressColumns
        let checksums = out + range.count * maxValueBytes
        var a = checksums
        for i in range {
            for column in addressColumns {
                WordText.hex(words + i * rowLength + 32 * column + 12, count: 20, into: a)
                a += 40
            }
        }
        EIP55.applyChecksums(checksums, count: range.count * addressColumns.count)
        return tree.treeIndices.withUnsafeBufferPointer { treeIndices in
            var o = Cursor(out)
            var nextAddress = checksums
            for i in range {
                o.put(i > 0 ? #",{"value":["# : #"{"value":["#)
                let row = words + i * rowLength
                for k in 0..<columns.count {
                    if k > 0 { o.put(",") }
                    let word = row + 32 * k
                    switch columns[k] {
                    case .address:
                        o.put("\"0x")
                        o.p.update(from: nextAddress, count: 40)
                        o.p += 40
                        nextAddress += 40
                        o.put("\"")
                    case .uint:
                        o.put("\"")
                        o.p += WordText.decimal(word, into: o.p)
                        o.put("\"")
                    case .bool:
                        o.put(word[31] != 0 ? "true" : "false")
                    case .fixedBytes(let n):
                        o.put("\"0x")
                        WordText.hex(word, count: n, into: o.p)
                        o.p += 2 * n
                        o.put("\"")
                    }
                }
                o.put(#"],"treeIndex":"#)
                o.p += WordText.decimal(UInt64(treeIndices[i]), into: o.p)
                o.put("}")
            }
            return o.p - out
        }
    }
}

/// A write position in a buffer sized for what is written.
private struct Cursor {
    var p: UnsafeMutablePointer<UInt8>
    init(_ p: UnsafeMutablePointer<UInt8>) { self.p = p }

    @inline(__always)
    mutating func put(_ text: StaticString) {
        p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        p += text.utf8CodeUnitCount
    }
}

/// The chunks of a word dump between the rendering threads and the writer: jobs are handed out in order, at most
/// `window` ahead of the last one taken, each with a buffer of `bufferSize` bytes, and taken in order; a written
/// buffer comes back through `recycle` (so at most `window` + 2 buffers ever exist).
private final class RenderQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int, window: Int, bufferSize: Int
    private var next = 0, taken = 0, stopped = false
    private var ready: [Int: (UnsafeMutablePointer<UInt8>, Int)] = [:]
    private var free: [UnsafeMutablePointer<UInt8>] = [], all: [UnsafeMutablePointer<UInt8>] = []

    init(count: Int, window: Int, bufferSize: Int) {
        self.count = count
        self.window = window
        self.bufferSize = max(1, bufferSize)
    }

    /// The next job to render and a buffer for it, waiting while the window is full; nil when every job is handed out
    /// or the queue stopped.
    func nextJob() -> (Int, UnsafeMutablePointer<UInt8>)? {
        condition.lock()
        defer { condition.unlock() }
        while !stopped && next < count && next - taken >= window { condition.wait() }
        guard !stopped, next < count else { return nil }
        next += 1
        if let buffer = free.popLast() { return (next - 1, buffer) }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bufferSize)
        all.append(buffer)
        return (next - 1, buffer)
    }

    func finish(_ k: Int, _ buffer: UnsafeMutablePointer<UInt8>, _ length: Int) {
        condition.lock()
        ready[k] = (buffer, length)
        condition.broadcast()
        condition.unlock()
    }

    /// Job `k`'s buffer and length, waiting until it is rendered (jobs are taken in order).
    func take(_ k: Int) -> (UnsafeMutablePointer<UInt8>, Int) {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let entry = ready.removeValue(forKey: k) {
                taken = k + 1
                condition.broadcast()
                return entry
            }
            condition.wait()
        }
    }

    /// A buffer whose chunk is written, for the next job.
    func recycle(_ buffer: UnsafeMutablePointer<UInt8>) {
        condition.lock()
        free.append(buffer)
        condition.unlock()
    }

    /// No more jobs are handed out (workers finish the one they render).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Frees every buffer; only once the workers are done.
    func deallocate() {
        condition.lock()
        defer { condition.unlock() }
        for buffer in all { buffer.deallocate() }
        all = []
        free = []
        ready = [:]
    }
}

/// Text of words and integers written straight into a buffer.
enum WordText {
    /// Lower-case hex pairs of each byte in a 512-byte table.
    static let pairs: [UInt8] = (0..<256).flatMap { b -> [UInt8] in
        let digits = Array("0123456789abcdef".utf8)
        return [digits[b >> 4], digits[b & 0xF]]
    }

    /// Writes `2·count` lower-case hex digits of the `count` bytes at `bytes` to `out`.
    @inline(__always)
    static func hex(_ bytes: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>) {
        pairs.withUnsafeBufferPointer { t in
            for j in 0..<count {
                let b = Int(bytes[j]) << 1
                out[2 * j] = t[b]
                out[2 * j + 1] = t[b + 1]
            }
        }
    }

    /// Writes the decimal digits of `value` to `out` (at most 20) and returns how many.
    @inline(__always)
    static func decimal(_ value: UInt64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { raw in
            let d = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var o = 24, v = value
            repeat {
                o -= 1
                d[o] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            } while v != 0
            out.update(from: d + o, count: 24 - o)
            return 24 - o
        }
    }

    /// Writes the decimal digits of the big-endian 32-byte unsigned integer at `word` to `out` (at most 78) and returns
    /// how many: the number is divided by 10^19 (one hardware division per limb) until it fits 64 bits.
    static func decimal(_ word: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        func limb(_ k: Int) -> UInt64 { UInt64(bigEndian: UnsafeRawPointer(word + 8 * k).loadUnaligned(as: UInt64.self)) }
        var l0 = limb(0), l1 = limb(1), l2 = limb(2), l3 = limb(3)  // most significant first
        // Base-10^19 digits below the top one, least significant first (2^256 has 78 digits: at most 4 of them).
        var chunks: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        let base: UInt64 = 10_000_000_000_000_000_000
        while l0 | l1 | l2 != 0 {
            var r: UInt64 = 0
            (l0, r) = base.dividingFullWidth((0, l0))
            (l1, r) = base.dividingFullWidth((r, l1))
            (l2, r) = base.dividingFullWidth((r, l2))
            (l3, r) = base.dividingFullWidth((r, l3))
            withUnsafeMutableBytes(of: &chunks) { $0.storeBytes(of: r, toByteOffset: 8 * count, as: UInt64.self) }
            count += 1
        }
        var o = decimal(l3, into: out)
        while count > 0 {
            count -= 1
            // Every lower chunk has exactly 19 digits, leading zeros included.
            var c = withUnsafeBytes(of: chunks) { $0.load(fromByteOffset: 8 * count, as: UInt64.self) }
            for j in stride(from: 18, through: 0, by: -1) {
                out[o + j] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: c % 10)
                c /= 10
            }
            o += 19
        }
        return o
    }
}
