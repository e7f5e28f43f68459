import Foundation
import Testing

/// Every subcommand over hostile arguments and files: the process never dies by a signal, exits 1 or 64 within a
/// bound, prints nothing on stdout and exactly one line on stderr (docs: "never crash, never mislead").
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    /// A directory with the hostile files: a directory, a FIFO without a writer, a huge file, deeply nested JSON,
    /// control characters, an empty file, /dev/zero.
    static let corpus: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-hostile-\(getpid())")
        try? FileManager.default.createDirectory(at: dir.appendingPathComponent("a-directory"), withIntermediateDirectories: true)
        mkfifo(dir.appendingPathComponent("fifo").path, 0o600)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try? Data(deep.utf8).write(to: dir.appendingPathComponent("deep.json"))
        let deepObject = String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000)
        try? Data(deepObject.utf8).write(to: dir.appendingPathComponent("deep-object.json"))
        try? Data("\u{1B}[2J\u{1B}[H\u{07}SUCCESS\r\n".utf8).write(to: dir.appendingPathComponent("control.txt"))
        try? Data().write(to: dir.appendingPathComponent("empty"))
        // A sparse file larger than any bound: nothing is written to disk.
        let huge = dir.appendingPathComponent("huge")
        FileManager.default.createFile(atPath: huge.path, contents: nil)
        if let handle = try? FileHandle(forWritingTo: huge) { try? handle.truncate(atOffset: 2 << 30); try? handle.close() }
        return dir
    }()

    static func file(_ name: String) -> String { corpus.appendingPathComponent(name).path }

    static let deepSignature = "f(" + String(repeating: "(", count: 5_000) + "uint256" + String(repeating: ")", count: 5_000) + ")"
    static let deepArray = "f(uint256" + String(repeating: "[]", count: 5_000) + ")"
    static let control = "\u{1B}[2J\u{1B}[32mSUCCESS\u{07}\r"
    static let files = ["a-directory", "fifo", "deep.json", "deep-object.json", "control.txt", "empty", "huge"].map(file) + ["/dev/zero"]
    static let urls = ["http://127.0.0.1:99999", "ftp://127.0.0.1:8545", "http://", "ws://127.0.0.1:0", "http://127.0.0.1:1",
                       "not a url \u{1B}[2J"]

    /// Argument lists, each expected to fail cleanly.
    static var cases: [[String]] {
        var out: [[String]] = []
        for f in files {
            out += [["keccak", "--file", f], ["merkle", "build", "--types", "uint256", f], ["merkle", "prove", "--tree", f, "--index", "0"],
                    ["merkle", "verify", "--tree", f], ["receipt", "verify", f], ["typed-data", "hash", f], ["abi", "to-swift", f],
                    ["abi", "to-solidity", f], ["wallet", "address", "--keystore", f, "--password-file", file("control.txt")],
                    ["wallet", "decrypt", file("empty"), "--password-file", f],
                    ["wallet", "new", "--keystore", file("a-directory"), "--password-file", f, "--light"],
                    ["deploy-suite", "--config", f, "--private-key", "0x01", "--rpc-url", "http://127.0.0.1:1"],
                    ["deploy", f, "--private-key", "0x01", "--rpc-url", "http://127.0.0.1:1"],
                    ["wallet", "sign-typed-data", f, "--private-key", "0x01"],
                    ["decode-event", "--abi", f, "0x"]]
        }
        // keccak --file hashes any file, streaming (no bound by design): only a directory is an error; a password with
        // control characters is a legitimate password.
        out.removeAll { ($0.first == "keccak" && $0.last != file("a-directory")) || ($0.starts(with: ["wallet", "new"]) && $0.contains(file("control.txt"))) }
        for sig in [deepSignature, deepArray, control, "f(" + String(repeating: "uint256,", count: 10_000) + ")"] {
            out += [["sig", sig], ["sig-event", sig], ["calldata", sig], ["abi", "decode", sig, "0x"], ["abi", "encode", sig, "1"],
                    ["call", "0x0000000000000000000000000000000000000001", sig, "--rpc-url", "http://127.0.0.1:1"]]
        }
        for url in urls {
            out += [["chain-id", "--rpc-url", url], ["block-number", "--rpc-url", url], ["balance", "0x0000000000000000000000000000000000000001", "--rpc-url", url],
                    ["receipt", "verify", file("empty"), "--rpc-url", url]]
        }
        out += [["rlp", "encode", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)],
                ["rlp", "decode", "0x" + String(repeating: "f8", count: 100)], ["rlp", "decode", control],
                ["to-checksum", control], ["to-wei", control], ["from-wei", "1" + String(repeating: "0", count: 100)],
                ["to-wei", "1e999999999"], ["tx", "decode", "0x02" + String(repeating: "ff", count: 10)],
                ["tx", "sign", "--chain-id", "0", "--nonce", "0", "--gas-limit", "21000", "--gas-price", "1", "--private-key", "0x01"],
                ["tx", "sign", "--chain-id", "1", "--nonce", "0", "--gas-limit", "21000", "--gas-price", "1", "--private-key", "0x01",
                 "--keystore", file("empty")],
                ["tx", "sign", "--chain-id", "99999999999999999999999", "--nonce", "0", "--gas-limit", "1", "--gas-price", "1"],
                ["wallet", "new"], ["wallet", "new", "--keystore", file("a-directory"), "--password-file", file("empty"), "--light"],
                ["decode-error", control], ["logs", "--from-block", "10", "--to-block", "1", "--rpc-url", "http://127.0.0.1:1"],
                ["simulate", "--assets", control], ["simulate", "--db", file("a-directory")], ["rounds", "next", "--asset", control],
                ["receipt", "leaf", String(repeating: "{\"a\":", count: 20_000)], ["receipt", "leaf", control],
                ["--", "keccak"], [control], ["keccak", "--nope"]]
        return out
    }

    @Test func everyCommandFailsInOneLine() throws {
        _ = Self.corpus
        var failures: [String] = []
        let started = ContinuousClock.now
        for arguments in Self.cases {
            let clock = ContinuousClock.now
            let result = try CLI.run(arguments)
            let elapsed = ContinuousClock.now - clock
            let shown = arguments.map { $0.count > 40 ? String($0.prefix(40)) + "…" : $0 }.joined(separator: " ")
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            if result.status != 1 && result.status != 64 { failures.append("\(shown): exit \(result.status) \(result.stderr.prefix(200))") }
            if !result.stdout.isEmpty { failures.append("\(shown): stdout \(result.stdout.prefix(200))") }
            if lines.count != 1 { failures.append("\(shown): \(lines.count) stderr lines: \(result.stderr.prefix(300))") }
            if result.stderr.unicodeScalars.contains(where: { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\r" }) {
                failures.append("\(shown): control characters on stderr")
            }
            if elapsed > .seconds(20) { failures.append("\(shown): took \(elapsed)") }
        }
        let report = "\(failures.count) of \(Self.cases.count):\n" + failures.joined(separator: "\n")
        #expect(failures.isEmpty, "\(report)")
        #expect(ContinuousClock.now - started < .seconds(600))
    }

    /// A server that accepts connections and never answers: `--timeout` bounds the wait and the message names the URL.
    @Test func silentServerTimesOut() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        listen(fd, 16)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = UInt16(bigEndian: address.sin_port)
        let url = "http://127.0.0.1:\(port)"
        let clock = ContinuousClock.now
        let result = try CLI.run(["chain-id", "--rpc-url", url, "--timeout", "1"])
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.contains("timed out") && result.stderr.contains(url), "\(result.stderr)")
        #expect(ContinuousClock.now - clock < .seconds(15))
    }

    /// Output to a device is written in place: /dev/null stays a character device.
    @Test func devicesAreNotReplaced() throws {
        let values = Self.corpus.appendingPathComponent("values.json")
        try Data("[[\"1\"],[\"2\"]]".utf8).write(to: values)
        let result = try CLI.run(["merkle", "build", "--types", "uint256", values.path, "--dump", "/dev/null"])
        #expect(result.status == 0, "\(result.stderr)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        let abi = try CLI.run(["abi", "to-solidity", "ABI/ReceiptRegistry.json", "--output", "/dev/null"])
        _ = abi
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }
}
