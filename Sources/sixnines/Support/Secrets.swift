import ArgumentParser
import EVM
import EVMSigner
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
