import ArgumentParser
import EVM
import Foundation

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
