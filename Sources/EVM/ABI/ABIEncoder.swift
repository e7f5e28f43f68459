/// The ABI encoding functions: `abi.encode`, `abi.encodePacked`, calldata and constructor arguments.
///
/// Values are checked against their types first (kind, integer range, fixed lengths), with the path
/// of the first bad value in the error; the output is then written into a single allocation.
public enum ABI {
    /// `abi.encode(values…)`: the encoding of the tuple `(types…)`.
    /// - Throws: `ABIError.wrongCount`, `.typeMismatch`, `.valueOutOfRange` naming the path.
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        guard values.count == types.count else { throw .wrongCount([], expected: types.count, got: values.count) }
        var size = 0
        for i in 0..<types.count {
            do { size += try checkedSize(types[i], values[i], []) + (types[i].isDynamic ? 32 : 0) } catch {
                throw error.prefixed(.arg(i))
            }
        }
        return makeBytes(count: size) { out in
            let written = writeTuple(types, values, into: out)
            precondition(written == size, "ABI size computation out of step with writing")
        }
    }

    /// `abi.encode` of one value of one type (a dynamic type gets its 0x20 offset word, as in Solidity).
    public static func encode(_ value: ABIValue, as type: ABIType) throws(ABIError) -> [UInt8] {
        try encode([value], as: [type])
    }

    /// Calldata: the 4-byte selector then the encoded arguments.
    public static func calldata(selector: [UInt8], _ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        precondition(selector.count == 4, "a selector is 4 bytes")
        return try selector + encode(values, as: types)
    }

    /// Constructor deployment data: `bytecode ‖ abi.encode(args)`.
    public static func deployData(bytecode: [UInt8], _ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        try bytecode + encode(values, as: types)
    }

    /// The 4-byte selector of a canonical signature: the first 4 bytes of its Keccak-256.
    public static func selector(_ canonicalSignature: String) -> [UInt8] {
        Array(Keccak256.hash(utf8: canonicalSignature).bytes.prefix(4))
    }

    // MARK: - Size and validation

    /// Validates `value` against `type` and returns its full encoded size (head plus tail when dynamic).
    static func checkedSize(_ type: ABIType, _ value: ABIValue, _ path: ABIPath) throws(ABIError) -> Int {
        switch (type, value) {
        case (.uint(let bits), .uint(let v)):
            if bits < 256 && v.bitWidthNeeded > bits { throw .valueOutOfRange(path, type: type.description) }
            return 32
        case (.int(let bits), .int(let v)):
            if bits < 256 {
                let limit = Int256(bitPattern: UInt256.one << (bits - 1))
                if v >= limit || v < -limit { throw .valueOutOfRange(path, type: type.description) }
            }
            return 32
        case (.uint(let bits), .int(let v)):
            // A non-negative signed value is accepted for an unsigned type.
            if v.isNegative { throw .valueOutOfRange(path, type: type.description) }
            _ = bits
            return try checkedSize(type, .uint(UInt256(bitPattern: v)), path)
        case (.int, .uint(let v)):
            if v.leadingZeroBitCount == 0 { throw .valueOutOfRange(path, type: type.description) }
            return try checkedSize(type, .int(Int256(bitPattern: v)), path)
        case (.address, .address), (.bool, .bool):
            return 32
        case (.fixedBytes(let n), .fixedBytes(let b)):
            if b.count != n { throw .wrongCount(path, expected: n, got: b.count) }
            return 32
        case (.function, .fixedBytes(let b)):
            if b.count != 24 { throw .wrongCount(path, expected: 24, got: b.count) }
            return 32
        case (.bytes, .bytes(let b)), (.bytes, .fixedBytes(let b)):
            return 32 + padded(b.count)
        case (.string, .string(let s)):
            return 32 + padded(s.utf8.count)
        case (.array(let t), .array(let vs)):
            var size = 32 + (t.isDynamic ? 32 * vs.count : 0)
            for (i, v) in vs.enumerated() { do { size += try checkedSize(t, v, path) } catch { throw error.prefixed(.index(i)) } }
            return size
        case (.fixedArray(let t, let k), .array(let vs)):
            if vs.count != k { throw .wrongCount(path, expected: k, got: vs.count) }
            var size = t.isDynamic ? 32 * k : 0
            for (i, v) in vs.enumerated() { do { size += try checkedSize(t, v, path) } catch { throw error.prefixed(.index(i)) } }
            return size
        case (.tuple(let ts), .tuple(let vs)):
            if vs.count != ts.count { throw .wrongCount(path, expected: ts.count, got: vs.count) }
            var size = 0
            for i in 0..<ts.count {
                do { size += try checkedSize(ts[i], vs[i], path) + (ts[i].isDynamic ? 32 : 0) } catch { throw error.prefixed(.field(i)) }
            }
            return size
        default:
            throw .typeMismatch(path, expected: type.description, got: value.kindName)
        }
    }

    @inline(__always) static func padded(_ n: Int) -> Int { (n + 31) & ~31 }

    // MARK: - Writing (values already validated)

    /// Writes the tuple encoding of `values` at `out`; returns the bytes written.
    static func writeTuple(_ types: [ABIType], _ values: [ABIValue], into out: UnsafeMutableRawPointer) -> Int {
        var head = 0
        for t in types { head += t.headSize }
        var tail = head
        var h = 0
        for i in 0..<types.count {
            let t = types[i]
            if t.isDynamic {
                storeWord(UInt64(tail), at: out + h)
                tail += write(t, values[i], into: out + tail)
                h += 32
            } else {
                h += write(t, values[i], into: out + h)
            }
        }
        return tail
    }

    /// Writes the encoding of one value at `out` (for dynamic types, the tail); returns the bytes written.
    static func write(_ type: ABIType, _ value: ABIValue, into out: UnsafeMutableRawPointer) -> Int {
        switch value {
        case .uint(let v):
            storeWord256(v, at: out)
            return 32
        case .int(let v):
            storeWord256(UInt256(bitPattern: v), at: out)
            return 32
        case .address(let a):
            out.initializeMemory(as: UInt8.self, repeating: 0, count: 12)
            a.withUnsafeBytes { (out + 12).copyMemory(from: $0.baseAddress!, byteCount: 20) }
            return 32
        case .bool(let b):
            storeWord(b ? 1 : 0, at: out)
            return 32
        case .fixedBytes(let b):
            if case .bytes = type { return writeBytes(b, into: out) }
            out.initializeMemory(as: UInt8.self, repeating: 0, count: 32)
            b.withUnsafeBytes { out.copyMemory(from: $0.baseAddress!, byteCount: b.count) }
            return 32
        case .bytes(let b):
            return writeBytes(b, into: out)
        case .string(let s):
            var s = s
            return s.withUTF8 { utf8 in writeBytes(UnsafeRawBufferPointer(utf8), into: out) }
        case .array(let vs):
            switch type {
            case .array(let t):
                storeWord(UInt64(vs.count), at: out)
                return 32 + writeHomogeneous(t, vs, into: out + 32)
            case .fixedArray(let t, _):
                return writeHomogeneous(t, vs, into: out)
            default: preconditionFailure("validated")
            }
        case .tuple(let vs):
            guard case .tuple(let ts) = type else { preconditionFailure("validated") }
            return writeTuple(ts, vs, into: out)
        }
    }

    static func writeHomogeneous(_ t: ABIType, _ values: [ABIValue], into out: UnsafeMutableRawPointer) -> Int {
        if !t.isDynamic {
            var o = 0
            for v in values { o += write(t, v, into: out + o) }
            return o
        }
        var tail = 32 * values.count
        for (i, v) in values.enumerated() {
            storeWord(UInt64(tail), at: out + 32 * i)
            tail += write(t, v, into: out + tail)
        }
        return tail
    }

    static func writeBytes<B: ContiguousBytes>(_ b: B, into out: UnsafeMutableRawPointer) -> Int {
        b.withUnsafeBytes { writeBytes($0, into: out) }
    }

    static func writeBytes(_ b: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) -> Int {
        storeWord(UInt64(b.count), at: out)
        let p = padded(b.count)
        if let base = b.baseAddress, b.count > 0 { (out + 32).copyMemory(from: base, byteCount: b.count) }
        (out + 32 + b.count).initializeMemory(as: UInt8.self, repeating: 0, count: p - b.count)
        return 32 + p
    }

    /// Stores a 256-bit value as a 32-byte big-endian word. Unlike `UInt256.storeBigEndian(into:)`, there is no
    /// buffer to check (callers have sized the output), so it always inlines to four byte-swapped stores.
    @inlinable @inline(__always)
    static func storeWord256(_ v: UInt256, at out: UnsafeMutableRawPointer) {
        let (w0, w1, w2, w3) = v.limbs
        out.storeBytes(of: w3.bigEndian, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: w2.bigEndian, toByteOffset: 8, as: UInt64.self)
        out.storeBytes(of: w1.bigEndian, toByteOffset: 16, as: UInt64.self)
        out.storeBytes(of: w0.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Stores a small unsigned value as a 32-byte big-endian word.
    @inlinable @inline(__always)
    public static func storeWord(_ v: UInt64, at out: UnsafeMutableRawPointer) {
        out.storeBytes(of: 0, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: 0, toByteOffset: 8, as: UInt64.self)
        out.storeBytes(of: 0, toByteOffset: 16, as: UInt64.self)
        out.storeBytes(of: v.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    // MARK: - Packed

    /// `abi.encodePacked(values…)`: no padding for elementary values, no lengths for `bytes`/`string`;
    /// array elements are padded to 32 bytes, as Solidity does. Tuples are not allowed in packed mode
    /// by Solidity; here their components are packed in order.
    public static func encodePacked(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        guard values.count == types.count else { throw .wrongCount([], expected: types.count, got: values.count) }
        var out: [UInt8] = []
        for i in 0..<types.count {
            do { _ = try checkedSize(types[i], values[i], []) } catch { throw error.prefixed(.arg(i)) }
            packed(types[i], values[i], inArray: false, into: &out)
        }
        return out
    }

    static func packed(_ type: ABIType, _ value: ABIValue, inArray: Bool, into out: inout [UInt8]) {
        func word(_ w: [UInt8], width: Int) { out += inArray ? w : Array(w.suffix(width)) }
        switch (type, value) {
        case (.uint(let bits), .uint(let v)):
            word(v.bigEndianBytes, width: bits / 8)
        case (.uint(let bits), .int(let v)):
            word(UInt256(bitPattern: v).bigEndianBytes, width: bits / 8)
        case (.int(let bits), .int(let v)):
            word(UInt256(bitPattern: v).bigEndianBytes, width: bits / 8)
        case (.int(let bits), .uint(let v)):
            word(v.bigEndianBytes, width: bits / 8)
        case (.address, .address(let a)):
            word(a.word.bytes, width: 20)
        case (.bool, .bool(let b)):
            word(UInt256(b ? 1 : 0).bigEndianBytes, width: 1)
        case (_, .fixedBytes(let b)) where type != .bytes:
            out += b
            if inArray { out += [UInt8](repeating: 0, count: 32 - b.count) }
        case (_, .bytes(let b)), (_, .fixedBytes(let b)):
            out += b
        case (_, .string(let s)):
            out += Array(s.utf8)
        case (.array(let t), .array(let vs)), (.fixedArray(let t, _), .array(let vs)):
            for v in vs { packed(t, v, inArray: true, into: &out) }
        case (.tuple(let ts), .tuple(let vs)):
            for (t, v) in zip(ts, vs) { packed(t, v, inArray: inArray, into: &out) }
        default:
            preconditionFailure("validated")
        }
    }
}

/// Raw contiguous bytes (internal helper so `[UInt8]` and slices share one writer).
protocol ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}
extension Array: ContiguousBytes where Element == UInt8 {}

extension UInt256 {
    /// Bits needed to represent the value (0 for zero).
    @inlinable var bitWidthNeeded: Int { 256 - leadingZeroBitCount }
}
