/// A Swift type with a fixed ABI type: the shared part of `ABIEncodable` and `ABIDecodable`.
public protocol ABIRepresentable {
    /// The ABI type this Swift type encodes as.
    static var abiType: ABIType { get }
    /// Whether the encoding is dynamic (referenced by an offset). Defaults to `false`.
    static var abiIsDynamic: Bool { get }
    /// Bytes in the head of an enclosing tuple: 32 for dynamic types. Defaults to 32.
    static var abiHeadSize: Int { get }
}

extension ABIRepresentable {
    /// Static by default.
    @inlinable public static var abiIsDynamic: Bool { false }
    /// One 32-byte word by default.
    @inlinable public static var abiHeadSize: Int { 32 }
}

/// A Swift type that writes its own ABI encoding, so hot paths skip `ABIValue` entirely.
///
/// A static type writes its `abiHeadSize` bytes of head; a dynamic type writes its tail
/// (`abiTailSize` bytes: length word, data, padding, nested heads and tails).
public protocol ABIEncodable: ABIRepresentable {
    /// Size of the tail for dynamic types; 0 for static ones (the default).
    var abiTailSize: Int { get }
    /// Writes the head (static) or the tail (dynamic) at `out`, which has room for it.
    func abiEncode(into out: UnsafeMutableRawPointer)
}

extension ABIEncodable {
    /// No tail by default (static types).
    @inlinable public var abiTailSize: Int { 0 }
}

/// A Swift type that reads itself from an ABI encoding through `ABIReader`'s checked reads.
public protocol ABIDecodable: ABIRepresentable {
    /// Reads the value whose head (static) or tail (dynamic) starts at `offset`.
    static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> Self
}

/// Both directions.
public typealias ABICodable = ABIEncodable & ABIDecodable

// MARK: - Conformances of the core types

extension UInt256: ABICodable {
    /// `uint256`.
    @inlinable public static var abiType: ABIType { .uint(256) }
    /// Writes the 32-byte big-endian word.
    @inlinable public func abiEncode(into out: UnsafeMutableRawPointer) { ABI.storeWord256(self, at: out) }
    /// Reads a `uint256` word.
    @inlinable public static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> UInt256 {
        try reader.readUInt(bits: 256, at: offset)
    }
}

extension Int256: ABICodable {
    /// `int256`.
    @inlinable public static var abiType: ABIType { .int(256) }
    /// Writes the 32-byte two's complement word.
    @inlinable public func abiEncode(into out: UnsafeMutableRawPointer) { ABI.storeWord256(UInt256(bitPattern: self), at: out) }
    /// Reads an `int256` word.
    @inlinable public static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> Int256 {
        try reader.readInt(bits: 256, at: offset)
    }
}

/// `UInt64` coded as the ABI type `uint64`.
extension UInt64: ABICodable {
    /// `uint64`.
    @inlinable public static var abiType: ABIType { .uint(64) }
    /// Writes the value as a 32-byte big-endian word.
    @inlinable public func abiEncode(into out: UnsafeMutableRawPointer) { ABI.storeWord(self, at: out) }
    /// Reads a `uint64` word (strict decoding refuses a value that does not fit).
    @inlinable public static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> UInt64 {
        try reader.readUInt(bits: 64, at: offset).limbs.0
    }
}

extension Address: ABICodable {
    /// `address`.
    @inlinable public static var abiType: ABIType { .address }
    /// Writes the 20 bytes right-aligned in a zero-padded word.
    @inlinable public func abiEncode(into out: UnsafeMutableRawPointer) {
        out.storeBytes(of: 0, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: 0, toByteOffset: 4, as: UInt64.self)
        withUnsafeBytes { (out + 12).copyMemory(from: $0.baseAddress!, byteCount: 20) }
    }
    /// Reads an `address` word (strict decoding refuses non-zero padding).
    @inlinable public static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> Address {
        try reader.readAddress(at: offset)
    }
}

/// `Bool` coded as the ABI type `bool`.
extension Bool: ABICodable {
    /// `bool`.
    @inlinable public static var abiType: ABIType { .bool }
    /// Writes 1 or 0 as a word.
    @inlinable public func abiEncode(into out: UnsafeMutableRawPointer) { ABI.storeWord(self ? 1 : 0, at: out) }
    /// Reads a `bool` word (strict decoding accepts only 0 and 1).
    @inlinable public static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> Bool {
        try reader.readBool(at: offset)
    }
}

