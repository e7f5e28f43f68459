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
    /// - Throws: an `ABIError` naming the path and byte offset of the first problem.
    public static func decode(_ types: [ABIType], from data: some Collection<UInt8>,
                              options: ABIDecodingOptions = .strict) throws(ABIError) -> [ABIValue] {
        try withBytes(data) { (raw) throws(ABIError) -> [ABIValue] in
            var decoder = ABIDecoder(buffer: raw, options: options)
            return try decoder.decodeTuple(types, at: 0, path: [], top: true)
        }
    }

    /// Decodes one value of `type` as encoded by `abi.encode(value)`.
    public static func decode(_ type: ABIType, from data: some Collection<UInt8>,
                              options: ABIDecodingOptions = .strict) throws(ABIError) -> ABIValue {
        try decode([type], from: data, options: options)[0]
    }
}

/// Calls `body` with the bytes of `data` as a contiguous buffer (copying only when they are not contiguous).
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

/// The strict decoder: one pass over a borrowed buffer, bounds checked before every read and allocation.
struct ABIDecoder {
    let buffer: UnsafeRawBufferPointer
    let options: ABIDecodingOptions
    /// Work budget: bytes and elements decoded may not exceed a small multiple of the input size,
    /// so aliasing offsets cannot blow up time or memory.
    var budget: Int
    var depth = 0

    init(buffer: UnsafeRawBufferPointer, options: ABIDecodingOptions) {
        self.buffer = buffer
        self.options = options
        self.budget = 4 * buffer.count + 4096
    }

    mutating func charge(_ units: Int, _ path: ABIPath) throws(ABIError) {
        budget -= units
        if budget < 0 { throw .decodingBudgetExceeded(path) }
    }

