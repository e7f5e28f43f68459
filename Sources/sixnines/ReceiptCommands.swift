import ArgumentParser
import EVM
import Foundation
import Receipts

/// `sixnines receipt`: prediction receipts and their proofs.
struct ReceiptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Verify prediction receipts against their Merkle proofs.",
        subcommands: [Verify.self, Leaf.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a receipt proof file: leaf, Merkle proof, batch kind, schedule, commitment opening.",
            discussion: """
                Offline checks recompute the receipt's leaf from its fields and fold the proof up to the batch root.
                Prints a verdict and each check; exit code 0 only when every check holds.

                Example:
                  sixnines receipt verify my-receipt.json
                """
        )

        @Argument(help: "A receipt proof file (JSON, sixnines-receipt-proof-v1).")
        var proofFile: String

        @OptionGroup var output: OutputOptions

        func run() throws {
            let checks: [ReceiptProofFile.Check] = try reportingErrors {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: proofFile)) } catch {
                    throw CLIError("<proof-file> \(proofFile): cannot read it (\(error.localizedDescription))")
                }
                let file: ReceiptProofFile
                do { file = try ReceiptProofFile.load(from: data) } catch {
                    throw CLIError("<proof-file> \(proofFile): \(describe(decodingError: error))")
                }
                return file.offlineChecks()
            }
            let valid = checks.allSatisfy(\.passed)
            if output.json {
                try printJSON([
                    "valid": valid,
                    "checks": checks.map { ["name": $0.name, "passed": $0.passed, "detail": $0.detail] as [String: Any] },
                ])
            } else {
                print(valid ? "VALID: every check holds" : "INVALID: \(checks.filter { !$0.passed }.map(\.name).joined(separator: ", ")) failed")
                for check in checks {
                    print("  [\(check.passed ? "ok" : "FAIL")] \(check.name): \(check.detail)")
                }
            }
            if !valid { throw ExitCode(1) }
        }
    }

    struct Leaf: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the Merkle leaf of a receipt given as JSON fields (docs/PROTOCOL.md §2).",
            discussion: """
                Example:
                  sixnines receipt leaf '{"version":1,"kind":1,"predictionId":"0x…",…}'
                """
        )

        @Argument(help: "The receipt's fields as a JSON object.")
        var json: String

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let receipt: Receipt
                do { receipt = try JSONDecoder().decode(Receipt.self, from: Data(json.utf8)) } catch {
                    throw CLIError("<json>: \(describe(decodingError: error))")
                }
                if output.json {
                    try printJSON(["leaf": receipt.leaf.description, "innerHash": receipt.innerHash.description,
                                   "abiEncoded": Hex.encode(receipt.abiEncoded)])
                } else {
                    print(receipt.leaf)
                }
            }
        }
    }
}

/// A one-line description of a JSON decoding failure, naming the field path.
func describe(decodingError error: any Error) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "$" : "$" + keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch error as? DecodingError {
    case .keyNotFound(let key, let context): return "missing field \(path(context.codingPath + [key]))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
        if context.codingPath.isEmpty, context.underlyingError != nil { return "not valid JSON" }
        return "\(path(context.codingPath)): \(context.debugDescription)"
    case nil: return "\(error)"
    @unknown default: return "\(error)"
    }
}
