// Decimal and hex text, big-endian bytes and Codable for UInt256.

extension UInt256 {
    /// 10^19, the largest power of ten in a limb (already normalised: its top bit is set).
    @usableFromInline static let tenToThe19: UInt64 = 10_000_000_000_000_000_000
    /// `Limb.reciprocal(tenToThe19)`.
    @usableFromInline static let tenToThe19Reciprocal: UInt64 = 0xd83c_94fb_6d2a_c34a

    /// The character whose UTF-8 starts at byte `offset` of `text`.
    static func character(in text: String, atUTF8Offset offset: Int) -> Character {
        let index = text.utf8.index(text.utf8.startIndex, offsetBy: offset)
        return Character(text.unicodeScalars[index])
    }

    /// Runs `body` over the contiguous UTF-8 of `text` (copying only non-native strings).
    static func withUTF8<R>(
        _ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws(IntegerParseError) -> R
    ) throws(IntegerParseError) -> R {
        var string = text
        let result: Result<R, IntegerParseError> = string.withUTF8 { buffer in
            do throws(IntegerParseError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses the decimal digits of `text` from UTF-8 offset `start` to the end.
    static func parseDecimalDigits(_ text: String, from start: Int) throws(IntegerParseError) -> UInt256 {
        do {
            return try withUTF8(text) { (utf8) throws(IntegerParseError) in try parseDecimalDigits(utf8, from: start) }
        } catch .invalidCharacter(_, let offset) {
            throw .invalidCharacter(character(in: text, atUTF8Offset: offset), offset: offset)
        }
    }

    /// Parses the decimal digits of `utf8[start...]`; an invalid character is reported as `"?"`
    /// with its offset (the caller names it).
    static func parseDecimalDigits(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int) throws(IntegerParseError) -> UInt256 {
        guard utf8.count > start else { throw utf8.isEmpty ? .empty : .missingDigits(offset: start) }
        var value = UInt256.zero
        var i = start
        while i < utf8.count {
            // Up to 19 digits at a time fit in one limb.
            let end = Swift.min(utf8.count, i + 19)
            var chunk: UInt64 = 0
            var scale: UInt64 = 1
            while i < end {
                let d = utf8[i] &- UInt8(ascii: "0")
                guard d < 10 else { throw .invalidCharacter("?", offset: i) }
                chunk = chunk &* 10 &+ UInt64(d)
                scale &*= 10
                i += 1
            }
            guard value.multiplyAdd(scale, chunk) == 0 else {
                // Report a bad character later in the text before the overflow.
                while i < utf8.count {
                    guard utf8[i] &- UInt8(ascii: "0") < 10 else { throw .invalidCharacter("?", offset: i) }
                    i += 1
                }
                throw .overflow
            }
        }
        return value
    }

    /// Parses the hex digits of `text` from UTF-8 offset `start` to the end.
    static func parseHexDigits(_ text: String, from start: Int) throws(IntegerParseError) -> UInt256 {
        do {
            return try withUTF8(text) { (utf8) throws(IntegerParseError) in try parseHexDigits(utf8, from: start) }
        } catch .invalidCharacter(_, let offset) {
            throw .invalidCharacter(character(in: text, atUTF8Offset: offset), offset: offset)
        }
    }

    /// Parses the hex digits of `utf8[start...]`; see `parseDecimalDigits(_:from:)`.
    static func parseHexDigits(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int) throws(IntegerParseError) -> UInt256 {
        guard utf8.count > start else { throw utf8.isEmpty ? .empty : .missingDigits(offset: start) }
        var value = UInt256.zero
        var overflow = false
        for i in start..<utf8.count {
            guard let nibble = Hex.nibble(utf8[i]) else { throw .invalidCharacter("?", offset: i) }
            if value.w3 &>> 60 != 0 { overflow = true }
            value = value.shiftedLeft(4)
            value.w0 |= UInt64(nibble)
        }
        if overflow { throw .overflow }
        return value
    }

    /// Parses decimal digits only (no sign, no prefix, no spaces); leading zeros are allowed.
    ///
    /// - Throws: `IntegerParseError.empty`, `.invalidCharacter` with its offset, or `.overflow`.
    @inlinable
    public init(decimalString text: some StringProtocol) throws(IntegerParseError) {
        self = try UInt256.parseDecimal(String(text))
    }

    /// Parses hex digits with or without a `0x`/`0X` prefix, in either case; leading zeros are allowed.
    ///
    /// - Throws: `IntegerParseError.empty`, `.missingDigits` (a bare `0x`), `.invalidCharacter`
    ///   with its offset, or `.overflow` (more than 256 significant bits).
    @inlinable
    public init(hexString text: some StringProtocol) throws(IntegerParseError) {
        self = try UInt256.parseHex(String(text))
    }

    /// Parses `0x`-prefixed hex, or decimal when there is no prefix.
    @inlinable
    public init(parsing text: some StringProtocol) throws(IntegerParseError) {
        self = try UInt256.parseAuto(String(text))
    }

    /// Body of `init(decimalString:)`, not generic so that it runs at full speed from any module.
    @usableFromInline
    static func parseDecimal(_ text: String) throws(IntegerParseError) -> UInt256 {
        try parseDecimalDigits(text, from: 0)
    }

    /// Body of `init(hexString:)`.
    @usableFromInline
    static func parseHex(_ text: String) throws(IntegerParseError) -> UInt256 {
        try parseHexDigits(text, from: Hex.prefixLength(text.utf8))
    }

    /// Body of `init(parsing:)`.
    @usableFromInline
    static func parseAuto(_ text: String) throws(IntegerParseError) -> UInt256 {
        Hex.prefixLength(text.utf8) == 2 ? try parseHexDigits(text, from: 2) : try parseDecimalDigits(text, from: 0)
    }

    /// The value in decimal, without leading zeros.
    public var description: String {
        if (w1 | w2 | w3) == 0 { return String(w0) }
        // Digits are written backwards into 80 bytes on the stack (2^256 - 1 has 78), 19 at a time.
        var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &storage) { raw in
            let digits = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var o = 80
            var v = self
            while true {
                let (q, r) = v.shiftedDivide(0, UInt256.tenToThe19, UInt256.tenToThe19Reciprocal)
                var c = r
                if q.isZero {
                    repeat {
                        o -= 1
                        digits[o] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: c % 10)
                        c /= 10
                    } while c != 0
                    break
                }
                for _ in 0..<19 {
                    o -= 1
                    digits[o] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: c % 10)
                    c /= 10
                }
                v = q
            }
            return String(decoding: UnsafeBufferPointer(start: digits + o, count: 80 - o), as: UTF8.self)
        }
    }

