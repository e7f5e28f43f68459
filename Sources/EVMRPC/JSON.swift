import EVM

/// JSON-RPC parameters and free-form results: EVM's `JSONValue`, the package's one JSON value type (members kept in
/// order, so encoded requests are deterministic).
public typealias JSONRPCValue = JSONValue

// MARK: - JSON-RPC parameter forms

extension JSONRPCValue {
    /// A JSON-RPC quantity: minimal `0x` hex.
    public static func quantity(_ value: some BinaryInteger) -> JSONRPCValue {
        .string("0x" + String(value, radix: 16))
    }
    /// A JSON-RPC quantity from a 256-bit value.
    public static func quantity(_ value: UInt256) -> JSONRPCValue { .string(value.hexString) }
    /// JSON-RPC data: even-length `0x` hex.
    public static func data(_ bytes: some Collection<UInt8>) -> JSONRPCValue { .string(Hex.encode(bytes)) }
    /// A lowercase address.
    public static func address(_ address: Address) -> JSONRPCValue { .string(address.lowercased) }
    /// A 32-byte hash.
    public static func hash(_ value: Bytes32) -> JSONRPCValue { .string(value.description) }
}

// MARK: - Raw scanning of responses

/// Locates JSON values inside a byte buffer without building a tree: the one place that knows how a
/// JSON-RPC response envelope is laid out. Results are then decoded from their own byte range only.
struct JSONScanner {
    let bytes: [UInt8]
    var index: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    enum ScanError: Error { case malformed(String) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Skips one value and returns its byte range.
    mutating func skipValue() throws(ScanError) -> Range<Int> {
        skipWhitespace()
        let start = index
        guard let c = peek() else { throw .malformed("unexpected end of input") }
        switch c {
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") { try skipString(); continue }
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { index += 1; return start..<index }
                }
                index += 1
            }
            throw .malformed("unterminated container")
        default:
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { break }
                index += 1
            }
            if index == start { throw .malformed("unexpected byte") }
            let word = bytes[start..<index]
            let first = word.first!
            guard word.elementsEqual("null".utf8) || word.elementsEqual("true".utf8) || word.elementsEqual("false".utf8)
                || first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
            else { throw .malformed("invalid literal") }
        }
        return start..<index
    }

    mutating func skipString() throws(ScanError) {
        index += 1
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\\") { index += 2; continue }
            index += 1
            if b == UInt8(ascii: "\"") { return }
        }
        throw .malformed("unterminated string")
    }

    mutating func expect(_ c: UInt8) throws(ScanError) {
        skipWhitespace()
        guard peek() == c else { throw .malformed("expected \(Character(Unicode.Scalar(c)))") }
        index += 1
    }

    /// The members of the object at the cursor, as key → value byte range (keys without escapes).
    mutating func objectMembers() throws(ScanError) -> [(key: ArraySlice<UInt8>, value: Range<Int>)] {
        try expect(UInt8(ascii: "{"))
        var members: [(key: ArraySlice<UInt8>, value: Range<Int>)] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { index += 1; return members }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw .malformed("expected a key") }
            let keyStart = index + 1
            try skipString()
            let key = bytes[keyStart..<(index - 1)]
            try expect(UInt8(ascii: ":"))
            let value = try skipValue()
            members.append((key, value))
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { index += 1; continue }
            try expect(UInt8(ascii: "}"))
            return members
        }
    }

    /// The element ranges of the array at the cursor.
    mutating func arrayElements() throws(ScanError) -> [Range<Int>] {
        try expect(UInt8(ascii: "["))
        var items: [Range<Int>] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { index += 1; return items }
        while true {
            items.append(try skipValue())
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { index += 1; continue }
            try expect(UInt8(ascii: "]"))
            return items
        }
    }

    /// Checks that only whitespace remains.
    mutating func expectEnd() throws(ScanError) {
        skipWhitespace()
        if index != bytes.count { throw .malformed("trailing bytes") }
    }
}
