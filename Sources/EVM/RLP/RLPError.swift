/// Why RLP bytes were rejected, and where.
///
/// Every case carries `offset`: the byte offset, from the start of the input, of the item at
/// fault (its first header byte), or of the first trailing byte for `trailingBytes`.
/// The decoder is strict: it accepts exactly the canonical encoding of each value.
public enum RLPError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// An integer's payload starts with a zero byte (zero is the empty string, `0x80`).
    case leadingZero(offset: Int)
    /// A single byte below `0x80` is wrapped in a string header (`0x81 0x00`…`0x81 0x7f`); that byte is its own encoding.
    case nonCanonicalSingleByte(offset: Int)
    /// A long-form header (`0xb8`…`0xbf`, `0xf8`…`0xff`) gives a length below 56, which must use the short form.
    case nonCanonicalSize(offset: Int)
    /// A long-form header's length field starts with a zero byte.
    case leadingZeroInLength(offset: Int)
    /// The item's header or payload runs past the end of the input or of its enclosing list
    /// (this includes lengths too large to be real: they are checked before anything is allocated).
    case inputTooShort(offset: Int)
    /// Bytes follow the top-level item.
    case trailingBytes(offset: Int)
    /// A list where a byte string was expected.
    case unexpectedList(offset: Int)
    /// A byte string where a list was expected.
    case unexpectedString(offset: Int)
    /// An integer does not fit the type being decoded (or a `Bool` is neither 0 nor 1).
    case overflow(offset: Int)
    /// A list has a different number of items than the fields being decoded from it.
    case listLengthMismatch(offset: Int, expected: Int, got: Int)
    /// A byte string has a different length than the fixed-size value being decoded from it.
    case unexpectedLength(offset: Int, expected: Int, got: Int)
    /// A byte string decoded as text is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// Lists nest deeper than `RLPDecoder.maxDepth`.
    case depthLimitExceeded(offset: Int)

    /// Byte offset in the input where the problem is.
    public var offset: Int {
        switch self {
        case .leadingZero(let o), .nonCanonicalSingleByte(let o), .nonCanonicalSize(let o),
             .leadingZeroInLength(let o), .inputTooShort(let o), .trailingBytes(let o),
             .unexpectedList(let o), .unexpectedString(let o), .overflow(let o),
             .listLengthMismatch(let o, _, _), .unexpectedLength(let o, _, _),
             .invalidUTF8(let o), .depthLimitExceeded(let o):
            return o
        }
    }

    /// A one-line message for people, naming the offset.
    public var description: String {
        switch self {
        case .leadingZero(let o):
            return "RLP integer with a leading zero byte at offset \(o)"
        case .nonCanonicalSingleByte(let o):
            return "RLP single byte below 0x80 wrapped in a string header at offset \(o)"
        case .nonCanonicalSize(let o):
            return "RLP long-form length below 56 at offset \(o)"
        case .leadingZeroInLength(let o):
            return "RLP length with a leading zero byte at offset \(o)"
        case .inputTooShort(let o):
            return "RLP item at offset \(o) runs past the end of its input"
        case .trailingBytes(let o):
            return "RLP trailing bytes after the item, from offset \(o)"
        case .unexpectedList(let o):
            return "RLP list where a byte string was expected at offset \(o)"
        case .unexpectedString(let o):
            return "RLP byte string where a list was expected at offset \(o)"
        case .overflow(let o):
            return "RLP integer at offset \(o) is too large for its type"
        case .listLengthMismatch(let o, let expected, let got):
            return "RLP list at offset \(o) has \(got) items, expected \(expected)"
        case .unexpectedLength(let o, let expected, let got):
            return "RLP byte string at offset \(o) has \(got) bytes, expected \(expected)"
        case .invalidUTF8(let o):
            return "RLP byte string at offset \(o) is not valid UTF-8"
        case .depthLimitExceeded(let o):
            return "RLP lists nest deeper than \(RLPDecoder.maxDepth) levels at offset \(o)"
        }
    }
}
