/// A value that can be decoded from RLP.
///
/// Conform by reading this value's item from `decoder`; a type that is an RLP list reads its
/// fields with `decoder.decodeList(count:_:)`:
///
/// ```swift
/// init(rlp decoder: inout RLPDecoder) throws(RLPError) {
///     (nonce, to) = try decoder.decodeList(count: 2) { (fields) throws(RLPError) in
///         (try fields.decode(UInt64.self), try fields.decodeBytes(count: 20))
///     }
/// }
/// ```
public protocol RLPDecodable {
    /// Decodes one item from `decoder`, advancing it past that item.
    init(rlp decoder: inout RLPDecoder) throws(RLPError)
}

/// One decoded item, viewed without copying: a byte string's payload, or a decoder over a list's items.
public enum RLPView: Sendable {
    /// A byte string: a slice of the input holding its payload.
    case bytes(ArraySlice<UInt8>)
    /// A list: a decoder positioned on its first item.
    case list(RLPDecoder)
}

/// A strict, zero-copy cursor over RLP bytes.
///
/// It walks a borrowed `ArraySlice` and hands out slices of it for byte strings, and nested
/// decoders for lists; payloads are never copied. Every header is checked for canonical form
/// as it is read, and every length is checked against the input before it is used.
/// Error offsets count from the start of the input given to `init`.
public struct RLPDecoder: Sendable {
    /// Deepest list nesting accepted (the top-level list is depth 1); deeper input throws `depthLimitExceeded`.
    public static let maxDepth = 1024

    @usableFromInline let bytes: ArraySlice<UInt8>
    @usableFromInline var position: Int
    @usableFromInline let end: Int
    @usableFromInline let origin: Int
    @usableFromInline let depth: Int
    /// Absolute index of the enclosing list's header, or -1 at the top level.
    @usableFromInline let listStart: Int
    /// Number of items the body of `decodeList(count:_:)` expects, or -1.
    @usableFromInline var expectedCount: Int
    /// Items read so far at this level.
    @usableFromInline var itemCount: Int

