import ContractGen
import EVM
import Foundation
import Testing
import TestSupport

/// Solidity interfaces generated from JSON ABIs.
///
/// Golden files: `Tests/Fixtures/abigen/<name>.json` → `Tests/Fixtures/abigen/golden/<name>.sol`, compared byte for
/// byte. After an intended change to the generator, rewrite them with
///
///     SIXNINES_UPDATE_GOLDEN=1 swift test --filter SolidityInterfaceTests
///
/// then read `git diff Tests/Fixtures/abigen/golden` line by line before committing: a golden is a reviewed
/// expectation, not a snapshot to accept blindly. (The tests that rewrote a golden still pass; nothing else changes.)
///
/// No Solidity compiler is available here, so every generated interface (fixtures, `ABI/*.json`, and the committed
/// `Solidity/I*.sol`) is also parsed back with the ABI layer's own human-readable parser, after replacing struct
/// names by their tuple types, and must give the same canonical signatures, selectors and topics as its ABI.
@Suite struct SolidityInterfaceTests {
    static let fixtureDirectory = repositoryRoot.appendingPathComponent("Tests/Fixtures/abigen")
    static let updateGoldens = ProcessInfo.processInfo.environment["SIXNINES_UPDATE_GOLDEN"] == "1"

    /// Fixture names (file names without `.json`), sorted.
    static let fixtures: [String] = jsonFiles(in: fixtureDirectory)
    /// The compiled contracts' artifacts, `ABI/<Contract>.json` relative to the repository root, sorted.
    static let artifacts: [String] = jsonFiles(in: repositoryRoot.appendingPathComponent("ABI")).map { "ABI/\($0).json" }

    static func jsonFiles(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func fixtureModel(_ name: String) throws -> ContractModel {
        let text = try String(contentsOf: fixtureDirectory.appendingPathComponent("\(name).json"), encoding: .utf8)
        return try ContractModel(artifactJSON: text, fallbackName: ContractModel.upperCamel(name))
    }

    static func artifactModel(_ path: String) throws -> ContractModel {
        let url = repositoryRoot.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        return try ContractModel(artifactJSON: text, fallbackName: url.deletingPathExtension().lastPathComponent)
    }

    // MARK: Goldens

    @Test func fixturesExist() {
        #expect(Self.fixtures.count >= 6, "fixtures: \(Self.fixtures)")
        #expect(Self.artifacts.count == 4, "artifacts: \(Self.artifacts)")
    }

    @Test(arguments: fixtures) func golden(_ name: String) throws {
        let model = try Self.fixtureModel(name)
        let generated = SolidityInterfaceGenerator.generate(model, source: "Tests/Fixtures/abigen/\(name).json")
        let url = Self.fixtureDirectory.appendingPathComponent("golden/\(name).sol")
        if Self.updateGoldens {
            try Data(generated.utf8).write(to: url, options: .atomic)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if let difference = firstDifference(expected: expected, actual: generated) {
            Issue.record("golden/\(name).sol differs (SIXNINES_UPDATE_GOLDEN=1 rewrites it; review the diff): \(difference)")
        }
    }

    // MARK: Round trips

    @Test(arguments: fixtures) func fixtureRoundTrip(_ name: String) throws {
        let model = try Self.fixtureModel(name)
        try assertRoundTrip(SolidityInterfaceGenerator.generate(model), of: model)
    }

    @Test(arguments: artifacts) func artifactRoundTrip(_ path: String) throws {
        let model = try Self.artifactModel(path)
        try assertRoundTrip(SolidityInterfaceGenerator.generate(model, source: path), of: model)
    }

    /// The committed interfaces too (Scripts/check-solidity checks that they are fresh).
    @Test(arguments: artifacts) func committedInterfaceRoundTrip(_ path: String) throws {
        let model = try Self.artifactModel(path)
        let url = repositoryRoot.appendingPathComponent("Solidity/I\(model.name).sol")
        try assertRoundTrip(try String(contentsOf: url, encoding: .utf8), of: model)
    }

    // MARK: Specific behaviour

    @Test func receiptRegistryDeclarations() throws {
        let text = SolidityInterfaceGenerator.generate(try Self.artifactModel("ABI/ReceiptRegistry.json"),
                                                       source: "ABI/ReceiptRegistry.json")
        #expect(text.hasPrefix("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n"))
        #expect(text.contains("from ABI/ReceiptRegistry.json"))
        #expect(text.contains("// Deployment (not part of the interface): constructor(address admin, address writer) payable\n"))
        #expect(text.contains("interface IReceiptRegistry {\n    struct Batch {\n"))
        #expect(text.contains("\n    function receipt_leaf(Receipt calldata receipt) external pure returns (bytes32);\n"))
        #expect(text.contains("\n    function verify_receipt(\n        bytes32 batch_id,\n        Receipt calldata receipt,\n"
            + "        bytes32[] calldata proof\n    ) external view returns (bool);\n"))
        #expect(text.contains("\n    function batch(bytes32 batch_id, bytes32 root) external view returns (Batch memory);\n"))
        #expect(text.contains("\n    function hasRole(bytes32 arg0, address arg1) external view returns (bool);\n"))
    }

