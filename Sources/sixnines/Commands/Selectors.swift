import ArgumentParser
import EVM
import EVMRPC
import Foundation
import ContractGen

/// `sixnines sig`: the 4-byte selector of a function or error signature.
struct Sig: ParsableCommand {
    static let configuration = CommandConfiguration(
            commandName: "sig",
        abstract: "Print the 4-byte selector of a function or error signature.",
        discussion: """
            Accepts canonical signatures and human-readable declarations (parameter names, `function`/`error` keywords, modifiers and `returns (…)` are ignored).

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

/// `sixnines calldata`.
struct Calldata: ParsableCommand {
    static let configuration = CommandConfiguration(
            commandName: "calldata",
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

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let calldata = try encodeCall(signature, arguments)
            if output.json {
                try printJSON(["calldata": Hex.encode(calldata), "selector": Hex.encode(Array(calldata.prefix(4)))])
            } else {
                print(Hex.encode(calldata))
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
            guard output.json else { print(terminalSafe("\(revert)")); return }
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
            Prints one `name: value` line per input; indexed strings, bytes, arrays and tuples are only in the log as their Keccak-256 hash, printed with `(hash)`.

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
                    print(terminalSafe("\(d.parameter.name.isEmpty ? "\(i)" : d.parameter.name): \(d.value)\(d.isHash ? " (hash)" : "")"))
                }
            }
        }
    }
}
