import Dispatch
import EVM
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Loading a standard-v1 dump straight from its bytes: node hashes and the values of simple types (uintN, address,
// bool, bytesN) are read in place, the rest of each value through `JSONValue` and `ABIValue(json:as:)`; then the same
// checks as `init(dump:)` (every parent, every value's leaf), four hashes at a time. Anything the byte reader does not
// expect goes through `init(dump: JSONValue(parsing:))`, so both accept and refuse exactly the same files with the same
// errors.
extension StandardMerkleTree {
    /// Loads a `standard-v1` dump from its UTF-8 bytes, checking every parent node and every value's leaf.
    public init(dumpBytes bytes: [UInt8]) throws {
        if let fast = try? bytes.withUnsafeBufferPointer({ buffer in
            var reader = DumpReader(bytes: buffer)
            return try reader.read()
        }) {
            let (encoding, nodes, values, indices, badParent) = fast
            let tree = try MerkleTree(nodes: nodes, treeIndices: indices, firstInconsistentParent: badParent)
            let leaves = try StandardMerkleTree.leafHashes(values, types: encoding)
            for (i, leaf) in leaves.enumerated() where leaf != nodes[indices[i]] { throw Failure.valueMismatch(index: i) }
            self.init(checked: encoding, values: values, tree: tree)
            return
        }
        try self.init(dump: try JSONValue(parsing: String(decoding: bytes, as: UTF8.self)))
    }
}

/// The byte reader of `init(dumpBytes:)`; any surprise throws `Unexpected` (the caller then takes the general path).
struct DumpReader {
    struct Unexpected: Error {}
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    /// Offsets of the 40 hex digits of every mixed-case address: their EIP-55 checksums are checked together at the end.
    var mixedCase: [Int] = []

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The dump's parts and the first inconsistent parent node (the tree array is read and its parents checked on a
    /// second thread while this one reads the values).
    mutating func read() throws -> ([ABIType], [Bytes32], [[ABIValue]], [Int], Int?) {
        var format: String?, encoding: [ABIType]?, values: [[ABIValue]]?, indices: [Int]?
        var treeJob: TreeJob?
        // However this ends, the worker is done with the buffer before the caller's pointer goes away.
        defer { treeJob?.wait() }
        try expect(UInt8(ascii: "{"))
        repeat {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            switch key {
            case "format" where format == nil: format = try string()
            case "leafEncoding" where encoding == nil:
                var types: [ABIType] = []
                try array { r in types.append(try ABIType(try r.string())) }
                encoding = types
            case "tree" where treeJob == nil:
                // Node hashes are hex strings: the array ends at the first `]` (anything else fails the worker's read).
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "["),
                      let close = memchr(bytes.baseAddress! + i, Int32(UInt8(ascii: "]")), bytes.count - i) else { throw Unexpected() }
                let end = bytes.baseAddress!.distance(to: close.assumingMemoryBound(to: UInt8.self)) + 1
                treeJob = TreeJob(UnsafeBufferPointer(rebasing: bytes[i..<end]))
                i = end
            case "values" where values == nil && encoding != nil:
                let types = encoding!  // invariant: checked in the case pattern
                var list: [[ABIValue]] = [], positions: [Int] = []
                list.reserveCapacity(bytes.count / 200)
                try array { r in
                    let (value, index) = try r.entry(types)
                    list.append(value)
                    positions.append(index)
                }
                values = list
                indices = positions
            default: throw Unexpected()
            }
        } while try next(UInt8(ascii: "}"))
        skipSpace()
        guard i == bytes.count, format == "standard-v1", let encoding, let treeJob, let values, let indices else { throw Unexpected() }
        guard EIP55.verify(bytes, offsets: mixedCase) else { throw Unexpected() }
        treeJob.wait()
        guard let (nodes, badParent) = treeJob.result, !nodes.isEmpty else { throw Unexpected() }
        return (encoding, nodes, values, indices, badParent)
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { throw Unexpected() }
        i += 1
    }

    /// After an element: true at `,` (another follows), false at `close`.
    mutating func next(_ close: UInt8) throws -> Bool {
        skipSpace()
        guard i < bytes.count else { throw Unexpected() }
        if bytes[i] == UInt8(ascii: ",") { i += 1; return true }
        if bytes[i] == close { i += 1; return false }
        throw Unexpected()
    }

    mutating func array(_ element: (inout DumpReader) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
        repeat { try element(&self) } while try next(UInt8(ascii: "]"))
    }

    /// The bytes of a string without escapes (a string with escapes is left to the general path).
    mutating func rawString() throws -> UnsafeBufferPointer<UInt8> {
        try expect(UInt8(ascii: "\""))
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            guard bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 else { throw Unexpected() }
            i += 1
        }
        guard i < bytes.count else { throw Unexpected() }
        i += 1
        return UnsafeBufferPointer(rebasing: bytes[start..<(i - 1)])
    }

    mutating func string() throws -> String { String(decoding: try rawString(), as: UTF8.self) }

    /// Whether the raw bytes of a string are exactly `text` (a key compared without making a `String`).
    static func equals(_ raw: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        raw.count == text.utf8CodeUnitCount && memcmp(raw.baseAddress!, text.utf8Start, raw.count) == 0
    }

    mutating func word() throws -> Bytes32 {
        skipSpace()
        // The usual spelling, `"0x` + 64 digits + `"`, decoded in place without scanning for the closing quote (64 hex
        // digits hold no quote, escape or control character); anything else goes through `rawString`.
        if i + 68 <= bytes.count, bytes[i] == UInt8(ascii: "\""), bytes[i + 67] == UInt8(ascii: "\""), bytes[i + 1] == UInt8(ascii: "0"),
           bytes[i + 2] == UInt8(ascii: "x") || bytes[i + 2] == UInt8(ascii: "X") {
            var ok = true
            let digits = bytes.baseAddress! + i + 3
            let word = Bytes32(unsafeUninitialized: { o in
                ok = Hex16.decode(digits, count: 32, into: o.baseAddress!.assumingMemoryBound(to: UInt8.self))
            })
            guard ok else { throw Unexpected() }
            i += 68
            return word
        }
        let s = try rawString()
        guard s.count == 66, s[0] == UInt8(ascii: "0"), s[1] == UInt8(ascii: "x") || s[1] == UInt8(ascii: "X") else { throw Unexpected() }
        var ok = true
        let word = Bytes32(unsafeUninitialized: { o in
            ok = Hex16.decode(s.baseAddress! + 2, count: 32, into: o.baseAddress!.assumingMemoryBound(to: UInt8.self))
        })
        guard ok else { throw Unexpected() }
        return word
    }

    /// `{"value": [...], "treeIndex": N}` in either order.
    mutating func entry(_ types: [ABIType]) throws -> ([ABIValue], Int) {
        var items: [ABIValue] = []
        items.reserveCapacity(types.count)
        let index = try entryFields(count: types.count) { r, k in items.append(try r.item(types[k])) }
        return (items, index)
    }

    /// The fields of one entry, `{"value": [...], "treeIndex": N}` in either order: `item(reader, k)` reads the k-th of
    /// exactly `count` elements of the value; returns the tree index.
    mutating func entryFields(count: Int, item: (inout DumpReader, Int) throws -> Void) throws -> Int {
        var filled = false, index: Int?
        try expect(UInt8(ascii: "{"))
        repeat {
            let key = try rawString()
            try expect(UInt8(ascii: ":"))
            if Self.equals(key, "value"), !filled {
                var k = 0
                try array { r in
                    guard k < count else { throw Unexpected() }
                    try item(&r, k)
                    k += 1
                }
                guard k == count else { throw Unexpected() }
                filled = true
            } else if Self.equals(key, "treeIndex"), index == nil {
                index = try treeIndex()
            } else {
                throw Unexpected()
            }
        } while try next(UInt8(ascii: "}"))
        guard filled, let index else { throw Unexpected() }
        return index
    }

    /// A `treeIndex` number: 1 to 18 digits, no leading zero (JSON the general path refuses the same way).
    mutating func treeIndex() throws -> Int {
        skipSpace()
        let start = i
        var n = 0
        while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10 { n = n &* 10 &+ Int(bytes[i] &- UInt8(ascii: "0")); i += 1 }
        guard i > start, i - start <= 18, i - start == 1 || bytes[start] != UInt8(ascii: "0") else { throw Unexpected() }
        return n
    }

    /// One value of a simple type read in place (strings as the general path writes them), or `Unexpected`.
    mutating func item(_ type: ABIType) throws -> ABIValue {
        skipSpace()
        guard i < bytes.count else { throw Unexpected() }
        switch type {
        case .bool:
            if bytes[i...].starts(with: "true".utf8) { i += 4; return .bool(true) }
            if bytes[i...].starts(with: "false".utf8) { i += 5; return .bool(false) }
            throw Unexpected()
        case .uint(let bits):
            let s = try rawString()
            guard let v = Decimal256.parse(s) else { throw Unexpected() }
            if bits < 256 && !StandardMerkleTree.fits(v.limbs, bits: bits) { throw Unexpected() }
            return .uint(v)
        case .address:
            let s = try rawString()
            guard s.count == 42, s[0] == UInt8(ascii: "0"), s[1] == UInt8(ascii: "x") else { throw Unexpected() }
            let digits = s.baseAddress! + 2
            // The 20 bytes land in the last 20 of a word, which `Address(lastBytesOf:)` reads without a copy loop.
            var ok = true
            let word = Bytes32(unsafeUninitialized: { o in
                let out = o.baseAddress!.assumingMemoryBound(to: UInt8.self)
                out.update(repeating: 0, count: 12)
                ok = Hex16.decode(digits, count: 20, into: out + 12)
            })
            guard ok else { throw Unexpected() }
            // Letters have bit 6 set; of those, lower case has bit 5 set.
            var upper: UInt8 = 0, lower: UInt8 = 0
            for k in 0..<40 {
                let c = digits[k], letter = c &>> 6
                lower |= letter & (c &>> 5)
                upper |= letter & ~(c &>> 5)
            }
            // Mixed case is an EIP-55 checksum and must be right (as `Address(_:)` requires): checked at the end, 4 at a time.
            if upper & lower & 1 == 1 { mixedCase.append(digits - bytes.baseAddress!) }
            return .address(Address(lastBytesOf: word))
        case .fixedBytes(let n):
            let s = try rawString()
            guard s.count == 2 + 2 * n, s[0] == UInt8(ascii: "0"), s[1] == UInt8(ascii: "x") else { throw Unexpected() }
            var raw = [UInt8](repeating: 0, count: n)
            guard raw.withUnsafeMutableBufferPointer({ Hex16.decode(s.baseAddress! + 2, count: n, into: $0.baseAddress!) }) else { throw Unexpected() }
            return .fixedBytes(raw)
        default:
            throw Unexpected()
        }
    }
}

