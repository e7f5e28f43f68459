import ArgumentParser
import EVM
import EVMSigner
import Foundation

extension WalletCommand {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Create a key (random, or from a new BIP-39 mnemonic); print its address.",
            discussion: """
                A random key must be kept: give --keystore DIR (encrypted) or --show-private-key. With --mnemonic a
                new BIP-39 phrase (12 or 24 words) is the backup: it is printed after the address (or written to
                --mnemonic-out FILE, mode 0600, never overwritten), and the key is m/44'/60'/0'/0/0 of it.

                Examples:
                  sixnines wallet new --keystore ~/.sixnines/keystore --password-file pw.txt
                  sixnines wallet new --mnemonic --mnemonic-out seed.txt
                  sixnines wallet new --mnemonic --words 24 --json
                """
        )

        @Option(name: .long, help: "Directory to write an encrypted keystore into (geth's UTC--<time>--<address> name).")
        var keystore: String?

        @OptionGroup var password: PasswordOptions

        @Flag(name: .long, help: "Use light scrypt parameters (n=2^12, p=6): fast, for tests only.")
        var light = false

        @Flag(name: .long, help: "Also print the private key.")
        var showPrivateKey = false

        @Flag(name: .long, help: "Create a BIP-39 mnemonic and derive the key from it (m/44'/60'/0'/0/0).")
        var mnemonic = false

        @Option(name: .long, help: "Words of the new mnemonic: 12, 15, 18, 21 or 24.")
        var words: Int = 12

        @Option(name: .long, help: "Write the new mnemonic to this file (mode 0600) instead of printing it.")
        var mnemonicOut: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if !mnemonic && (mnemonicOut != nil || words != 12) {
                throw ValidationError("--words and --mnemonic-out need --mnemonic")
            }
            guard [12, 15, 18, 21, 24].contains(words) else { throw ValidationError("--words must be 12, 15, 18, 21 or 24, got \(words)") }
            guard mnemonic || keystore != nil || showPrivateKey else {
                throw ValidationError("give --keystore DIR to keep the new key, --mnemonic for a key backed by a phrase, or --show-private-key to print it: otherwise the key is lost and so are funds sent to its address")
            }
        }

        func run() throws {
            try reportingErrors {
                var phrase: Mnemonic?
                let key: PrivateKey
                if mnemonic {
                    let fresh = try Mnemonic.random(wordCount: words)
                    key = try HDKey(seed: fresh.seed()).derive(DerivationPath.ethereum(index: 0)).privateKey
                    phrase = fresh
                } else {
                    key = PrivateKey.random()
                }
                if let phrase, let mnemonicOut {
                    try writeSecretFile(Array((phrase.phrase + "\n").utf8), to: mnemonicOut, what: "--mnemonic-out")
                }
                var path: String?
                if let keystore {
                    let secret = try password.new()
                    path = try Keystore.write(key, password: secret, to: URL(fileURLWithPath: keystore),
                                              scrypt: light ? .light : .standard).path
                }
                let printPhrase = phrase != nil && mnemonicOut == nil
                if output.json {
                    var object: [String: Any] = ["address": key.address.checksummed]
                    if let path { object["keystore"] = path }
                    if showPrivateKey { object["privateKey"] = Hex.encode(key.rawRepresentation) }
                    if let phrase {
                        object["path"] = "m/44'/60'/0'/0/0"
                        if printPhrase { object["mnemonic"] = phrase.phrase } else { object["mnemonicFile"] = mnemonicOut }
                    }
                    try printJSON(object)
                } else {
                    print(key.address)
                    if let phrase, printPhrase { print(phrase.phrase) }
                    if showPrivateKey { print(Hex.encode(key.rawRepresentation)) }
                }
            }
        }
    }

    struct Derive: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "derive",
            abstract: "Derive keys from a BIP-39 mnemonic (BIP-32/44 paths); print their addresses.",
            discussion: """
                The phrase comes from --mnemonic-file FILE (- for stdin) or $SIXNINES_MNEMONIC; an optional BIP-39
                passphrase from --mnemonic-passphrase-file. --count N derives N consecutive keys by counting up the
                path's last index. The same keys as MetaMask, geth, Foundry and eth_account for the same phrase and path.

                Examples:
                  sixnines wallet derive --mnemonic-file seed.txt --path "m/44'/60'/0'/0/3"
                  sixnines wallet derive --mnemonic-file seed.txt --count 5 --json
                  sixnines wallet derive --mnemonic-file seed.txt --path "m/44'/60'/0'/0/1" --keystore keys/ --password-file pw.txt
                """
        )

        @OptionGroup var mnemonic: MnemonicSource

        @Option(name: .long, help: "BIP-32 path; hardened levels with ' or h (default m/44'/60'/0'/0/0).")
        var path: String = "m/44'/60'/0'/0/0"

        @Option(name: .long, help: "How many consecutive keys (the path's last index counts up), 1–1000.")
        var count: Int = 1

        @Flag(name: .long, help: "Also print the private keys.")
        var showPrivateKey = false

        @Option(name: .long, help: "Directory to write an encrypted keystore of each derived key into.")
        var keystore: String?

        @OptionGroup var password: PasswordOptions

        @Flag(name: .long, help: "Use light scrypt parameters for --keystore (fast, for tests only).")
        var light = false

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (1...1000).contains(count) else { throw ValidationError("--count must be 1 to 1000, got \(count)") }
            let parsed: DerivationPath
            do { parsed = try DerivationPath(path) } catch { throw ValidationError("--path: \(error)") }
            guard count == 1 || !parsed.indices.isEmpty else { throw ValidationError("--count needs a path with at least one level") }
            if let last = parsed.indices.last, UInt64(last & ~DerivationPath.hardened) + UInt64(count) > UInt64(DerivationPath.hardened) {
                throw ValidationError("--count \(count) from \(path) runs past index 2^31 - 1")
            }
        }

        func run() throws {
            try reportingErrors { try derive() }
        }

        private func derive() throws {
            let base = try DerivationPath(path)
            let root = try mnemonic.root()
            var secret: String?
            if keystore != nil { secret = try password.new() }
            var rows: [[String: Any]] = []
            for i in 0..<count {
                var indices = base.indices
                if i > 0 { indices[indices.count - 1] += UInt32(i) }
                let at = try DerivationPath(indices: indices)
                let key: PrivateKey
                do { key = try root.derive(at).privateKey } catch { throw CLIError("\(at): \(error)") }
                var row: [String: Any] = ["path": at.description, "address": key.address.checksummed]
                if showPrivateKey { row["privateKey"] = Hex.encode(key.rawRepresentation) }
                if let keystore, let secret {
                    let url = try Keystore.write(key, password: secret, to: URL(fileURLWithPath: keystore), scrypt: light ? .light : .standard)
                    row["keystore"] = url.path
                }
                rows.append(row)
            }
            if output.json {
                let object: [String: Any] = count == 1 ? rows[0] : ["keys": rows]
                try printJSON(object)
                return
            }
            for row in rows {
                let address = row["address"] as? String ?? ""
                var line = count > 1 ? "\(row["path"] as? String ?? "") \(address)" : address
                if let key = row["privateKey"] as? String { line += " \(key)" }
                print(line)
            }
        }
    }
}

/// Writes a new secret file with mode 0600; refuses to replace an existing file.
func writeSecretFile(_ bytes: [UInt8], to path: String, what: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
        let reason = errno == EEXIST ? "exists (refusing to overwrite a secret)" : String(cString: strerror(errno))
        throw CLIError("\(what) \(path): \(reason)")
    }
    defer { close(fd) }
    var written = 0
    while written < bytes.count {
        let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))") }
        written += n
    }
    guard fsync(fd) == 0 else { throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))") }
}
