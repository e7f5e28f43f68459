import Dispatch
import EVM
import Foundation
import PredictionCore
import Receipts

/// Values of simple static types (`uintN`, `address`, `bool`, `bytesN`) read straight from the bytes of a CSV or JSON
/// file: their ABI words (32 bytes per type, value after value, as `ABI.encode` writes them) and their leaf hashes
/// (`keccak256(keccak256(words))`), with no value object per cell. `merkle build` takes this path when it can and the
/// general one (`csvValues` / `jsonValues`, which name errors) otherwise.
struct SimpleRows {
    /// The ABI words of every value, in file order (empty unless asked for).
    var words: [UInt8]
    /// The leaf hash of every value, in file order.
    var leaves: [Bytes32]

    /// Reads the `parts` of `all` (at most two, each on its own thread): `rowBound(part)` bounds the number of rows of a
    /// part, `encode(part, out)` writes its rows' words to `out` (room for `rowBound` rows of 32 bytes per type; each
    /// row zeroed by `encode` before it writes it) and returns how many, or nil when a row is not for the fast reader.
    /// Both parts write into one buffer of words and one of leaves, each at its own offset (no copies after; a part
    /// with fewer rows than its bound, from blank or comment lines, is moved down). Nil if any part is nil.
    static func read(_ all: UnsafeBufferPointer<UInt8>, parts: [Range<Int>], types: [ABIType], keepWords: Bool,
                     rowBound: @escaping (UnsafeBufferPointer<UInt8>) -> Int,
                     encode: @escaping (UnsafeBufferPointer<UInt8>, UnsafeMutableRawPointer) -> Int?) -> SimpleRows? {
        let length = 32 * types.count
        let bounds = parts.map { rowBound(UnsafeBufferPointer(rebasing: all[$0])) }
        var starts = [0]
        for bound in bounds { starts.append(starts[starts.count - 1] + bound) }
        let total = starts[starts.count - 1], offsets = starts
        let counts = ThreadSlots<Int?>(count: parts.count, initial: nil)
        let whole = UnsafeSendable(all)
        let work = UnsafeSendable((rowBound, encode))
        var words = [UInt8](unsafeUninitializedCapacity: total * length) { wordBuffer, wordCount in
            adviseHugePages(UnsafeMutableRawBufferPointer(wordBuffer))
            let wordBase = UnsafeSendable(wordBuffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts.count) { k in
                let part = UnsafeBufferPointer(rebasing: whole.value[parts[k]])
                let out = wordBase.value + offsets[k] * length
                counts.set(k, work.value.1(part, out))
            }
            // Rows of a later part move down over the unused room of an earlier one.
            var end = 0
            for k in 0..<parts.count {
                guard let count = counts.get(k) else { return }
                if end != starts[k] * length { (wordBuffer.baseAddress! + end).update(from: wordBuffer.baseAddress! + starts[k] * length, count: count * length) }
                end += count * length
            }
            wordCount = end
        }
        guard (0..<parts.count).allSatisfy({ counts.get($0) != nil }) else { return nil }
        let count = words.count / max(1, length)
        var leaves = [Bytes32](repeating: .zero, count: count)
        // The leaves in two halves on two threads, four at a time on each.
        if count > 0 {
            words.withUnsafeBytes { rows in
                leaves.withUnsafeMutableBufferPointer { out in
                    let rowBase = UnsafeSendable(rows.baseAddress!), leafBase = UnsafeSendable(out.baseAddress!)
                    let halves = count >= 4_096 ? [0..<(count / 2), (count / 2)..<count] : [0..<count]
                    DispatchQueue.concurrentPerform(iterations: halves.count) { k in
                        let range = halves[k]
                        KeccakBatch.hash(messages: UnsafeRawBufferPointer(start: rowBase.value + range.lowerBound * length, count: range.count * length),
                                         length: length, double: true,
                                         into: UnsafeMutableBufferPointer(start: leafBase.value + range.lowerBound, count: range.count))
                    }
                }
            }
        }
        if !keepWords { words = [] }
        return SimpleRows(words: words, leaves: leaves)
    }

    /// How many times `byte` occurs in `part` (`memchr` from hit to hit).
    static func count(of byte: UInt8, in part: UnsafeBufferPointer<UInt8>) -> Int {
        guard var p = part.baseAddress else { return 0 }
        let end = p + part.count
        var n = 0
        while let hit = memchr(p, Int32(byte), end - p) {
            n += 1
            p = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return n
    }
}

/// The words and leaves of a JSON array of values (`[["0x…", "1000"], …]`, one JSON value per type) when every type is
/// a simple static one and every value is written the plain way: `uintN` as decimal digits (a JSON number or a string
/// of digits), `address` and `bytesN` as `0x` hex strings, `bool` as `true`/`false`; nil otherwise (the caller then
/// takes ``jsonValues(_:types:what:)``, which gives the same values or names the error). Each value is encoded exactly
/// as `ABIValue(json:as:)` and `ABI.encode` would. A file of 1 MiB or more is cut between two values near its middle and
/// the halves are read on two threads.
func jsonRows(bytes: [UInt8], types: [ABIType], keepWords: Bool) -> SimpleRows? {
    guard !types.isEmpty, StandardMerkleTree.isSimpleStatic(types) else { return nil }
    return bytes.withUnsafeBufferPointer { all -> SimpleRows? in
        guard all.count > 0 else { return nil }
        var parts = [0..<all.count]
        if all.count >= 1 << 20, let comma = JSONRowReader.valueBoundary(all, from: all.count / 2) {
            parts = [0..<comma, (comma + 1)..<all.count]
        }
        // Every row opens with a `[`; so does the array (in the first part).
        let first = all.baseAddress
        let rows = SimpleRows.read(all, parts: parts, types: types, keepWords: keepWords,
                                   rowBound: { max(0, SimpleRows.count(of: UInt8(ascii: "["), in: $0) - ($0.baseAddress == first ? 1 : 0)) }) { part, out in
            var reader = JSONRowReader(bytes: part, types: types)
            let first = part.baseAddress == all.baseAddress, last = part.baseAddress! + part.count == all.baseAddress! + all.count
            return reader.rows(opening: first, closing: last, into: out)
        }
        return rows.flatMap { $0.leaves.isEmpty ? nil : $0 }
    }
}

/// Reads rows of simple values from part of a JSON array; any surprise gives nil.
private struct JSONRowReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let types: [ABIType]
    var i = 0

