/// A contract function: name, inputs, outputs, selector; encodes calls and decodes their results.
public struct ABIFunction: Hashable, Sendable {
    /// The function name.
    public var name: String
    /// Input parameters.
    public var inputs: [ABIParameter]
    /// Output parameters (empty when unknown).
    public var outputs: [ABIParameter]
    /// `pure`, `view`, `nonpayable` or `payable` (from JSON ABI or the human-readable form).
    public var stateMutability: String

    /// A function from its parts.
    public init(name: String, inputs: [ABIParameter], outputs: [ABIParameter] = [], stateMutability: String = "nonpayable") {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.stateMutability = stateMutability
    }

    /// Parses `transfer(address,uint256)`, `function transfer(address to, uint256 amount) external returns (bool)`,
    /// or the cast form `balanceOf(address)(uint256)` whose second list is the outputs.
    /// - Throws: `ABIError.invalidSignature`.
    public init(_ signature: String) throws(ABIError) {
        var p = SignatureParser(signature)
        _ = p.keyword("function")
        p.skipSpaces()
        guard let name = p.identifier() else { throw p.fail("expected a function name") }
        self.name = String(name)
        inputs = try p.parameterList(allowName: true)
        outputs = []
        stateMutability = "nonpayable"
        while true {
            p.skipSpaces()
            if p.atEnd { break }
            if p.peek == UInt8(ascii: "(") { outputs = try p.parameterList(allowName: true); continue }
            if p.keyword("returns") { outputs = try p.parameterList(allowName: true); continue }
            guard let word = p.identifier() else { throw p.fail("unexpected character at offset \(p.i)") }
            switch word {
            case "external", "public", "internal", "private", "virtual", "override": continue
            case "pure", "view", "payable", "nonpayable": stateMutability = String(word)
            default: throw p.fail("unexpected \"\(word)\"")
            }
        }
        try ABIFunction.checkNoIndexed(inputs + outputs, signature)
    }

    static func checkNoIndexed(_ params: [ABIParameter], _ signature: String) throws(ABIError) {
        if params.contains(where: \.indexed) { throw .invalidSignature(signature, reason: "only event inputs can be indexed") }
    }

    /// The canonical signature, `name(type,…)`.
    public var signature: String { name + "(" + inputs.map(\.type.description).joined(separator: ",") + ")" }
    /// The 4-byte selector: `keccak256(signature)[0..<4]`.
    public var selector: [UInt8] { ABI.selector(signature) }
    /// The human-readable form: `function name(type name, …) returns (…)`.
    public var humanReadable: String {
        var s = "function \(name)(" + inputs.map(\.humanReadable).joined(separator: ", ") + ")"
        if stateMutability != "nonpayable" { s += " " + stateMutability }
        if !outputs.isEmpty { s += " returns (" + outputs.map(\.humanReadable).joined(separator: ", ") + ")" }
        return s
    }

    /// Calldata for a call with `arguments`: selector ‖ `abi.encode(arguments)`.
    public func encodeCall(_ arguments: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABI.calldata(selector: selector, arguments, as: inputs.map(\.type))
    }

    /// Decodes calldata (checking the selector) into the input values.
    public func decodeCall(_ calldata: some Collection<UInt8>, options: ABIDecodingOptions = .strict) throws(ABIError) -> [ABIValue] {
        let bytes = Array(calldata)
        let expected = selector
        guard bytes.count >= 4, Array(bytes[0..<4]) == expected else {
            throw .selectorMismatch(expected: Hex.encode(expected), got: Hex.encode(bytes.prefix(4)))
        }
        return try ABI.decode(inputs.map(\.type), from: bytes[4...], options: options)
    }

    /// Encodes return values.
    public func encodeOutput(_ values: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABI.encode(values, as: outputs.map(\.type))
    }

    /// Decodes return data into the output values.
    public func decodeOutput(_ data: some Collection<UInt8>, options: ABIDecodingOptions = .strict) throws(ABIError) -> [ABIValue] {
        try ABI.decode(outputs.map(\.type), from: data, options: options)
    }
}

/// An event: its topic 0 and how to decode a log.
public struct ABIEvent: Hashable, Sendable {
    /// The event name.
    public var name: String
    /// Inputs, some `indexed`.
    public var inputs: [ABIParameter]
    /// Anonymous events have no topic 0.
    public var anonymous: Bool

    /// An event from its parts.
    public init(name: String, inputs: [ABIParameter], anonymous: Bool = false) {
        self.name = name
        self.inputs = inputs
        self.anonymous = anonymous
    }

    /// Parses `Transfer(address,address,uint256)` or `event Transfer(address indexed from, …) [anonymous]`.
    public init(_ signature: String) throws(ABIError) {
        var p = SignatureParser(signature)
        _ = p.keyword("event")
        p.skipSpaces()
        guard let name = p.identifier() else { throw p.fail("expected an event name") }
        self.name = String(name)
        inputs = try p.parameterList(allowName: true)
        anonymous = p.keyword("anonymous")
        p.skipSpaces()
        guard p.atEnd else { throw p.fail("unexpected text at offset \(p.i)") }
    }

    /// The canonical signature.
    public var signature: String { name + "(" + inputs.map(\.type.description).joined(separator: ",") + ")" }
    /// Topic 0: `keccak256(signature)`.
    public var topic0: Bytes32 { Keccak256.hash(utf8: signature) }
    /// `event Name(type indexed name, …)`.
    public var humanReadable: String {
        "event \(name)(" + inputs.map(\.humanReadable).joined(separator: ", ") + ")" + (anonymous ? " anonymous" : "")
    }

