/// An RLP value as a tree: a byte string, or a list of items.
///
/// Integers are byte strings holding their minimal big-endian bytes (`RLPItem.integer(_:)`).
/// `description` is JSON: a byte string is a `0x`-hex string, a list is an array.
public enum RLPItem: Equatable, Hashable, Sendable {
    /// A byte string.
    case bytes([UInt8])
    /// A list of items.
    case list([RLPItem])

    /// The minimal big-endian bytes of an unsigned integer (zero is the empty string).
    public static func integer<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> RLPItem {
        let n = (T.bitWidth - value.leadingZeroBitCount + 7) / 8
        var v = value
        var out = [UInt8](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            out[i] = UInt8(truncatingIfNeeded: v)
            v >>= 8
        }
        return .bytes(out)
    }

    /// The UTF-8 bytes of `text`.
    public static func string(_ text: String) -> RLPItem { .bytes(Array(text.utf8)) }

    /// The payload when this is a byte string.
    public var bytes: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    /// The items when this is a list.
    public var list: [RLPItem]? {
        if case .list(let items) = self { return items }
        return nil
    }
}

extension RLPItem: ExpressibleByArrayLiteral {
    /// A list of the given items.
    public init(arrayLiteral elements: RLPItem...) { self = .list(elements) }
}

extension RLPItem: CustomStringConvertible {
    /// JSON: `0x`-hex strings for byte strings, arrays for lists (the CLI's format).
    public var description: String {
        switch self {
        case .bytes(let b): return "\"\(Hex.encode(b))\""
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

extension RLPItem: RLPEncodable {
    /// Writes the byte string or the list, recursively.
    public func encode(to writer: inout RLPWriter) {
        switch self {
        case .bytes(let b): writer.encodeBytes(b)
        case .list(let items): writer.encodeList(items)
        }
    }

    /// Size of the whole tree's encoding.
    public var rlpEncodedLength: Int {
        switch self {
        case .bytes(let b): return RLPHeader.encodedStringLength(count: b.count, first: b.first ?? 0)
        case .list(let items): return RLPWriter.encodedLength(ofList: items)
        }
    }
}

extension RLPItem: RLPDecodable {
    /// Reads any item, copying byte strings into the tree.
    public init(rlp decoder: inout RLPDecoder) throws(RLPError) {
        switch try decoder.decodeView() {
        case .bytes(let payload):
            self = .bytes(Array(payload))
        case .list(var items):
            var result: [RLPItem] = []
            while !items.isAtEnd {
                result.append(try RLPItem(rlp: &items))
            }
            self = .list(result)
        }
    }
}
