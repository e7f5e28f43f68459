/// A contract's whole ABI, as the Solidity and Vyper compilers emit it in JSON (or from human-readable lines).
public struct ContractABI: Hashable, Sendable {
    /// Functions, in source order (overloads included).
    public var functions: [ABIFunction] = []
    /// Events.
    public var events: [ABIEvent] = []
    /// Custom errors.
    public var errors: [ABIErrorDefinition] = []
    /// The constructor, if declared.
    public var constructor: ABIConstructor?
    /// `nil` without a fallback function; otherwise whether it is payable.
    public var fallbackPayable: Bool?
    /// Whether a `receive` function exists.
    public var hasReceive = false

    /// An empty ABI.
    public init() {}

    /// Builds an ABI from human-readable declarations (one per element).
    public init(humanReadable lines: [String]) throws(ABIError) {
        for line in lines where !line.allSatisfy(\.isWhitespace) {
            switch try ABIItem(line) {
            case .function(let f): functions.append(f)
            case .event(let e): events.append(e)
            case .error(let e): errors.append(e)
            case .constructor(let c): constructor = c
            case .fallback(let payable): fallbackPayable = payable
            case .receive: hasReceive = true
            }
        }
    }

    /// Parses JSON ABI text: an array of entries, or an object with an `abi` member (compiler artifacts).
    /// - Throws: `ABIError.invalidJSONABI`.
    public init(json text: String) throws(ABIError) {
        let value: JSONValue
        do { value = try JSONValue(parsing: text) } catch { throw .invalidJSONABI(error.description) }
        try self.init(json: value)
    }

    /// Reads a parsed JSON ABI (array of entries, or object with `abi`).
    public init(json value: JSONValue) throws(ABIError) {
        var entries = value.arrayValue
        if entries == nil, let abi = value["abi"] { entries = abi.arrayValue }
        guard let entries else { throw .invalidJSONABI("expected an array of entries") }
        for (n, entry) in entries.enumerated() {
            guard entry.objectValue != nil else { throw .invalidJSONABI("entry \(n) is not an object") }
            let kind = entry["type"]?.stringValue ?? "function"
            let name = entry["name"]?.stringValue ?? ""
            let inputs = try Self.parameters(entry["inputs"], "entry \(n) inputs")
            let mutability = entry["stateMutability"]?.stringValue
                ?? ((entry["payable"]?.boolValue ?? false) ? "payable"
                    : (entry["constant"]?.boolValue ?? false) ? "view" : "nonpayable")
            switch kind {
            case "function":
                guard !name.isEmpty else { throw .invalidJSONABI("entry \(n): function without a name") }
                let outputs = try Self.parameters(entry["outputs"], "entry \(n) outputs")
                functions.append(ABIFunction(name: name, inputs: inputs, outputs: outputs, stateMutability: mutability))
            case "event":
                events.append(ABIEvent(name: name, inputs: inputs, anonymous: entry["anonymous"]?.boolValue ?? false))
            case "error":
                errors.append(ABIErrorDefinition(name: name, inputs: inputs))
            case "constructor":
                constructor = ABIConstructor(inputs: inputs, stateMutability: mutability)
            case "fallback":
                fallbackPayable = mutability == "payable"
            case "receive":
                hasReceive = true
            default:
                throw .invalidJSONABI("entry \(n): unknown type \"\(kind)\"")
            }
        }
    }

