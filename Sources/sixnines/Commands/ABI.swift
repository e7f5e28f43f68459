import ArgumentParser
import EVM
import Foundation
import ContractGen

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
            Types as a signature `f(uint256,address)`, a list `(uint256,address)` or `uint256,address`. Arguments: numbers in decimal or 0x-hex, addresses, 0x-hex bytes, strings, true/false, arrays [1,2,3], tuples (1,0xab…,[true]), nested; strings inside arrays/tuples may be "quoted".

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

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let params = try parseTypes(types)
            let values = try parseArguments(arguments, for: params)
            let encoded = packed ? try ABI.encodePacked(values, as: params.map(\.type)) : try ABI.encode(values, as: params.map(\.type))
            try output.emit(encoded.hexString, json: ["encoded": encoded.hexString])
        }
    }
}

/// `sixnines abi decode`.
struct ABIDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode return data (by the output types) or calldata (--input, by the input types).",
        discussion: """
            The signature gives outputs cast-style, `f(uint256)(address,string)`, or with `returns (…)`. A bare list `(address,string)` decodes data by those types. Decoding is strict (every padding and offset checked); --lenient reads non-canonical data. One value per line, or --json.

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
                for v in values { print(terminalSafe("\(v)")) }
            }
        }
    }
}

/// `sixnines abi to-swift`.
struct ABIToSwift: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-swift",
        abstract: "Generate a typed Swift binding of a contract from its JSON ABI or artifact.",
        discussion: """
            One struct per contract (import EVM and EVMRPC): a method per function (reads return decoded Swift values, writes send a transaction and return its receipt), Calls.<function>(…) for calldata, a struct per event and per tuple type, and a Revert enum of the custom errors. The SixNinesContracts module holds these for ABI/*.json (Scripts/gen-bindings). Example: sixnines abi to-swift ABI/ReceiptRegistry.json --output Sources/SixNinesContracts/ReceiptRegistry.swift
            """)
    @Argument(help: "A compiler artifact or JSON ABI file ('-' for stdin).") var file: String
    @Option(help: "The contract (type) name (default: the artifact's contractName, else the file name).") var name: String?
    @Option(help: "Write to this file instead of stdout.") var output: String?

    func run() throws {
        try reportingErrors {
            let text = try readText(file, what: "ABI")
            let fallback = name ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            var model: ContractModel
            do { model = try ContractModel(artifactJSON: text, fallbackName: fallback) } catch { throw CLIError("\(file): \(error)") }
            if let name {
                guard ContractModel.isIdentifier(name) else { throw CLIError("--name \(name.debugDescription) is not a Swift identifier") }
                model = ContractModel(name: name, abi: model.abi)
            }
            let source = file == "-" ? "stdin" : (file.hasPrefix("/") ? URL(fileURLWithPath: file).lastPathComponent : file)
            let swift = SwiftBindingGenerator.generate(model, source: source)
            try writeOutput(swift, to: output)
        }
    }
}

/// `sixnines abi to-solidity`: a Solidity interface from a compiled artifact or a bare JSON ABI.
struct ABIToSolidity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-solidity",
        abstract: "Print a Solidity interface (structs, events, errors, functions) for a contract's JSON ABI.",
        discussion: """
            Reads a compiler artifact (an object with "abi", as in ABI/*.json) or a bare JSON ABI array. The interface is I<Name>, where Name is --name, else the artifact's "contractName", else the file name. With --output the interface is written to FILE and the path is printed.

            Examples:
              sixnines abi to-solidity ABI/ReceiptRegistry.json
              sixnines abi to-solidity ABI/Badges.json --output Solidity/IBadges.sol
              sixnines abi to-solidity erc20.json --name ERC20 --pragma '>=0.8.4' --license UNLICENSED
            """
    )

    @Argument(help: "The artifact or JSON ABI file ('-' for stdin).")
    var artifact: String

    @Option(name: .long, help: "Write the interface to this file instead of stdout.")
    var output: String?

    @Option(name: .long, help: "The Solidity version constraint.")
    var pragma = "^0.8.20"

    @Option(name: .long, help: "The SPDX license identifier.")
    var license = "MIT"

    @Option(name: .long, help: "The contract's name (the interface is I<name>).")
    var name: String?

    func run() throws {
        try reportingErrors {
            guard !pragma.isEmpty, !pragma.contains(where: { $0.isNewline || $0 == ";" }) else {
                throw CLIError("--pragma: expected a version constraint such as ^0.8.20")
            }
            guard !license.isEmpty, license.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw CLIError("--license: expected an SPDX identifier such as MIT (no spaces)")
            }
            if let name, !ContractModel.isIdentifier(name) || SolidityInterfaceGenerator.isReserved(name) {
                throw CLIError("--name: \"\(name)\" is not an identifier")
            }
            let text = try readText(artifact, what: "artifact")
            let fileName = artifact == "-" ? "Contract" : URL(fileURLWithPath: artifact).deletingPathExtension().lastPathComponent
            var model: ContractModel
            do { model = try ContractModel(artifactJSON: text, fallbackName: name ?? fileName) } catch {
                let message = "\(error)"
                throw CLIError("\(artifact): \(message)" + (message.contains("not an identifier") ? " (use --name)" : ""))
            }
            if let name { model = ContractModel(name: name, abi: model.abi) }
            let source = SolidityInterfaceGenerator.generate(model, pragma: pragma, license: license,
                                                              source: artifact == "-" ? nil : artifact)
            try writeOutput(source, to: output)
            if let output { print(output) }
        }
    }
}
