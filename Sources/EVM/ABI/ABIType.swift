/// A Solidity ABI type: the full grammar, nested up to ``ABIType/maximumDepth`` levels.
///
/// `description` is the canonical form used in signatures (`uint256`, `(address,bytes32)[]`).
/// `function` is the 24-byte address-plus-selector type, encoded like `bytes24`.
public indirect enum ABIType: Hashable, Sendable, CustomStringConvertible {
    /// `uintN`, N a multiple of 8 in 8…256.
    case uint(Int)
    /// `intN`, N a multiple of 8 in 8…256.
    case int(Int)
    /// `address` (20 bytes).
    case address
    /// `bool`.
    case bool
    /// `bytesN`, N in 1…32.
    case fixedBytes(Int)
    /// `function` (20-byte address then 4-byte selector, as `bytes24`).
    case function
    /// `bytes` (dynamic).
    case bytes
    /// `string` (dynamic, UTF-8).
    case string
    /// `T[]`.
    case array(ABIType)
    /// `T[k]`.
    case fixedArray(ABIType, Int)
    /// `(T1,…,Tn)`.
    case tuple([ABIType])

    /// The canonical type string.
    public var description: String {
        switch self {
        case .uint(let n): return "uint\(n)"
        case .int(let n): return "int\(n)"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let n): return "bytes\(n)"
        case .function: return "function"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let t): return "\(t)[]"
        case .fixedArray(let t, let k): return "\(t)[\(k)]"
        case .tuple(let ts): return "(" + ts.map(\.description).joined(separator: ",") + ")"
        }
    }

    /// True for types whose encoding is referenced by an offset (`bytes`, `string`, `T[]`, and any
    /// tuple or fixed array containing one).
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .fixedArray(let t, let k): return k > 0 && t.isDynamic
        case .tuple(let ts): return ts.contains { $0.isDynamic }
        default: return false
        }
    }

    /// Bytes this type takes in the head of an enclosing tuple: 32 for dynamic types, else its full size.
    ///
    /// Saturates at `ABIType.maxHeadSize` (2^40) so absurd types such as `uint256[999999999][999999999]`
    /// cannot overflow: no input is that long, so decoding them fails its bounds check instead.
    public var headSize: Int {
        switch self {
        case .fixedArray(let t, let k):
            if isDynamic { return 32 }
            let (product, overflow) = t.headSize.multipliedReportingOverflow(by: k)
            return overflow ? Self.maxHeadSize : min(product, Self.maxHeadSize)
        case .tuple(let ts):
            return isDynamic ? 32 : min(ts.reduce(0) { min($0 + $1.headSize, Self.maxHeadSize) }, Self.maxHeadSize)
        default: return 32
        }
    }

    /// The cap of `headSize`: 2^40 bytes.
    public static let maxHeadSize = 1 << 40

    /// The deepest nesting of tuples and array dimensions the parser accepts (deeper input is refused with an
    /// error naming the limit, rather than exhausting the stack of the recursive code that walks types).
    public static let maximumDepth = 64

    /// Parses a canonical type string (`uint256`, `(address,uint256)[2][]`, `tuple(bool)`), also accepting
    /// the aliases `uint`/`int` (256 bits) and `byte` (`bytes1`). Surrounding spaces are ignored.
    /// - Throws: `ABIError.invalidType`.
    public init(_ text: some StringProtocol) throws(ABIError) {
        var parser = SignatureParser(String(text))
        let param: ABIParameter
        do {
            parser.skipSpaces()
            param = try parser.parameter(allowName: false)
            parser.skipSpaces()
            guard parser.atEnd else { throw ABIError.invalidType(String(text)) }
        } catch {
            throw .invalidType(String(text))
        }
        self = param.type
    }

    /// Parses an elementary type name (no tuple, no array suffix), or `nil`.
    static func elementary(_ name: Substring) -> ABIType? {
        switch name {
        case "address": return .address
        case "bool": return .bool
        case "string": return .string
        case "bytes": return .bytes
        case "function": return .function
        case "uint": return .uint(256)
        case "int": return .int(256)
        case "byte": return .fixedBytes(1)
        default: break
        }
        func number(_ s: Substring) -> Int? {
            guard let first = s.first, first != "0", s.count <= 3, let n = Int(s) else { return nil }
            return n
        }
        if name.hasPrefix("uint"), let n = number(name.dropFirst(4)), n % 8 == 0, (8...256).contains(n) { return .uint(n) }
        if name.hasPrefix("int"), let n = number(name.dropFirst(3)), n % 8 == 0, (8...256).contains(n) { return .int(n) }
        if name.hasPrefix("bytes"), let n = number(name.dropFirst(5)), (1...32).contains(n) { return .fixedBytes(n) }
        return nil
    }
}

/// A named parameter of a function, event, error or constructor, or a component of a tuple.
public struct ABIParameter: Hashable, Sendable {
    /// The name (empty when absent).
    public var name: String
    /// The type.
    public var type: ABIType
    /// For event inputs: whether it is a topic.
    public var indexed: Bool
    /// For tuple types (and arrays of tuples): the named components, in order. Empty otherwise.
    public var components: [ABIParameter]
    /// The compiler's `internalType` (e.g. `struct Foo.Bar`), when known from JSON.
    public var internalType: String?

