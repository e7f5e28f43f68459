import ArgumentParser
import ContractGen
import EVM
import Foundation

/// `sixnines abi to-solidity`: a Solidity interface from a compiled artifact or a bare JSON ABI.
struct ABIToSolidity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-solidity",
        abstract: "Print a Solidity interface (structs, events, errors, functions) for a contract's JSON ABI.",
        discussion: """
            Reads a compiler artifact (an object with "abi", as in ABI/*.json) or a bare JSON ABI array. The
            interface is I<Name>, where Name is --name, else the artifact's "contractName", else the file name.
            With --output the interface is written to FILE and the path is printed.

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
