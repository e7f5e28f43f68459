import EVM

/// Generates a Solidity interface (`interface I<Name> { … }`) from a contract's ABI, for integrators.
///
/// The output has, in this order: the SPDX line, the pragma, a header comment (the artifact it came from and the
/// constructor, which an interface cannot declare), then the interface with its structs (dependencies first, as in
/// `ContractModel.structs`), events, custom errors and functions (in ABI order, overloads included), then
/// `receive`/`fallback` when the ABI has them. Every function is `external`; reference-type inputs are `calldata`
/// and reference-type outputs `memory`. Output is deterministic and ends with exactly one newline.
///
/// Names: ABI names are kept as written when they are usable Solidity identifiers. Inputs, event and error
/// parameters get `arg<i>` (struct fields `field<i>`) when unnamed, reserved (`SolidityInterfaceGenerator.isReserved`),
/// equal to a struct's name, or already used in the same declaration; an unusable output name is dropped. A
/// struct whose name is taken by an event, error, function or the interface itself gets a `Struct` suffix. None of
/// this changes selectors, topics or encodings. The ABI type `function` is declared as `bytes24` (its encoding),
/// with a comment giving the contract's real selector or topic, since the declared one then differs. A function,
/// event or error whose own name is reserved cannot be declared; it appears as a comment with its selector.
public enum SolidityInterfaceGenerator {
    /// Lines longer than this (indentation included) put one parameter per line, as `forge fmt` does.
    public static let maxLineWidth = 120

    /// The Solidity interface of `model`.
    /// - Parameters:
    ///   - pragma: the version constraint after `pragma solidity`.
    ///   - license: the SPDX license identifier.
    ///   - source: the artifact the ABI came from (`ABI/ReceiptRegistry.json`), named in the header comment.
    public static func generate(_ model: ContractModel, pragma: String = "^0.8.20", license: String = "MIT",
                                source: String? = nil) -> String {
        var generator = Generator(model: model)
        return generator.render(pragma: pragma, license: license, source: source)
    }

    /// Words that cannot name a Solidity parameter, field, struct, function, event or error: keywords, reserved
    /// keywords, literals, units, `this`/`super`, and elementary type names (`uint64`, `bytes32`, `fixed128x18`, …).
    public static func isReserved(_ name: String) -> Bool {
        if reservedWords.contains(name) { return true }
        for prefix in ["uint", "int", "bytes"] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            if !rest.isEmpty, rest.allSatisfy(\.isASCIIDigit) { return true }
        }
        for prefix in ["ufixed", "fixed"] where name.hasPrefix(prefix) {
            let parts = name.dropFirst(prefix.count).split(separator: "x", omittingEmptySubsequences: false)
            if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) { return true }
        }
        return false
    }

    /// Solidity 0.8's keywords, reserved keywords, literals, units and special names (elementary type names with a
    /// size are matched by `isReserved`). `from`, `error`, `revert`, `global` are contextual and stay usable.
    public static let reservedWords: Set<String> = [
        // Keywords.
        "abstract", "address", "anonymous", "as", "assembly", "bool", "break", "byte", "bytes", "calldata", "catch",
        "constant", "constructor", "continue", "contract", "delete", "do", "else", "emit", "enum", "event", "external",
        "fallback", "false", "fixed", "for", "function", "hex", "if", "immutable", "import", "indexed", "int",
        "interface", "internal", "is", "library", "mapping", "memory", "modifier", "new", "override", "payable",
        "pragma", "private", "public", "pure", "receive", "return", "returns", "storage", "string", "struct", "throw",
        "true", "try", "type", "ufixed", "uint", "unchecked", "unicode", "using", "var", "view", "virtual", "while",
        // Reserved for future use.
        "after", "alias", "apply", "auto", "case", "copyof", "default", "define", "final", "implements", "in",
        "inline", "let", "macro", "match", "mutable", "null", "of", "partial", "promise", "reference", "relocatable",
        "sealed", "sizeof", "static", "supports", "switch", "typedef", "typeof",
        // Units.
        "wei", "gwei", "ether", "szabo", "finney", "seconds", "minutes", "hours", "days", "weeks", "years",
        // Special names and Yul words that make declarations fail or mislead.
        "this", "super", "_", "leave",
    ]

    /// The interface's name for a contract: `ReceiptRegistry` → `IReceiptRegistry`.
    public static func interfaceName(_ contractName: String) -> String { "I" + contractName }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// One rendering pass over a model.
private struct Generator {
    let model: ContractModel
    /// Solidity name per model struct name (different only on a clash).
    var structNames: [String: String] = [:]

    init(model: ContractModel) {
        self.model = model
        var taken = Set([SolidityInterfaceGenerator.interfaceName(model.name)])
        taken.formUnion(model.abi.functions.map(\.name))
        taken.formUnion(model.abi.events.map(\.name))
        taken.formUnion(model.abi.errors.map(\.name))
        var used = Set(model.structs.map(\.name))
        for s in model.structs where taken.contains(s.name) || SolidityInterfaceGenerator.isReserved(s.name) {
            var candidate = s.name + "Struct"
            var n = 2
            while taken.contains(candidate) || used.contains(candidate) {
                candidate = s.name + "Struct\(n)"
                n += 1
            }
            used.insert(candidate)
            structNames[s.name] = candidate
        }
    }

