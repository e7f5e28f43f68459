/// One step of the path to a value inside an ABI encoding: `arg 2 → [3] → field 1`.
///
/// Indices are zero-based: `arg 0` is the first argument, `field 0` the first tuple component.
public enum ABIPathComponent: Hashable, Sendable, CustomStringConvertible {
    /// A top-level argument (or return value) of a parameter list.
    case arg(Int)
    /// An element of an array.
    case index(Int)
    /// A component of a tuple (struct).
    case field(Int)
    /// An event topic.
    case topic(Int)

    /// The component as written in error paths: `arg 0`, `[3]`, `field 1` or `topic 2`.
    public var description: String {
        switch self {
        case .arg(let i): return "arg \(i)"
        case .index(let i): return "[\(i)]"
        case .field(let i): return "field \(i)"
        case .topic(let i): return "topic \(i)"
        }
    }
}

/// Where in a value tree an error happened; printed as `arg 2 → [3] → field 1`.
public struct ABIPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The steps from the outermost parameter list inwards.
    public var components: [ABIPathComponent]

    /// A path from its steps.
    public init(_ components: [ABIPathComponent]) { self.components = components }

    /// A path from its steps.
    public init(arrayLiteral elements: ABIPathComponent...) { components = elements }

    /// This path extended by one step.
    @inlinable
    public func appending(_ component: ABIPathComponent) -> ABIPath { ABIPath(components + [component]) }

    /// The components joined with ` → `, or `top level` when there are none.
    public var description: String {
        components.isEmpty ? "top level" : components.map(\.description).joined(separator: " → ")
    }
}

/// Everything that can go wrong parsing ABI types and signatures, encoding values and decoding bytes.
///
/// Decoding errors name the `path` of the value at fault and, where useful, the byte `offset` in the input.
public enum ABIError: Error, Hashable, Sendable, CustomStringConvertible {
    // MARK: Types, signatures and JSON ABI
    /// A type string that is not in the ABI grammar (`uint7`, `bytes33`, `tuple(`…).
    case invalidType(String)
    /// A signature (canonical or human-readable) that cannot be parsed; `reason` says why.
    case invalidSignature(String, reason: String)
    /// A JSON ABI that is malformed or has an unexpected shape.
    case invalidJSONABI(String)

    // MARK: Encoding
    /// A value of the wrong kind for its type (a string where a `uint256` is expected…).
    case typeMismatch(ABIPath, expected: String, got: String)
    /// An integer that does not fit its `uintN`/`intN` type.
    case valueOutOfRange(ABIPath, type: String)
    /// A fixed array, `bytesN` or tuple with the wrong number of elements or bytes.
    case wrongCount(ABIPath, expected: Int, got: Int)
    /// A value given as text that cannot be parsed for its type.
    case invalidValueText(ABIPath, text: String, reason: String)