    @Test func optionsAndDeterminism() throws {
        let model = try Self.fixtureModel("nested_tuples")
        let a = SolidityInterfaceGenerator.generate(model, pragma: ">=0.8.4 <0.9.0", license: "UNLICENSED")
        #expect(a == SolidityInterfaceGenerator.generate(model, pragma: ">=0.8.4 <0.9.0", license: "UNLICENSED"))
        #expect(a.hasPrefix("// SPDX-License-Identifier: UNLICENSED\npragma solidity >=0.8.4 <0.9.0;\n"))
        #expect(a.contains("// Generated by `sixnines abi to-solidity`; do not edit by hand."))
    }

    @Test func reservedWords() {
        for word in ["days", "memory", "uint", "uint64", "int8", "bytes32", "fixed128x18", "ufixed8x1", "this", "struct", "type"] {
            #expect(SolidityInterfaceGenerator.isReserved(word), "\(word)")
        }
        for word in ["from", "error", "revert", "owner", "bytes_", "uintx", "data", "value", "fixed_", "int8s"] {
            #expect(!SolidityInterfaceGenerator.isReserved(word), "\(word)")
        }
    }

    @Test func emptyABI() throws {
        let text = SolidityInterfaceGenerator.generate(ContractModel(name: "Nothing", abi: ContractABI()))
        #expect(text.hasSuffix("interface INothing {\n}\n"))
    }
}

// MARK: - Test-side Solidity reader

/// The first differing line of two texts, as `line N:\n- expected\n+ actual`, or `nil` when equal.
func firstDifference(expected: String, actual: String) -> String? {
    guard expected != actual else { return nil }
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(e.count, a.count) {
        let el = i < e.count ? String(e[i]) : "<end of file>"
        let al = i < a.count ? String(a[i]) : "<end of file>"
        if el != al { return "line \(i + 1):\n- \(el)\n+ \(al)" }
    }
    return "trailing bytes differ"
}

/// What a generated interface declares, read back with the ABI layer's human-readable parser.
struct ParsedInterface {
    var name = ""
    var structs: [(name: String, tuple: String)] = []
    var declarations: [String] = []
    var abi = ContractABI()
    /// Function, event and error names, in order (overloads repeat).
    var functionNames: [String] = []
    var eventNames: [String] = []
    var errorNames: [String] = []
}

/// Elementary Solidity type names the generator may emit.
private func isElementary(_ name: String) -> Bool { (try? ABIType(name)) != nil && name != "function" }

/// Identifier runs in `text`, with their offsets.
private func identifiers(_ text: String) -> [(name: String, offset: Int)] {
    var out: [(String, Int)] = []
    var current = ""
    var start = 0
    for (i, c) in text.enumerated() {
        if c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "$") {
            if current.isEmpty { start = i }
            current.append(c)
        } else if !current.isEmpty {
            out.append((current, start))
            current = ""
        }
    }
    if !current.isEmpty { out.append((current, start)) }
    return out
}

/// Replaces whole identifiers found in `map`.
private func substitute(_ text: String, _ map: [String: String]) -> String {
    var out = ""
    var current = ""
    func flush() { out += map[current] ?? current; current = "" }
    for c in text {
        if c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "$") { current.append(c) } else { flush(); out.append(c) }
    }
    flush()
    return out
}