    /// A decoder over `bytes`; offsets in errors count from `bytes.startIndex`.
    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
        self.end = bytes.endIndex
        self.origin = bytes.startIndex
        self.depth = 0
        self.listStart = -1
        self.expectedCount = -1
        self.itemCount = 0
    }

    /// A decoder over `bytes`.
    @inlinable
    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    @inlinable
    init(sub bytes: ArraySlice<UInt8>, from start: Int, to end: Int, origin: Int, depth: Int, listStart: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
        self.origin = origin
        self.depth = depth
        self.listStart = listStart
        self.expectedCount = -1
        self.itemCount = 0
    }

    /// Whether every item at this level has been read.
    @inlinable
    public var isAtEnd: Bool { position >= end }

    /// Offset of the next item from the start of the input.
    @inlinable
    public var offset: Int { position &- origin }

    /// The bytes not yet read at this level (a view, not a copy).
    @inlinable
    public var remaining: ArraySlice<UInt8> { bytes[position..<end] }

    /// Reads the next item's header and moves past the whole item.
    @inlinable @inline(__always)
    mutating func next() throws(RLPError) -> (header: RLPHeader, start: Int, payloadStart: Int) {
        if position >= end, expectedCount >= 0 {
            throw .listLengthMismatch(offset: listStart &- origin, expected: expectedCount, got: itemCount)
        }
        let start = position
        let (header, payloadStart) = try RLPHeader.decode(bytes, at: start, end: end, origin: origin)
        position = payloadStart &+ header.payloadLength
        itemCount &+= 1
        return (header, start, payloadStart)
    }

    /// The next item's header, without moving.
    @inlinable
    public func peekHeader() throws(RLPError) -> RLPHeader {
        try RLPHeader.decode(bytes, at: position, end: end, origin: origin).header
    }

    /// Reads the next item, whichever kind it is.
    @inlinable
    public mutating func decodeView() throws(RLPError) -> RLPView {
        let (header, start, payloadStart) = try next()
        if header.isList {
            return .list(try subDecoder(start: start, payloadStart: payloadStart, length: header.payloadLength))
        }
        return .bytes(bytes[payloadStart..<payloadStart &+ header.payloadLength])
    }

    @inlinable
    func subDecoder(start: Int, payloadStart: Int, length: Int) throws(RLPError) -> RLPDecoder {
        guard depth < Self.maxDepth else { throw .depthLimitExceeded(offset: start &- origin) }
        return RLPDecoder(
            sub: bytes, from: payloadStart, to: payloadStart &+ length, origin: origin,
            depth: depth &+ 1, listStart: start)
    }

    /// Reads the next item, which must be a byte string, and returns its payload (a view, not a copy).
    @inlinable
    public mutating func decodeBytes() throws(RLPError) -> ArraySlice<UInt8> {
        let (header, start, payloadStart) = try next()
        guard !header.isList else { throw .unexpectedList(offset: start &- origin) }
        return bytes[payloadStart..<payloadStart &+ header.payloadLength]
    }

    /// Reads a byte string that must be exactly `count` bytes long (an address, a hash).
    @inlinable
    public mutating func decodeBytes(count: Int) throws(RLPError) -> ArraySlice<UInt8> {
        let start = position
        let payload = try decodeBytes()
        guard payload.count == count else {
            throw .unexpectedLength(offset: start &- origin, expected: count, got: payload.count)
        }
        return payload
    }

    /// Reads an unsigned integer of any width as its big-endian payload, checking it has no leading zero.
    @inlinable
    public mutating func decodeIntegerBytes() throws(RLPError) -> ArraySlice<UInt8> {
        let start = position
        let payload = try decodeBytes()
        if let first = payload.first, first == 0 { throw .leadingZero(offset: start &- origin) }
        return payload
    }

    /// Reads an unsigned integer: canonical (no leading zero) and within `T`'s range.
    @inlinable
    public mutating func decodeInteger<T: FixedWidthInteger & UnsignedInteger>(_: T.Type = T.self) throws(RLPError) -> T {
        let (header, start, payloadStart) = try next()
        guard !header.isList else { throw .unexpectedList(offset: start &- origin) }
        let n = header.payloadLength
        if n == 0 { return 0 }
        let first = bytes[payloadStart]
        if first == 0 { throw .leadingZero(offset: start &- origin) }
        if n &* 8 > T.bitWidth {
            // Only a width that is not a whole number of bytes could still fit a partial top byte.
            let spare = T.bitWidth &- (n &- 1) &* 8
            guard spare > 0, spare < 8, first >> spare == 0 else { throw .overflow(offset: start &- origin) }
        }
        if T.bitWidth <= 64 {
            var value: UInt64 = 0
            for i in payloadStart..<(payloadStart &+ n) {
                value = value &<< 8 | UInt64(bytes[i])
            }
            return T(truncatingIfNeeded: value)
        }
        var value: T = 0
        for i in payloadStart..<(payloadStart &+ n) {
            value = value << 8 | T(truncatingIfNeeded: bytes[i])
        }
        return value
    }

    /// Reads any decodable value.
    @inlinable
    public mutating func decode<T: RLPDecodable>(_: T.Type = T.self) throws(RLPError) -> T {
        try T(rlp: &self)
    }

    /// Reads the next item, which must be a list, and returns a decoder over its items.
    @inlinable
    public mutating func decodeList() throws(RLPError) -> RLPDecoder {
        let (header, start, payloadStart) = try next()
        guard header.isList else { throw .unexpectedString(offset: start &- origin) }
        return try subDecoder(start: start, payloadStart: payloadStart, length: header.payloadLength)
    }

    /// Reads a list of exactly `count` items through `body`, which reads them in order.
    ///
    /// `count` is the number of fields `body` reads; too few items throws `listLengthMismatch` when `body` asks for one that is missing; items
    /// left unread when `body` returns throw it too, with the real count.
    @inlinable
    public mutating func decodeList<R>(
        count: Int, _ body: (inout RLPDecoder) throws(RLPError) -> R
    ) throws(RLPError) -> R {
        var fields = try decodeList()
        fields.expectedCount = count
        let result = try body(&fields)
        if !fields.isAtEnd {
            while !fields.isAtEnd { _ = try fields.next() }
            throw .listLengthMismatch(offset: fields.listStart &- origin, expected: count, got: fields.itemCount)
        }
        return result
    }

    /// Reads the next item and returns its whole encoding, header included (a view, not a copy).
    ///
    /// Only the item's own header is checked; the items inside a list are not walked.
    @inlinable
    public mutating func decodeRawItem() throws(RLPError) -> ArraySlice<UInt8> {
        let (_, start, _) = try next()
        return bytes[start..<position]
    }

    /// Moves past the next item, checking only its header.
    @inlinable
    public mutating func skipItem() throws(RLPError) {
        _ = try next()
    }

    /// Throws `trailingBytes` unless every item at this level has been read.
    @inlinable
    public func finish() throws(RLPError) {
        guard isAtEnd else { throw .trailingBytes(offset: position &- origin) }
    }
}

