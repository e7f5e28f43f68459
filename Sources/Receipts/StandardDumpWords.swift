import CKeccakX4
import Dispatch
import EVM
import Foundation

/// A standard-v1 dump of simple static values (`uintN`, `address`, `bool`, `bytesN`) loaded with every check
/// `StandardMerkleTree(dumpBytes:)` makes — every parent node, every value's leaf against the node at its `treeIndex`,
/// the EIP-55 spelling of every mixed-case address — while the values stay ABI words instead of one value object each.
/// For proving one value of a large dump: the tree array is read and checked on one thread while two more read, hash
/// and compare the two halves of the values.
public struct StandardDumpWords: Sendable {
    /// The declared leaf types.
    public let leafEncoding: [ABIType]
    /// The checked tree.
    public let tree: MerkleTree
    /// The ABI words of the values in dump order, 32 bytes per type, in the parts they were read in.
    private let parts: [[UInt8]]

    /// The root.
    public var root: Bytes32 { tree.root }
    /// The number of values.
    public var count: Int { tree.count }

    /// Loads a dump from its UTF-8 bytes; nil when it is not one this reader takes (other types, escapes, another key
    /// order) or when it does not check out. `StandardMerkleTree(dumpBytes:)` then loads it or names the error.
    public init?(dumpBytes bytes: UnsafeRawBufferPointer) {
        guard let loaded = try? StandardDumpWords.load(bytes.bindMemory(to: UInt8.self)) else { return nil }
        self = loaded
    }

    private init(leafEncoding: [ABIType], tree: MerkleTree, parts: [[UInt8]]) {
        self.leafEncoding = leafEncoding
        self.tree = tree
        self.parts = parts
    }

    /// The ABI words of every value in dump order (value `i` at `32·k·i ..< 32·k·(i+1)`), as one new array.
    public func encodedValues() -> [UInt8] { parts.flatMap { $0 } }

    /// The part holding value `index` and the value's offset in it.
    private func locate(_ index: Int) -> (part: Int, offset: Int) {
        let length = 32 * leafEncoding.count
        var i = index
        for (k, part) in parts.enumerated() {
            if i < part.count / length { return (k, i * length) }
            i -= part.count / length
        }
        return (parts.count, 0)
    }

    /// Value `index` as ABI values (nil when out of range).
    public func value(at index: Int) -> [ABIValue]? {
        guard index >= 0, index < count else { return nil }
        let (part, offset) = locate(index)
        return parts[part].withUnsafeBytes { all in
            leafEncoding.enumerated().map { k, type in
                let word = all.baseAddress! + offset + 32 * k
                switch type {
                case .address: return .address(Address(lastBytesOf: Bytes32(unsafeUninitialized: { $0.copyMemory(from: UnsafeRawBufferPointer(start: word, count: 32)) })))
                case .bool: return .bool(word.load(fromByteOffset: 31, as: UInt8.self) != 0)
                case .fixedBytes(let n): return .fixedBytes(Array(UnsafeRawBufferPointer(start: word, count: n)))
                default:
                    func limb(_ j: Int) -> UInt64 { UInt64(bigEndian: word.loadUnaligned(fromByteOffset: 8 * j, as: UInt64.self)) }
                    return .uint(UInt256(limbs: (limb(3), limb(2), limb(1), limb(0))))
                }
            }
        }
    }

    /// Index of the first value equal to `value`, if any.
    public func index(of value: [ABIValue]) -> Int? {
        let length = 32 * leafEncoding.count
        return withUnsafeTemporaryAllocation(byteCount: length, alignment: 8) { wanted -> Int? in
            guard StandardMerkleTree.encodeSimple(value, types: leafEncoding, into: wanted.baseAddress!) else { return nil }
            var before = 0
            for part in parts {
                let rows = part.count / length
                let found = part.withUnsafeBytes { all in
                    (0..<rows).first { memcmp(all.baseAddress! + $0 * length, wanted.baseAddress!, length) == 0 }
                }
                if let found { return before + found }
                before += rows
            }
            return nil
        }
    }

    private struct Unexpected: Error {}