    var allStructNames: Set<String> { Set(model.structs.map { structNames[$0.name] ?? $0.name }) }

    mutating func render(pragma: String, license: String, source: String?) -> String {
        let interface = SolidityInterfaceGenerator.interfaceName(model.name)
        var lines = [
            "// SPDX-License-Identifier: \(license)",
            "pragma solidity \(pragma);",
            "",
            "// \(interface): the external interface of \(model.name).",
            "// Generated by `sixnines abi to-solidity`" + (source.map { " from \($0)" } ?? "") + "; do not edit by hand.",
        ]
        if let constructor = model.abi.constructor {
            var taken = Set<String>()
            let params = parameterList(constructor.inputs, role: .input, location: "memory", taken: &taken)
            let mutability = constructor.stateMutability == "payable" ? " payable" : ""
            let prefix = "// Deployment (not part of the interface): constructor("
            let single = prefix + params.joined(separator: ", ") + ")" + mutability
            if single.count <= SolidityInterfaceGenerator.maxLineWidth || params.isEmpty {
                lines.append(single)
            } else {
                lines.append(prefix)
                lines.append(params.map { "//     " + $0 }.joined(separator: ",\n"))
                lines.append("// )" + mutability)
            }
        }
        lines.append("interface \(interface) {")

        var sections: [[String]] = []
        // Structs are blocks: a blank line between two.
        if !model.structs.isEmpty { sections.append([model.structs.map(structDeclaration).joined(separator: "\n\n")]) }
        var seen = Set<String>()
        func unique(_ declaration: String) -> String? { seen.insert(declaration).inserted ? declaration : nil }
        sections.append(model.abi.events.compactMap { unique(eventDeclaration($0)) })
        sections.append(model.abi.errors.compactMap { unique(errorDeclaration($0)) })
        var functions = model.abi.functions.compactMap { unique(functionDeclaration($0)) }
        if model.abi.hasReceive { functions.append("    receive() external payable;") }
        if let payable = model.abi.fallbackPayable { functions.append("    fallback() external" + (payable ? " payable;" : ";")) }
        sections.append(functions)

        let nonEmpty = sections.filter { !$0.isEmpty }
        for (i, section) in nonEmpty.enumerated() {
            if i > 0 { lines.append("") }
            lines.append(contentsOf: section)
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Declarations

    func structDeclaration(_ definition: StructDefinition) -> String {
        let name = structNames[definition.name] ?? definition.name
        let names = parameterNames(definition.fields, prefix: "field", keepEmpty: false, taken: [])
        var out = ["    struct \(name) {"]
        for (field, fieldName) in zip(definition.fields, names) {
            if containsFunctionType(field, throughStructs: false) {
                out.append("        // ABI type `function` (address and selector), declared as bytes24: its encoding.")
            }
            out.append("        \(typeName(field.type, field)) \(fieldName);")
        }
        out.append("    }")
        return out.joined(separator: "\n")
    }

    func eventDeclaration(_ event: ABIEvent) -> String {
        var taken = Set<String>()
        let params = parameterList(event.inputs, role: .event, location: nil, taken: &taken)
        let declaration = Self.layout(head: "event \(event.name)", params: params, middle: event.anonymous ? " anonymous" : "",
                                      returns: nil)
        let what = event.anonymous ? nil : "topic 0 is \(event.topic0) (\(event.signature))"
        return annotate(declaration, name: event.name, kind: "event", parameters: event.inputs, real: what)
    }

    func errorDeclaration(_ error: ABIErrorDefinition) -> String {
        var taken = Set<String>()
        let params = parameterList(error.inputs, role: .input, location: nil, taken: &taken)
        let declaration = Self.layout(head: "error \(error.name)", params: params, middle: "", returns: nil)
        return annotate(declaration, name: error.name, kind: "error", parameters: error.inputs,
                        real: "selector is \(Hex.encode(error.selector)) (\(error.signature))")
    }

    func functionDeclaration(_ function: ABIFunction) -> String {
        var taken = Set<String>()
        let inputs = parameterList(function.inputs, role: .input, location: "calldata", taken: &taken)
        let outputs = parameterList(function.outputs, role: .output, location: "memory", taken: &taken)
        var middle = " external"
        switch function.stateMutability {
        case "view", "pure", "payable": middle += " " + function.stateMutability
        default: break
        }
        let declaration = Self.layout(head: "function \(function.name)", params: inputs, middle: middle,
                                      returns: outputs.isEmpty ? nil : outputs)
        return annotate(declaration, name: function.name, kind: "function", parameters: function.inputs,
                        real: "selector is \(Hex.encode(function.selector)) (\(function.signature))")
    }

    /// Adds the comments a declaration needs: the real selector or topic when a `function`-typed parameter is
    /// declared as bytes24, or the whole declaration commented out when its name is reserved.
    func annotate(_ declaration: String, name: String, kind: String, parameters: [ABIParameter], real: String?) -> String {
        if SolidityInterfaceGenerator.isReserved(name) || !ContractModel.isIdentifier(name) {
            let commented = declaration.split(separator: "\n").map { "    // " + $0.dropFirst(4) }
            return (["    // Not declarable in Solidity: \(kind) name `\(name)` is reserved" + (real.map { "; its \($0)" } ?? "") + "."]
                + commented).joined(separator: "\n")
        }
        guard parameters.contains(where: { containsFunctionType($0, throughStructs: true) }) else { return declaration }
        let note = "    // ABI type `function` is declared as bytes24 (its encoding), which changes this declaration's "
            + (kind == "event" ? "topic" : "selector") + ":\n    // the contract's " + (real ?? "event is anonymous") + "."
        return note + "\n" + declaration
    }

    // MARK: Parameters

    enum Role { case input, output, event }

    /// `Type [location] [indexed] name` for each parameter, names made usable and unique within `taken`.
    func parameterList(_ params: [ABIParameter], role: Role, location: String?, taken: inout Set<String>) -> [String] {
        let names = parameterNames(params, prefix: "arg", keepEmpty: role == .output, taken: taken)
        taken.formUnion(names.filter { !$0.isEmpty })
        return zip(params, names).map { param, name in
            var s = typeName(param.type, param)
            if let location, Self.isReference(param.type) { s += " " + location }
            if role == .event, param.indexed { s += " indexed" }
            if !name.isEmpty { s += " " + name }
            return s
        }
    }

    /// Usable, unique names: explicit valid names first (first occurrence wins), then `<prefix><i>` for the rest
    /// (or nothing, for outputs).
    func parameterNames(_ params: [ABIParameter], prefix: String, keepEmpty: Bool, taken: Set<String>) -> [String] {
        let structs = allStructNames
        var used = taken
        var names = [String](repeating: "", count: params.count)
        for (i, p) in params.enumerated() {
            let n = p.name
            if ContractModel.isIdentifier(n), !SolidityInterfaceGenerator.isReserved(n), !structs.contains(n), !used.contains(n) {
                names[i] = n
                used.insert(n)
            }
        }
        for i in params.indices where names[i].isEmpty && !keepEmpty {
            var candidate = "\(prefix)\(i)"
            while used.contains(candidate) || structs.contains(candidate) { candidate += "_" }
            names[i] = candidate
            used.insert(candidate)
        }
        return names
    }

    /// The Solidity type: a struct name for tuples, `bytes24` for `function`, array suffixes as in the ABI.
    func typeName(_ type: ABIType, _ param: ABIParameter) -> String {
        switch type {
        case .tuple:
            let name = model.structName(of: param) ?? "/* unnamed tuple */"
            return structNames[name] ?? name
        case .array(let t): return typeName(t, param) + "[]"
        case .fixedArray(let t, let k): return typeName(t, param) + "[\(k)]"
        case .function: return "bytes24"
        default: return type.description
        }
    }

    static func isReference(_ type: ABIType) -> Bool {
        switch type {
        case .bytes, .string, .array, .fixedArray, .tuple: return true
        default: return false
        }
    }

    /// Whether `param` has the ABI type `function` somewhere: in its type or array element type, and with
    /// `throughStructs`, in the fields of its struct (recursively).
    func containsFunctionType(_ param: ABIParameter, throughStructs: Bool) -> Bool {
        func walk(_ type: ABIType) -> Bool {
            switch type {
            case .function: return true
            case .array(let t), .fixedArray(let t, _): return walk(t)
            case .tuple: return throughStructs && param.components.contains { containsFunctionType($0, throughStructs: true) }
            default: return false
            }
        }
        return walk(param.type)
    }

    // MARK: Layout

    /// One line when it fits in `maxLineWidth`, else one parameter per line (and one output per line when the
    /// closing line still does not fit).
    static func layout(head: String, params: [String], middle: String, returns: [String]?) -> String {
        let indent = "    ", inner = "        "
        let returnsInline = returns.map { " returns (" + $0.joined(separator: ", ") + ")" } ?? ""
        let single = indent + head + "(" + params.joined(separator: ", ") + ")" + middle + returnsInline + ";"
        if single.count <= SolidityInterfaceGenerator.maxLineWidth { return single }
        var out: String
        let lastLine: String
        if params.isEmpty {
            out = indent + head + "()"
            lastLine = out
        } else {
            out = indent + head + "(\n" + params.map { inner + $0 }.joined(separator: ",\n") + "\n" + indent + ")"
            lastLine = indent + ")"
        }
        let rest = middle + returnsInline + ";"
        if let returns, (lastLine + rest).count > SolidityInterfaceGenerator.maxLineWidth {
            out += middle + " returns (\n" + returns.map { inner + $0 }.joined(separator: ",\n") + "\n" + indent + ");"
        } else {
            out += rest
        }
        return out
    }
}