// MARK: - Conformances

extension RLPDecodable where Self: FixedWidthInteger & UnsignedInteger {
    /// Reads a canonical big-endian integer that fits `Self`.
    @inlinable
    public init(rlp decoder: inout RLPDecoder) throws(RLPError) {
        self = try decoder.decodeInteger(Self.self)
    }
}

/// Reads a canonical RLP integer that fits 8 bits.
extension UInt8: RLPDecodable {}
/// Reads a canonical RLP integer that fits 16 bits.
extension UInt16: RLPDecodable {}
/// Reads a canonical RLP integer that fits 32 bits.
extension UInt32: RLPDecodable {}
/// Reads a canonical RLP integer that fits 64 bits.
extension UInt64: RLPDecodable {}
/// Reads a canonical RLP integer that fits `UInt`.
extension UInt: RLPDecodable {}

/// Reads the RLP integer 0 or 1.
extension Bool: RLPDecodable {
    /// Reads the integer 0 or 1; anything larger throws `overflow`.
    @inlinable
    public init(rlp decoder: inout RLPDecoder) throws(RLPError) {
        let start = decoder.offset
        switch try decoder.decodeInteger(UInt8.self) {
        case 0: self = false
        case 1: self = true
        default: throw .overflow(offset: start)
        }
    }
}

/// Reads a byte string (`[UInt8]`) or an RLP list of decodable elements.
extension Array: RLPDecodable where Element: RLPDecodable {
    /// `[UInt8]` reads a byte string (copying its payload); an array of anything else reads a list.
    @inlinable
    public init(rlp decoder: inout RLPDecoder) throws(RLPError) {
        if Element.self == UInt8.self {
            self = unsafeBitCast(Array<UInt8>(try decoder.decodeBytes()), to: [Element].self)
            return
        }
        var items = try decoder.decodeList()
        var result: [Element] = []
        while !items.isAtEnd {
            result.append(try Element(rlp: &items))
        }
        self = result
    }
}

/// Reads an RLP byte string as a view of the input.
extension ArraySlice: RLPDecodable where Element == UInt8 {
    /// Reads a byte string as a view of the input (no copy).
    @inlinable
    public init(rlp decoder: inout RLPDecoder) throws(RLPError) {
        self = try decoder.decodeBytes()
    }
}

/// Reads an RLP byte string that must be valid UTF-8.
extension String: RLPDecodable {
    /// Reads a byte string that must be valid UTF-8.
    @inlinable
    public init(rlp decoder: inout RLPDecoder) throws(RLPError) {
        let start = decoder.offset
        let payload = try decoder.decodeBytes()
        let text = String(decoding: payload, as: UTF8.self)
        // Decoding replaces invalid sequences, so a faithful round trip means the bytes were valid.
        guard text.utf8.elementsEqual(payload) else { throw .invalidUTF8(offset: start) }
        self = text
    }
}