/// Reads the `tree` array of a dump (bytes `[` … `]`) and checks its parents on a thread of its own.
final class TreeJob: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// The node hashes and the first inconsistent parent; nil when the array is not what the byte reader expects.
    private(set) var result: ([Bytes32], Int?)?

    init(_ array: UnsafeBufferPointer<UInt8>) {
        let bytes = SendableBytes(buffer: array)  // valid until `wait()` returns: the reader waits before its caller's buffer goes away
        Thread.detachNewThread { [self] in
            let array = bytes.buffer
            var reader = DumpReader(bytes: array)
            var list: [Bytes32] = []
            list.reserveCapacity(array.count / 68)
            if (try? reader.array { r in list.append(try r.word()) }) != nil, reader.i == array.count {
                result = (list, MerkleTree.firstInconsistentParent(list))
            }
            done.signal()
        }
    }

    /// Blocks until the worker has finished (any number of calls).
    func wait() {
        done.wait()
        done.signal()
    }
}

/// Hex digit pairs to bytes through a 256-entry table.
enum Hex16 {
    static let table: [UInt8] = (0...255).map { c -> UInt8 in
        switch c {
        case 48...57: return UInt8(c - 48)
        case 97...102: return UInt8(c - 87)
        case 65...70: return UInt8(c - 55)
        default: return 0xFF
        }
    }

    /// Decodes `2·count` hex digits at `digits` into `count` bytes at `out`; false on a non-hex digit.
    @inline(__always)
    static func decode(_ digits: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>) -> Bool {
        table.withUnsafeBufferPointer { t in
            var bad: UInt8 = 0
            for k in 0..<count {
                let hi = t[Int(digits[2 * k])], lo = t[Int(digits[2 * k + 1])]
                bad |= hi | lo
                out[k] = hi << 4 | (lo & 0xF)
            }
            return bad & 0xF0 == 0
        }
    }
}

/// Decimal digits (1 to 78, no sign) to a `UInt256`, or nil (not digits, or above 2^256 − 1).
enum Decimal256 {
    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> UInt256? {
        guard (1...78).contains(s.count) else { return nil }
        var value = UInt256.zero
        var i = 0
        while i < s.count {
            let end = min(s.count, i + 19)
            var chunk: UInt64 = 0, scale: UInt64 = 1
            while i < end {
                let d = s[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                chunk = chunk &* 10 &+ UInt64(d)
                scale &*= 10
                i += 1
            }
            let (product, o1) = value.multipliedReportingOverflow(by: UInt256(scale))
            let (sum, o2) = product.addingReportingOverflow(UInt256(chunk))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }
}