    static func parameters(_ value: JSONValue?, _ context: String) throws(ABIError) -> [ABIParameter] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else { throw .invalidJSONABI("\(context): expected an array") }
        var out: [ABIParameter] = []
        for (i, item) in items.enumerated() { out.append(try parameter(item, "\(context)[\(i)]")) }
        return out
    }

    /// One JSON parameter: `type` may be `tuple`, `tuple[]`, `tuple[2][]` with `components`.
    static func parameter(_ item: JSONValue, _ context: String) throws(ABIError) -> ABIParameter {
        guard let typeText = item["type"]?.stringValue else { throw .invalidJSONABI("\(context): missing \"type\"") }
        let name = item["name"]?.stringValue ?? ""
        let indexed = item["indexed"]?.boolValue ?? false
        let internalType = item["internalType"]?.stringValue
        if typeText.hasPrefix("tuple") {
            let components = try parameters(item["components"], "\(context) components")
            var type = ABIType.tuple(components.map(\.type))
            // Array suffixes after "tuple".
            var rest = Substring(typeText.dropFirst(5))
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]") else {
                    throw .invalidJSONABI("\(context): invalid type \"\(typeText)\"")
                }
                let digits = rest[rest.index(after: rest.startIndex)..<close]
                if digits.isEmpty {
                    type = .array(type)
                } else {
                    guard let k = Int(digits), k >= 0, digits == "0" || !digits.hasPrefix("0") else {
                        throw .invalidJSONABI("\(context): invalid type \"\(typeText)\"")
                    }
                    type = .fixedArray(type, k)
                }
                rest = rest[rest.index(after: close)...]
            }
            return ABIParameter(name: name, type: type, indexed: indexed, components: components, internalType: internalType)
        }
        let type: ABIType
        do { type = try ABIType(typeText) } catch { throw .invalidJSONABI("\(context): invalid type \"\(typeText)\"") }
        return ABIParameter(name: name, type: type, indexed: indexed, internalType: internalType)
    }

    /// Functions with this name (several when overloaded).
    public func functions(named name: String) -> [ABIFunction] { functions.filter { $0.name == name } }
    /// The function with this 4-byte selector.
    public func function(selector: some Collection<UInt8>) -> ABIFunction? {
        let s = Array(selector)
        return functions.first { $0.selector == s }
    }
    /// The event with this topic 0.
    public func event(topic0: Bytes32) -> ABIEvent? { events.first { !$0.anonymous && $0.topic0 == topic0 } }
    /// The custom error with this selector.
    public func error(selector: some Collection<UInt8>) -> ABIErrorDefinition? {
        let s = Array(selector)
        return errors.first { $0.selector == s }
    }

    /// Whether the two ABIs have the same functions, events, errors, constructor, fallback and receive.
    public static func == (lhs: ContractABI, rhs: ContractABI) -> Bool {
        lhs.functions == rhs.functions && lhs.events == rhs.events && lhs.errors == rhs.errors
            && lhs.constructor == rhs.constructor && lhs.fallbackPayable == rhs.fallbackPayable && lhs.hasReceive == rhs.hasReceive
    }

    /// Hashes everything `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(functions)
        hasher.combine(events)
        hasher.combine(errors)
    }
}

/// Decoded revert data.
public enum ABIRevert: Hashable, Sendable, CustomStringConvertible {
    /// `revert()` or a failed `require` without a message: no data.
    case empty
    /// `Error(string)`: `require(cond, "message")` / `revert("message")`.
    case message(String)
    /// `Panic(uint256)`: a compiler-inserted check failed; `meaning` explains the code.
    case panic(code: UInt256, meaning: String)
    /// A custom error from the ABI, with its arguments.
    case custom(ABIErrorDefinition, [ABIValue])

    /// Selector of `Error(string)`, `0x08c379a0`.
    public static let errorSelector: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
    /// Selector of `Panic(uint256)`, `0x4e487b71`.
    public static let panicSelector: [UInt8] = [0x4e, 0x48, 0x7b, 0x71]

    /// Decodes revert data: `Error(string)`, `Panic(uint256)`, or a custom error from `abi`.
    /// - Throws: `ABIError.unknownSelector` when nothing matches, or a decoding error.
    public init(decoding data: some Collection<UInt8>, abi: ContractABI? = nil,
                options: ABIDecodingOptions = .strict) throws(ABIError) {
        let bytes = Array(data)
        if bytes.isEmpty { self = .empty; return }
        guard bytes.count >= 4 else { throw .unknownSelector(Hex.encode(bytes)) }
        let selector = Array(bytes[0..<4])
        let body = bytes[4...]
        if selector == Self.errorSelector {
            guard case .string(let s) = try ABI.decode(.string, from: body, options: options) else { preconditionFailure() }
            self = .message(s)
        } else if selector == Self.panicSelector {
            guard case .uint(let code) = try ABI.decode(.uint(256), from: body, options: options) else { preconditionFailure() }
            self = .panic(code: code, meaning: Self.panicMeaning(code))
        } else if let definition = abi?.error(selector: selector) {
            self = .custom(definition, try ABI.decode(definition.inputs.map(\.type), from: body, options: options))
        } else {
            throw .unknownSelector(Hex.encode(selector))
        }
    }

    /// What a Solidity panic code means.
    public static func panicMeaning(_ code: UInt256) -> String {
        guard code.bitWidthNeeded <= 8 else { return "unknown panic code" }
        switch code.limbs.0 {
        case 0x00: return "generic compiler-inserted panic"
        case 0x01: return "assert(false)"
        case 0x11: return "arithmetic overflow or underflow"
        case 0x12: return "division or modulo by zero"
        case 0x21: return "conversion of a value out of range into an enum"
        case 0x22: return "access to an incorrectly encoded storage byte array"
        case 0x31: return "pop() on an empty array"
        case 0x32: return "array index out of bounds"
        case 0x41: return "too much memory allocated, or an array too large"
        case 0x51: return "call to a zero-initialized internal function variable"
        default: return "unknown panic code"
        }
    }

    /// The revert as text: `Error("…")`, `Panic(0x11): …`, a custom error with its arguments, or the raw data.
    public var description: String {
        switch self {
        case .empty: return "revert without data"
        case .message(let s): return "Error(\(ABIValue.string(s).nestedDescription))"
        case .panic(let code, let meaning): return "Panic(\(code.hexString)): \(meaning)"
        case .custom(let def, let values):
            return def.name + "(" + values.map(\.nestedDescription).joined(separator: ", ") + ")"
        }
    }
}