    private static func load(_ bytes: UnsafeBufferPointer<UInt8>) throws -> StandardDumpWords {
        var reader = DumpReader(bytes: bytes)
        var format: String?, encoding: [ABIType]?, halves: [ValueHalf]?
        var treeJob: TreeJob?
        defer { treeJob?.wait() }
        try reader.expect(UInt8(ascii: "{"))
        repeat {
            let key = try reader.string()
            try reader.expect(UInt8(ascii: ":"))
            switch key {
            case "format" where format == nil: format = try reader.string()
            case "leafEncoding" where encoding == nil:
                var types: [ABIType] = []
                try reader.array { r in types.append(try ABIType(try r.string())) }
                guard !types.isEmpty, StandardMerkleTree.isSimpleStatic(types) else { throw Unexpected() }
                encoding = types
            case "tree" where treeJob == nil:
                reader.skipSpace()
                let i = reader.i
                guard i < bytes.count, bytes[i] == UInt8(ascii: "["),
                      let close = memchr(bytes.baseAddress! + i, Int32(UInt8(ascii: "]")), bytes.count - i) else { throw Unexpected() }
                let end = bytes.baseAddress!.distance(to: close.assumingMemoryBound(to: UInt8.self)) + 1
                treeJob = TreeJob(UnsafeBufferPointer(rebasing: bytes[i..<end]))
                reader.i = end
            case "values" where halves == nil && encoding != nil:
                // The values array runs to the last `]` before the closing `}` (a dump with another key after it fails
                // the halves' reads, and the general loader takes it).
                reader.skipSpace()
                var end = bytes.count - 1
                while end > reader.i, DumpReader.isSpace(bytes[end]) { end -= 1 }
                guard end > reader.i, bytes[end] == UInt8(ascii: "}") else { throw Unexpected() }
                end -= 1
                while end > reader.i, DumpReader.isSpace(bytes[end]) { end -= 1 }
                guard bytes[end] == UInt8(ascii: "]"), bytes[reader.i] == UInt8(ascii: "[") else { throw Unexpected() }
                halves = readValues(bytes, reader.i..<(end + 1), types: encoding!, tree: treeJob)  // invariant: encoding checked in the case pattern
                reader.i = end + 1
            default: throw Unexpected()
            }
        } while try reader.next(UInt8(ascii: "}"))
        reader.skipSpace()
        guard reader.i == bytes.count, format == "standard-v1", let encoding, let treeJob, let halves else { throw Unexpected() }
        treeJob.wait()
        guard let (nodes, badParent) = treeJob.result, !nodes.isEmpty, badParent == nil else { throw Unexpected() }
        var indices: [Int] = []
        for half in halves {
            guard half.complete else { throw Unexpected() }
            indices += half.indices
        }
        let tree = try MerkleTree(nodes: nodes, treeIndices: indices, firstInconsistentParent: nil)
        // Each half compared its leaves with the tree's nodes when the tree was read first (the usual order).
        for half in halves where !half.compared {
            for (i, leaf) in half.leaves.enumerated() where leaf != nodes[half.indices[i]] { throw Unexpected() }
        }
        return StandardDumpWords(leafEncoding: encoding, tree: tree, parts: halves.map(\.words))
    }

    /// Reads the values array `bytes[range]` (`[` … `]`) in two halves (cut between two entries near the middle) on two
    /// threads: entries to words, their leaves hashed, mixed-case addresses' checksums checked, and — when the tree is
    /// being read (`tree`) — each leaf compared with the node at its tree index.
    private static func readValues(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, types: [ABIType], tree: TreeJob?) -> [ValueHalf] {
        var parts = [range]
        if range.count >= 1 << 20, let comma = entryBoundary(bytes, from: range.lowerBound + range.count / 2, before: range.upperBound) {
            parts = [range.lowerBound..<comma, (comma + 1)..<range.upperBound]
        }
        let slots = HalfSlots(count: parts.count)
        let whole = SendableBytes(buffer: bytes), cuts = parts
        DispatchQueue.concurrentPerform(iterations: cuts.count) { k in
            let part = UnsafeBufferPointer(rebasing: whole.buffer[cuts[k]])
            var half = readHalf(part, types: types, opening: k == 0, closing: k == cuts.count - 1)
            if half.complete, let tree {
                tree.wait()
                if let (nodes, _) = tree.result {
                    let leafStart = nodes.count / 2
                    half.complete = half.indices.indices.allSatisfy { i in
                        let index = half.indices[i]
                        return index >= leafStart && index < nodes.count && nodes[index] == half.leaves[i]
                    }
                    half.compared = true
                }
            }
            slots.set(k, half)
        }
        return (0..<parts.count).map { slots.get($0) }
    }

