/// How strictly the decoder reads its input.
public struct ABIDecodingOptions: Hashable, Sendable {
    /// Refuse every non-canonical form (dirty padding, non-sign-extended integers, backward offsets,
    /// invalid UTF-8, missing tail padding). The default.
    public var strict: Bool
    /// Maximum nesting of arrays and tuples.
    public var maxDepth: Int

    /// Options; `strict` by default.
    public init(strict: Bool = true, maxDepth: Int = 64) {
        self.strict = strict
        self.maxDepth = maxDepth
    }

    /// Strict decoding (the default).
    public static let strict = ABIDecodingOptions()
    /// Lenient decoding for other people's data: high bits are masked off, padding is ignored,
    /// invalid UTF-8 is replaced, offsets may point anywhere inside the input. Bounds are still checked.
    public static let lenient = ABIDecodingOptions(strict: false)
}

extension ABI {
    /// Decodes `abi.encode(types…)` output into one value per type.
    ///
    /// Strict by default: every word, offset, length and padding is checked (see `ABIError`). Bytes after
    /// the encoding are ignored, as Solidity's `abi.decode` and eth_abi do (return data may be longer).
    /// - Throws: an `ABIError` naming the path and byte offset of the first problem.
    public static func decode(_ types: [ABIType], from data: some Collection<UInt8>,
                              options: ABIDecodingOptions = .strict) throws(ABIError) -> [ABIValue] {
        try withBytes(data) { (raw) throws(ABIError) -> [ABIValue] in
            var reader = ABIReader(buffer: raw, options: options)
            return try reader.decodeTuple(types, at: 0, top: true)
        }
    }

    /// Decodes one value of `type` as encoded by `abi.encode(value)`.
    public static func decode(_ type: ABIType, from data: some Collection<UInt8>,
                              options: ABIDecodingOptions = .strict) throws(ABIError) -> ABIValue {
        try decode([type], from: data, options: options)[0]
    }
}

/// Calls `body` with the bytes of `data` as a contiguous buffer (copying only when they are not contiguous).
@inlinable
func withBytes<R>(_ data: some Collection<UInt8>,
                  _ body: (UnsafeRawBufferPointer) throws(ABIError) -> R) throws(ABIError) -> R {
    let result: Result<R, ABIError>? = data.withContiguousStorageIfAvailable { buffer in
        Result { () throws(ABIError) -> R in try body(UnsafeRawBufferPointer(buffer)) }
    }
    if let result { return try result.get() }
    let copy = Array(data)
    return try copy.withUnsafeBufferPointer { buffer in
        Result { () throws(ABIError) -> R in try body(UnsafeRawBufferPointer(buffer)) }
    }.get()
}

/// The decoder's view of an encoding: a borrowed buffer, with every read and allocation bounds-checked first.
///
/// `ABIDecodable` types use its `read…` methods. Errors are thrown with an empty path; callers that
/// know where they are add a path step with `ABIError.prefixed(_:)` as the error unwinds.
public struct ABIReader {
    /// The whole input.
    public let buffer: UnsafeRawBufferPointer
    /// Strictness options.
    public let options: ABIDecodingOptions
    /// Work budget: bytes and elements decoded may not exceed a small multiple of the input size,
    /// so aliasing offsets cannot blow up time or memory.
    @usableFromInline var budget: Int
    @usableFromInline var depth = 0

    /// A reader over `buffer`.
    @inlinable
    public init(buffer: UnsafeRawBufferPointer, options: ABIDecodingOptions = .strict) {
        self.buffer = buffer
        self.options = options
        self.budget = 4 * buffer.count + 4096
    }

    @inlinable
    mutating func charge(_ units: Int) throws(ABIError) {
        budget -= units
        if budget < 0 { throw .decodingBudgetExceeded([]) }
    }

