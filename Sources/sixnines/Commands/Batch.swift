import ArgumentParser
import BatchWriter
import EVM
import Foundation
import PredictionStore
import Receipts

/// `sixnines batch`: the batch writer's batches, from its store.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "List and show the batch writer's batches (root, receipts, transactions and replacements, block, state).",
        subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Batches, oldest first: id, kind, sequence, state, receipts, block, lead time.")

        @OptionGroup var store: StoreOptions
        @Option(help: "Only this kind: placement, settlement, daily.") var kind: String?
        @Option(help: "Only these states (comma-separated): closed, sent, included, final, abandoned.") var state: String?
        @Option(help: "Start after this batch id (0x… or kind:sequence).") var cursor: String?
        @Option(help: "At most this many (1…1000).") var limit: Int = 1000
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let queue = try await reportingErrors { try await store.open() }
            let answer = await BatchAPI(queue: queue).listBatches(kind: kind, state: state, cursor: cursor, limit: String(limit))
            await queue.shutdown()
            let object = try reportingErrors { try JSONValue(parsing: String(decoding: answer.body, as: UTF8.self)) }
            guard answer.status == 200 else {
                throw reportingFailure("\(object["field"].map { "--\(plain($0)): " } ?? "")\(plain(object["error"]))")
            }
            if output.json { try printJSON(object); return }
            for b in object["batches"]?.arrayValue ?? [] {
                print(["id", "kind", "sequence", "state", "receipts", "block", "leadTime"].map { plain(b[$0]) }.joined(separator: "\t"))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One batch: root, receipts, every transaction and replacement, block, state.")

        @Argument(help: "The batch id: 0x… (32 bytes) or kind:sequence (placement:3).") var id: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let queue = try await reportingErrors { try await store.open() }
            let answer = await BatchAPI(queue: queue).getBatch(id)
            await queue.shutdown()
            let object = try reportingErrors { try JSONValue(parsing: String(decoding: answer.body, as: UTF8.self)) }
            guard answer.status == 200 else { throw reportingFailure(plain(object["error"])) }
            if output.json { try printJSON(object); return }
            for key in ["id", "kind", "sequence", "state", "root", "receipts", "firstTime", "lastTime", "deadline", "transaction", "block",
                        "anchoredAt", "leadTime"] {
                print("\(key): \(plain(object[key]))")
            }
            for t in object["transactions"]?.arrayValue ?? [] {
                let replaces = t["replaces"].map { " replaces \(plain($0))" } ?? ""
                print("tx \(plain(t["hash"])) nonce \(plain(t["nonce"])) \(plain(t["state"])) maxFee \(plain(t["maxFeePerGas"]))"
                      + " block \(plain(t["block"])) gas \(plain(t["gasUsed"]))\(replaces)")
            }
        }
    }
}

extension ReceiptCommand {
    /// `sixnines receipt proof`: the proof file of a stored receipt.
    struct Proof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "proof",
            abstract: "Write the proof file (sixnines-receipt-proof-v1) of a receipt the batch writer anchored, for `receipt verify`.",
            discussion: "Exit code 0 with the file; 1 for an unknown receipt; 3 when its batch is not final yet."
        )

        @Argument(help: "The receipt id: its 32-byte leaf (hex).") var receiptId: String
        @OptionGroup var store: StoreOptions
        @Option(name: .shortAndLong, help: "Write the file here instead of stdout.") var output: String?

        func run() async throws {
            let queue = try await reportingErrors { try await store.open() }
            defer { Task { await queue.shutdown() } }
            let leaf = try reportingErrors { () throws -> Bytes32 in
                do { return try Bytes32(hex: receiptId) } catch { throw CLIError("<receipt-id>: expected 32 bytes of hex") }
            }
            guard let file = try await reportingErrors({ try await ProofFiles.proofFile(queue: queue, leaf: leaf) }) else {
                reportError(CLIError("receipt \(leaf) is not in a final batch yet"))
                throw ExitCode(3)
            }
            let data = try file.jsonData()
            try reportingErrors { try writeOutput(String(decoding: data, as: UTF8.self) + "\n", to: output) }
        }
    }
}

/// A JSON value as plain text: strings unquoted, numbers as written, "-" when absent.
func plain(_ value: JSONValue?) -> String {
    guard let value else { return "-" }
    switch value {
    case .string(let s): return terminalSafe(s)
    case .number(let n): return n
    case .null: return "-"
    default: return value.jsonText
    }
}

/// One stderr line and exit code 1.
func reportingFailure(_ message: String) -> ExitCode {
    reportError(CLIError(message))
    return ExitCode(1)
}
