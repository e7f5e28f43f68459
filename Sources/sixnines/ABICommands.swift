import ArgumentParser
import EVM
import Foundation

/// Parses what the user gave as a function: a canonical or human-readable signature.
func parseFunction(_ text: String, what: String = "<signature>") throws -> ABIFunction {
    do { return try ABIFunction(text) } catch { throw CLIError("\(what): \(error)") }
}

/// A parameter list from `f(uint256,address)`, `(uint256,address)` or `uint256,address`.
private func parseTypes(_ text: String) throws -> [ABIParameter] {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let first = trimmed.first, first.isLetter || first == "_", trimmed.contains("("),
       !trimmed.hasPrefix("tuple"), (try? ABIType(trimmed)) == nil {
        return try parseFunction(trimmed, what: "<types>").inputs
    }
    let list = trimmed.hasPrefix("(") && (try? ABIType(trimmed)) != nil && !trimmed.hasSuffix("]") ? trimmed : "(\(trimmed))"
    do { return try ABIFunction("f" + list).inputs } catch { throw CLIError("<types>: \(error)") }
}

/// Cast-style arguments for `params`.
func parseArguments(_ args: [String], for params: [ABIParameter]) throws -> [ABIValue] {
    guard args.count == params.count else {
        throw CLIError("expected \(params.count) argument\(params.count == 1 ? "" : "s") for (\(params.map(\.type.description).joined(separator: ","))), got \(args.count)")
    }
    var values: [ABIValue] = []
    for (i, (arg, param)) in zip(args, params).enumerated() {
        do { values.append(try ABIValue(parsing: arg, as: param.type)) } catch { throw CLIError("argument \(i + 1): \(error)") }
    }
    return values
}

private func parseHex(_ text: String, what: String) throws -> [UInt8] {
    do { return try Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch { throw CLIError("\(what): \(error)") }
}

func readText(_ path: String, what: String) throws -> String {
    if path == "-" { return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(what) \(path): cannot read file") }
    return String(decoding: data, as: UTF8.self)
}

/// A JSON-serialisable object for `printJSON` from a JSONValue.
private func foundationJSON(_ value: JSONValue) -> Any {
    switch value {
    case .null: return NSNull()
    case .bool(let b): return b
    case .number(let n): return n
    case .string(let s): return s
    case .array(let a): return a.map(foundationJSON)
    case .object(let o): return Dictionary(o.map { ($0.0, foundationJSON($0.1)) }, uniquingKeysWith: { a, _ in a })
    }
}

/// `sixnines sig`: the 4-byte selector of a function or error signature.
struct Sig: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the 4-byte selector of a function or error signature.",
        discussion: """
            Accepts canonical signatures and human-readable declarations (parameter names, `function`/`error`
            keywords, modifiers and `returns (…)` are ignored).

            Examples:
              sixnines sig 'transfer(address,uint256)'                          # 0xa9059cbb
              sixnines sig 'function transfer(address to, uint256 amount) external returns (bool)'
              sixnines sig 'error Unauthorized(address caller)'
            """
    )

    @Argument(help: "A function or error signature.")
    var signature: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let canonical: String
            if signature.trimmingCharacters(in: .whitespaces).hasPrefix("error ") {
                do { canonical = try ABIErrorDefinition(signature).signature } catch { throw CLIError("<signature>: \(error)") }
            } else {
                canonical = try parseFunction(signature).signature
            }
            let selector = ABI.selector(canonical).hexString
            if output.json {
                try printJSON(["selector": selector, "signature": canonical])
            } else {
                print(selector)
            }
        }
    }
}

/// `sixnines sig-event`: topic 0 of an event signature.
struct SigEvent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sig-event",
        abstract: "Print topic 0 (the Keccak-256 of the canonical signature) of an event.",
        discussion: """
            Examples:
              sixnines sig-event 'Transfer(address,address,uint256)'
              sixnines sig-event 'event Transfer(address indexed from, address indexed to, uint256 value)'
            """
    )

    @Argument(help: "An event signature.")
    var signature: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let event: ABIEvent
            do { event = try ABIEvent(signature) } catch { throw CLIError("<signature>: \(error)") }
            if output.json {
                try printJSON(["topic0": event.topic0.description, "signature": event.signature])
            } else {
                print(event.topic0)
            }
        }
    }
}

/// `sixnines abi encode|decode`.
struct ABICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abi",
        abstract: "ABI-encode arguments or decode ABI data.",
        subcommands: [ABIEncode.self, ABIDecode.self, ABIToSwift.self, ABIToSolidity.self]
    )
}