extension Bytes32: ABICodable {
    /// `bytes32`.
    @inlinable public static var abiType: ABIType { .fixedBytes(32) }
    /// Writes the 32 bytes as they are.
    @inlinable public func abiEncode(into out: UnsafeMutableRawPointer) {
        withUnsafeBytes { out.copyMemory(from: $0.baseAddress!, byteCount: 32) }
    }
    /// Reads a `bytes32` word.
    @inlinable public static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> Bytes32 {
        try reader.readBytes32(at: offset)
    }
}

/// `String` coded as the ABI type `string` (UTF-8).
extension String: ABICodable {
    /// `string`.
    public static var abiType: ABIType { .string }
    /// Dynamic: encoded in the tail.
    @inlinable public static var abiIsDynamic: Bool { true }
    /// The length word plus the UTF-8 bytes padded to whole words.
    @inlinable public var abiTailSize: Int { 32 + ((utf8.count + 31) & ~31) }
    /// Writes the length word and the padded UTF-8 bytes.
    public func abiEncode(into out: UnsafeMutableRawPointer) {
        var s = self
        _ = s.withUTF8 { ABI.writeBytes(UnsafeRawBufferPointer($0), into: out) }
    }
    /// Reads a `string` (strict decoding requires valid UTF-8).
    public static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> String {
        try reader.readString(at: offset)
    }
}

/// A `bytes` value for the typed path (plain `[UInt8]` is not used, since arrays encode as `T[]`).
public struct ABIBytes: ABICodable, Hashable, Sendable {
    /// The bytes.
    public var bytes: [UInt8]
    /// Wraps `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// `bytes`.
    public static var abiType: ABIType { .bytes }
    /// Dynamic: encoded in the tail.
    @inlinable public static var abiIsDynamic: Bool { true }
    /// The length word plus the bytes padded to whole words.
    public var abiTailSize: Int { 32 + ((bytes.count + 31) & ~31) }
    /// Writes the length word and the padded bytes.
    public func abiEncode(into out: UnsafeMutableRawPointer) { _ = ABI.writeBytes(bytes, into: out) }
    /// Reads a `bytes` value.
    public static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> ABIBytes {
        ABIBytes(try reader.readBytes(at: offset))
    }
}

/// An array of ABI-coded elements is the dynamic array `T[]`.
extension Array: ABIRepresentable where Element: ABIRepresentable {
    /// `T[]` of the element's ABI type.
    public static var abiType: ABIType { .array(Element.abiType) }
    /// Dynamic: encoded in the tail.
    public static var abiIsDynamic: Bool { true }
}

/// Encodes `T[]`: the length, then the elements.
extension Array: ABIEncodable where Element: ABIEncodable {
    /// The length word, the elements' heads and, for dynamic elements, their tails.
    public var abiTailSize: Int {
        var size = 32 + count * Element.abiHeadSize
        if Element.abiIsDynamic { for e in self { size += e.abiTailSize } }
        return size
    }
    /// Writes the length word, then the elements as a tuple of that many elements.
    public func abiEncode(into out: UnsafeMutableRawPointer) {
        ABI.storeWord(UInt64(count), at: out)
        let base = out + 32
        if !Element.abiIsDynamic {
            for (i, e) in enumerated() { e.abiEncode(into: base + i * Element.abiHeadSize) }
            return
        }
        var t = 32 * count
        for (i, e) in enumerated() {
            ABI.storeWord(UInt64(t), at: base + 32 * i)
            e.abiEncode(into: base + t)
            t += e.abiTailSize
        }
    }
}

/// Decodes `T[]`: the length, then the elements.
extension Array: ABIDecodable where Element: ABIDecodable {
    /// Reads a `T[]`: the length, then each element (bounded by the decoding options' depth limit).
    public static func abiDecode(from reader: inout ABIReader, at offset: Int) throws(ABIError) -> [Element] {
        let count = try reader.readArrayLength(at: offset, elementHeadSize: Element.abiHeadSize)
        try reader.enter()
        defer { reader.depth -= 1 }
        let start = offset + 32
        var out: [Element] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            do {
                if Element.abiIsDynamic {
                    let target = try reader.follow(offsetAt: start + 32 * i, base: start, headSize: 32 * count)
                    out.append(try Element.abiDecode(from: &reader, at: target))
                } else {
                    out.append(try Element.abiDecode(from: &reader, at: start + i * Element.abiHeadSize))
                }
            } catch {
                throw error.prefixed(.index(i))
            }
        }
        return out
    }
}
