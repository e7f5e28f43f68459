import ArgumentParser
import EVM
import EVMRPC
import Deployment
import Foundation
import Receipts
import SixNinesContracts

/// `sixnines receipt`: prediction receipts and their proofs.
struct ReceiptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Verify prediction receipts against their Merkle proofs.",
        subcommands: [Verify.self, Leaf.self, Proof.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a receipt proof file offline, and against a registry you trust on chain with --rpc-url.",
            discussion: """
                Offline checks recompute the receipt's leaf from its fields, fold the proof up to the batch root, and check the batch kind, the settlement mark and the outcome against the receipt's kind and prices. With --rpc-url (or $SIXNINES_RPC_URL) it also checks the chain id, reads the batch from the registry (anchored with this root, same kind), has the registry rebuild the leaf and verify the proof (verify_receipt), and for a placement receipt that the batch was anchored before the round settled. The registry is the one you trust: --registry, else the ReceiptRegistry of <deployments>/<chain-id>.json; a proof file naming another registry is INVALID. With neither, the verdict is UNCHECKED unless --trust-proof-registry accepts the file's own registry.

                Verdict and exit code:
                  0  VALID      every check holds
                  1  INVALID    a check failed (named), or the input is bad
                  2  UNCHECKED  the chain could not be read, or no trusted registry

                Examples:
                  sixnines receipt verify my-receipt.json
                  sixnines receipt verify my-receipt.json --rpc-url https://polygon-rpc.example --registry 0x…
                """
        )

        @Argument(help: "A receipt proof file (JSON, sixnines-receipt-proof-v1).")
        var proofFile: String

        @Option(name: .customLong("rpc-url"), help: "JSON-RPC endpoint of the file's chain (repeatable); enables the on-chain checks.")
        var rpcURLs: [String] = []

        @Option(help: "Timeout of one request, in seconds.")
        var timeout: Double = 10

        @Option(help: "The ReceiptRegistry you trust (default: the one in <deployments>/<chain-id>.json).")
        var registry: String?

        @Option(help: "Directory of the deployment records.")
        var deployments: String = "deployments"

        @Flag(help: "Check against the registry the proof file names, even though nothing vouches for it.")
        var trustProofRegistry = false

        @OptionGroup var output: OutputOptions

        /// The three verdicts and their exit codes.
        enum Verdict: String {
            case valid = "VALID", invalid = "INVALID", unchecked = "UNCHECKED"
            var exitCode: Int32 { self == .valid ? 0 : self == .invalid ? 1 : 2 }
        }

        func validate() throws {
            guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
        }

        func run() async throws {
            let (file, trusted): (ReceiptProofFile, Address?) = try reportingErrors {
                let text = try readText(proofFile, what: "<proof-file>")
                let file: ReceiptProofFile
                do { file = try ReceiptProofFile.load(from: Data(text.utf8)) } catch {
                    throw CLIError("<proof-file> \(proofFile): \(describe(decodingError: error))")
                }
                if let registry { return (file, try parseAddress(registry, what: "--registry")) }
                let path = DeploymentsFile.path(directory: deployments, chainId: file.chainId)
                guard FileManager.default.fileExists(atPath: path) else { return (file, nil) }
                let records = try DeploymentsFile(directory: deployments, chainId: file.chainId, deployer: .zero)
                return (file, records.deployedAddress("ReceiptRegistry"))
            }
            var checks = file.offlineChecks()
            let urls = ChainOptions.endpoints(rpcURLs, defaultLocal: false)
            var unchecked: [String] = []
            if !urls.isEmpty {
                if let trusted {
                    checks.append(ReceiptProofFile.Check(
                        name: "trusted registry", passed: trusted == file.registry,
                        detail: trusted == file.registry ? "the file names \(trusted), the registry you trust"
                            : "the file names registry \(file.registry), but the registry you trust is \(trusted)"))
                } else if !trustProofRegistry {
                    unchecked.append("registry \(file.registry) is unverified: give --registry, a \(deployments)/\(file.chainId).json, or --trust-proof-registry")
                }
                let refused = urls.filter { isConnectionRefused($0) }
                if refused.count == urls.count {
                    unchecked.append("the chain could not be read: connection refused: \(refused.map(HTTPTransport.displayURL).joined(separator: ", "))")
                } else {
                    let client = try reportingErrors { try ChainOptions.client(urls: urls, timeout: timeout) }
                    let (online, failure) = await onChainChecks(file, client: client)
                    await client.shutdown()
                    checks += online
                    if let failure { unchecked.append(failure) }
                }
            }
            let failed = checks.filter { !$0.passed }
            let verdict: Verdict = !failed.isEmpty ? .invalid : !unchecked.isEmpty ? .unchecked : .valid
            if output.json {
                var object: [String: Any] = [
                    "verdict": verdict.rawValue,
                    "valid": verdict == .valid,
                    "online": !urls.isEmpty,
                    "checks": checks.map { ["name": $0.name, "passed": $0.passed, "detail": $0.detail] as [String: Any] },
                ]
                if !unchecked.isEmpty { object["unchecked"] = unchecked }
                try printJSON(object)
            } else {
                switch verdict {
                case .valid: print(urls.isEmpty ? "VALID: every offline check holds (not checked on chain: no --rpc-url)" : "VALID: every check holds")
                case .invalid: print("INVALID: \(failed.map(\.name).joined(separator: ", ")) failed")
                case .unchecked: print("UNCHECKED: \(unchecked.joined(separator: "; "))")
                }
                for check in checks {
                    print("  [\(check.passed ? "ok" : "FAIL")] \(check.name): \(terminalSafe(check.detail))")
                }
            }
            if verdict != .valid { throw ExitCode(verdict.exitCode) }
        }
    }

    struct Leaf: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "leaf",
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

