import ArgumentParser
import EVM
import EVMRPC
import EVMSigner
import Foundation

/// `sixnines tx`: sign and decode transactions.
struct TxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract: "Sign and decode raw transactions (legacy, EIP-2930, EIP-1559; decode also EIP-4844/7702).",
        subcommands: [SignTx.self, DecodeTx.self]
    )

    struct SignTx: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign",
            abstract: "Build and sign a transaction; print the raw transaction as 0x-hex.",
            discussion: """
                --gas-price makes a legacy (EIP-155) transaction, or EIP-2930 with --access-list; --max-fee with
                --priority-fee makes EIP-1559. Amounts are wei (decimal or 0x-hex) or take a unit: 1.5ether, 30gwei.

                Example:
                  sixnines tx sign --chain-id 1 --nonce 0 --to 0x5aAe… --value 1ether --gas-limit 21000 \\
                    --max-fee 30gwei --priority-fee 1gwei --keystore key.json --password-file pw.txt
                """
        )

        @Option(name: .long, help: "Chain id (EIP-155).") var chainId: String
        @Option(name: .long, help: "Sender nonce.") var nonce: String
        @Option(name: .long, help: "Recipient (omit to create a contract).") var to: String?
        @Option(name: .long, help: "Value (wei, or with a unit).") var value: String = "0"
        @Option(name: .long, help: "Gas limit.") var gasLimit: String
        @Option(name: .long, help: "Gas price: a legacy (or EIP-2930) transaction.") var gasPrice: String?
        @Option(name: .long, help: "Max fee per gas (EIP-1559).") var maxFee: String?
        @Option(name: .long, help: "Max priority fee per gas (EIP-1559).") var priorityFee: String?
        @Option(name: .long, help: "Call data as 0x-hex.") var data: String?
        @Option(name: .long, help: "A function signature: the call data is its selector and the arguments that follow.") var sig: String?
        @Argument(parsing: .remaining, help: "The arguments of --sig.") var arguments: [String] = []
        @Option(name: .long, help: #"Access list JSON: [{"address": "0x…", "storageKeys": ["0x…"]}]."#) var accessList: String?
        @OptionGroup var key: KeyOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if gasPrice != nil && (maxFee != nil || priorityFee != nil) {
                throw ValidationError("give either --gas-price or --max-fee with --priority-fee, not both")
            }
            if gasPrice == nil && (maxFee == nil || priorityFee == nil) {
                throw ValidationError("give --gas-price (legacy) or both --max-fee and --priority-fee (EIP-1559)")
            }
            if data != nil && sig != nil { throw ValidationError("give either --data or --sig with arguments, not both") }
            if sig == nil && !arguments.isEmpty { throw ValidationError("arguments given without --sig") }
        }

        func run() throws {
            try reportingErrors {
                let chain = try parseU64(chainId, option: "--chain-id")
                guard chain > 0 else { throw CLIError("--chain-id 0 is not a chain (EIP-155 needs the chain's id: 1, 137, 31337, …)") }
                let nonceValue = try parseU64(nonce, option: "--nonce")
                let gas = try parseU64(gasLimit, option: "--gas-limit")
                let amount = try parseAmount(value, option: "--value")
                let recipient: Address?
                do { recipient = try to.map { try Address($0) } } catch { throw CLIError("--to: \(error)") }
                var calldata: [UInt8] = []
                if let sig {
                    let function = try parseFunction(sig, what: "--sig")
                    do { calldata = try function.encodeCall(try parseArguments(arguments, for: function.inputs)) } catch let error as CLIError {
                        throw error
                    } catch {
                        throw CLIError("--sig \(sig): \(error)")
                    }
                } else if let data {
                    do { calldata = try Hex.decode(data) } catch { throw CLIError("--data: \(error)") }
                }
                let list = try accessList.map(parseAccessList) ?? []
                let tx: Transaction
                if let gasPrice {
                    let price = try parseAmount(gasPrice, option: "--gas-price")
                    if accessList == nil {
                        tx = .legacy(LegacyTransaction(chainId: chain, nonce: nonceValue, gasPrice: price, gasLimit: gas, to: recipient,
                                                       value: amount, data: calldata))
                    } else {
                        tx = .accessList(AccessListTransaction(chainId: chain, nonce: nonceValue, gasPrice: price, gasLimit: gas,
                                                               to: recipient, value: amount, data: calldata, accessList: list))
                    }
                } else {
                    tx = .dynamicFee(DynamicFeeTransaction(
                        chainId: chain, nonce: nonceValue, maxPriorityFeePerGas: try parseAmount(priorityFee!, option: "--priority-fee"),
                        maxFeePerGas: try parseAmount(maxFee!, option: "--max-fee"), gasLimit: gas, to: recipient, value: amount,
                        data: calldata, accessList: list))
                }
                let signed = try tx.signed(by: try key.load())
                if output.json {
                    try printJSON(["raw": signed.rawHex, "hash": signed.hash.description, "type": tx.type.description,
                                   "from": try signed.recoverSender().checksummed])
                } else {
                    print(signed.rawHex)
                }
            }
        }

        func parseAccessList(_ text: String) throws -> [AccessListEntry] {
            let json: JSONValue
            do { json = try JSONValue(parsing: text) } catch { throw CLIError("--access-list: \(error)") }
            guard let array = json.arrayValue else {
                throw CLIError(#"--access-list: expected JSON [{"address": "0x…", "storageKeys": ["0x…"]}]"#)
            }
            return try array.enumerated().map { i, entry in
                guard let address = entry["address"]?.stringValue, let parsed = try? Address(address) else {
                    throw CLIError("--access-list[\(i)]: missing or invalid address")
                }
                var keys: [Bytes32] = []
                for (j, key) in (entry["storageKeys"]?.arrayValue ?? []).enumerated() {
                    guard let k = key.stringValue else { throw CLIError("--access-list[\(i)].storageKeys[\(j)]: expected a 0x-hex string") }
                    do { keys.append(try Bytes32(hex: k)) } catch { throw CLIError("--access-list[\(i)].storageKeys[\(j)] \(k): \(error)") }
                }
                return AccessListEntry(address: parsed, storageKeys: keys)
            }
        }
    }

    struct DecodeTx: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode",
            abstract: "Decode a raw signed transaction: type, every field, sender and hash.",
            discussion: """
                Example:
                  sixnines tx decode 0x02f8… --json
                """
        )

        @Argument(help: "The raw transaction as 0x-hex.")
        var raw: String

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let bytes: [UInt8]
                do { bytes = try Hex.decode(raw) } catch { throw CLIError("<raw>: \(error)") }
                let signed = try SignedTransaction(rawRepresentation: bytes)
                let fields = Self.fields(signed)
                if output.json {
                    var object: [String: Any] = [:]
                    for (name, value) in fields { object[name] = value }
                    try printJSON(object)
                } else {
                    for (name, value) in fields {
                        let text = value as? String ?? (try? jsonValue(value).jsonText) ?? "\(value)"
                        print("\(name): \(text)")
                    }
                }
            }
        }

        static func fields(_ s: SignedTransaction) -> [(String, Any)] {
            let tx = s.transaction
            var out: [(String, Any)] = [("type", tx.type.description)]
            if let chainId = tx.chainId { out.append(("chainId", String(chainId))) }
            out.append(("nonce", String(tx.nonce)))
            switch tx {
            case .legacy(let t): out.append(("gasPrice", t.gasPrice.description))
            case .accessList(let t): out.append(("gasPrice", t.gasPrice.description))
            default:
                out.append(("maxPriorityFeePerGas", tx.maxPriorityFeePerGas!.description))
                out.append(("maxFeePerGas", tx.maxFeePerGas.description))
            }
            out.append(("gasLimit", String(tx.gasLimit)))
            out.append(("to", tx.to?.checksummed ?? NSNull()))
            out.append(("value", tx.value.description))
            out.append(("data", Hex.encode(tx.data)))
            if tx.type != .legacy {
                out.append(("accessList", tx.accessList.map { ["address": $0.address.checksummed, "storageKeys": $0.storageKeys.map(\.description)] }))
            }
            if case .blob(let t) = tx {
                out.append(("maxFeePerBlobGas", t.maxFeePerBlobGas.description))
                out.append(("blobVersionedHashes", t.blobVersionedHashes.map(\.description)))
            }
            if case .setCode(let t) = tx {
                out.append(("authorizationList", t.authorizationList.map {
                    ["chainId": $0.chainId.description, "address": $0.address.checksummed, "nonce": String($0.nonce),
                     "yParity": Int($0.yParity), "r": $0.r.hexString, "s": $0.s.hexString] as [String: Any]
                }))
            }
            out.append(("v", s.v.description))
            out.append(("r", s.signature.rBytes.description))
            out.append(("s", s.signature.sBytes.description))
            out.append(("from", (try? s.recoverSender().checksummed) ?? NSNull()))
            out.append(("hash", s.hash.description))
            return out
        }
    }
}
