/// Errors from parsing hexadecimal text.
public enum HexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text (after an optional `0x`) has an odd number of digits.
    case oddLength(Int)
    /// A character that is not a hexadecimal digit, at this offset in the original text.
    case invalidCharacter(Character, offset: Int)
    /// The decoded value does not have the required byte length.
    case wrongLength(expected: Int, got: Int)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .oddLength(let n):
            return "hex string has an odd number of digits (\(n))"
        case .invalidCharacter(let c, let offset):
            return "invalid hex character \(c.debugDescription) at offset \(offset)"
        case .wrongLength(let expected, let got):
            return "expected \(expected) bytes, got \(got)"
        }
    }
}

/// Hexadecimal encoding and decoding of bytes, as Ethereum writes them (`0x`-prefixed, lower-case).
public enum Hex {
    @usableFromInline static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Value of one ASCII hex digit, or `nil`.
    @inlinable @inline(__always)
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// Length of the `0x`/`0X` prefix of `utf8`, 0 or 2.
    @inlinable
    static func prefixLength<C: Collection>(_ utf8: C) -> Int where C.Element == UInt8 {
        var it = utf8.makeIterator()
        if it.next() == UInt8(ascii: "0"), let x = it.next(), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            return 2
        }
        return 0
    }

    /// Decodes hex text, with or without `0x`. The empty string and `0x` decode to no bytes.
    ///
    /// - Throws: `HexError.oddLength` or `HexError.invalidCharacter` (with its offset in `text`).
    public static func decode(_ text: some StringProtocol) throws(HexError) -> [UInt8] {
        var text = String(text)
        return try text.withUTF8 { utf8 in Result { () throws(HexError) -> [UInt8] in try decodeUTF8(utf8) } }.get()
    }

    static func decodeUTF8(_ utf8: UnsafeBufferPointer<UInt8>) throws(HexError) -> [UInt8] {
        let start = prefixLength(utf8)
        let count = utf8.count - start
        guard count % 2 == 0 else {
            // Report a bad character first: it is the more useful message.
            for i in start..<utf8.count where nibble(utf8[i]) == nil {
                throw .invalidCharacter(character(in: utf8, at: i), offset: i)
            }
            throw .oddLength(count)
        }
        var out = [UInt8](repeating: 0, count: count / 2)
        var i = start
        var o = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]) else { throw .invalidCharacter(character(in: utf8, at: i), offset: i) }
            guard let lo = nibble(utf8[i + 1]) else {
                throw .invalidCharacter(character(in: utf8, at: i + 1), offset: i + 1)
            }
            out[o] = hi << 4 | lo
            i += 2
            o += 1
        }
        return out
    }

    /// Decodes hex text that must hold exactly `length` bytes.
    public static func decode(_ text: some StringProtocol, length: Int) throws(HexError) -> [UInt8] {
        let bytes = try decode(text)
        guard bytes.count == length else { throw .wrongLength(expected: length, got: bytes.count) }
        return bytes
    }

    /// The character starting at byte offset `i` (which may be inside a multi-byte scalar).
    static func character(in utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> Character {
        var start = i
        while start > 0, utf8[start] & 0xC0 == 0x80 { start -= 1 }
        var end = start + 1
        while end < utf8.count, utf8[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self).first ?? "?"
    }

    /// Encodes bytes as lower-case hex, `0x`-prefixed unless `prefix` is false.
    public static func encode<C: Collection>(_ bytes: C, prefix: Bool = true) -> String where C.Element == UInt8 {
        let count = bytes.count * 2 + (prefix ? 2 : 0)
        return String(unsafeUninitializedCapacity: count) { buffer in
            var o = 0
            if prefix {
                buffer[0] = UInt8(ascii: "0")
                buffer[1] = UInt8(ascii: "x")
                o = 2
            }
            for b in bytes {
                buffer[o] = digits[Int(b >> 4)]
                buffer[o + 1] = digits[Int(b & 0x0F)]
                o += 2
            }
            return count
        }
    }
}

/// Hex text of byte arrays.
extension Array where Element == UInt8 {
    /// Decodes `0x`-prefixed or bare hex text; see `Hex.decode(_:)`.
    public init(hex: some StringProtocol) throws(HexError) {
        self = try Hex.decode(hex)
    }

    /// The bytes as `0x`-prefixed lower-case hex.
    public var hexString: String { Hex.encode(self) }
}

/// Hex text of byte slices.
extension ArraySlice where Element == UInt8 {
    /// The bytes as `0x`-prefixed lower-case hex.
    public var hexString: String { Hex.encode(self) }
}