/// `sixnines abi encode`.
struct ABIEncode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "abi.encode the arguments (no selector).",
        discussion: """
            Types as a signature `f(uint256,address)`, a list `(uint256,address)` or `uint256,address`.
            Arguments: numbers in decimal or 0x-hex, addresses, 0x-hex bytes, strings, true/false,
            arrays [1,2,3], tuples (1,0xab…,[true]), nested; strings inside arrays/tuples may be "quoted".

            Examples:
              sixnines abi encode 'f(address,uint256)' 0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826 1000
              sixnines abi encode '(uint256[],string)' '[1,2,3]' 'hello world'
              sixnines abi encode --packed 'int16,bytes1,uint16,string' -- -1 0x42 0x03 'Hello, world!'
            """
    )

    @Argument(help: "The types, or a function signature whose inputs are the types.")
    var types: String

    @Argument(parsing: .allUnrecognized, help: "One argument per type.")
    var arguments: [String] = []

    @Flag(name: .long, help: "abi.encodePacked instead of abi.encode.")
    var packed = false

    func run() throws {
        try reportingErrors {
            let params = try parseTypes(types)
            let values = try parseArguments(arguments, for: params)
            let encoded = packed ? try ABI.encodePacked(values, as: params.map(\.type)) : try ABI.encode(values, as: params.map(\.type))
            print(encoded.hexString)
        }
    }
}

/// `sixnines calldata`.
struct Calldata: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode a function call: the 4-byte selector then the ABI-encoded arguments.",
        discussion: """
            Arguments as for `abi encode`.

            Examples:
              sixnines calldata 'transfer(address,uint256)' 0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826 1000000
              sixnines calldata 'function submit((address maker, uint256[] ids) order)' '(0xCD2a…D826,[1,2])'
            """
    )

    @Argument(help: "The function signature.")
    var signature: String

    @Argument(parsing: .allUnrecognized, help: "One argument per input.")
    var arguments: [String] = []

    func run() throws {
        try reportingErrors {
            let function = try parseFunction(signature)
            let values = try parseArguments(arguments, for: function.inputs)
            print(try function.encodeCall(values).hexString)
        }
    }
}

/// `sixnines abi decode`.
struct ABIDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode return data (by the output types) or calldata (--input, by the input types).",
        discussion: """
            The signature gives outputs cast-style, `f(uint256)(address,string)`, or with `returns (…)`.
            A bare list `(address,string)` decodes data by those types. Decoding is strict (every padding
            and offset checked); --lenient reads non-canonical data. One value per line, or --json.

            Examples:
              sixnines abi decode 'balanceOf(address)(uint256)' 0x00000000000000000000000000000000000000000000000000000000000003e8
              sixnines abi decode --input 'transfer(address,uint256)' 0xa9059cbb000000000000000000000000cd2a…
            """
    )

    @Argument(help: "The signature (with outputs unless --input), or a list of types.")
    var signature: String

    @Argument(help: "The 0x-hex data.")
    var data: String

    @Flag(name: .long, help: "Decode calldata by the input types (the selector is checked when present).")
    var input = false

    @Flag(name: .long, help: "Accept non-canonical encodings (dirty padding and the like).")
    var lenient = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let bytes = try parseHex(data, what: "<data>")
            let options: ABIDecodingOptions = lenient ? .lenient : .strict
            let params: [ABIParameter]
            let values: [ABIValue]
            let trimmed = signature.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("(") {
                params = try parseTypes(trimmed)
                values = try ABI.decode(params.map(\.type), from: input && bytes.count % 32 == 4 ? Array(bytes.dropFirst(4)) : bytes, options: options)
            } else {
                let function = try parseFunction(signature)
                if input {
                    params = function.inputs
                    values = bytes.count % 32 == 4 ? try function.decodeCall(bytes, options: options)
                        : try ABI.decode(params.map(\.type), from: bytes, options: options)
                } else {
                    guard !function.outputs.isEmpty else {
                        throw CLIError("<signature> has no outputs: write them as f(…)(types) or use --input")
                    }
                    params = function.outputs
                    values = try function.decodeOutput(bytes, options: options)
                }
            }
            if output.json {
                try printJSON(values.map { foundationJSON($0.jsonValue) })
            } else {
                for v in values { print(v) }
            }
        }
    }
}

/// `sixnines decode-error`.
struct DecodeError: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-error",
        abstract: "Decode revert data: Error(string), Panic(uint256) with its meaning, or a custom error from an ABI.",
        discussion: """
            Examples:
              sixnines decode-error 0x4e487b710000000000000000000000000000000000000000000000000000000000000011
              sixnines decode-error --abi out/Vault.json 0x8e4a23d6000000000000000000000000cd2a3d9f938e13cd947ec05abc7fe734df8dd826
            """
    )

    @Argument(help: "The 0x-hex revert data.")
    var data: String

    @Option(name: .long, help: "A JSON ABI (or compiler artifact with an `abi` member) for custom errors.")
    var abi: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let bytes = try parseHex(data, what: "<data>")
            var contract: ContractABI?
            if let abi {
                do { contract = try ContractABI(json: try readText(abi, what: "--abi")) } catch let e as ABIError {
                    throw CLIError("--abi \(abi): \(e)")
                }
            }
            let revert = try ABIRevert(decoding: bytes, abi: contract)
            guard output.json else { print(revert); return }
            switch revert {
            case .empty: try printJSON(["kind": "empty"])
            case .message(let m): try printJSON(["kind": "Error", "message": m])
            case .panic(let code, let meaning): try printJSON(["kind": "Panic", "code": code.hexString, "meaning": meaning])
            case .custom(let def, let values):
                try printJSON(["kind": "custom", "name": def.name, "signature": def.signature,
                               "args": values.map { foundationJSON($0.jsonValue) }])
            }
        }
    }
}