    /// A decoded log value: indexed values of dynamic types come back as `.fixedBytes` of their
    /// Keccak-256 hash (`isHash` true), since the log only holds the hash.
    public struct DecodedInput: Hashable, Sendable {
        /// The parameter.
        public var parameter: ABIParameter
        /// The value (or the topic hash for indexed dynamic values).
        public var value: ABIValue
        /// True when `value` is the topic hash of an indexed dynamic value.
        public var isHash: Bool
    }

    /// Decodes a log from its topics and data, checking topic 0 (unless anonymous) and the topic count.
    public func decodeLog(topics: [Bytes32], data: some Collection<UInt8>,
                          options: ABIDecodingOptions = .strict) throws(ABIError) -> [DecodedInput] {
        var topicIndex = 0
        if !anonymous {
            guard let first = topics.first else { throw .topicCountMismatch(expected: 1 + inputs.filter(\.indexed).count, got: 0) }
            guard first == topic0 else { throw .selectorMismatch(expected: topic0.description, got: first.description) }
            topicIndex = 1
        }
        let indexedCount = inputs.filter(\.indexed).count
        guard topics.count == topicIndex + indexedCount else {
            throw .topicCountMismatch(expected: topicIndex + indexedCount, got: topics.count)
        }
        let dataParams = inputs.filter { !$0.indexed }
        let dataValues = try ABI.decode(dataParams.map(\.type), from: data, options: options)
        var out: [DecodedInput] = []
        var d = 0
        for param in inputs {
            if param.indexed {
                let topic = topics[topicIndex]
                if param.type.isHashedWhenIndexed {
                    out.append(DecodedInput(parameter: param, value: .fixedBytes(topic.bytes), isHash: true))
                } else {
                    let v = try ABI.decode(param.type, from: topic.bytes, options: options)
                    out.append(DecodedInput(parameter: param, value: v, isHash: false))
                }
                topicIndex += 1
            } else {
                out.append(DecodedInput(parameter: param, value: dataValues[d], isHash: false))
                d += 1
            }
        }
        return out
    }
}

/// A custom error (`error InsufficientBalance(uint256 available, uint256 required)`).
public struct ABIErrorDefinition: Hashable, Sendable {
    /// The error name.
    public var name: String
    /// Its parameters.
    public var inputs: [ABIParameter]

    /// An error definition from its parts.
    public init(name: String, inputs: [ABIParameter]) {
        self.name = name
        self.inputs = inputs
    }

    /// Parses `Unauthorized(address)` or `error Unauthorized(address caller)`.
    public init(_ signature: String) throws(ABIError) {
        var p = SignatureParser(signature)
        _ = p.keyword("error")
        p.skipSpaces()
        guard let name = p.identifier() else { throw p.fail("expected an error name") }
        self.name = String(name)
        inputs = try p.parameterList(allowName: true)
        p.skipSpaces()
        guard p.atEnd else { throw p.fail("unexpected text at offset \(p.i)") }
        try ABIFunction.checkNoIndexed(inputs, signature)
    }

    /// The canonical signature.
    public var signature: String { name + "(" + inputs.map(\.type.description).joined(separator: ",") + ")" }
    /// The 4-byte selector.
    public var selector: [UInt8] { ABI.selector(signature) }
    /// `error Name(type name, …)`.
    public var humanReadable: String { "error \(name)(" + inputs.map(\.humanReadable).joined(separator: ", ") + ")" }

    /// Revert data for this error: selector ‖ `abi.encode(arguments)`.
    public func encode(_ arguments: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABI.calldata(selector: selector, arguments, as: inputs.map(\.type))
    }
}

/// A contract's constructor.
public struct ABIConstructor: Hashable, Sendable {
    /// Constructor parameters.
    public var inputs: [ABIParameter]
    /// `payable` or `nonpayable`.
    public var stateMutability: String

    /// A constructor from its parts.
    public init(inputs: [ABIParameter], stateMutability: String = "nonpayable") {
        self.inputs = inputs
        self.stateMutability = stateMutability
    }

    /// Deployment data: `bytecode ‖ abi.encode(arguments)`.
    public func deployData(bytecode: [UInt8], _ arguments: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABI.deployData(bytecode: bytecode, arguments, as: inputs.map(\.type))
    }
}

/// Any one entry of an ABI, as parsed from a human-readable line.
public enum ABIItem: Hashable, Sendable {
    /// A function.
    case function(ABIFunction)
    /// An event.
    case event(ABIEvent)
    /// A custom error.
    case error(ABIErrorDefinition)
    /// The constructor.
    case constructor(ABIConstructor)
    /// `fallback() external [payable]`.
    case fallback(payable: Bool)
    /// `receive() external payable`.
    case receive

    /// Parses one human-readable declaration: `function …`, `event …`, `error …`, `constructor(…)`,
    /// `fallback() …`, `receive() …`. Without a keyword the text is read as a function.
    public init(_ line: String) throws(ABIError) {
        var p = SignatureParser(line)
        if p.keyword("event") { self = .event(try ABIEvent(line)); return }
        if p.keyword("error") { self = .error(try ABIErrorDefinition(line)); return }
        if p.keyword("constructor") {
            let inputs = try p.parameterList(allowName: true)
            self = .constructor(ABIConstructor(inputs: inputs, stateMutability: line.contains("payable") ? "payable" : "nonpayable"))
            return
        }
        if p.keyword("fallback") { self = .fallback(payable: line.contains("payable")); return }
        if p.keyword("receive") { self = .receive; return }
        self = .function(try ABIFunction(line))
    }
}

extension ABIType {
    /// Indexed event inputs of these types are stored as the Keccak-256 of their encoding: `bytes`, `string`,
    /// arrays and tuples (all but the 32-byte value types).
    public var isHashedWhenIndexed: Bool {
        switch self {
        case .bytes, .string, .array, .fixedArray, .tuple: return true
        default: return false
        }
    }
}