    init(bytes: UnsafeBufferPointer<UInt8>, types: [ABIType]) {
        self.bytes = bytes
        self.types = types
    }

    /// The offset of a `,` between two values at or after `from`: the first `]` followed (after white space) by `,` and
    /// `[`. A `]` inside a string would cut a string in two, which neither half's reader accepts (the general path
    /// then reads the file).
    static func valueBoundary(_ all: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        while i < all.count {
            guard let hit = memchr(all.baseAddress! + i, Int32(UInt8(ascii: "]")), all.count - i) else { return nil }
            var j = UnsafeRawPointer(hit) - UnsafeRawPointer(all.baseAddress!) + 1
            while j < all.count, isSpace(all[j]) { j += 1 }
            if j < all.count, all[j] == UInt8(ascii: ",") {
                var k = j + 1
                while k < all.count, isSpace(all[k]) { k += 1 }
                if k < all.count, all[k] == UInt8(ascii: "[") { return j }
            }
            i = j
        }
        return nil
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    mutating func skipSpace() { while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 } }

    mutating func take(_ c: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { return false }
        i += 1
        return true
    }

    /// The rows of the part (with the array's `[` when `opening`, its `]` and nothing after when `closing`), their words
    /// written to `out`; how many, or nil.
    mutating func rows(opening: Bool, closing: Bool, into out: UnsafeMutableRawPointer) -> Int? {
        if opening {
            guard take(UInt8(ascii: "[")) else { return nil }
        }
        var count = 0
        while true {
            guard take(UInt8(ascii: "[")) else { return nil }
            let slot = out + 32 * types.count * count
            slot.initializeMemory(as: UInt8.self, repeating: 0, count: 32 * types.count)
            for (k, type) in types.enumerated() {
                if k > 0 { guard take(UInt8(ascii: ",")) else { return nil } }
                skipSpace()
                guard let cell = cell(for: type), fastEncode(cell, type, into: slot + 32 * k) else { return nil }
            }
            guard take(UInt8(ascii: "]")) else { return nil }
            count += 1
            skipSpace()
            if i == bytes.count { return closing ? nil : count }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            guard closing, bytes[i] == UInt8(ascii: "]") else { return nil }
            i += 1
            skipSpace()
            return i == bytes.count ? count : nil
        }
    }

    /// The bytes of one value in the form the fast encoder reads: a string's contents (no escapes) for every type but
    /// `bool`; a JSON number of plain digits (no leading zero) for `uintN`; `true`/`false` for `bool`.
    mutating func cell(for type: ABIType) -> UnsafeBufferPointer<UInt8>? {
        guard i < bytes.count else { return nil }
        let start = i
        if bytes[i] == UInt8(ascii: "\"") {
            if case .bool = type { return nil }
            guard let close = memchr(bytes.baseAddress! + i + 1, Int32(UInt8(ascii: "\"")), bytes.count - i - 1) else { return nil }
            let end = UnsafeRawPointer(close) - UnsafeRawPointer(bytes.baseAddress!)
            i = end + 1
            // Escapes and control characters are never part of a plain value (the encoder refuses them anyway).
            return UnsafeBufferPointer(rebasing: bytes[(start + 1)..<end])
        }
        while i < bytes.count, bytes[i] &- UInt8(ascii: "a") < 26 || bytes[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        let token = UnsafeBufferPointer(rebasing: bytes[start..<i])
        switch type {
        case .bool:
            return token.elementsEqual("true".utf8) || token.elementsEqual("false".utf8) ? token : nil
        case .uint:
            // JSON numbers have no leading zeros; the digits-only check is the encoder's.
            guard !token.isEmpty, token.count == 1 || token[0] != UInt8(ascii: "0") else { return nil }
            return token
        default:
            return nil
        }
    }
}

/// One result per worker thread, each written by its thread and read after all have finished (`concurrentPerform`).
final class ThreadSlots<Value>: @unchecked Sendable {
    private var slots: [Value]
    private let lock = NSLock()
    init(count: Int, initial: Value) { slots = Array(repeating: initial, count: count) }
    func set(_ k: Int, _ value: Value) { lock.withLock { slots[k] = value } }
    func get(_ k: Int) -> Value { lock.withLock { slots[k] } }
}

/// Values handed to worker threads, which use them only while their caller waits for them.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