    /// The value as `0x`-prefixed lower-case hex without leading zeros (`0x0` for zero).
    public var hexString: String {
        let nibbles = Swift.max(1, (256 - leadingZeroBitCount + 3) / 4)
        return String(unsafeUninitializedCapacity: nibbles + 2) { buffer in
            buffer[0] = UInt8(ascii: "0")
            buffer[1] = UInt8(ascii: "x")
            for i in 0..<nibbles {
                let shift = (nibbles - 1 - i) * 4
                let nibble = limb(shift >> 6) >> UInt64(shift & 63) & 0xF
                buffer[2 + i] = Hex.digits[Int(nibble)]
            }
            return nibbles + 2
        }
    }
}

// MARK: - Bytes

extension UInt256 {
    /// Creates a value from up to 32 big-endian bytes (fewer bytes are left-padded with zeros).
    ///
    /// - Throws: `IntegerParseError.tooManyBytes` for more than 32 bytes, even if the extra ones are zero.
    public init<C: Collection>(bigEndianBytes bytes: C) throws(IntegerParseError) where C.Element == UInt8 {
        let count = bytes.count
        guard count <= 32 else { throw .tooManyBytes(count) }
        var value = UInt256.zero
        for b in bytes {
            value.w3 = (value.w3 &<< 8) | (value.w2 &>> 56)
            value.w2 = (value.w2 &<< 8) | (value.w1 &>> 56)
            value.w1 = (value.w1 &<< 8) | (value.w0 &>> 56)
            value.w0 = (value.w0 &<< 8) | UInt64(b)
        }
        self = value
    }

    /// The 32-byte big-endian representation (the EVM word layout).
    public var bigEndianBytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, initialized in
            storeBigEndian(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = 32
        }
    }

    /// Number of bytes in the minimal big-endian representation (0 for zero).
    @inlinable
    public var minimalByteCount: Int { (256 - leadingZeroBitCount + 7) / 8 }

    /// The big-endian bytes without leading zeros; empty for zero (the RLP integer form).
    public var minimalBigEndianBytes: [UInt8] {
        let count = minimalByteCount
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            storeMinimalBigEndian(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// Writes the 32 big-endian bytes to the start of `buffer`, which must hold at least 32 bytes.
    @inlinable
    public func storeBigEndian(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 32, "buffer too small for 32 bytes")
        buffer.storeBytes(of: w3.bigEndian, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: w2.bigEndian, toByteOffset: 8, as: UInt64.self)
        buffer.storeBytes(of: w1.bigEndian, toByteOffset: 16, as: UInt64.self)
        buffer.storeBytes(of: w0.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Writes the `minimalByteCount` minimal big-endian bytes to the start of `buffer`.
    @inlinable
    public func storeMinimalBigEndian(into buffer: UnsafeMutableRawBufferPointer) {
        let count = minimalByteCount
        precondition(buffer.count >= count, "buffer too small")
        for i in 0..<count {
            let byteIndex = count - 1 - i  // significance of the byte written at offset i
            buffer[i] = UInt8(truncatingIfNeeded: limb(byteIndex >> 3) &>> UInt64((byteIndex & 7) * 8))
        }
    }
}

// MARK: - Bytes32

extension UInt256 {
    /// The value of a 32-byte big-endian word (a storage slot, a topic, an ABI word).
    @inlinable
    public init(_ word: Bytes32) {
        self = word.withUnsafeBytes { raw in
            UInt256(
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
        }
    }

    /// The value as a 32-byte big-endian word.
    @inlinable
    public var bytes32: Bytes32 {
        Bytes32(unsafeUninitialized: { storeBigEndian(into: $0) })
    }
}

extension Int256 {
    /// The value of a 32-byte big-endian two's complement word.
    @inlinable
    public init(_ word: Bytes32) { self.init(bitPattern: UInt256(word)) }

    /// The value as a 32-byte big-endian two's complement word.
    @inlinable
    public var bytes32: Bytes32 { UInt256(bitPattern: self).bytes32 }
}

// MARK: - Codable

extension UInt256: Codable {
    /// Decodes a string: `0x`-prefixed hex (the JSON-RPC quantity form) or decimal.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try UInt256(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid UInt256 \(text.debugDescription): \(error)")
        }
    }

    /// Encodes as a `0x`-prefixed minimal hex string (the JSON-RPC quantity form), e.g. `"0x1b"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hexString)
    }
}
