import ArgumentParser
import EVM
import EVMSigner
import Foundation

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Secrets

/// Where the signing key comes from: `--private-key`, `--keystore FILE` (with `--password-file` or a prompt),
/// or the environment variable `SIXNINES_PRIVATE_KEY`, in that order.
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: "The private key as 0x-hex (visible in the process list: prefer the environment or a keystore).")
    var privateKey: String?

    @Option(name: .long, help: "A v3 keystore file holding the key.")
    var keystore: String?

    @Option(name: .long, help: "File whose first line is the keystore password (else prompted on the terminal).")
    var passwordFile: String?

    /// The key, from the first source given.
    func load() throws -> PrivateKey {
        if let privateKey { return try parseKey(privateKey, source: "--private-key") }
        if let keystore {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: keystore)) } catch { throw CLIError("--keystore \(keystore): cannot read the file") }
            return try Keystore.decrypt(json: data, password: try readPassword(passwordFile, prompt: "Keystore password: "))
        }
        if let env = ProcessInfo.processInfo.environment["SIXNINES_PRIVATE_KEY"], !env.isEmpty {
            return try parseKey(env, source: "SIXNINES_PRIVATE_KEY")
        }
        throw CLIError("no key: give --private-key, --keystore FILE or set SIXNINES_PRIVATE_KEY")
    }
}

