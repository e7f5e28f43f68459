/// A value with an RLP encoding.
///
/// Conform by implementing `encode(to:)`; a type that is an RLP list writes its fields inside
/// `writer.encodeList { … }`. `rlpEncodedLength` has a default that measures by running
/// `encode(to:)` without writing; override it when the length is cheaper to compute directly.
/// `RLP.encode(_:)` asks for the length first, then writes the whole value into one buffer
/// allocated once at its final size.
public protocol RLPEncodable {
    /// Writes this value's complete encoding (header and payload) to `writer`.
    func encode(to writer: inout RLPWriter)
    /// Size in bytes of what `encode(to:)` writes.
    var rlpEncodedLength: Int { get }
}

extension RLPEncodable {
    /// Measures by running `encode(to:)` on a writer that only counts bytes.
    @inlinable
    public var rlpEncodedLength: Int {
        var measure = RLPWriter(measuring: ())
        encode(to: &measure)
        return measure.position
    }
}

/// Writes RLP into a buffer sized in advance, or only counts the bytes it would write.
///
/// You get one from `RLP.encode`, `RLP.encodeList` or inside `RLPEncodable.encode(to:)`. Writes
/// are bounds-checked: a conformer whose `rlpEncodedLength` disagrees with `encode(to:)` traps
/// instead of writing past the buffer.
public struct RLPWriter {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>?
    @usableFromInline var position: Int
    /// Bytes written (or counted, when measuring) so far.
    @inlinable
    public var bytesWritten: Int { position }
    @usableFromInline let capacity: Int
    /// Lists open around the current position (0 outside any list).
    @usableFromInline var depth: Int
    /// Start position and payload length of the first outermost list met while measuring (start -1: none), so that
    /// writing it need not measure its body again. A list's start position identifies it within one encoding (every
    /// item is at least one byte, and a list's items start after its header), and the write pass checks the payload
    /// it wrote against this length.
    @usableFromInline var firstList: (start: Int, payload: Int)

    /// A writer that counts bytes without writing them.
    @inlinable
    init(measuring: ()) {
        base = nil
        position = 0
        capacity = .max
        depth = 0
        firstList = (-1, 0)
    }

    /// A writer over `capacity` uninitialised bytes at `base`; `firstList` comes from the measuring pass over the
    /// same value, started at the same position 0.
    @inlinable
    init(base: UnsafeMutablePointer<UInt8>, capacity: Int, firstList: (start: Int, payload: Int) = (-1, 0)) {
        self.base = base
        self.position = 0
        self.capacity = capacity
        self.depth = 0
        self.firstList = firstList
    }

    /// Whether this writer only counts bytes (the first pass of a two-pass encoding).
    @inlinable
    public var isMeasuring: Bool { base == nil }

    /// Advances by `count` bytes; returns where to write them, or nil when measuring.
    @inlinable @inline(__always)
    mutating func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8>? {
        let start = position
        position = start &+ count
        guard let base else { return nil }
        precondition(position <= capacity, "RLPEncodable.rlpEncodedLength is smaller than what encode(to:) writes")
        return base + start
    }

    /// Writes a header; the caller then writes exactly `header.payloadLength` payload bytes.
    @inlinable @inline(__always)
    public mutating func writeHeader(_ header: RLPHeader) {
        let n = header.encodedLength
        if let p = reserve(n) { _ = header.write(to: p) }
    }

    /// Writes bytes that are already RLP (one or more complete items), unchanged.
    @inlinable @inline(__always)
    public mutating func writeRaw(_ encoded: UnsafeRawBufferPointer) {
        if let p = reserve(encoded.count), encoded.count > 0 {
            UnsafeMutableRawPointer(p).copyMemory(from: encoded.baseAddress!, byteCount: encoded.count)
        }
    }

    /// Writes bytes that are already RLP (one or more complete items), unchanged.
    @inlinable
    public mutating func writeRaw(_ encoded: [UInt8]) {
        encoded.withUnsafeBytes { writeRaw($0) }
    }

