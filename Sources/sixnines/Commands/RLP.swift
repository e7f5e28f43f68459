import ArgumentParser
import EVM
import Foundation

/// `sixnines rlp`: RLP encoding and decoding of nested lists of byte strings.
struct RLPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rlp",
        abstract: "RLP-encode JSON or decode RLP to JSON.",
        discussion: """
            The JSON form is nested arrays of 0x-hex byte strings: ["0x636174", ["0x", "0x0400"]].
            """,
        subcommands: [Encode.self, Decode.self]
    )

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encode",
            abstract: "Encode nested JSON arrays of 0x-hex strings as RLP (prints 0x-hex).",
            discussion: """
                Example:
                  sixnines rlp encode '["0x636174", ["0x", "0x0400"]]'   # 0xc983636174c480820400
                """
        )

        @Argument(help: "JSON: a 0x-hex string or nested arrays of them.")
        var json: String

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let value: JSONValue
                do { value = try JSONValue(parsing: json) } catch { throw CLIError("<json>: \(error)") }
                let encoded = Hex.encode(RLP.encode(try item(from: value, path: "$")))
                try output.emit(encoded, json: ["rlp": encoded])
            }
        }

        /// Converts parsed JSON into an item tree, naming the JSON path of any bad element.
        private func item(from value: JSONValue, path: String) throws -> RLPItem {
            if let text = value.stringValue {
                guard text.hasPrefix("0x") || text.hasPrefix("0X") else {
                    throw CLIError("<json> at \(path): byte strings must be 0x-prefixed hex, got \(text.debugDescription)")
                }
                do { return .bytes(try Hex.decode(text)) } catch { throw CLIError("<json> at \(path): \(error)") }
            }
            if let array = value.arrayValue {
                return .list(try array.enumerated().map { try item(from: $1, path: "\(path)[\($0)]") })
            }
            throw CLIError("<json> at \(path): expected a 0x-hex string or an array")
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode",
            abstract: "Decode canonical RLP (0x-hex) into nested JSON arrays of 0x-hex strings.",
            discussion: """
                Decoding is strict: non-canonical encodings and trailing bytes are errors naming the byte offset.

                Example:
                  sixnines rlp decode 0xc983636174c480820400
                """
        )

        @Argument(help: "0x-hex RLP bytes.")
        var hex: String

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let bytes: [UInt8]
                do { bytes = try Hex.decode(hex) } catch { throw CLIError("<hex>: \(error)") }
                do {
                    // The decoded form is JSON already: --json prints the same document.
                    print(try RLP.decode(bytes).description)
                } catch {
                    throw CLIError("<hex>: \(error)")
                }
            }
        }
    }
}
