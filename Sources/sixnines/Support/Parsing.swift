import ArgumentParser
import EVM
import EVMRPC
import Deployment
import Foundation
import PredictionCore

/// Parses what the user gave as a function: a canonical or human-readable signature.
func parseFunction(_ text: String, what: String = "<signature>") throws -> ABIFunction {
    do { return try ABIFunction(text) } catch { throw CLIError("\(what): \(error)") }
}

/// A parameter list from `f(uint256,address)`, `(uint256,address)` or `uint256,address`.
func parseTypes(_ text: String) throws -> [ABIParameter] {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let first = trimmed.first, first.isLetter || first == "_", trimmed.contains("("),
       !trimmed.hasPrefix("tuple"), (try? ABIType(trimmed)) == nil {
        return try parseFunction(trimmed, what: "<types>").inputs
    }
    let list = trimmed.hasPrefix("(") && (try? ABIType(trimmed)) != nil && !trimmed.hasSuffix("]") ? trimmed : "(\(trimmed))"
    do { return try ABIFunction("f" + list).inputs } catch { throw CLIError("<types>: \(error)") }
}

/// Cast-style arguments for `params`.
func parseArguments(_ given: [String], for params: [ABIParameter]) throws -> [ABIValue] {
    // `--` ends the options (so that negative numbers and values starting with `-` pass); it is not an argument.
    var args = given
    if let end = args.firstIndex(of: "--") { args.remove(at: end) }
    guard args.count == params.count else {
        throw CLIError("expected \(params.count) argument\(params.count == 1 ? "" : "s") for (\(params.map(\.type.description).joined(separator: ","))), got \(args.count)")
    }
    var values: [ABIValue] = []
    for (i, (arg, param)) in zip(args, params).enumerated() {
        do { values.append(try ABIValue(parsing: arg, as: param.type)) } catch { throw CLIError("argument \(i + 1): \(error)") }
    }
    return values
}

/// Calldata for `signature` with cast-style `arguments` (the `calldata` command's parsing, shared by `send`, `call`).
func encodeCall(_ signature: String, _ arguments: [String]) throws -> [UInt8] {
    let function = try parseFunction(signature)
    let values = try parseArguments(arguments, for: function.inputs)
    do { return try function.encodeCall(values) } catch { throw CLIError("\(error)") }
}

func parseHex(_ text: String, what: String) throws -> [UInt8] {
    do { return try Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch { throw CLIError("\(what): \(error)") }
}

/// The text of a file argument (`-` for stdin): never a directory, at most `InputFile.defaultLimit` bytes.
func readText(_ path: String, what: String) throws -> String {
    try InputFile.readText(path, what: what)
}

/// Parses an address argument with a user-facing error.
func parseAddress(_ text: String, what: String = "<address>") throws -> Address {
    do { return try Address(text) } catch { throw CLIError("\(what): \(error)") }
}

/// Parses a unit name (`wei`, `gwei`, `ether`, …) or a number of decimals.
func parseDenomination(_ text: String) throws -> Denomination {
    if let named = Denomination(name: text) { return named }
    if let decimals = Int(text), (0...77).contains(decimals) { return Denomination(decimals: decimals) }
    throw CLIError("<unit>: unknown unit \(text.debugDescription) (use wei, gwei, ether, … or a number of decimals 0…77)")
}

/// An amount: decimal or 0x-hex wei, or a decimal with a unit (`1.5ether`, `30gwei`).
func parseAmount(_ text: String, option: String) throws -> UInt256 {
    do { return try AmountText.parse(text, what: option) } catch { throw CLIError(error.description) }
}

func parseU64(_ text: String, option: String) throws -> UInt64 {
    let value = try parseAmount(text, option: option)
    let l = value.limbs
    guard l.1 == 0, l.2 == 0, l.3 == 0 else { throw CLIError("\(option): \(text) does not fit in 64 bits") }
    return l.0
}

/// A message given on the command line: 0x-hex is the bytes it encodes, anything else UTF-8 text.
func messageBytes(_ text: String) throws -> [UInt8] {
    if text.hasPrefix("0x") || text.hasPrefix("0X") {
        do { return try Hex.decode(text) } catch { throw CLIError("<message>: \(error)") }
    }
    return Array(text.utf8)
}

/// Unix seconds, or `YYYY-MM-DDTHH:MM:SSZ` (UTC).
func parseTime(_ text: String) -> UInt64? {
    if let seconds = UInt64(text) { return seconds }
    let bytes = Array(text.utf8)
    guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
          bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z") else { return nil }
    func number(_ range: Range<Int>) -> Int64? { Int64(String(decoding: bytes[range], as: UTF8.self)) }
    guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), let hh = number(11..<13),
          let mm = number(14..<16), let ss = number(17..<19), (1...12).contains(m), (1...31).contains(d), hh < 24, mm < 60,
          ss < 60, y >= 1970 else { return nil }
    // days_from_civil (Howard Hinnant).
    let yy = m <= 2 ? y - 1 : y
    let era = yy / 400
    let yoe = yy - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146_097 + doe - 719_468
    let t = UInt64(days) * 86_400 + UInt64(hh * 3600 + mm * 60 + ss)
    // Refuse impossible dates (Feb 30 …) by round-tripping.
    return iso8601(t) == text ? t : nil
}

/// `address,uint256` or `(address,uint256)` into types.
func parseTypeList(_ text: String) throws -> [ABIType] {
    var trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.hasPrefix("(") && trimmed.hasSuffix(")") { trimmed = String(trimmed.dropFirst().dropLast()) }
    let tuple: ABIType
    do { tuple = try ABIType("(\(trimmed))") } catch { throw CLIError("--types: \(error)") }
    guard case .tuple(let components) = tuple, !components.isEmpty else { throw CLIError("--types: expected at least one type") }
    return components
}

/// A JSON array of values, each an array with one JSON element per type.
func jsonValues(_ text: String, types: [ABIType], what: String = "<values>") throws -> [[ABIValue]] {
    let json: JSONValue
    do { json = try JSONValue(parsing: text) } catch { throw CLIError("\(what): \(error)") }
    guard let rows = json.arrayValue else { throw CLIError("\(what): expected a JSON array of values") }
    return try rows.enumerated().map { i, row in
        guard let items = row.arrayValue, items.count == types.count else {
            throw CLIError("\(what)[\(i)]: expected an array of \(types.count) element\(types.count == 1 ? "" : "s")")
        }
        return try zip(items, types).enumerated().map { k, pair in
            do { return try ABIValue(json: pair.0, as: pair.1) } catch { throw CLIError("\(what)[\(i)][\(k)]: \(error)") }
        }
    }
}


/// A block number (decimal or 0x), hash, or tag (`latest`, `earliest`, `pending`, `safe`, `finalized`).
func parseBlock(_ text: String, what: String) throws -> BlockTag {
    guard let tag = BlockTag(text) else { throw CLIError("\(what): invalid block \(terminalSafe(text.debugDescription))") }
    return tag
}
