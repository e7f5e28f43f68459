import CKeccakX4
import EVM

// The fast paths of standard trees: leaves of simple static types (uintN, address, bool, bytesN) encoded straight into a
// scratch buffer and hashed four at a time (AVX2, `PairHashing.isX4Available`), and the standard-v1 dump written in
// chunks instead of one JSON value and one string of the whole file. Both give exactly the bytes of the general paths
// (`leafHash` through `ABI.encode`, `dump().jsonText`); any value they do not handle goes through the general path.
extension StandardMerkleTree {
    /// Whether every type is one the fast encoder writes (one 32-byte word each: `uintN`, `address`, `bool`, `bytesN`).
    public static func isSimpleStatic(_ types: [ABIType]) -> Bool {
        types.allSatisfy {
            switch $0 {
            case .uint, .address, .bool, .fixedBytes: return true
            default: return false
            }
        }
    }

    /// Encodes `value` into `slot` (32 bytes per type) when every element matches its type and range; false otherwise
    /// (the caller then uses `ABI.encode`, which names the error).
    @inline(__always)
    static func encodeSimple(_ value: [ABIValue], types: [ABIType], into slot: UnsafeMutableRawPointer) -> Bool {
        guard value.count == types.count else { return false }
        slot.initializeMemory(as: UInt8.self, repeating: 0, count: 32 * types.count)
        for k in 0..<types.count where !encodeItem(value[k], types[k], into: slot + 32 * k) { return false }
        return true
    }

    /// Encodes one element of type `type` into the zeroed 32-byte `word` when it matches its type and range.
    @inline(__always)
    static func encodeItem(_ item: ABIValue, _ type: ABIType, into word: UnsafeMutableRawPointer) -> Bool {
        switch (type, item) {
        case (.uint(let bits), .uint(let v)):
            let l = v.limbs
            if bits < 256 && !fits(l, bits: bits) { return false }
            word.storeBytes(of: l.3.bigEndian, toByteOffset: 0, as: UInt64.self)
            word.storeBytes(of: l.2.bigEndian, toByteOffset: 8, as: UInt64.self)
            word.storeBytes(of: l.1.bigEndian, toByteOffset: 16, as: UInt64.self)
            word.storeBytes(of: l.0.bigEndian, toByteOffset: 24, as: UInt64.self)
        case (.address, .address(let a)):
            a.withUnsafeBytes { (word + 12).copyMemory(from: $0.baseAddress!, byteCount: 20) }
        case (.bool, .bool(let b)):
            word.storeBytes(of: b ? 1 : 0, toByteOffset: 31, as: UInt8.self)
        case (.fixedBytes(let n), .fixedBytes(let bytes)):
            guard bytes.count == n else { return false }
            bytes.withUnsafeBytes { word.copyMemory(from: $0.baseAddress!, byteCount: n) }
        default:
            return false
        }
        return true
    }

    /// Whether the value with little-endian limbs `l` is below 2^bits (bits < 256).
    @inline(__always)
    static func fits(_ l: (UInt64, UInt64, UInt64, UInt64), bits: Int) -> Bool {
        func limb(_ i: Int) -> UInt64 { i == 0 ? l.0 : i == 1 ? l.1 : i == 2 ? l.2 : l.3 }
        let index = bits / 64
        if limb(index) >> UInt64(bits % 64) != 0 { return false }
        for i in (index + 1)..<4 where limb(i) != 0 { return false }
        return true
    }

    /// `leafHash` of value `index`, its errors naming the index.
    static func hashOne(_ value: [ABIValue], types: [ABIType], index: Int) throws(ABIError) -> Bytes32 {
        do { return try leafHash(value, types: types) } catch { throw error.prefixed(.index(index)) }
    }