/// The registry's view of a proof file, through the `ReceiptRegistry` binding: chain id, batch record, on-chain leaf
/// verification, anchoring time. The second value says why the chain could not be read (the checks are then incomplete).
func onChainChecks(_ file: ReceiptProofFile, client: RPCClient) async -> ([ReceiptProofFile.Check], String?) {
    typealias Check = ReceiptProofFile.Check
    var checks: [Check] = []
    do {
        let id = try await client.chainId()
        checks.append(Check(name: "chain id", passed: id == file.chainId, detail: "node is on chain \(id), file says \(file.chainId)"))
        guard id == file.chainId else { return (checks, nil) }
        guard try await !client.code(at: file.registry).isEmpty else {
            checks.append(Check(name: "anchored batch", passed: false, detail: "no contract at \(file.registry)"))
            return (checks, nil)
        }
        let registry = ReceiptRegistry(address: file.registry, connection: ContractConnection(client: client, chainId: id))
        let batch = try await registry.batch(batchId: file.batchId, root: file.root)
        checks.append(Check(name: "anchored batch", passed: batch.anchored && batch.kind == file.batchKind,
                            detail: batch.anchored
                                ? "batch \(file.batchId) anchored with this root, kind \(batch.kind), \(batch.receiptCount) receipts, at \(batch.anchoredAt)"
                                : "registry \(file.registry) has no batch \(file.batchId) with root \(file.root)"))
        guard batch.anchored else { return (checks, nil) }
        let onChain = try await registry.verifyReceipt(batchId: file.batchId, receipt: ReceiptRegistry.Receipt(file.receipt),
                                                       proof: file.proof)
        checks.append(Check(name: "registry verify_receipt", passed: onChain,
                            detail: onChain ? "the registry rebuilt the leaf and accepted the proof" : "the registry rejected the receipt and proof"))
        if file.receipt.kind == .placement {
            let before = batch.anchoredAt < file.receipt.settlesAt
            let lead = Int64(file.receipt.settlesAt) - Int64(batch.anchoredAt)
            checks.append(Check(name: "anchored before settlement", passed: before,
                                detail: "anchored at \(batch.anchoredAt), round settles at \(file.receipt.settlesAt) (lead \(lead) s)"))
        }
        return (checks, nil)
    } catch {
        return (checks, "the chain could not be read: \(error)")
    }
}
