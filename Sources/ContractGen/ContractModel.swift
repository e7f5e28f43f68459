import EVM

/// A named struct for a tuple type of a contract's ABI, as both generators declare it.
public struct StructDefinition: Hashable, Sendable {
    /// The struct's name (`Receipt`, `Payout`), unique within its contract.
    public var name: String
    /// Its fields, in ABI order; tuple-typed fields refer to other structs of the same model.
    public var fields: [ABIParameter]
}

/// A contract's ABI prepared for code generation: every tuple type gets a struct name, shared by all the
/// places that use the same fields, and every parameter gets a usable name.
///
/// Struct names come from the compiler's `internalType` (`struct Registry.Receipt` → `Receipt`) when the JSON
/// has it; Vyper's ABI does not, so otherwise from the parameter's name in UpperCamelCase (`receipt` →
/// `Receipt`, an array `payouts` → `Payout`), or for an unnamed output from the function (`batch` → `Batch`).
/// A name already taken by a struct with other fields gets a numeric suffix (`Receipt2`).
public struct ContractModel: Sendable {
    /// The contract's name (`ReceiptRegistry`).
    public var name: String
    /// The ABI.
    public var abi: ContractABI
    /// Struct definitions, dependencies first (a struct's tuple fields are declared before it).
    public private(set) var structs: [StructDefinition] = []
    /// Struct name per tuple shape (component names and types, recursively).
    private var nameByShape: [String: String] = [:]

    /// Builds the model of `abi` for the contract `name`.
    public init(name: String, abi: ContractABI) {
        self.name = name
        self.abi = abi
        if let constructor = abi.constructor {
            for p in constructor.inputs { register(p, fallback: "ConstructorArgument") }
        }
        for f in abi.functions {
            let base = Self.upperCamel(f.name)
            for (i, p) in f.inputs.enumerated() { register(p, fallback: "\(base)Argument\(i)") }
            for (i, p) in f.outputs.enumerated() {
                register(p, fallback: f.outputs.count == 1 ? base : "\(base)Result\(i)")
            }
        }
        for e in abi.events {
            for (i, p) in e.inputs.enumerated() { register(p, fallback: "\(e.name)Field\(i)") }
        }
        for e in abi.errors {
            for (i, p) in e.inputs.enumerated() { register(p, fallback: "\(e.name)Field\(i)") }
        }
    }

    /// Reads a compiler artifact or a bare JSON ABI. The contract's name is the artifact's `contractName`,
    /// else `fallbackName` (callers pass the file name without extension).
    /// - Throws: `ABIError.invalidJSONABI`.
    public init(artifactJSON text: String, fallbackName: String) throws(ABIError) {
        let value: JSONValue
        do { value = try JSONValue(parsing: text) } catch { throw .invalidJSONABI(error.description) }
        let abi = try ContractABI(json: value)
        let name = value["contractName"]?.stringValue ?? fallbackName
        guard Self.isIdentifier(name) else { throw .invalidJSONABI("contract name \"\(name)\" is not an identifier") }
        self.init(name: name, abi: abi)
    }

    /// The struct name of a tuple-typed parameter (or array of tuples); `nil` for other types.
    public func structName(of parameter: ABIParameter) -> String? {
        guard Self.tupleBase(parameter.type) != nil else { return nil }
        return nameByShape[Self.shape(parameter.components)]
    }

    /// The struct definition with this name.
    public func structDefinition(named name: String) -> StructDefinition? { structs.first { $0.name == name } }

