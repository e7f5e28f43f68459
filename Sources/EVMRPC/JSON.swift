import EVM

/// A JSON value, used for JSON-RPC parameters and for results whose shape is not fixed.
///
/// Objects keep their key order, so encoded requests are deterministic.
public enum JSONRPCValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// An integer (JSON-RPC quantities are hex strings; plain numbers appear in a few places).
    case int(Int)
    /// A non-integral number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONRPCValue])
    /// An object, members in order.
    case object([(String, JSONRPCValue)])

    /// Structural equality; object members are compared in order.
    public static func == (lhs: JSONRPCValue, rhs: JSONRPCValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Hashes the value structurally, object members in order.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(i)
        case .double(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o):
            for (k, v) in o { hasher.combine(k); hasher.combine(v) }
        }
    }

    /// The string, when this is a string.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// The member named `key`, when this is an object.
    public subscript(key: String) -> JSONRPCValue? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    /// Serialises the value as compact JSON.
    public var jsonText: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact JSON text of the value to `out`.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
        case .string(let s): JSONRPCValue.writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONRPCValue.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONRPCValue: Codable {
    /// Decodes any JSON value into the matching case (a number as `int` when it decodes as `Int`, else as `double`).
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONRPCValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONRPCValue.self)) }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [(String, JSONRPCValue)] = []
            for key in object.allKeys { members.append((key.stringValue, try object.decode(JSONRPCValue.self, forKey: key))) }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let i = try? single.decode(Int.self) { self = .int(i) }
        else if let d = try? single.decode(Double.self) { self = .double(d) }
        else { self = .string(try single.decode(String.self)) }
    }

    /// Encodes the value as the JSON it stands for.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
        case .bool(let b): var c = encoder.singleValueContainer(); try c.encode(b)
        case .int(let i): var c = encoder.singleValueContainer(); try c.encode(i)
        case .double(let d): var c = encoder.singleValueContainer(); try c.encode(d)
        case .string(let s): var c = encoder.singleValueContainer(); try c.encode(s)
        case .array(let a): var c = encoder.unkeyedContainer(); for v in a { try c.encode(v) }
        case .object(let o):
            var c = encoder.container(keyedBy: AnyKey.self)
            for (k, v) in o { try c.encode(v, forKey: AnyKey(stringValue: k)) }
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

extension JSONRPCValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    /// A `string` value.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A `bool` value.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An `int` value.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// An `array` value.
    public init(arrayLiteral elements: JSONRPCValue...) { self = .array(elements) }
    /// An `object` value, members in the order written.
    public init(dictionaryLiteral elements: (String, JSONRPCValue)...) { self = .object(elements) }
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
}

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
