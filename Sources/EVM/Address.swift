/// Errors from parsing an address.
public enum AddressError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not valid hex.
    case invalidHex(HexError)
    /// The address does not have 20 bytes (40 hex digits).
    case wrongLength(got: Int)
    /// Mixed-case text whose capitalisation is not the EIP-55 checksum; `expected` is the correct form.
    case badChecksum(expected: String)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .invalidHex(let error): return "invalid address: \(error)"
        case .wrongLength(let got): return "invalid address: expected 20 bytes (40 hex digits), got \(got) bytes"
        case .badChecksum(let expected):
            return "invalid address: EIP-55 checksum mismatch (mixed case must match \(expected))"
        }
    }
}

/// A 20-byte Ethereum account address, stored inline.
///
/// Printed with the EIP-55 checksum. Parsing accepts all-lower-case and all-upper-case hex
/// (no checksum to check) and mixed case only when it is the correct checksum.
public struct Address: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    @usableFromInline var storage: (UInt64, UInt64, UInt32)

    /// The zero address `0x0000…0000`.
    public static let zero = Address(storage: (0, 0, 0))

    @inlinable init(storage: (UInt64, UInt64, UInt32)) { self.storage = storage }

    /// Copies exactly 20 bytes.
    /// - Throws: `AddressError.wrongLength` for any other length.
    public init<C: Collection>(_ bytes: C) throws(AddressError) where C.Element == UInt8 {
        guard bytes.count == 20 else { throw .wrongLength(got: bytes.count) }
        storage = (0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
    }

    /// The address whose bytes are the last 20 bytes of `word` (as `address(uint160(uint256(word)))`).
    public init(lastBytesOf word: Bytes32) {
        storage = (0, 0, 0)
        word.withUnsafeBytes { src in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[12...])) }
        }
    }

    /// Parses `0x`-prefixed or bare hex, checking the EIP-55 checksum of mixed-case input.
    public init(_ text: some StringProtocol) throws(AddressError) {
        let bytes: [UInt8]
        do {
            bytes = try Hex.decode(text)
        } catch {
            throw .invalidHex(error)
        }
        try self.init(bytes)
        let digits = text.utf8.dropFirst(Hex.prefixLength(text.utf8))
        let hasUpper = digits.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
        let hasLower = digits.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f") }
        if hasUpper && hasLower {
            let expected = checksummed
            guard expected.utf8.dropFirst(2).elementsEqual(digits) else { throw .badChecksum(expected: expected) }
        }
    }

    /// The 20 bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Calls `body` with the 20 bytes.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<20])) }
    }

    /// The address left-padded to a 32-byte word.
    public var word: Bytes32 {
        Bytes32 { out in withUnsafeBytes { (out.baseAddress! + 12).copyMemory(from: $0.baseAddress!, byteCount: 20) } }
    }

    /// Lower-case `0x` hex, without checksum.
    public var lowercased: String { withUnsafeBytes { Hex.encode($0) } }

    /// The EIP-55 mixed-case checksum form: hex digit i is upper case when nibble i of
    /// keccak256(lower-case hex without `0x`) is 8 or more.
    public var checksummed: String {
        var hex = Array(lowercased.utf8)
        let hash = hex[2...].withUnsafeBytes { Keccak256.hash(bufferPointer: $0) }
        for i in 0..<40 where hex[i + 2] >= UInt8(ascii: "a") {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0F
            if nibble >= 8 { hex[i + 2] -= 32 }
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The EIP-55 checksummed form.
    public var description: String { checksummed }

    /// Byte-wise order.
    public static func < (lhs: Address, rhs: Address) -> Bool {
        lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in l.lexicographicallyPrecedes(r) } }
    }

    /// Whether the two addresses have the same 20 bytes.
    public static func == (lhs: Address, rhs: Address) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1 && lhs.storage.2 == rhs.storage.2
    }

    /// Hashes the 20 bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
    }

    /// Decodes from a hex string (checksum checked when mixed case).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    /// Encodes as the checksummed string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }
}
