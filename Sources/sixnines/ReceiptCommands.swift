import ArgumentParser
import EVM
import EVMRPC
import Foundation
import Receipts

/// `sixnines receipt`: prediction receipts and their proofs.
struct ReceiptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Verify prediction receipts against their Merkle proofs.",
        subcommands: [Verify.self, Leaf.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a receipt proof file offline, and against the registry on chain with --rpc-url.",
            discussion: """
                Offline checks recompute the receipt's leaf from its fields and fold the proof up to the batch root.
                With --rpc-url (or $SIXNINES_RPC_URL) it also checks the chain id, reads the batch from the registry
                (anchored with this root, same kind), has the registry rebuild the leaf and verify the proof
                (verify_receipt), and for a placement receipt that the batch was anchored before the round settled.
                Prints a verdict and each check; exit code 0 only when every check holds.

                Examples:
                  sixnines receipt verify my-receipt.json
                  sixnines receipt verify my-receipt.json --rpc-url https://polygon-rpc.example
                """
        )

        @Argument(help: "A receipt proof file (JSON, sixnines-receipt-proof-v1).")
        var proofFile: String

        @Option(name: .customLong("rpc-url"), help: "JSON-RPC endpoint of the file's chain (repeatable); enables the on-chain checks.")
        var rpcURLs: [String] = []

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let file: ReceiptProofFile = try reportingErrors {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: proofFile)) } catch {
                    throw CLIError("<proof-file> \(proofFile): cannot read it (\(error.localizedDescription))")
                }
                do { return try ReceiptProofFile.load(from: data) } catch {
                    throw CLIError("<proof-file> \(proofFile): \(describe(decodingError: error))")
                }
            }
            var checks = file.offlineChecks()
            var urls = rpcURLs
            if urls.isEmpty, let env = ProcessInfo.processInfo.environment["SIXNINES_RPC_URL"], !env.isEmpty {
                urls = env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            if !urls.isEmpty {
                let client = RPCClient(urls: urls)
                checks += await onChainChecks(file, client: client)
                await client.shutdown()
            }
            let valid = checks.allSatisfy(\.passed)
            if output.json {
                try printJSON([
                    "valid": valid,
                    "online": !urls.isEmpty,
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
                let receipt: Receipts.Receipt
                do { receipt = try JSONDecoder().decode(Receipts.Receipt.self, from: Data(json.utf8)) } catch {
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

/// The receipt as the registry's `Receipt` struct (a 13-field tuple in PROTOCOL §2 order).
func receiptTuple(_ r: Receipts.Receipt) -> ABIValue {
    .tuple([
        .uint(UInt256(r.version)), .uint(UInt256(r.kind.rawValue)), .fixedBytes(r.predictionId.bytes),
        .fixedBytes(r.userCommitment.bytes), .fixedBytes(r.asset.word.bytes), .uint(UInt256(r.direction.rawValue)),
        .uint(UInt256(r.stake)), .uint(UInt256(r.placedAt)), .uint(UInt256(r.settlesAt)), .uint(UInt256(r.entryPrice)),
        .uint(UInt256(r.settlementPrice)), .uint(UInt256(r.outcome.rawValue)), .uint(UInt256(r.payout)),
    ])
}

/// The registry's view of a proof file: chain id, batch record, on-chain leaf verification, anchoring time.
func onChainChecks(_ file: ReceiptProofFile, client: RPCClient) async -> [ReceiptProofFile.Check] {
    typealias Check = ReceiptProofFile.Check
    var checks: [Check] = []
    do {
        let id = try await client.chainId()
        checks.append(Check(name: "chain id", passed: id == file.chainId, detail: "node is on chain \(id), file says \(file.chainId)"))
        guard id == file.chainId else { return checks }

        let receiptType = "(uint8,uint8,bytes32,bytes32,bytes32,uint8,uint128,uint64,uint64,uint128,uint128,uint8,uint128)"
        let batchFunction = try ABIFunction("batch(bytes32,bytes32)((bool,uint8,uint32,uint64,uint64,uint64))")
        let batchData = try batchFunction.encodeCall([.fixedBytes(file.batchId.bytes), .fixedBytes(file.root.bytes)])
        let answer = try await client.call(CallRequest(to: file.registry, data: batchData))
        guard !answer.isEmpty else {
            checks.append(Check(name: "anchored batch", passed: false, detail: "no registry contract at \(file.registry) (empty answer)"))
            return checks
        }
        let record = try batchFunction.decodeOutput(answer)
        guard case .tuple(let fields)? = record.first, fields.count == 6,
              case .bool(let anchored) = fields[0], case .uint(let kind) = fields[1], case .uint(let count) = fields[2],
              case .uint(let anchoredAt) = fields[5] else {
            checks.append(Check(name: "anchored batch", passed: false, detail: "unexpected answer from batch(): \(record)"))
            return checks
        }
        checks.append(Check(name: "anchored batch", passed: anchored && kind == UInt256(file.batchKind),
                            detail: anchored ? "batch \(file.batchId) anchored with this root, kind \(kind), \(count) receipts, at \(anchoredAt)"
                                : "registry \(file.registry) has no batch \(file.batchId) with root \(file.root)"))
        guard anchored else { return checks }

        let verifyFunction = try ABIFunction("verify_receipt(bytes32,\(receiptType),bytes32[])(bool)")
        let verifyData = try verifyFunction.encodeCall([.fixedBytes(file.batchId.bytes), receiptTuple(file.receipt),
                                                        .array(file.proof.map { .fixedBytes($0.bytes) })])
        let verified = try verifyFunction.decodeOutput(try await client.call(CallRequest(to: file.registry, data: verifyData)))
        let onChain = verified.first == .bool(true)
        checks.append(Check(name: "registry verify_receipt", passed: onChain,
                            detail: onChain ? "the registry rebuilt the leaf and accepted the proof" : "the registry rejected the receipt and proof"))
        if file.receipt.kind == .placement {
            let before = anchoredAt < UInt256(file.receipt.settlesAt)
            checks.append(Check(name: "anchored before settlement", passed: before,
                                detail: "anchored at \(anchoredAt), round settles at \(file.receipt.settlesAt)"))
        }
    } catch {
        checks.append(Check(name: "on-chain", passed: false, detail: "\(error)"))
    }
    return checks
}