    /// The leaf hashes of `values`: simple static types four at a time, anything else through `leafHash`.
    static func leafHashes(_ values: [[ABIValue]], types: [ABIType]) throws -> [Bytes32] {
        let length = 32 * types.count
        var leaves = [Bytes32](repeating: .zero, count: values.count)
        guard isSimpleStatic(types), !types.isEmpty, PairHashing.isX4Available else {
            for (index, value) in values.enumerated() {
                leaves[index] = try hashOne(value, types: types, index: index)
            }
            return leaves
        }
        try withUnsafeTemporaryAllocation(byteCount: 4 * length, alignment: 32) { scratch in
            let base = scratch.baseAddress!
            try leaves.withUnsafeMutableBufferPointer { out in
                var i = 0
                while i + 4 <= values.count {
                    var simple = true
                    for k in 0..<4 where !encodeSimple(values[i + k], types: types, into: base + k * length) { simple = false }
                    if simple {
                        let p = UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self)
                        keccak256d_x4(p, p + length, p + 2 * length, p + 3 * length, length,
                                      UnsafeMutableRawPointer(out.baseAddress! + i).assumingMemoryBound(to: UInt8.self))
                    } else {
                        for k in 0..<4 {
                            out[i + k] = try hashOne(values[i + k], types: types, index: i + k)
                        }
                    }
                    i += 4
                }
                while i < values.count {
                    out[i] = try hashOne(values[i], types: types, index: i)
                    i += 1
                }
            }
        }
        return leaves
    }

    /// Writes the standard-v1 dump (exactly `dump().jsonText`) in chunks of about `chunkSize` bytes to `sink`, so a
    /// million-value tree is never one string in memory.
    public func writeDump(chunkSize: Int = 1 << 20, to sink: ([UInt8]) throws -> Void) rethrows {
        var out: [UInt8] = []
        out.reserveCapacity(chunkSize + 4096)
        func flushIfFull() throws {
            if out.count >= chunkSize {
                try sink(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        out.append(contentsOf: #"{"format":"standard-v1","leafEncoding":"#.utf8)
        JSONValue.array(leafEncoding.map { .string($0.description) }).write(to: &out)
        out.append(contentsOf: #","tree":["#.utf8)
        let digits = Array("0123456789abcdef".utf8)
        for (i, node) in tree.nodes.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "0"), UInt8(ascii: "x")])
            node.withUnsafeBytes { bytes in
                for b in bytes {
                    out.append(digits[Int(b >> 4)])
                    out.append(digits[Int(b & 0xF)])
                }
            }
            out.append(UInt8(ascii: "\""))
            try flushIfFull()
        }
        out.append(contentsOf: #"],"values":["#.utf8)
        let indices = tree.treeIndices
        // Rows in blocks: the block's addresses get their EIP-55 digits first, four Keccak hashes at a time.
        let block = 256
        var addresses: [Address] = []
        addresses.reserveCapacity(block * max(1, leafEncoding.count))
        var checksums = [UInt8](repeating: 0, count: 40 * block * max(1, leafEncoding.count))
        var start = 0
        while start < values.count {
            let end = min(values.count, start + block)
            addresses.removeAll(keepingCapacity: true)
            for index in start..<end {
                for item in values[index] { if case .address(let a) = item { addresses.append(a) } }
            }
            addresses.withUnsafeBufferPointer { a in checksums.withUnsafeMutableBufferPointer { EIP55.checksummed(a, into: $0.baseAddress!) } }
            var nextAddress = 0
            for index in start..<end {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"value":["#.utf8)
                for (k, item) in values[index].enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    switch item {
                    case .address:
                        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "0"), UInt8(ascii: "x")])
                        out.append(contentsOf: checksums[(40 * nextAddress)..<(40 * nextAddress + 40)])
                        out.append(UInt8(ascii: "\""))
                        nextAddress += 1
                    case .uint(let v):
                        out.append(UInt8(ascii: "\""))
                        out.append(contentsOf: v.description.utf8)
                        out.append(UInt8(ascii: "\""))
                    default:
                        item.jsonValue.write(to: &out)
                    }
                }
                out.append(contentsOf: #"],"treeIndex":"#.utf8)
                out.append(contentsOf: String(indices[index]).utf8)
                out.append(UInt8(ascii: "}"))
                try flushIfFull()
            }
            start = end
        }
        out.append(contentsOf: "]}".utf8)
        try sink(out)
    }
}
