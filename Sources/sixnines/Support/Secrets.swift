import ArgumentParser
import EVM
import EVMSigner
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The password of a keystore: `--password-file FILE` (its first line; at most 4 KiB are read) or a prompt on the
/// terminal. A new keystore's password must not be empty unless `--allow-empty-password`.
struct PasswordOptions: ParsableArguments {
    @Option(name: .long, help: "File whose first line is the keystore password (else prompted on the terminal).")
    var passwordFile: String?

    @Flag(name: .long, help: "Accept an empty password for a new keystore (anyone with the file then has the key).")
    var allowEmptyPassword = false

    /// The password of an existing keystore.
    func existing() throws -> String {
        try readPassword(passwordFile, prompt: "Keystore password: ")
    }

    /// The password of a new keystore (typed twice at a prompt); empty is refused unless allowed.
    func new() throws -> String {
        let password = try readPassword(passwordFile, prompt: "New keystore password: ", confirm: true)
        guard !password.isEmpty || allowEmptyPassword else {
            throw CLIError("empty password\(passwordFile.map { " in --password-file \($0)" } ?? ""): the keystore would not be protected (give --allow-empty-password to accept it)")
        }
        return password
    }
}

/// Where the signing key comes from: `--private-key`, `--keystore FILE` (with `--password-file` or a prompt),
/// `--mnemonic-file FILE` (a BIP-39 phrase, derived at `--hd-path`), or the environment: `SIXNINES_PRIVATE_KEY`,
/// then `SIXNINES_MNEMONIC`, in that order. Giving more than one of the three options is refused (it would be
/// ambiguous which key signs).
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: "The private key as 0x-hex (visible in the process list: prefer the environment or a keystore).")
    var privateKey: String?

    @Option(name: .long, help: "A v3 keystore file holding the key.")
    var keystore: String?

    @OptionGroup var password: PasswordOptions

    @OptionGroup var mnemonic: MnemonicSource

    @Option(name: .long, help: "BIP-32 derivation path of the key in --mnemonic-file (default m/44'/60'/0'/0/0).")
    var hdPath: String = "m/44'/60'/0'/0/0"

    func validate() throws {
        let given = [privateKey != nil ? "--private-key" : nil, keystore != nil ? "--keystore" : nil,
                     mnemonic.mnemonicFile != nil ? "--mnemonic-file" : nil].compactMap { $0 }
        if given.count > 1 { throw ValidationError("give one key source, not \(given.joined(separator: " and "))") }
        do { _ = try DerivationPath(hdPath) } catch { throw ValidationError("--hd-path: \(error)") }
    }

    /// The key, from the source given.
    func load() throws -> PrivateKey {
        if let privateKey { return try parseKey(privateKey, source: "--private-key") }
        if let keystore { return try decryptKeystore(keystore, what: "--keystore", password: password) }
        if mnemonic.mnemonicFile != nil { return try mnemonic.key(at: hdPath) }
        let environment = ProcessInfo.processInfo.environment
        if let env = environment["SIXNINES_PRIVATE_KEY"], !env.isEmpty {
            return try parseKey(env, source: "SIXNINES_PRIVATE_KEY")
        }
        if let env = environment["SIXNINES_MNEMONIC"], !env.isEmpty { return try mnemonic.key(at: hdPath) }
        throw CLIError("no key: give --private-key, --keystore FILE, --mnemonic-file FILE or set SIXNINES_PRIVATE_KEY or SIXNINES_MNEMONIC")
    }
}

/// A BIP-39 mnemonic as a key source: `--mnemonic-file FILE` (`-` = stdin; the phrase, at most 4 KiB) or
/// `SIXNINES_MNEMONIC`, and an optional BIP-39 passphrase (`--mnemonic-passphrase-file`).
struct MnemonicSource: ParsableArguments {
    @Option(name: .long, help: "A file holding a BIP-39 mnemonic phrase (- for stdin); else $SIXNINES_MNEMONIC.")
    var mnemonicFile: String?

    @Option(name: .long, help: "A file whose first line is the mnemonic's BIP-39 passphrase (default: none).")
    var mnemonicPassphraseFile: String?

    /// The mnemonic, from the file or the environment.
    func load() throws -> Mnemonic {
        let text: String
        let source: String
        if let mnemonicFile {
            text = try InputFile.readText(mnemonicFile, what: "--mnemonic-file", limit: 4_096)
            source = "--mnemonic-file \(mnemonicFile)"
        } else if let env = ProcessInfo.processInfo.environment["SIXNINES_MNEMONIC"], !env.isEmpty {
            text = env
            source = "SIXNINES_MNEMONIC"
        } else {
            throw CLIError("no mnemonic: give --mnemonic-file FILE (or - for stdin) or set SIXNINES_MNEMONIC")
        }
        do { return try Mnemonic(phrase: text) } catch { throw CLIError("\(source): \(error)") }
    }

    /// The BIP-39 passphrase (empty without `--mnemonic-passphrase-file`).
    func passphrase() throws -> String {
        guard let mnemonicPassphraseFile else { return "" }
        return try InputFile.firstLine(mnemonicPassphraseFile, what: "--mnemonic-passphrase-file")
    }

    /// The BIP-32 master key of the mnemonic and passphrase.
    func root() throws -> HDKey {
        let mnemonic = try load()
        do { return try HDKey(seed: mnemonic.seed(passphrase: try passphrase())) } catch { throw CLIError("mnemonic: \(error)") }
    }

    /// The key at `path` (BIP-32 syntax; `m/44'/60'/0'/0/0` is the first Ethereum account).
    func key(at path: String) throws -> PrivateKey {
        let parsed: DerivationPath
        do { parsed = try DerivationPath(path) } catch { throw CLIError("--hd-path: \(error)") }
        do { return try root().derive(parsed).privateKey } catch let error as HDKeyError { throw CLIError("--hd-path \(path): \(error)") }
    }
}

/// Decrypts the keystore file at `path` (at most 1 MiB is read).
func decryptKeystore(_ path: String, what: String, password: PasswordOptions) throws -> PrivateKey {
    let bytes = try InputFile.read(path, what: what, limit: 1 << 20)
    let secret = try password.existing()
    do { return try Keystore.decrypt(json: Data(bytes), password: secret) } catch { throw CLIError("\(what) \(path): \(error)") }
}

/// A private key from 0x-hex text; `source` names where it came from in errors.
func parseKey(_ text: String, source: String) throws -> PrivateKey {
    do { return try PrivateKey(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch { throw CLIError("\(source): \(error)") }
}

/// The password: the first line of `file` (bounded), or typed at a prompt on the terminal (not echoed).
func readPassword(_ file: String?, prompt: String, confirm: Bool = false) throws -> String {
    if let file { return try InputFile.firstLine(file, what: "--password-file") }
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