    private mutating func register(_ parameter: ABIParameter, fallback: String) {
        guard Self.tupleBase(parameter.type) != nil else { return }
        // Fields first, so dependencies come first in `structs`.
        for (i, field) in parameter.components.enumerated() {
            register(field, fallback: (Self.structNameHint(parameter) ?? fallback) + "Field\(i)")
        }
        let shape = Self.shape(parameter.components)
        if nameByShape[shape] != nil { return }
        var name = Self.structNameHint(parameter) ?? fallback
        if !Self.isIdentifier(name) { name = fallback }
        let taken = Set(structs.map(\.name)).union(Self.reservedTypeNames).union([self.name])
        if taken.contains(name) {
            var n = 2
            while taken.contains("\(name)\(n)") { n += 1 }
            name = "\(name)\(n)"
        }
        nameByShape[shape] = name
        structs.append(StructDefinition(name: name, fields: parameter.components))
    }

    /// Names a struct cannot take: the types generated code refers to, and the generated namespaces.
    static let reservedTypeNames: Set<String> = [
        "Address", "Bytes32", "UInt256", "Int256", "ABIValue", "ABIType", "ABIError", "ABIFunction", "ABIEvent",
        "ABIParameter", "String", "Bool", "Functions", "Calls", "Revert", "BlockTag", "ContractError", "EVM", "EVMRPC",
    ]

    /// The name suggested by `internalType` or by the parameter's own name.
    static func structNameHint(_ parameter: ABIParameter) -> String? {
        if let internalType = parameter.internalType, internalType.hasPrefix("struct ") {
            var name = Substring(internalType.dropFirst(7))
            if let bracket = name.firstIndex(of: "[") { name = name[..<bracket] }
            if let dot = name.lastIndex(of: ".") { name = name[name.index(after: dot)...] }
            if isIdentifier(String(name)) { return String(name) }
        }
        guard !parameter.name.isEmpty else { return nil }
        var name = upperCamel(parameter.name)
        if case .tuple = parameter.type {} else if name.count > 2, name.hasSuffix("s"), !name.hasSuffix("ss") {
            name.removeLast()  // an array of tuples named in the plural: `payouts` → `Payout`
        }
        return name
    }

    /// The tuple at the bottom of a (possibly nested) array type, or `nil` when the type holds no tuple there.
    static func tupleBase(_ type: ABIType) -> [ABIType]? {
        switch type {
        case .tuple(let ts): return ts
        case .array(let t), .fixedArray(let t, _): return tupleBase(t)
        default: return nil
        }
    }

    /// A key for a tuple's shape: component names and types, recursively.
    static func shape(_ components: [ABIParameter]) -> String {
        "(" + components.map { c in
            let inner = tupleBase(c.type) != nil ? shape(c.components) : ""
            return c.name + ":" + c.type.description + inner
        }.joined(separator: ",") + ")"
    }

    /// `batch_id` → `BatchId`, `totalSupply` → `TotalSupply`.
    public static func upperCamel(_ name: String) -> String {
        let lower = lowerCamel(name)
        guard let first = lower.first else { return lower }
        return first.uppercased() + lower.dropFirst()
    }

    /// `batch_id` → `batchId`, `_owner` → `owner`, `nonce_` → `nonce`, `DOMAIN_SEPARATOR` → `domainSeparator`,
    /// `totalSupply` → `totalSupply`.
    public static func lowerCamel(_ name: String) -> String {
        let parts = name.split(separator: "_", omittingEmptySubsequences: true)
        guard !parts.isEmpty else { return name }
        var out = ""
        for (i, part) in parts.enumerated() {
            // An all-caps word (`DOMAIN`, `URI`) is a word, not an acronym inside camelCase.
            let word = part.allSatisfy({ $0.isUppercase || $0.isNumber }) ? part.lowercased() : String(part)
            if i == 0 {
                out += word.prefix(1).lowercased() + word.dropFirst()
            } else {
                out += word.prefix(1).uppercased() + word.dropFirst()
            }
        }
        return out
    }

    /// Whether `name` is an ASCII identifier (letters, digits, `_`, `$`, not starting with a digit).
    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy { c in
            (0x61...0x7A).contains(c) || (0x41...0x5A).contains(c) || (0x30...0x39).contains(c) || c == 0x5F || c == 0x24
        }
    }
}
