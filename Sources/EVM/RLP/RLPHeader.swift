/// The prefix of an RLP item: whether it is a list, and how many payload bytes follow.
///
/// This is the only type that knows the wire rules for prefixes: the string and list offsets
/// (`0x80`, `0xc0`), the short/long boundary at 56 bytes, and the single-byte form. Decoding
/// rejects every non-canonical prefix at the point where its byte is read.
@frozen
public struct RLPHeader: Equatable, Hashable, Sendable {
    /// Whether the item is a list (else a byte string).
    public var isList: Bool
    /// Number of payload bytes after the header.
    public var payloadLength: Int

    /// A header for a list or byte string of `payloadLength` bytes.
    @inlinable
    public init(isList: Bool, payloadLength: Int) {
        self.isList = isList
        self.payloadLength = payloadLength
    }

    @usableFromInline static let stringBase: UInt8 = 0x80
    @usableFromInline static let listBase: UInt8 = 0xc0
    /// Payloads of this length or more use the long form.
    @usableFromInline static let longThreshold = 56

    /// Bytes needed for `value` in big-endian without leading zeros (0 for 0).
    @inlinable
    static func byteCount(_ value: UInt64) -> Int {
        (64 &- value.leadingZeroBitCount &+ 7) >> 3
    }

    /// Size of this header once encoded: 1 byte below 56 payload bytes, else 1 plus the length's bytes.
    @inlinable
    public var encodedLength: Int { Self.encodedLength(payloadLength: payloadLength) }

    /// Size of a string or list header for `payloadLength` bytes of payload.
    @inlinable
    public static func encodedLength(payloadLength: Int) -> Int {
        payloadLength < longThreshold ? 1 : 1 &+ byteCount(UInt64(payloadLength))
    }

    /// Whether a byte string of `count` bytes starting with `first` is its own encoding (no header).
    @inlinable
    public static func isSingleByte(count: Int, first: UInt8) -> Bool {
        count == 1 && first < stringBase
    }

    /// Full encoded size of a byte string of `count` bytes whose first byte is `first` (ignored when `count` is not 1).
    @inlinable
    public static func encodedStringLength(count: Int, first: UInt8) -> Int {
        isSingleByte(count: count, first: first) ? 1 : encodedLength(payloadLength: count) &+ count
    }

    /// Writes the header at `p` (which must have room for `encodedLength` bytes) and returns its size.
    @inlinable @inline(__always)
    func write(to p: UnsafeMutablePointer<UInt8>) -> Int {
        let base = isList ? Self.listBase : Self.stringBase
        if payloadLength < Self.longThreshold {
            p[0] = base &+ UInt8(truncatingIfNeeded: payloadLength)
            return 1
        }
        let n = Self.byteCount(UInt64(payloadLength))
        p[0] = base &+ UInt8(truncatingIfNeeded: Self.longThreshold &- 1 &+ n)
        var v = UInt64(payloadLength)
        var i = n
        while i > 0 {
            p[i] = UInt8(truncatingIfNeeded: v)
            v >>= 8
            i &-= 1
        }
        return 1 &+ n
    }

    /// The header's bytes.
    public var encoded: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: encodedLength) { buffer, count in
            count = write(to: buffer.baseAddress!)
        }
    }

    /// Decodes the header of the item at `index` in `bytes`, whose enclosing input ends at `end`.
    ///
    /// Returns the header and the index of the first payload byte (equal to `index` for a single
    /// byte below `0x80`, which is its own payload). Error offsets are relative to `origin`.
    /// Checks, in reading order: non-canonical single byte, leading zero in a long length,
    /// long form below 56, and that the payload fits before `end`.
    @inlinable @inline(__always)
    static func decode(
        _ bytes: ArraySlice<UInt8>, at index: Int, end: Int, origin: Int
    ) throws(RLPError) -> (header: RLPHeader, payloadStart: Int) {
        guard index < end else { throw .inputTooShort(offset: index &- origin) }
        let b = bytes[index]
        if b < stringBase {
            return (RLPHeader(isList: false, payloadLength: 1), index)
        }
        let isList = b >= listBase
        let offsetInRange = b &- (isList ? listBase : stringBase)
        guard offsetInRange < UInt8(longThreshold) else {
            return try decodeLong(bytes, at: index, end: end, origin: origin, isList: isList)
        }
        let length = Int(offsetInRange)
        guard length <= end &- index &- 1 else { throw .inputTooShort(offset: index &- origin) }
        if !isList && length == 1 && bytes[index &+ 1] < stringBase {
            throw .nonCanonicalSingleByte(offset: index &- origin)
        }
        return (RLPHeader(isList: isList, payloadLength: length), index &+ 1)
    }

    /// The long form: 1...8 bytes of big-endian length after the prefix byte.
    @inlinable
    static func decodeLong(
        _ bytes: ArraySlice<UInt8>, at index: Int, end: Int, origin: Int, isList: Bool
    ) throws(RLPError) -> (header: RLPHeader, payloadStart: Int) {
        let available = end &- index &- 1  // bytes after the prefix byte
        let lengthOfLength = Int(bytes[index] &- (isList ? listBase : stringBase)) &- (longThreshold &- 1)
        guard available >= 1 else { throw .inputTooShort(offset: index &- origin) }
        guard bytes[index &+ 1] != 0 else { throw .leadingZeroInLength(offset: index &- origin) }
        guard lengthOfLength <= available else { throw .inputTooShort(offset: index &- origin) }
        var length: UInt64 = 0
        for i in (index &+ 1)...(index &+ lengthOfLength) {
            length = length << 8 | UInt64(bytes[i])
        }
        guard length >= UInt64(longThreshold) else { throw .nonCanonicalSize(offset: index &- origin) }
        guard length <= UInt64(available &- lengthOfLength) else { throw .inputTooShort(offset: index &- origin) }
        return (RLPHeader(isList: isList, payloadLength: Int(length)), index &+ 1 &+ lengthOfLength)
    }
}