    /// Loads the 64-bit big-endian limb `k` (0 = most significant) of the word at `offset`.
    @inline(__always)
    func limb(_ offset: Int, _ k: Int) -> UInt64 {
        UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset + 8 * k, as: UInt64.self))
    }

    @inline(__always)
    func requireWord(_ offset: Int, _ path: ABIPath) throws(ABIError) {
        guard offset >= 0, offset <= buffer.count - 32 else { throw .inputTooShort(path, offset: offset, needed: 32) }
    }

    func word(_ offset: Int) -> UInt256 {
        UInt256(limbs: (limb(offset, 3), limb(offset, 2), limb(offset, 1), limb(offset, 0)))
    }

    /// Reads a word that must be a small non-negative integer (an offset or a length); `nil` if it is huge.
    func smallInt(_ offset: Int) -> Int? {
        guard limb(offset, 0) == 0, limb(offset, 1) == 0, limb(offset, 2) == 0 else { return nil }
        let v = limb(offset, 3)
        return v <= UInt64(Int32.max) ? Int(v) : nil
    }

    /// Resolves the offset word at `at`, relative to `base`, for a region whose head is `headSize` bytes.
    func follow(_ at: Int, base: Int, headSize: Int, _ path: ABIPath) throws(ABIError) -> Int {
        guard let rel = smallInt(at), base + rel <= buffer.count else { throw .offsetOutOfBounds(path, offset: at) }
        if options.strict && rel < headSize { throw .offsetIntoHead(path, offset: at) }
        return base + rel
    }

    /// Decodes a tuple whose encoding starts at `start`.
    mutating func decodeTuple(_ types: [ABIType], at start: Int, path: ABIPath, top: Bool = false) throws(ABIError) -> [ABIValue] {
        var headSize = 0
        for t in types { headSize += t.headSize }
        guard start + headSize <= buffer.count else { throw .inputTooShort(path, offset: start, needed: headSize) }
        var values: [ABIValue] = []
        values.reserveCapacity(types.count)
        var h = start
        for (i, t) in types.enumerated() {
            let p = path.appending(top ? .arg(i) : .field(i))
            if t.isDynamic {
                try requireWord(h, p)
                let target = try follow(h, base: start, headSize: headSize, p)
                values.append(try decode(t, at: target, path: p))
                h += 32
            } else {
                values.append(try decode(t, at: h, path: p))
                h += t.headSize
            }
        }
        return values
    }

    /// Decodes `count` elements of `t` laid out as a tuple starting at `start`.
    mutating func decodeElements(_ t: ABIType, count: Int, at start: Int, path: ABIPath) throws(ABIError) -> [ABIValue] {
        let elementHead = t.headSize
        let dynamic = t.isDynamic
        let headSize = elementHead * count
        guard start + headSize <= buffer.count else { throw .lengthOutOfBounds(path, offset: start) }
        try charge(count, path)
        var values: [ABIValue] = []
        values.reserveCapacity(count)
        for i in 0..<count {
            let p = path.appending(.index(i))
            let h = start + i * elementHead
            if dynamic {
                let target = try follow(h, base: start, headSize: headSize, p)
                values.append(try decode(t, at: target, path: p))
            } else {
                values.append(try decode(t, at: h, path: p))
            }
        }
        return values
    }

    /// Decodes one value of `type` whose encoding (head for static types, tail for dynamic) starts at `at`.
    mutating func decode(_ type: ABIType, at: Int, path: ABIPath) throws(ABIError) -> ABIValue {
        switch type {
        case .uint(let bits):
            try requireWord(at, path)
            try charge(32, path)
            var v = word(at)
            if bits < 256 && v.bitWidthNeeded > bits {
                if options.strict { throw .uintOverflow(path, offset: at, bits: bits) }
                v = v & ((UInt256.one << bits) &- .one)
            }
            return .uint(v)
        case .int(let bits):
            try requireWord(at, path)
            try charge(32, path)
            let raw = word(at)
            let v = Int256.signExtend(raw, fromByte: UInt256(UInt64(bits / 8 - 1)))
            if options.strict && UInt256(bitPattern: v) != raw { throw .badSignExtension(path, offset: at, bits: bits) }
            return .int(v)
        case .address:
            try requireWord(at, path)
            try charge(32, path)
            if options.strict && (limb(at, 0) != 0 || limb(at, 1) >> 32 != 0) {
                throw .dirtyAddressPadding(path, offset: at)
            }
            return .address(try! Address(UnsafeRawBufferPointer(rebasing: buffer[(at + 12)..<(at + 32)])))
        case .bool:
            try requireWord(at, path)
            try charge(32, path)
            let hi = limb(at, 0) | limb(at, 1) | limb(at, 2)
            let lo = limb(at, 3)
            if hi == 0 && lo <= 1 { return .bool(lo == 1) }
            if options.strict { throw .invalidBool(path, offset: at) }
            return .bool(hi != 0 || lo != 0)
        default:
            break
        }
        switch type {
        case .fixedBytes(let n):
            return try fixedBytes(n, at: at, path: path)
        case .function:
            return try fixedBytes(24, at: at, path: path)
        case .bytes:
            return .bytes(try byteString(at: at, path: path))
        case .string:
            let b = try byteString(at: at, path: path)
            if options.strict {
                var it = b.makeIterator()
                var decoder = UTF8()
                loop: while true {
                    switch decoder.decode(&it) {
                    case .scalarValue: continue
                    case .emptyInput: break loop
                    case .error: throw .invalidUTF8(path, offset: at)
                    }
                }
            }
            return .string(String(decoding: b, as: UTF8.self))
        case .array(let t):
            try requireWord(at, path)
            guard let count = smallInt(at) else { throw .lengthOutOfBounds(path, offset: at) }
            try enter(path)
            defer { depth -= 1 }
            return .array(try decodeElements(t, count: count, at: at + 32, path: path))
        case .fixedArray(let t, let k):
            try enter(path)
            defer { depth -= 1 }
            return .array(try decodeElements(t, count: k, at: at, path: path))
        case .tuple(let ts):
            try enter(path)
            defer { depth -= 1 }
            return .tuple(try decodeTuple(ts, at: at, path: path))
        default:
            preconditionFailure("handled above")
        }
    }

    mutating func enter(_ path: ABIPath) throws(ABIError) {
        depth += 1
        if depth > options.maxDepth { throw .depthLimitExceeded(path) }
    }

    mutating func fixedBytes(_ n: Int, at: Int, path: ABIPath) throws(ABIError) -> ABIValue {
        try requireWord(at, path)
        try charge(32, path)
        if options.strict {
            for i in n..<32 where buffer[at + i] != 0 { throw .dirtyFixedBytesPadding(path, offset: at) }
        }
        return .fixedBytes(Array(buffer[at..<(at + n)]))
    }

    /// The length-prefixed data of `bytes`/`string` at `at`.
    mutating func byteString(at: Int, path: ABIPath) throws(ABIError) -> [UInt8] {
        try requireWord(at, path)
        guard let length = smallInt(at), at + 32 + length <= buffer.count else {
            throw .lengthOutOfBounds(path, offset: at)
        }
        let start = at + 32
        let paddedEnd = start + ABI.padded(length)
        if options.strict {
            guard paddedEnd <= buffer.count else { throw .inputTooShort(path, offset: start + length, needed: paddedEnd - start - length) }
            for i in (start + length)..<paddedEnd where buffer[i] != 0 { throw .dirtyTailPadding(path, offset: i) }
        }
        try charge(32 + length, path)
        return Array(buffer[start..<(start + length)])
    }
}