    /// Encodes a byte string.
    @inlinable @inline(__always)
    public mutating func encodeBytes(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        if count == 1, RLPHeader.isSingleByte(count: 1, first: bytes[0]) {
            if let p = reserve(1) { p[0] = bytes[0] }
            return
        }
        writeHeader(RLPHeader(isList: false, payloadLength: count))
        writeRaw(bytes)
    }

    /// Encodes a byte string.
    @inlinable
    public mutating func encodeBytes<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { encodeBytes(UnsafeRawBufferPointer($0)) }
        if done != nil { return }
        let count = bytes.count
        if count == 1, let first = bytes.first, RLPHeader.isSingleByte(count: 1, first: first) {
            if let p = reserve(1) { p[0] = first }
            return
        }
        writeHeader(RLPHeader(isList: false, payloadLength: count))
        if let p = reserve(count) {
            var i = 0
            for b in bytes {
                p[i] = b
                i &+= 1
            }
        }
    }

    /// Size of the encoding of the unsigned integer `value` (minimal big-endian, zero is `0x80`).
    @inlinable
    public static func encodedLength<T: FixedWidthInteger & UnsignedInteger>(ofInteger value: T) -> Int {
        if T.bitWidth <= 64 { return encodedLength(ofInteger: UInt64(truncatingIfNeeded: value)) }
        if T.self == UInt256.self { return encodedLength(ofInteger: unsafeBitCast(value, to: UInt256.self)) }
        if value < T(RLPHeader.stringBase) { return 1 }
        let n = (T.bitWidth &- value.leadingZeroBitCount &+ 7) >> 3
        return RLPHeader.encodedLength(payloadLength: n) &+ n
    }

    /// Encodes an unsigned integer as its minimal big-endian bytes (zero is the empty string, `0x80`).
    @inlinable
    public mutating func encodeInteger<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        if T.bitWidth <= 64 { return encodeInteger(UInt64(truncatingIfNeeded: value)) }
        if T.self == UInt256.self { return encodeInteger(unsafeBitCast(value, to: UInt256.self)) }
        if value < T(RLPHeader.stringBase) {
            if let p = reserve(1) { p[0] = value == 0 ? RLPHeader.stringBase : UInt8(truncatingIfNeeded: value) }
            return
        }
        let n = (T.bitWidth &- value.leadingZeroBitCount &+ 7) >> 3
        writeHeader(RLPHeader(isList: false, payloadLength: n))
        guard let p = reserve(n) else { return }
        var v = value
        var i = n &- 1
        while i >= 0 {
            p[i] = UInt8(truncatingIfNeeded: v)
            v >>= 8
            i &-= 1
        }
    }

    /// Encodes any encodable value.
    @inlinable
    public mutating func encode<T: RLPEncodable>(_ value: T) {
        if base == nil {
            position &+= value.rlpEncodedLength
        } else {
            value.encode(to: &self)
        }
    }

    /// Encodes a list whose items `body` writes: measures `body` first, then writes the header and runs it again
    /// (so `body` must write the same items every time it runs).
    @inlinable
    public mutating func encodeList(_ body: (inout RLPWriter) -> Void) {
        let listStart = position
        if base == nil && depth == 0 && firstList.start < 0 {
            // The first outermost list of a measuring pass: measured in place and remembered for the write pass.
            depth = 1
            let bodyStart = position
            body(&self)
            depth = 0
            let payload = position &- bodyStart
            position = listStart &+ RLPHeader.encodedLength(payloadLength: payload) &+ payload
            firstList = (listStart, payload)
            return
        }
        let payload: Int
        if base != nil && depth == 0 && firstList.start == listStart {
            payload = firstList.payload
        } else {
            var measure = RLPWriter(measuring: ())
            measure.depth = 1  // nested measuring remembers nothing
            body(&measure)
            payload = measure.position
        }
        let header = RLPHeader(isList: true, payloadLength: payload)
        if base == nil {
            position &+= header.encodedLength &+ payload
            return
        }
        writeHeader(header)
        let start = position
        depth &+= 1
        body(&self)
        depth &-= 1
        precondition(position &- start == payload, "RLP list body wrote a different length when run twice")
    }

    /// Encodes a collection of encodable values as a list.
    @inlinable
    public mutating func encodeList<C: Collection>(_ elements: C) where C.Element: RLPEncodable {
        var payload = 0
        for e in elements { payload &+= e.rlpEncodedLength }
        let header = RLPHeader(isList: true, payloadLength: payload)
        if base == nil {
            position &+= header.encodedLength &+ payload
            return
        }
        writeHeader(header)
        depth &+= 1
        for e in elements { e.encode(to: &self) }
        depth &-= 1
    }

    /// Size of the encoding of a list of `elements`.
    @inlinable
    public static func encodedLength<C: Collection>(ofList elements: C) -> Int where C.Element: RLPEncodable {
        var payload = 0
        for e in elements { payload &+= e.rlpEncodedLength }
        return RLPHeader.encodedLength(payloadLength: payload) &+ payload
    }
}

