/// Exactly 32 bytes, stored inline (no heap): hashes, storage words, topics, Merkle nodes.
///
/// Compared, hashed and printed byte-wise in big-endian (natural) order; `description` is `0x`-hex.
public struct Bytes32: Hashable, Sendable, Comparable, RandomAccessCollection, CustomStringConvertible, Codable {
    /// The 32 bytes as four 64-bit words in memory order (each word holds 8 bytes as laid out in memory).
    @usableFromInline var storage: (UInt64, UInt64, UInt64, UInt64)

    /// 32 zero bytes.
    public static let zero = Bytes32(storage: (0, 0, 0, 0))

    @inlinable init(storage: (UInt64, UInt64, UInt64, UInt64)) { self.storage = storage }

    /// Copies exactly 32 bytes.
    /// - Throws: `HexError.wrongLength` when `bytes` is not 32 bytes long.
    public init<C: Collection>(_ bytes: C) throws(HexError) where C.Element == UInt8 {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, got: bytes.count) }
        self = .zero
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyBytes(from: bytes)
        }
    }

    /// Parses 32 bytes of hex text, with or without `0x`.
    public init(hex: some StringProtocol) throws(HexError) {
        try self.init(Hex.decode(hex, length: 32))
    }

    /// Builds the value by letting `body` write the 32 bytes.
    @inlinable
    public init(unsafeUninitialized body: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        storage = (0, 0, 0, 0)
        try withUnsafeMutableBytes(of: &storage, body)
    }

    /// Calls `body` with the 32 bytes.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    /// The bytes as an array.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// The position of the first byte: 0.
    public var startIndex: Int { 0 }
    /// The position after the last byte: 32.
    public var endIndex: Int { 32 }

    /// The byte at `position` (0 is the most significant); traps outside `0..<32`.
    @inlinable
    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < 32, "Bytes32 index out of range")
        return Swift.withUnsafeBytes(of: storage) { $0[position] }
    }

    /// Whether the two values have the same 32 bytes.
    public static func == (lhs: Bytes32, rhs: Bytes32) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1
            && lhs.storage.2 == rhs.storage.2 && lhs.storage.3 == rhs.storage.3
    }

    /// Hashes the 32 bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
        hasher.combine(storage.3)
    }

    /// Lexicographic byte order (the order Merkle trees sort pairs by).
    public static func < (lhs: Bytes32, rhs: Bytes32) -> Bool {
        let l = (lhs.storage.0.bigEndian, lhs.storage.1.bigEndian, lhs.storage.2.bigEndian, lhs.storage.3.bigEndian)
        let r = (rhs.storage.0.bigEndian, rhs.storage.1.bigEndian, rhs.storage.2.bigEndian, rhs.storage.3.bigEndian)
        if l.0 != r.0 { return l.0 < r.0 }
        if l.1 != r.1 { return l.1 < r.1 }
        if l.2 != r.2 { return l.2 < r.2 }
        return l.3 < r.3
    }

    /// `0x`-prefixed lower-case hex.
    public var description: String { withUnsafeBytes { Hex.encode($0) } }

    /// Decodes from a `0x`-hex string.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(hex: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    /// Encodes as a `0x`-hex string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
