import EVM
import EVMSigner
import Foundation
import Testing

/// `wallet new --mnemonic`, `wallet derive`, and a mnemonic as the key of any signing command.
@Suite("sixnines wallet (BIP-39 mnemonics)")
struct MnemonicCommandTests {
    static let hardhat = "test test test test test test test test test test test junk"

    static func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-mnemonic-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func derive_gives_the_devnet_accounts() throws {
        let seed = try Self.file(Self.hardhat + "\n")
        #expect(try CLI.value(["wallet", "derive", "--mnemonic-file", seed]) == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        #expect(try CLI.value(["wallet", "derive", "--mnemonic-file", seed, "--path", "m/44'/60'/0'/0/1"]) == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
        let three = try CLI.value(["wallet", "derive", "--mnemonic-file", seed, "--count", "3"]).split(separator: "\n")
        #expect(three == ["m/44'/60'/0'/0/0 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                          "m/44'/60'/0'/0/1 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                          "m/44'/60'/0'/0/2 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"])
        let json = try JSONSerialization.jsonObject(with: Data(try CLI.value(["wallet", "derive", "--mnemonic-file", seed, "--path", "m/44h/60h/0h/0/4", "--show-private-key", "--json"]).utf8)) as! [String: String]
        #expect(json["address"] == "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65")
        #expect(json["privateKey"] == "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a")
        #expect(json["path"] == "m/44'/60'/0'/0/4")
        // From stdin and from the environment.
        let piped = try CLI.run(["wallet", "derive", "--mnemonic-file", "-"], stdin: Data(Self.hardhat.utf8))
        #expect(piped.status == 0 && piped.stdout == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n")
        let env = try CLI.run(["wallet", "derive"], environment: ["SIXNINES_MNEMONIC": Self.hardhat])
        #expect(env.stdout == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n", "\(env.stderr)")
    }

    @Test func a_mnemonic_signs_like_its_derived_key() throws {
        let seed = try Self.file(Self.hardhat)
        let viaMnemonic = try CLI.value(["wallet", "sign", "--mnemonic-file", seed, "--hd-path", "m/44'/60'/0'/0/2", "hello"])
        let viaKey = try CLI.value(["wallet", "sign", "--private-key", "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a", "hello"])
        #expect(viaMnemonic == viaKey)
        #expect(try CLI.value(["wallet", "address", "--mnemonic-file", seed]) == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        let result = try CLI.run(["wallet", "address", "--mnemonic-file", seed, "--private-key", "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"])
        #expect(result.status != 0 && result.stderr.contains("one key source"))
    }

    @Test func new_mnemonic_round_trips_through_derive() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-new-\(UUID().uuidString)").path
        let address = try CLI.value(["wallet", "new", "--mnemonic", "--words", "24", "--mnemonic-out", out])
        let phrase = try String(contentsOfFile: out, encoding: .utf8)
        #expect(phrase.split(separator: " ").count == 24)
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try CLI.value(["wallet", "derive", "--mnemonic-file", out]) == address)
        // Never overwrites a secret.
        try CLI.fails(["wallet", "new", "--mnemonic", "--mnemonic-out", out], mentioning: "refusing to overwrite")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == phrase)
        // Printed: address, then the 12 words; --json has both and the path.
        let printed = try CLI.value(["wallet", "new", "--mnemonic"]).split(separator: "\n")
        #expect(printed.count == 2 && printed[1].split(separator: " ").count == 12)
        let json = try JSONSerialization.jsonObject(with: Data(try CLI.value(["wallet", "new", "--mnemonic", "--json"]).utf8)) as! [String: String]
        let words = try #require(json["mnemonic"])
        #expect(try CLI.run(["wallet", "derive"], environment: ["SIXNINES_MNEMONIC": words]).stdout == json["address"]! + "\n")
        #expect(json["path"] == "m/44'/60'/0'/0/0")
    }

    @Test func bad_mnemonics_and_paths_are_clear_errors() throws {
        try CLI.fails(["wallet", "derive", "--mnemonic-file", try Self.file("test test test test test test test test test test test test")],
                      mentioning: "checksum")
        try CLI.fails(["wallet", "derive", "--mnemonic-file", try Self.file("test test test test test test test test test test tset junk")],
                      mentioning: "word 11 \"tset\"")
        try CLI.fails(["wallet", "derive", "--mnemonic-file", try Self.file("test test test")], mentioning: "12, 15, 18, 21 or 24 words, got 3")
        try CLI.fails(["wallet", "derive", "--mnemonic-file", "/nonexistent/seed"], mentioning: "/nonexistent/seed")
        for (args, fragment) in [(["--path", "m/44'/60'/x"], "--path"), (["--path", "m/2147483648"], "below 2^31"),
                                 (["--count", "0"], "--count"), (["--count", "3", "--path", "m/2147483646"], "past index")] {
            let result = try CLI.run(["wallet", "derive", "--mnemonic-file", try Self.file(Self.hardhat)] + args)
            #expect(result.status != 0 && result.stdout.isEmpty && result.stderr.contains(fragment), "\(args): \(result.stderr)")
        }
        let noSource = try CLI.run(["wallet", "derive"], environment: ["SIXNINES_MNEMONIC": ""])
        #expect(noSource.status == 1 && noSource.stderr.contains("no mnemonic"))
        let words = try CLI.run(["wallet", "new", "--mnemonic", "--words", "13"])
        #expect(words.status != 0 && words.stderr.contains("--words"))
    }
}