// MARK: - Conformances

extension RLPEncodable where Self: FixedWidthInteger & UnsignedInteger {
    /// Minimal big-endian bytes; zero is the empty string.
    @inlinable
    public func encode(to writer: inout RLPWriter) { writer.encodeInteger(self) }

    /// Size of the minimal big-endian encoding.
    @inlinable
    public var rlpEncodedLength: Int { RLPWriter.encodedLength(ofInteger: self) }
}

/// Written as an RLP integer: minimal big-endian bytes.
extension UInt8: RLPEncodable {}
/// Written as an RLP integer: minimal big-endian bytes.
extension UInt16: RLPEncodable {}
/// Written as an RLP integer: minimal big-endian bytes.
extension UInt32: RLPEncodable {}
/// Written as an RLP integer: minimal big-endian bytes.
extension UInt64: RLPEncodable {}
/// Written as an RLP integer: minimal big-endian bytes.
extension UInt: RLPEncodable {}

/// Written as the RLP integer 1 or 0.
extension Bool: RLPEncodable {
    /// `true` is the integer 1 (`0x01`), `false` the integer 0 (`0x80`).
    @inlinable
    public func encode(to writer: inout RLPWriter) { writer.encodeInteger(self ? 1 as UInt8 : 0) }

    /// Always 1 byte.
    @inlinable
    public var rlpEncodedLength: Int { 1 }
}

/// Written as a byte string (`[UInt8]`) or as an RLP list of the elements.
extension Array: RLPEncodable where Element: RLPEncodable {
    /// `[UInt8]` is a byte string; an array of any other encodable is a list.
    @inlinable
    public func encode(to writer: inout RLPWriter) {
        if Element.self == UInt8.self {
            writer.encodeBytes(unsafeBitCast(self, to: [UInt8].self))
        } else {
            writer.encodeList(self)
        }
    }

    /// Size of the byte string (for `[UInt8]`) or of the list.
    @inlinable
    public var rlpEncodedLength: Int {
        if Element.self == UInt8.self {
            return RLPHeader.encodedStringLength(count: count, first: isEmpty ? 0 : unsafeBitCast(self, to: [UInt8].self)[0])
        }
        return RLPWriter.encodedLength(ofList: self)
    }
}

/// Written as an RLP byte string.
extension ArraySlice: RLPEncodable where Element == UInt8 {
    /// A byte string.
    @inlinable
    public func encode(to writer: inout RLPWriter) { writer.encodeBytes(self) }

    /// Size of the byte string's encoding.
    @inlinable
    public var rlpEncodedLength: Int { RLPHeader.encodedStringLength(count: count, first: first ?? 0) }
}

/// Written as an RLP byte string of the UTF-8 bytes.
extension String: RLPEncodable {
    /// The UTF-8 bytes as a byte string.
    @inlinable
    public func encode(to writer: inout RLPWriter) {
        var text = self
        text.withUTF8 { writer.encodeBytes(UnsafeRawBufferPointer($0)) }
    }

    /// Size of the UTF-8 byte string's encoding.
    @inlinable
    public var rlpEncodedLength: Int { RLPHeader.encodedStringLength(count: utf8.count, first: utf8.first ?? 0) }
}