    /// Loads the 64-bit big-endian limb `k` (0 = most significant) of the word at `offset`.
    @inlinable @inline(__always)
    func limb(_ offset: Int, _ k: Int) -> UInt64 {
        UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset &+ 8 &* k, as: UInt64.self))
    }

    /// Throws `inputTooShort` unless a whole word starts at `offset`.
    @inlinable @inline(__always)
    public func requireWord(at offset: Int) throws(ABIError) {
        guard offset >= 0, offset <= buffer.count &- 32 else { throw .inputTooShort([], offset: offset, needed: 32) }
    }

    /// The word at `offset` as an integer (unchecked: call `requireWord` first).
    @inlinable
    func word(_ offset: Int) -> UInt256 {
        UInt256(limbs: (limb(offset, 3), limb(offset, 2), limb(offset, 1), limb(offset, 0)))
    }

    /// Reads a word that must be a small non-negative integer (an offset or a length); `nil` if it is huge.
    @inlinable
    func smallInt(_ offset: Int) -> Int? {
        guard limb(offset, 0) == 0, limb(offset, 1) == 0, limb(offset, 2) == 0 else { return nil }
        let v = limb(offset, 3)
        return v <= UInt64(Int32.max) ? Int(v) : nil
    }

    /// Resolves the offset word at `at`, relative to `base`, for a region whose head is `headSize` bytes.
    @inlinable
    public func follow(offsetAt at: Int, base: Int, headSize: Int) throws(ABIError) -> Int {
        try requireWord(at: at)
        guard let rel = smallInt(at), base + rel <= buffer.count else { throw .offsetOutOfBounds([], offset: at) }
        if options.strict && rel < headSize { throw .offsetIntoHead([], offset: at) }
        return base + rel
    }

    /// A `uintN` word.
    @inlinable
    public mutating func readUInt(bits: Int, at: Int) throws(ABIError) -> UInt256 {
        try requireWord(at: at)
        try charge(32)
        var v = word(at)
        if bits < 256 && v.bitWidthNeeded > bits {
            if options.strict { throw .uintOverflow([], offset: at, bits: bits) }
            v = v & ((UInt256.one << bits) &- .one)
        }
        return v
    }

    /// An `intN` word.
    @inlinable
    public mutating func readInt(bits: Int, at: Int) throws(ABIError) -> Int256 {
        try requireWord(at: at)
        try charge(32)
        let raw = word(at)
        if bits == 256 { return Int256(bitPattern: raw) }
        let v = Int256.signExtend(raw, fromByte: UInt256(UInt64(bits / 8 - 1)))
        if options.strict && UInt256(bitPattern: v) != raw { throw .badSignExtension([], offset: at, bits: bits) }
        return v
    }

    /// An `address` word.
    @inlinable
    public mutating func readAddress(at: Int) throws(ABIError) -> Address {
        try requireWord(at: at)
        try charge(32)
        if options.strict && (limb(at, 0) != 0 || limb(at, 1) >> 32 != 0) { throw .dirtyAddressPadding([], offset: at) }
        return Address(unsafeWordAt: buffer.baseAddress! + at)
    }

    /// A `bool` word.
    @inlinable
    public mutating func readBool(at: Int) throws(ABIError) -> Bool {
        try requireWord(at: at)
        try charge(32)
        let hi = limb(at, 0) | limb(at, 1) | limb(at, 2)
        let lo = limb(at, 3)
        if hi == 0 && lo <= 1 { return lo == 1 }
        if options.strict { throw .invalidBool([], offset: at) }
        return true
    }

    /// A whole word as `bytes32`.
    @inlinable
    public mutating func readBytes32(at: Int) throws(ABIError) -> Bytes32 {
        try requireWord(at: at)
        try charge(32)
        let base = buffer.baseAddress! + at
        return Bytes32 { $0.copyMemory(from: UnsafeRawBufferPointer(start: base, count: 32)) }
    }

    /// A `bytesN` word's N bytes.
    public mutating func readFixedBytes(_ n: Int, at: Int) throws(ABIError) -> [UInt8] {
        try requireWord(at: at)
        try charge(32)
        if options.strict {
            for i in n..<32 where buffer[at + i] != 0 { throw .dirtyFixedBytesPadding([], offset: at) }
        }
        return Array(buffer[at..<(at + n)])
    }

    /// The range of the length-prefixed data of a `bytes`/`string` whose length word is at `at`.
    @inlinable
    public mutating func readByteRange(at: Int) throws(ABIError) -> Range<Int> {
        try requireWord(at: at)
        guard let length = smallInt(at), at + 32 + length <= buffer.count else { throw .lengthOutOfBounds([], offset: at) }
        let start = at + 32
        let end = start + length
        if options.strict {
            let paddedEnd = start + ((length + 31) & ~31)
            guard paddedEnd <= buffer.count else { throw .inputTooShort([], offset: end, needed: paddedEnd - end) }
            var i = end
            while i < paddedEnd {
                if buffer[i] != 0 { throw .dirtyTailPadding([], offset: i) }
                i += 1
            }
        }
        try charge(32 + length)
        return start..<end
    }

    /// The data of a `bytes` whose length word is at `at`.
    public mutating func readBytes(at: Int) throws(ABIError) -> [UInt8] {
        Array(buffer[try readByteRange(at: at)])
    }

    /// The text of a `string` whose length word is at `at` (UTF-8 checked in strict mode).
    public mutating func readString(at: Int) throws(ABIError) -> String {
        let range = try readByteRange(at: at)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[range])
        if options.strict {
            guard let s = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8([], offset: at) }
            return s
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads an array length at `at` and checks that `count × elementHeadSize` bytes follow, before any allocation.
    @inlinable
    public mutating func readArrayLength(at: Int, elementHeadSize: Int) throws(ABIError) -> Int {
        try requireWord(at: at)
        guard let count = smallInt(at) else { throw .lengthOutOfBounds([], offset: at) }
        let needed = count.multipliedReportingOverflow(by: Swift.max(elementHeadSize, 1))
        guard !needed.overflow, at + 32 + needed.partialValue <= buffer.count else { throw .lengthOutOfBounds([], offset: at) }
        try charge(count)
        return count
    }

    @inlinable
    mutating func enter() throws(ABIError) {
        depth += 1
        if depth > options.maxDepth { throw .depthLimitExceeded([]) }
    }

    // MARK: - Dynamic decoding

    /// Decodes a tuple whose encoding starts at `start`.
    mutating func decodeTuple(_ types: [ABIType], at start: Int, top: Bool = false) throws(ABIError) -> [ABIValue] {
        var headSize = 0
        for t in types { headSize = min(headSize + t.headSize, ABIType.maxHeadSize) }
        guard headSize <= buffer.count - start else { throw .inputTooShort([], offset: start, needed: headSize) }
        var values: [ABIValue] = []
        values.reserveCapacity(types.count)
        var h = start
        for (i, t) in types.enumerated() {
            do {
                if t.isDynamic {
                    let target = try follow(offsetAt: h, base: start, headSize: headSize)
                    values.append(try decode(t, at: target))
                    h += 32
                } else {
                    values.append(try decode(t, at: h))
                    h += t.headSize
                }
            } catch {
                throw error.prefixed(top ? .arg(i) : .field(i))
            }
        }
        return values
    }

    /// Decodes `count` elements of `t` laid out as a tuple starting at `start`.
    mutating func decodeElements(_ t: ABIType, count: Int, at start: Int) throws(ABIError) -> [ABIValue] {
        let elementHead = t.headSize
        let dynamic = t.isDynamic
        let (headSize, overflow) = elementHead.multipliedReportingOverflow(by: count)
        guard !overflow, headSize <= buffer.count - start else { throw .lengthOutOfBounds([], offset: start) }
        var values: [ABIValue] = []
        values.reserveCapacity(count)
        for i in 0..<count {
            do {
                let h = start + i * elementHead
                if dynamic {
                    let target = try follow(offsetAt: h, base: start, headSize: headSize)
                    values.append(try decode(t, at: target))
                } else {
                    values.append(try decode(t, at: h))
                }
            } catch {
                throw error.prefixed(.index(i))
            }
        }
        return values
    }

    /// Decodes one value of `type` whose encoding (head for static types, tail for dynamic) starts at `at`.
    mutating func decode(_ type: ABIType, at: Int) throws(ABIError) -> ABIValue {
        switch type {
        case .uint(let bits): return .uint(try readUInt(bits: bits, at: at))
        case .int(let bits): return .int(try readInt(bits: bits, at: at))
        case .address: return .address(try readAddress(at: at))
        case .bool: return .bool(try readBool(at: at))
        case .fixedBytes(let n): return .fixedBytes(try readFixedBytes(n, at: at))
        case .function: return .fixedBytes(try readFixedBytes(24, at: at))
        case .bytes: return .bytes(try readBytes(at: at))
        case .string: return .string(try readString(at: at))
        case .array(let t):
            let count = try readArrayLength(at: at, elementHeadSize: t.headSize)
            try enter()
            defer { depth -= 1 }
            return .array(try decodeElements(t, count: count, at: at + 32))
        case .fixedArray(let t, let k):
            try enter()
            defer { depth -= 1 }
            try charge(k)
            return .array(try decodeElements(t, count: k, at: at))
        case .tuple(let ts):
            try enter()
            defer { depth -= 1 }
            return .tuple(try decodeTuple(ts, at: at))
        }
    }
}

extension Address {
    /// The address in the low 20 bytes of the 32-byte word at `pointer` (unchecked).
    @inlinable
    init(unsafeWordAt pointer: UnsafeRawPointer) {
        var storage: (UInt64, UInt64, UInt32) = (0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer + 12, count: 20)) }
        self.init(storage: storage)
    }
}
