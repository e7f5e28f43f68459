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
            abstract: "Encode nested JSON arrays of 0x-hex strings as RLP (prints 0x-hex).",
            discussion: """
                Example:
                  sixnines rlp encode '["0x636174", ["0x", "0x0400"]]'   # 0xc983636174c480820400
                """
        )

        @Argument(help: "JSON: a 0x-hex string or nested arrays of them.")
        var json: String

        func run() throws {
            try reportingErrors {
                let value: Any
                do {
                    value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
                } catch {
                    throw CLIError("<json>: not valid JSON")
                }
                print(Hex.encode(RLP.encode(try item(from: value, path: "$"))))
            }
        }

        /// Converts parsed JSON into an item tree, naming the JSON path of any bad element.
        private func item(from value: Any, path: String) throws -> RLPItem {
            if let text = value as? String {
                guard text.hasPrefix("0x") || text.hasPrefix("0X") else {
                    throw CLIError("<json> at \(path): byte strings must be 0x-prefixed hex, got \(text.debugDescription)")
                }
                do { return .bytes(try Hex.decode(text)) } catch { throw CLIError("<json> at \(path): \(error)") }
            }
            if let array = value as? [Any] {
                return .list(try array.enumerated().map { try item(from: $1, path: "\(path)[\($0)]") })
            }
            throw CLIError("<json> at \(path): expected a 0x-hex string or an array")
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode canonical RLP (0x-hex) into nested JSON arrays of 0x-hex strings.",
            discussion: """
                Decoding is strict: non-canonical encodings and trailing bytes are errors naming the byte offset.

                Example:
                  sixnines rlp decode 0xc983636174c480820400
                """
        )

        @Argument(help: "0x-hex RLP bytes.")
        var hex: String

        func run() throws {
            try reportingErrors {
                let bytes: [UInt8]
                do { bytes = try Hex.decode(hex) } catch { throw CLIError("<hex>: \(error)") }
                do {
                    print(try RLP.decode(bytes).description)
                } catch {
                    throw CLIError("<hex>: \(error)")
                }
            }
        }
    }
}

/// Parses a unit name (`wei`, `gwei`, `ether`, …) or a number of decimals.
func parseDenomination(_ text: String) throws -> Denomination {
    if let named = Denomination(name: text) { return named }
    if let decimals = Int(text), (0...77).contains(decimals) { return Denomination(decimals: decimals) }
    throw CLIError("<unit>: unknown unit \(text.debugDescription) (use wei, gwei, ether, … or a number of decimals 0…77)")
}

/// `sixnines to-wei`: an exact decimal amount in a unit, as an integer number of base units.
struct ToWei: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-wei",
        abstract: "Convert a decimal amount in a unit to base units (wei), exactly.",
        discussion: """
            The unit is wei, kwei, mwei, gwei, szabo, finney, ether, or a number of decimals (a token's).
            More fractional digits than the unit allows is an error, never a rounding.

            Examples:
              sixnines to-wei 1.5            # 1500000000000000000
              sixnines to-wei 30 gwei        # 30000000000
              sixnines to-wei 12.34 6        # 12340000 (a 6-decimal token)
            """
    )

    @Argument(help: "Decimal amount, e.g. 1.5")
    var amount: String

    @Argument(help: "Unit name or number of decimals (default ether).")
    var unit: String = "ether"

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let denomination = try parseDenomination(unit)
            let value: UInt256
            do { value = try Units.parse(amount, unit: denomination) } catch { throw CLIError("<amount>: \(error)") }
            if output.json {
                try printJSON(["wei": value.description, "hex": value.hexString, "amount": amount, "decimals": denomination.decimals])
            } else {
                print(value)
            }
        }
    }
}

/// `sixnines from-wei`: an integer number of base units as an exact decimal in a unit.
struct FromWei: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-wei",
        abstract: "Convert base units (wei) to a decimal amount in a unit, exactly.",
        discussion: """
            The input is a decimal integer or 0x-hex; the unit defaults to ether.

            Examples:
              sixnines from-wei 1500000000000000000      # 1.5
              sixnines from-wei 30000000000 gwei         # 30
            """
    )

    @Argument(help: "Integer amount in base units (decimal or 0x-hex).")
    var wei: String

    @Argument(help: "Unit name or number of decimals (default ether).")
    var unit: String = "ether"

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let denomination = try parseDenomination(unit)
            let value: UInt256
            do {
                value = try UInt256(parsing: wei)
            } catch {
                throw CLIError("<wei>: \(error)")
            }
            let text = Units.format(value, unit: denomination)
            if output.json {
                try printJSON(["amount": text, "wei": value.description, "decimals": denomination.decimals])
            } else {
                print(text)
            }
        }
    }
}