/// Reads a generated interface, recording an issue for every structural problem.
func parseInterface(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ParsedInterface {
    var parsed = ParsedInterface()
    #expect(source.hasSuffix("\n") && !source.hasSuffix("\n\n"), "must end with exactly one newline", sourceLocation: sourceLocation)
    // Comments out; the header's SPDX and pragma lines must be there first.
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.first?.hasPrefix("// SPDX-License-Identifier: ") == true, sourceLocation: sourceLocation)
    #expect(lines.count > 1 && lines[1].hasPrefix("pragma solidity ") && lines[1].hasSuffix(";"), sourceLocation: sourceLocation)
    let code = lines.dropFirst(2).map { line in
        line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? line
    }.joined(separator: "\n")

    // Balanced brackets.
    var depth: [Character: Int] = ["{": 0, "(": 0, "[": 0]
    let closing: [Character: Character] = ["}": "{", ")": "(", "]": "["]
    for c in code {
        if depth[c] != nil { depth[c]! += 1 }
        if let open = closing[c] {
            depth[open]! -= 1
            #expect(depth[open]! >= 0, "unbalanced \(c)", sourceLocation: sourceLocation)
        }
    }
    #expect(depth.values.allSatisfy { $0 == 0 }, "unbalanced brackets: \(depth)", sourceLocation: sourceLocation)

    // One interface, the whole rest of the file.
    let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
    let header = try #require(trimmed.firstMatch(of: /^interface\s+(\w+)\s*\{/), "no interface in:\n\(trimmed)",
                              sourceLocation: sourceLocation)
    parsed.name = String(header.output.1)
    #expect(trimmed.hasSuffix("}"), sourceLocation: sourceLocation)
    let body = String(trimmed[header.range.upperBound..<trimmed.index(before: trimmed.endIndex)])
    #expect(!body.contains("{") || body.contains("struct"), sourceLocation: sourceLocation)

    // Every identifier naming a struct must come after that struct's declaration.
    let structNames = Set(body.matches(of: /struct\s+(\w+)\s*\{/).map { String($0.output.1) })
    var declared = Set<String>()
    let tokens = identifiers(body)
    for (i, token) in tokens.enumerated() {
        if i > 0, tokens[i - 1].name == "struct" {
            #expect(declared.insert(token.name).inserted, "struct \(token.name) declared twice", sourceLocation: sourceLocation)
        } else if structNames.contains(token.name) {
            #expect(declared.contains(token.name), "\(token.name) used before its declaration", sourceLocation: sourceLocation)
        }
    }

    // Structs, as tuple types (their fields' structs already known: dependencies come first).
    var tupleOf: [String: String] = [:]
    var rest = body
    for match in body.matches(of: /struct\s+(\w+)\s*\{([^}]*)\}/) {
        let fields = match.output.2.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        var fieldNames = Set<String>()
        for field in fields {
            let parts = field.split(separator: " ")
            #expect(parts.count == 2, "struct field \"\(field)\"", sourceLocation: sourceLocation)
            #expect(fieldNames.insert(String(parts.last!)).inserted, "duplicate field in \(match.output.1)",
                    sourceLocation: sourceLocation)
        }
        let tuple = "(" + fields.map { substitute($0, tupleOf) }.joined(separator: ", ") + ")"
        tupleOf[String(match.output.1)] = tuple
        parsed.structs.append((String(match.output.1), tuple))
        rest = rest.replacingOccurrences(of: String(match.output.0), with: "")
    }

    // The other declarations, one statement each.
    for statement in rest.split(separator: ";") {
        let text = statement.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
        guard !text.isEmpty else { continue }
        parsed.declarations.append(text)
        let open = try #require(text.firstIndex(of: "("), "\"\(text)\"", sourceLocation: sourceLocation)
        let readable = String(text[..<open]) + substitute(String(text[open...]), tupleOf)
        let item: ABIItem
        do { item = try ABIItem(readable) } catch {
            Issue.record("cannot parse \"\(text)\": \(error)", sourceLocation: sourceLocation)
            continue
        }
        switch item {
        case .function(let f):
            #expect(text.hasPrefix("function ") && text.contains(") external"), "\(text)", sourceLocation: sourceLocation)
            parsed.abi.functions.append(f)
            parsed.functionNames.append(f.name)
        case .event(let e):
            parsed.abi.events.append(e)
            parsed.eventNames.append(e.name)
        case .error(let e):
            parsed.abi.errors.append(e)
            parsed.errorNames.append(e.name)
        case .receive:
            #expect(text == "receive() external payable", sourceLocation: sourceLocation)
            parsed.abi.hasReceive = true
        case .fallback(let payable):
            #expect(text == "fallback() external" + (payable ? " payable" : ""), sourceLocation: sourceLocation)
            parsed.abi.fallbackPayable = payable
        case .constructor:
            Issue.record("an interface cannot declare a constructor", sourceLocation: sourceLocation)
        }
    }

    // No duplicate declarations, and no name shared between kinds (only functions and events overload).
    #expect(Set(parsed.declarations).count == parsed.declarations.count, "duplicate declarations", sourceLocation: sourceLocation)
    let kinds = [Set(parsed.structs.map(\.name)), Set(parsed.functionNames), Set(parsed.eventNames), Set(parsed.errorNames)]
    for i in kinds.indices {
        #expect(!kinds[i].contains(parsed.name), "\(parsed.name) redeclared", sourceLocation: sourceLocation)
        for j in kinds.indices where j > i {
            #expect(kinds[i].isDisjoint(with: kinds[j]), "names declared twice: \(kinds[i].intersection(kinds[j]))",
                    sourceLocation: sourceLocation)
        }
    }
    #expect(Set(parsed.errorNames).count == parsed.errorNames.count, "overloaded errors", sourceLocation: sourceLocation)
    return parsed
}

