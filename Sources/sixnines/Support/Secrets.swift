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
/// or the environment variable `SIXNINES_PRIVATE_KEY`, in that order. Giving both `--private-key` and `--keystore`
/// is refused (it would be ambiguous which key signs).
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: "The private key as 0x-hex (visible in the process list: prefer the environment or a keystore).")
    var privateKey: String?

    @Option(name: .long, help: "A v3 keystore file holding the key.")
    var keystore: String?

    @OptionGroup var password: PasswordOptions

    func validate() throws {
        if privateKey != nil && keystore != nil { throw ValidationError("give either --private-key or --keystore, not both") }
    }

    /// The key, from the source given.
    func load() throws -> PrivateKey {
        if let privateKey { return try parseKey(privateKey, source: "--private-key") }
        if let keystore { return try decryptKeystore(keystore, what: "--keystore", password: password) }
        if let env = ProcessInfo.processInfo.environment["SIXNINES_PRIVATE_KEY"], !env.isEmpty {
            return try parseKey(env, source: "SIXNINES_PRIVATE_KEY")
        }
        throw CLIError("no key: give --private-key, --keystore FILE or set SIXNINES_PRIVATE_KEY")
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