/// `sixnines decode-event`.
struct DecodeEvent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-event",
        abstract: "Decode a log from its topics and data, with a JSON ABI or an event signature.",
        discussion: """
            Prints one `name: value` line per input; indexed strings, bytes, arrays and tuples are only
            in the log as their Keccak-256 hash, printed with `(hash)`.

            Examples:
              sixnines decode-event --abi erc20.json --topics 0xddf252ad…,0x…cd2a…,0x…bbbb… --data 0x…03e8
              sixnines decode-event --event 'event Transfer(address indexed from, address indexed to, uint256 value)' \\
                --topics 0xddf2…,0x…,0x… --data 0x…
            """
    )

    @Option(name: .long, help: "A JSON ABI file; the event is found by topic 0.")
    var abi: String?

    @Option(name: .long, help: "The event signature instead of an ABI (needed for anonymous events).")
    var event: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Topics, comma- or space-separated, topic 0 first.")
    var topics: [String] = []

    @Option(name: .long, help: "The 0x-hex log data.")
    var data: String = "0x"

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if (abi == nil) == (event == nil) { throw ValidationError("give either --abi or --event") }
    }

    func run() throws {
        try reportingErrors {
            var parsedTopics: [Bytes32] = []
            for t in topics.flatMap({ $0.split(separator: ",") }) {
                do { parsedTopics.append(try Bytes32(hex: t.trimmingCharacters(in: .whitespaces))) } catch {
                    throw CLIError("--topics \(t): \(error)")
                }
            }
            let bytes = try parseHex(data, what: "--data")
            let definition: ABIEvent
            if let event {
                do { definition = try ABIEvent(event) } catch { throw CLIError("--event: \(error)") }
            } else {
                let contract: ContractABI
                do { contract = try ContractABI(json: try readText(abi!, what: "--abi")) } catch let e as ABIError {
                    throw CLIError("--abi \(abi!): \(e)")
                }
                guard let first = parsedTopics.first, let found = contract.event(topic0: first) else {
                    throw CLIError("no event in \(abi!) has topic 0 \(parsedTopics.first?.description ?? "(none)")")
                }
                definition = found
            }
            let decoded = try definition.decodeLog(topics: parsedTopics, data: bytes)
            if output.json {
                try printJSON([
                    "event": definition.name, "signature": definition.signature,
                    "args": decoded.enumerated().map { i, d in
                        ["name": d.parameter.name.isEmpty ? "\(i)" : d.parameter.name, "type": d.parameter.type.description,
                         "indexed": d.parameter.indexed, "hash": d.isHash, "value": foundationJSON(d.value.jsonValue)] as [String: Any]
                    },
                ])
            } else {
                print(definition.signature)
                for (i, d) in decoded.enumerated() {
                    print("\(d.parameter.name.isEmpty ? "\(i)" : d.parameter.name): \(d.value)\(d.isHash ? " (hash)" : "")")
                }
            }
        }
    }
}

/// `sixnines typed-data`.
struct TypedDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "typed-data",
        abstract: "EIP-712 typed structured data.",
        subcommands: [TypedDataHash.self]
    )
}

/// `sixnines typed-data hash`.
struct TypedDataHash: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print the EIP-712 signing digest of an eth_signTypedData_v4 JSON document.",
        discussion: """
            --verbose also prints the domain separator and the struct hash of the message.

            Examples:
              sixnines typed-data hash permit.json
              sixnines typed-data hash --verbose - < mail.json
            """
    )

    @Argument(help: "The typed-data JSON file (- for stdin).")
    var file: String

    @Flag(name: .long, help: "Also print the domain separator and the message's struct hash.")
    var verbose = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let typed = try TypedData(json: try readText(file, what: "<file>"))
            let digest = try typed.digest
            let domain = try typed.domainSeparator
            let message = typed.primaryType == "EIP712Domain" ? nil : try typed.messageHash
            if output.json {
                var object: [String: Any] = ["digest": digest.description, "domainSeparator": domain.description,
                                             "primaryType": typed.primaryType, "encodeType": try typed.encodeType(typed.primaryType)]
                if let message { object["structHash"] = message.description }
                try printJSON(object)
            } else if verbose {
                print("domainSeparator: \(domain)")
                if let message { print("structHash: \(message)") }
                print("digest: \(digest)")
            } else {
                print(digest)
            }
        }
    }
}