    /// The `,` between two entries at or after `from`: a `}` followed (after white space) by `,` and `{`.
    private static func entryBoundary(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, before end: Int) -> Int? {
        var i = from
        while i < end, let hit = memchr(bytes.baseAddress! + i, Int32(UInt8(ascii: "}")), end - i) {
            var j = UnsafeRawPointer(hit) - UnsafeRawPointer(bytes.baseAddress!) + 1
            while j < end, DumpReader.isSpace(bytes[j]) { j += 1 }
            if j < end, bytes[j] == UInt8(ascii: ",") {
                var k = j + 1
                while k < end, DumpReader.isSpace(bytes[k]) { k += 1 }
                if k < end, bytes[k] == UInt8(ascii: "{") { return j }
            }
            i = j
        }
        return nil
    }

    private static func readHalf(_ part: UnsafeBufferPointer<UInt8>, types: [ABIType], opening: Bool, closing: Bool) -> ValueHalf {
        var half = ValueHalf()
        let length = 32 * types.count
        // At most one entry per `{`.
        var bound = 0
        if var p = part.baseAddress {
            let end = p + part.count
            while let hit = memchr(p, Int32(UInt8(ascii: "{")), end - p) { bound += 1; p = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) + 1 }
        }
        var words = [UInt8](repeating: 0, count: bound * length)
        var reader = DumpReader(bytes: part)
        let count: Int? = words.withUnsafeMutableBytes { out in
            do {
                if opening { try reader.expect(UInt8(ascii: "[")) }
                var n = 0
                reader.skipSpace()
                if opening && closing && reader.i < part.count && part[reader.i] == UInt8(ascii: "]") { return nil }
                while true {
                    guard n < bound else { return nil }
                    half.indices.append(try reader.entryWords(types, into: out.baseAddress! + n * length))
                    n += 1
                    reader.skipSpace()
                    if reader.i == part.count { return closing ? nil : n }
                    if part[reader.i] == UInt8(ascii: ",") { reader.i += 1; continue }
                    guard closing, part[reader.i] == UInt8(ascii: "]") else { return nil }
                    reader.i += 1
                    return reader.i == part.count ? n : nil
                }
            } catch {
                return nil
            }
        }
        guard let count, EIP55.verify(part, offsets: reader.mixedCase) else { return half }
        words.removeLast(words.count - count * length)
        half.leaves = [Bytes32](repeating: .zero, count: count)
        words.withUnsafeBytes { rows in
            half.leaves.withUnsafeMutableBufferPointer { leaves in
                let base = rows.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var i = 0
                if PairHashing.isX4Available {
                    while i + 4 <= count {
                        let p = base + i * length
                        keccak256d_x4(p, p + length, p + 2 * length, p + 3 * length, length,
                                      UnsafeMutableRawPointer(leaves.baseAddress! + i).assumingMemoryBound(to: UInt8.self))
                        i += 4
                    }
                }
                while i < count {
                    leaves[i] = Keccak256.hash(Keccak256.hash(bufferPointer: UnsafeRawBufferPointer(start: base + i * length, count: length)))
                    i += 1
                }
            }
        }
        half.words = words
        half.complete = true
        return half
    }
}

extension DumpReader {
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    /// `{"value": [...], "treeIndex": N}` in either order, the value's ABI words written to `slot` (zeroed, 32 bytes per
    /// type); returns the tree index.
    mutating func entryWords(_ types: [ABIType], into slot: UnsafeMutableRawPointer) throws -> Int {
        try entryFields(count: types.count) { r, k in
            guard StandardMerkleTree.encodeItem(try r.item(types[k]), types[k], into: slot + 32 * k) else { throw Unexpected() }
        }
    }
}

/// One half of the values array of a dump: its words, tree indices and leaves (`complete` when it read and checked out).
private struct ValueHalf {
    var complete = false
    /// Whether its leaves were compared with the tree's nodes.
    var compared = false
    var words: [UInt8] = []
    var indices: [Int] = []
    var leaves: [Bytes32] = []
}

/// The halves of `readValues`, each written by one thread and read after all have finished.
private final class HalfSlots: @unchecked Sendable {
    private var slots: [ValueHalf]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: ValueHalf(), count: count) }
    func set(_ k: Int, _ value: ValueHalf) { lock.withLock { slots[k] = value } }
    func get(_ k: Int) -> ValueHalf { lock.withLock { slots[k] } }
}

/// Bytes handed to other threads (the dump loader's tree job, the halves of `readValues`), which read them only while
/// their owner waits for them.
struct SendableBytes: @unchecked Sendable { let buffer: UnsafeBufferPointer<UInt8> }
