/// Errors from reading a `UInt256` or `Int256` out of text or bytes.
///
/// Offsets are byte offsets into the UTF-8 of the original text, counting any sign and `0x` prefix.
public enum IntegerParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is empty.
    case empty
    /// A sign or `0x` prefix with no digits after it; `offset` is where a digit was expected.
    case missingDigits(offset: Int)
    /// A character that is not a digit of the base, at this offset.
    case invalidCharacter(Character, offset: Int)
    /// The value does not fit the type (`UInt256`: 0...2^256-1; `Int256`: -2^255...2^255-1).
    case overflow
    /// More than 32 bytes were given for a 256-bit value.
    case tooManyBytes(Int)

    /// A one-line message naming what is wrong and where.
    public var description: String {
        switch self {
        case .empty:
            return "empty string is not an integer"
        case .missingDigits(let offset):
            return "expected digits at offset \(offset)"
        case .invalidCharacter(let c, let offset):
            return "invalid digit \(c.debugDescription) at offset \(offset)"
        case .overflow:
            return "integer does not fit in 256 bits"
        case .tooManyBytes(let count):
            return "\(count) bytes do not fit in a 256-bit integer (at most 32)"
        }
    }
}