    /// A parameter; `components` default to unnamed ones derived from `type`.
    public init(name: String = "", type: ABIType, indexed: Bool = false, components: [ABIParameter]? = nil,
                internalType: String? = nil) {
        self.name = name
        self.type = type
        self.indexed = indexed
        self.components = components ?? ABIParameter.defaultComponents(of: type)
        self.internalType = internalType
    }

    static func defaultComponents(of type: ABIType) -> [ABIParameter] {
        switch type {
        case .tuple(let ts): return ts.map { ABIParameter(type: $0) }
        case .array(let t), .fixedArray(let t, _): return defaultComponents(of: t)
        default: return []
        }
    }

    /// `type name` (or just the type), with `indexed` for event topics: the human-readable form.
    public var humanReadable: String {
        var s = Self.humanType(type, components)
        if indexed { s += " indexed" }
        if !name.isEmpty { s += " " + name }
        return s
    }

    static func humanType(_ type: ABIType, _ components: [ABIParameter]) -> String {
        switch type {
        case .tuple: return "(" + components.map(\.humanReadable).joined(separator: ", ") + ")"
        case .array(let t): return humanType(t, components) + "[]"
        case .fixedArray(let t, let k): return humanType(t, components) + "[\(k)]"
        default: return type.description
        }
    }
}

/// Recursive-descent parser shared by type strings and human-readable signatures.
struct SignatureParser {
    let text: [UInt8]
    let original: String
    var i = 0
    /// Tuples and array dimensions open at this point of the parse (bounded: the parser recurses on tuples).
    var depth = 0

    init(_ text: String) {
        self.original = text
        self.text = Array(text.utf8)
    }

    var atEnd: Bool { i >= text.count }
    var peek: UInt8? { i < text.count ? text[i] : nil }

    func fail(_ reason: String) -> ABIError { .invalidSignature(original, reason: reason) }

    mutating func skipSpaces() {
        while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
    }

    static func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x24
    }

    mutating func identifier() -> Substring? {
        let start = i
        while let c = peek, Self.isIdentifierByte(c) { i += 1 }
        guard i > start else { return nil }
        return Substring(String(decoding: text[start..<i], as: UTF8.self))
    }

    mutating func expect(_ c: Character) throws(ABIError) {
        skipSpaces()
        guard peek == c.asciiValue else { throw fail("expected '\(c)' at offset \(i)") }
        i += 1
    }

    mutating func consume(_ c: Character) -> Bool {
        skipSpaces()
        if peek == c.asciiValue { i += 1; return true }
        return false
    }

    /// Lookahead for a keyword followed by a non-identifier byte.
    mutating func keyword(_ word: String) -> Bool {
        skipSpaces()
        let w = Array(word.utf8)
        guard i + w.count <= text.count, Array(text[i..<(i + w.count)]) == w else { return false }
        if i + w.count < text.count, Self.isIdentifierByte(text[i + w.count]) { return false }
        i += w.count
        return true
    }

    /// `(p, p, …)`; an empty list is `()`.
    mutating func parameterList(allowName: Bool) throws(ABIError) -> [ABIParameter] {
        try expect("(")
        depth += 1
        defer { depth -= 1 }
        guard depth <= ABIType.maximumDepth else { throw fail("too deep: types nest at most \(ABIType.maximumDepth) levels (tuples and array dimensions)") }
        var params: [ABIParameter] = []
        if consume(")") { return params }
        repeat {
            skipSpaces()
            params.append(try parameter(allowName: allowName))
        } while consume(",")
        try expect(")")
        return params
    }

    /// A type with array suffixes, then (when allowed) modifiers and a name.
    mutating func parameter(allowName: Bool) throws(ABIError) -> ABIParameter {
        skipSpaces()
        var type: ABIType
        var components: [ABIParameter] = []
        if peek == UInt8(ascii: "(") || keyword("tuple") {
            components = try parameterList(allowName: allowName)
            type = .tuple(components.map(\.type))
        } else {
            guard let name = identifier() else { throw fail("expected a type at offset \(i)") }
            guard let t = ABIType.elementary(name) else { throw fail("unknown type \"\(name)\"") }
            type = t
        }
        // Array suffixes.
        var dimensions = 0
        while true {
            let save = i
            skipSpaces()
            guard peek == UInt8(ascii: "[") else { i = save; break }
            i += 1
            skipSpaces()
            dimensions += 1
            guard depth + dimensions <= ABIType.maximumDepth else {
                throw fail("too deep: types nest at most \(ABIType.maximumDepth) levels (tuples and array dimensions)")
            }
            if consume("]") {
                type = .array(type)
                continue
            }
            let start = i
            while let c = peek, c >= 0x30 && c <= 0x39 { i += 1 }
            let digits = String(decoding: text[start..<i], as: UTF8.self)
            guard !digits.isEmpty, digits.count <= 9, digits == "0" || !digits.hasPrefix("0"), let k = Int(digits)
            else { throw fail("bad array length at offset \(start)") }
            try expect("]")
            type = .fixedArray(type, k)
        }
        var param = ABIParameter(type: type, components: components.isEmpty ? nil : components)
        guard allowName else { return param }
        // Modifiers and name.
        while true {
            skipSpaces()
            let save = i
            guard let word = identifier() else { break }
            switch word {
            case "indexed": param.indexed = true
            case "memory", "calldata", "storage", "payable": continue
            default:
                if param.name.isEmpty, !(word.first!.isNumber) {
                    param.name = String(word)
                } else {
                    i = save
                    throw fail("unexpected \"\(word)\" at offset \(save)")
                }
            }
        }
        return param
    }
}