func parseKey(_ text: String, source: String) throws -> PrivateKey {
    do { return try PrivateKey(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch { throw CLIError("\(source): \(error)") }
}

/// The password: the first line of `file`, or typed at a prompt on the terminal (not echoed).
func readPassword(_ file: String?, prompt: String, confirm: Bool = false) throws -> String {
    if let file {
        // FileHandle rather than String(contentsOfFile:) so pipes work too (--password-file <(pass show key)).
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("--password-file \(file): cannot read the file") }
        defer { try? handle.close() }
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    }
    // Prompt only on a real controlling terminal; never read a password from a pipe by accident.
    let tty = open("/dev/tty", O_RDWR)
    guard tty >= 0 else { throw CLIError("no password: give --password-file FILE (no terminal to prompt on)") }
    close(tty)
    guard let first = getpass(prompt) else { throw CLIError("no password entered") }
    let password = String(cString: first)
    if confirm {
        guard let again = getpass("Repeat password: "), String(cString: again) == password else { throw CLIError("passwords do not match") }
    }
    return password
}

/// A message given on the command line: 0x-hex is the bytes it encodes, anything else UTF-8 text.
func messageBytes(_ text: String) throws -> [UInt8] {
    if text.hasPrefix("0x") || text.hasPrefix("0X") {
        do { return try Hex.decode(text) } catch { throw CLIError("<message>: \(error)") }
    }
    return Array(text.utf8)
}

// MARK: - wallet

/// `sixnines wallet`: keys, keystores and EIP-191 signatures.
struct WalletCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet",
        abstract: "Create, import and decrypt keys; sign and verify messages.",
        discussion: """
            The key comes from --private-key, --keystore FILE (+ --password-file FILE or a prompt) or $SIXNINES_PRIVATE_KEY.
            Private keys are printed only when asked (--show-private-key).
            """,
        subcommands: [New.self, AddressCommand.self, Sign.self, SignTypedData.self, Verify.self, Import.self, Decrypt.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a random key; print its address (and write a keystore with --keystore DIR).",
            discussion: """
                Examples:
                  sixnines wallet new --keystore ~/.sixnines/keystore --password-file pw.txt
                  sixnines wallet new --show-private-key
                """
        )

        @Option(name: .long, help: "Directory to write an encrypted keystore into (geth's UTC--<time>--<address> name).")
        var keystore: String?

        @Option(name: .long, help: "File whose first line is the new keystore's password (else prompted).")
        var passwordFile: String?

        @Flag(name: .long, help: "Use light scrypt parameters (n=2^12, p=6): fast, for tests only.")
        var light = false

        @Flag(name: .long, help: "Also print the private key.")
        var showPrivateKey = false

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let key = PrivateKey.random()
                var path: String?
                if let keystore {
                    let password = try readPassword(passwordFile, prompt: "New keystore password: ", confirm: true)
                    path = try Keystore.write(key, password: password, to: URL(fileURLWithPath: keystore),
                                              scrypt: light ? .light : .standard).path
                }
                if output.json {
                    var object: [String: Any] = ["address": key.address.checksummed]
                    if let path { object["keystore"] = path }
                    if showPrivateKey { object["privateKey"] = Hex.encode(key.rawRepresentation) }
                    try printJSON(object)
                } else {
                    print(key.address)
                    if showPrivateKey { print(Hex.encode(key.rawRepresentation)) }
                }
            }
        }
    }

    struct AddressCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "address",
            abstract: "Print the address of the key.",
            discussion: """
                Example:
                  SIXNINES_PRIVATE_KEY=0x… sixnines wallet address
                """
        )

        @OptionGroup var key: KeyOptions

        func run() throws {
            try reportingErrors { print(try key.load().address) }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a message as an EIP-191 personal message (prints r‖s‖v, v 27/28).",
            discussion: """
                0x-hex is signed as the bytes it encodes, anything else as UTF-8 text.

                Example:
                  sixnines wallet sign --keystore key.json --password-file pw.txt 'hello'
                """
        )

        @Argument(help: "The message: text, or 0x-hex bytes.")
        var message: String

        @Flag(name: .long, help: "Print the 64-byte EIP-2098 compact form instead.")
        var compact = false

        @OptionGroup var key: KeyOptions

        func run() throws {
            try reportingErrors {
                let signature = try key.load().signPersonalMessage(try messageBytes(message))
                print(compact ? Hex.encode(signature.compactRepresentation) : signature.description)
            }
        }
    }

    struct SignTypedData: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-typed-data",
            abstract: "Sign EIP-712 typed data (eth_signTypedData_v4 JSON); prints r‖s‖v (v 27/28).",
            discussion: """
                The raw EIP-712 digest (0x1901 ‖ domainSeparator ‖ hashStruct(message)) is signed, as wallets do.
                --json also prints the digest and the signer.

                Example:
                  sixnines wallet sign-typed-data --keystore key.json --password-file pw.txt mail.json
                """
        )

        @Argument(help: "The typed-data JSON file (- for stdin).")
        var file: String

        @OptionGroup var key: KeyOptions

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let digest: Bytes32
                do { digest = try TypedData(json: try readText(file, what: "<file>")).digest } catch let error as CLIError {
                    throw error
                } catch {
                    throw CLIError("<file> \(file): \(error)")
                }
                let signer = try key.load()
                let signature = signer.signature(for: digest)
                if output.json {
                    try printJSON(["digest": digest.description, "signer": signer.address.checksummed,
                                   "signature": signature.description])
                } else {
                    print(signature.description)
                }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that an address signed an EIP-191 message (65-byte or EIP-2098 signature).",
            discussion: """
                Prints the signer and exits 0 when it matches; an error naming the real signer otherwise.

                Example:
                  sixnines wallet verify --address 0x2c75… 'hello' 0x…
                """
        )

        @Option(name: .long, help: "The expected signer.")
        var address: String

        @Argument(help: "The message: text, or 0x-hex bytes.")
        var message: String

        @Argument(help: "The signature: 65 bytes r‖s‖v or 64 bytes (EIP-2098), 0x-hex.")
        var signature: String

        func run() throws {
            try reportingErrors {
                let expected: Address
                do { expected = try Address(address) } catch { throw CLIError("--address: \(error)") }
                let sig = try Signature(hex: signature)
                try sig.verify(digest: PersonalMessage.hash(try messageBytes(message)), signer: expected)
                print(expected)
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt an existing private key into a keystore directory; print its address.",
            discussion: """
                Example:
                  sixnines wallet import 0x4c08… --keystore ~/.sixnines/keystore --password-file pw.txt
                """
        )

        @Argument(help: "The private key as 0x-hex (or - to read it from stdin).")
        var privateKey: String

        @Option(name: .long, help: "Directory to write the keystore into.")
        var keystore: String

        @Option(name: .long, help: "File whose first line is the keystore password (else prompted).")
        var passwordFile: String?

        @Flag(name: .long, help: "Use light scrypt parameters (fast, for tests only).")
        var light = false

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let text = privateKey == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : privateKey
                let key = try parseKey(text, source: "<private-key>")
                let password = try readPassword(passwordFile, prompt: "New keystore password: ", confirm: true)
                let url = try Keystore.write(key, password: password, to: URL(fileURLWithPath: keystore), scrypt: light ? .light : .standard)
                if output.json {
                    try printJSON(["address": key.address.checksummed, "keystore": url.path])
                } else {
                    print(key.address)
                }
            }
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt a keystore: print its address (and the private key with --show-private-key).",
            discussion: """
                A wrong password is an error (MAC mismatch), never a wrong key.

                Example:
                  sixnines wallet decrypt UTC--2026-…--2c75… --password-file pw.txt
                """
        )

        @Argument(help: "The keystore file.")
        var file: String

        @Option(name: .long, help: "File whose first line is the password (else prompted).")
        var passwordFile: String?

        @Flag(name: .long, help: "Print the private key too.")
        var showPrivateKey = false

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch { throw CLIError("<keystore> \(file): cannot read the file") }
                let key = try Keystore.decrypt(json: data, password: try readPassword(passwordFile, prompt: "Keystore password: "))
                if output.json {
                    var object: [String: Any] = ["address": key.address.checksummed]
                    if showPrivateKey { object["privateKey"] = Hex.encode(key.rawRepresentation) }
                    try printJSON(object)
                } else {
                    print(key.address)
                    if showPrivateKey { print(Hex.encode(key.rawRepresentation)) }
                }
            }
        }
    }
}

