// The integer and byte-string fast paths of RLPWriter: one bounds check per item, the header and the
// big-endian bytes written together, no generic shifting of wide integers.

extension RLPWriter {
    /// Size of the encoding of `value` (minimal big-endian, zero is `0x80`).
    @inlinable @inline(__always)
    public static func encodedLength(ofInteger value: UInt64) -> Int {
        value < 0x80 ? 1 : 1 &+ ((64 &- value.leadingZeroBitCount &+ 7) &>> 3)
    }

    /// Size of the encoding of `value` (minimal big-endian, zero is `0x80`).
    @inlinable @inline(__always)
    public static func encodedLength(ofInteger value: UInt256) -> Int {
        if value.w1 | value.w2 | value.w3 == 0 { return encodedLength(ofInteger: value.w0) }
        return 1 &+ ((256 &- value.leadingZeroBitCount &+ 7) &>> 3)
    }

    /// Encodes `value` as its minimal big-endian bytes (zero is the empty string, `0x80`).
    @inlinable @inline(__always)
    public mutating func encodeInteger(_ value: UInt64) {
        if value < 0x80 {
            if let p = reserve(1) { p[0] = value == 0 ? RLPHeader.stringBase : UInt8(truncatingIfNeeded: value) }
            return
        }
        let n = (64 &- value.leadingZeroBitCount &+ 7) &>> 3  // 1...8
        guard let p = reserve(1 &+ n) else { return }
        p[0] = RLPHeader.stringBase &+ UInt8(truncatingIfNeeded: n)
        var v = value
        var i = n
        while i > 0 {
            p[i] = UInt8(truncatingIfNeeded: v)
            v &>>= 8
            i &-= 1
        }
    }

    /// Encodes `value` as its minimal big-endian bytes (zero is the empty string, `0x80`).
    @inlinable @inline(__always)
    public mutating func encodeInteger(_ value: UInt256) {
        if value.w1 | value.w2 | value.w3 == 0 { return encodeInteger(value.w0) }
        let n = (256 &- value.leadingZeroBitCount &+ 7) &>> 3  // 9...32, so a one-byte header
        guard let p = reserve(1 &+ n) else { return }
        p[0] = RLPHeader.stringBase &+ UInt8(truncatingIfNeeded: n)
        var bigEndian = (value.w3.bigEndian, value.w2.bigEndian, value.w1.bigEndian, value.w0.bigEndian)
        withUnsafeBytes(of: &bigEndian) { word in
            UnsafeMutableRawPointer(p + 1).copyMemory(from: word.baseAddress! + (32 &- n), byteCount: n)
        }
    }

    /// Encodes a byte string.
    @inlinable @inline(__always)
    public mutating func encodeBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { encodeBytes($0) }
    }

    /// Encodes a byte string.
    @inlinable @inline(__always)
    public mutating func encodeBytes(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { encodeBytes($0) }
    }
}
