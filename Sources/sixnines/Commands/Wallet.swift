import ArgumentParser
import EVM
import EVMSigner
import Foundation

/// `sixnines wallet`: keys, keystores and EIP-191 signatures.
struct WalletCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet",
        abstract: "Create, import and decrypt keys; sign and verify messages.",
        discussion: """
            The key comes from --private-key, --keystore FILE (+ --password-file FILE or a prompt), --mnemonic-file FILE (+ --hd-path, default m/44'/60'/0'/0/0), $SIXNINES_PRIVATE_KEY or $SIXNINES_MNEMONIC. Private keys are printed only when asked (--show-private-key).
            """,
        subcommands: [New.self, Derive.self, AddressCommand.self, Sign.self, SignTypedData.self, Verify.self, Import.self, Decrypt.self]
    )

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
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let address = try key.load().address
                try output.emit(address, json: ["address": address.checksummed])
            }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign",
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
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let signer = try key.load()
                let signature = signer.signPersonalMessage(try messageBytes(message))
                let text = compact ? Hex.encode(signature.compactRepresentation) : signature.description
                try output.emit(text, json: ["signature": text, "signer": signer.address.checksummed])
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
            commandName: "verify",
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

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let expected: Address
                do { expected = try Address(address) } catch { throw CLIError("--address: \(error)") }
                let sig = try Signature(hex: signature)
                try sig.verify(digest: PersonalMessage.hash(try messageBytes(message)), signer: expected)
                try output.emit(expected, json: ["signer": expected.checksummed, "valid": true])
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
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

        @OptionGroup var password: PasswordOptions

        @Flag(name: .long, help: "Use light scrypt parameters (fast, for tests only).")
        var light = false

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let text = privateKey == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : privateKey
                let key = try parseKey(text, source: "<private-key>")
                let secret = try password.new()
                let url = try Keystore.write(key, password: secret, to: URL(fileURLWithPath: keystore), scrypt: light ? .light : .standard)
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
            commandName: "decrypt",
            abstract: "Decrypt a keystore: print its address (and the private key with --show-private-key).",
            discussion: """
                A wrong password is an error (MAC mismatch), never a wrong key.

                Example:
                  sixnines wallet decrypt UTC--2026-…--2c75… --password-file pw.txt
                """
        )

        @Argument(help: "The keystore file.")
        var file: String

        @OptionGroup var password: PasswordOptions

        @Flag(name: .long, help: "Print the private key too.")
        var showPrivateKey = false

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let key = try decryptKeystore(file, what: "<keystore>", password: password)
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