/// `function` → `bytes24`, as the generator declares it.
private func declaredType(_ type: ABIType) -> ABIType {
    switch type {
    case .function: return .fixedBytes(24)
    case .array(let t): return .array(declaredType(t))
    case .fixedArray(let t, let k): return .fixedArray(declaredType(t), k)
    case .tuple(let ts): return .tuple(ts.map(declaredType))
    default: return type
    }
}

private func declaredSignature(_ name: String, _ params: [ABIParameter]) -> String {
    name + "(" + params.map { declaredType($0.type).description }.joined(separator: ",") + ")"
}

private func hasFunctionType(_ params: [ABIParameter]) -> Bool { params.contains { declaredType($0.type) != $0.type } }

/// Parses `source` back and checks it declares exactly `model`'s ABI: same functions (signature, selector,
/// mutability, output types), events (signature, topic 0, indexed inputs, anonymity), errors, receive and fallback.
func assertRoundTrip(_ source: String, of model: ContractModel, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let parsed = try parseInterface(source, sourceLocation: sourceLocation)
    let abi = model.abi
    #expect(parsed.name == "I" + model.name, sourceLocation: sourceLocation)
    #expect(parsed.structs.map(\.name).count == model.structs.count, sourceLocation: sourceLocation)

    // Declarations whose own name is reserved are comments, with their selector or topic.
    let declarable = { (name: String) in !SolidityInterfaceGenerator.isReserved(name) }
    for f in abi.functions where !declarable(f.name) {
        #expect(source.contains("Not declarable in Solidity: function name `\(f.name)`") && source.contains(Hex.encode(f.selector)),
                sourceLocation: sourceLocation)
    }
    let functions = abi.functions.filter { declarable($0.name) }
    try #require(parsed.abi.functions.count == functions.count,
                 "functions: \(parsed.abi.functions.map(\.signature)) vs \(functions.map(\.signature))", sourceLocation: sourceLocation)
    for (got, want) in zip(parsed.abi.functions, functions) {
        #expect(got.signature == declaredSignature(want.name, want.inputs), sourceLocation: sourceLocation)
        #expect(got.stateMutability == want.stateMutability, "\(want.signature)", sourceLocation: sourceLocation)
        #expect(got.outputs.map(\.type) == want.outputs.map { declaredType($0.type) }, "\(want.signature)", sourceLocation: sourceLocation)
        if hasFunctionType(want.inputs) {
            // The declared selector differs; the comment gives the contract's.
            #expect(source.contains("selector is \(Hex.encode(want.selector)) (\(want.signature))"), sourceLocation: sourceLocation)
        } else {
            #expect(got.selector == want.selector, "\(want.signature)", sourceLocation: sourceLocation)
        }
        for (p, q) in zip(got.inputs, want.inputs) {
            #expect(p.name == q.name || p.name.hasPrefix("arg"), "\(want.signature): \(p.name) for \(q.name)", sourceLocation: sourceLocation)
        }
    }

    let events = abi.events.filter { declarable($0.name) }
    try #require(parsed.abi.events.count == events.count, sourceLocation: sourceLocation)
    for (got, want) in zip(parsed.abi.events, events) {
        #expect(got.signature == declaredSignature(want.name, want.inputs), sourceLocation: sourceLocation)
        if !hasFunctionType(want.inputs) { #expect(got.topic0 == want.topic0, "\(want.signature)", sourceLocation: sourceLocation) }
        #expect(got.inputs.map(\.indexed) == want.inputs.map(\.indexed), "\(want.signature)", sourceLocation: sourceLocation)
        #expect(got.anonymous == want.anonymous, "\(want.signature)", sourceLocation: sourceLocation)
    }

    let errors = abi.errors.filter { declarable($0.name) }
    try #require(parsed.abi.errors.count == errors.count, sourceLocation: sourceLocation)
    for (got, want) in zip(parsed.abi.errors, errors) {
        #expect(got.signature == declaredSignature(want.name, want.inputs), sourceLocation: sourceLocation)
        if !hasFunctionType(want.inputs) { #expect(got.selector == want.selector, "\(want.signature)", sourceLocation: sourceLocation) }
    }

    #expect(parsed.abi.hasReceive == abi.hasReceive, sourceLocation: sourceLocation)
    #expect(parsed.abi.fallbackPayable == abi.fallbackPayable, sourceLocation: sourceLocation)
}