// MARK: - tx

/// An amount: decimal or 0x-hex wei, or a decimal with a unit (`1.5ether`, `30gwei`).
func parseAmount(_ text: String, option: String) throws -> UInt256 {
    if text.hasPrefix("0x") || text.hasPrefix("0X") {
        do { return try UInt256(hexString: text) } catch { throw CLIError("\(option): \(error)") }
    }
    if let split = text.firstIndex(where: { $0.isLetter }) {
        guard let unit = Denomination(name: text[split...]) else { throw CLIError("\(option): unknown unit \(text[split...])") }
        do { return try Units.parse(text[..<split], unit: unit) } catch { throw CLIError("\(option): \(error)") }
    }
    do { return try UInt256(decimalString: text) } catch { throw CLIError("\(option): \(error)") }
}

func parseU64(_ text: String, option: String) throws -> UInt64 {
    let value = try parseAmount(text, option: option)
    let l = value.limbs
    guard l.1 == 0, l.2 == 0, l.3 == 0 else { throw CLIError("\(option): \(text) does not fit in 64 bits") }
    return l.0
}

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
            guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
                throw CLIError(#"--access-list: expected JSON [{"address": "0x…", "storageKeys": ["0x…"]}]"#)
            }
            return try array.enumerated().map { i, entry in
                guard let address = entry["address"] as? String, let parsed = try? Address(address) else {
                    throw CLIError("--access-list[\(i)]: missing or invalid address")
                }
                let keys = entry["storageKeys"] as? [String] ?? []
                return AccessListEntry(address: parsed, storageKeys: try keys.map { k in
                    do { return try Bytes32(hex: k) } catch { throw CLIError("--access-list[\(i)] storage key \(k): \(error)") }
                })
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
                        let text: String
                        if let s = value as? String { text = s } else if let d = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) {
                            text = String(decoding: d, as: UTF8.self)
                        } else { text = "\(value)" }
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