    // MARK: Decoding
    /// The input ends before a word or a byte range that must be read.
    case inputTooShort(ABIPath, offset: Int, needed: Int)
    /// An offset word points outside the input (or is too large to be an offset at all).
    case offsetOutOfBounds(ABIPath, offset: Int)
    /// An offset word points backwards into the head of its own tuple or array.
    case offsetIntoHead(ABIPath, offset: Int)
    /// An array or byte-string length that cannot fit in the bytes that follow it (checked before allocating).
    case lengthOutOfBounds(ABIPath, offset: Int)
    /// An `address` word whose 12 high bytes are not zero.
    case dirtyAddressPadding(ABIPath, offset: Int)
    /// A `bool` word that is neither 0 nor 1.
    case invalidBool(ABIPath, offset: Int)
    /// A `uintN` word (N < 256) with bits set above bit N.
    case uintOverflow(ABIPath, offset: Int, bits: Int)
    /// An `intN` word (N < 256) that is not the sign extension of its low N bits.
    case badSignExtension(ABIPath, offset: Int, bits: Int)
    /// A `bytesN` (or `function`) word with non-zero bytes after its N bytes.
    case dirtyFixedBytesPadding(ABIPath, offset: Int)
    /// Non-zero bytes after the data of a `bytes` or `string`, before the next 32-byte boundary.
    case dirtyTailPadding(ABIPath, offset: Int)
    /// A `string` whose bytes are not valid UTF-8.
    case invalidUTF8(ABIPath, offset: Int)
    /// Offsets alias the same data so often that decoding would do far more work than the input size justifies.
    case decodingBudgetExceeded(ABIPath)
    /// Nested more deeply than the decoder allows.
    case depthLimitExceeded(ABIPath)
    /// Calldata, revert data or an event whose selector or topic 0 is not the expected one.
    case selectorMismatch(expected: String, got: String)
    /// A selector, topic or error that no entry of the ABI matches.
    case unknownSelector(String)
    /// Topics of an event do not match its indexed inputs.
    case topicCountMismatch(expected: Int, got: Int)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .invalidType(let t): return "invalid ABI type \"\(t)\""
        case .invalidSignature(let s, let reason):
            // Long input is shown by its start (a hostile signature can be megabytes).
            let shown = s.count > 80 ? String(s.prefix(60)) + "…(\(s.utf8.count) bytes)" : s
            return "invalid signature \"\(shown)\": \(reason)"
        case .invalidJSONABI(let reason): return "invalid JSON ABI: \(reason)"
        case .typeMismatch(let p, let expected, let got): return "\(p): expected \(expected), got \(got)"
        case .valueOutOfRange(let p, let type): return "\(p): value out of range for \(type)"
        case .wrongCount(let p, let expected, let got): return "\(p): expected \(expected) elements, got \(got)"
        case .invalidValueText(let p, let text, let reason): return "\(p): cannot parse \"\(text)\": \(reason)"
        case .inputTooShort(let p, let o, let n): return "\(p): input too short, needs \(n) bytes at offset \(o)"
        case .offsetOutOfBounds(let p, let o): return "\(p): offset at byte \(o) points outside the input"
        case .offsetIntoHead(let p, let o): return "\(p): offset at byte \(o) points backwards into the head"
        case .lengthOutOfBounds(let p, let o): return "\(p): length at byte \(o) exceeds the remaining input"
        case .dirtyAddressPadding(let p, let o): return "\(p): address at byte \(o) has non-zero padding"
        case .invalidBool(let p, let o): return "\(p): bool at byte \(o) is neither 0 nor 1"
        case .uintOverflow(let p, let o, let bits): return "\(p): uint\(bits) at byte \(o) has non-zero high bits"
        case .badSignExtension(let p, let o, let bits): return "\(p): int\(bits) at byte \(o) is not sign-extended"
        case .dirtyFixedBytesPadding(let p, let o): return "\(p): fixed bytes at byte \(o) have non-zero padding"
        case .dirtyTailPadding(let p, let o): return "\(p): non-zero padding after bytes/string data at byte \(o)"
        case .invalidUTF8(let p, let o): return "\(p): string at byte \(o) is not valid UTF-8"
        case .decodingBudgetExceeded(let p): return "\(p): offsets alias the same data too often"
        case .depthLimitExceeded(let p): return "\(p): nesting too deep"
        case .selectorMismatch(let e, let g): return "selector mismatch: expected \(e), got \(g)"
        case .unknownSelector(let s): return "no ABI entry matches \(s)"
        case .topicCountMismatch(let e, let g): return "expected \(e) topics, got \(g)"
        }
    }

    /// The path of the value at fault, for errors that have one.
    public var path: ABIPath? {
        switch self {
        case .typeMismatch(let p, _, _), .valueOutOfRange(let p, _), .wrongCount(let p, _, _), .invalidValueText(let p, _, _),
             .inputTooShort(let p, _, _), .offsetOutOfBounds(let p, _), .offsetIntoHead(let p, _), .lengthOutOfBounds(let p, _),
             .dirtyAddressPadding(let p, _), .invalidBool(let p, _), .uintOverflow(let p, _, _), .badSignExtension(let p, _, _),
             .dirtyFixedBytesPadding(let p, _), .dirtyTailPadding(let p, _), .invalidUTF8(let p, _),
             .decodingBudgetExceeded(let p), .depthLimitExceeded(let p):
            return p
        default:
            return nil
        }
    }

    /// The same error with `component` put in front of its path. Coders build paths this way, only
    /// when an error unwinds, so that successful decoding allocates nothing for paths.
    public func prefixed(_ component: ABIPathComponent) -> ABIError {
        func f(_ p: ABIPath) -> ABIPath { ABIPath([component] + p.components) }
        switch self {
        case .typeMismatch(let p, let e, let g): return .typeMismatch(f(p), expected: e, got: g)
        case .valueOutOfRange(let p, let t): return .valueOutOfRange(f(p), type: t)
        case .wrongCount(let p, let e, let g): return .wrongCount(f(p), expected: e, got: g)
        case .invalidValueText(let p, let t, let r): return .invalidValueText(f(p), text: t, reason: r)
        case .inputTooShort(let p, let o, let n): return .inputTooShort(f(p), offset: o, needed: n)
        case .offsetOutOfBounds(let p, let o): return .offsetOutOfBounds(f(p), offset: o)
        case .offsetIntoHead(let p, let o): return .offsetIntoHead(f(p), offset: o)
        case .lengthOutOfBounds(let p, let o): return .lengthOutOfBounds(f(p), offset: o)
        case .dirtyAddressPadding(let p, let o): return .dirtyAddressPadding(f(p), offset: o)
        case .invalidBool(let p, let o): return .invalidBool(f(p), offset: o)
        case .uintOverflow(let p, let o, let b): return .uintOverflow(f(p), offset: o, bits: b)
        case .badSignExtension(let p, let o, let b): return .badSignExtension(f(p), offset: o, bits: b)
        case .dirtyFixedBytesPadding(let p, let o): return .dirtyFixedBytesPadding(f(p), offset: o)
        case .dirtyTailPadding(let p, let o): return .dirtyTailPadding(f(p), offset: o)
        case .invalidUTF8(let p, let o): return .invalidUTF8(f(p), offset: o)
        case .decodingBudgetExceeded(let p): return .decodingBudgetExceeded(f(p))
        case .depthLimitExceeded(let p): return .depthLimitExceeded(f(p))
        default: return self
        }
    }
}
