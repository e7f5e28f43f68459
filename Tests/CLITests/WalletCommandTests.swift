import EVM
import EVMSigner
import DevnetSupport
import Foundation
import Testing

@Suite("sixnines wallet, tx")
struct WalletCommandTests {
    static let key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let address = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-wallet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func address_sign_verify() throws {
        #expect(try CLI.value(["wallet", "address", "--private-key", Self.key]) == Self.address)
        // eth-account's web3.js example signature of "Some data".
        let signature = try CLI.value(["wallet", "sign", "--private-key", Self.key, "Some data"])
        #expect(signature == "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c")
        #expect(try CLI.value(["wallet", "verify", "--address", Self.address, "Some data", signature]) == Self.address)
        let compact = try CLI.value(["wallet", "sign", "--private-key", Self.key, "--compact", "Some data"])
        #expect(try CLI.value(["wallet", "verify", "--address", Self.address, "Some data", compact]) == Self.address)
        try CLI.fails(["wallet", "verify", "--address", "0x0000000000000000000000000000000000000001", "Some data", signature],
                      mentioning: "signature is by \(Self.address)")
        try CLI.fails(["wallet", "verify", "--address", Self.address, "Other data", signature], mentioning: "signature is by")
        try CLI.fails(["wallet", "address", "--private-key", "0x00"], mentioning: "private key must be 32 bytes")
        try CLI.fails(["wallet", "address", "--private-key", "0x" + String(repeating: "0", count: 64)], mentioning: "zero")
    }

    @Test func key_from_environment() throws {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["wallet", "address"]
        process.environment = ["SIXNINES_PRIVATE_KEY": Self.key]
        let out = Pipe()
        process.standardOutput = out
        let processExit = try process.start()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        processExit.wait()
        #expect(text == Self.address + "\n")
        try CLI.fails(["wallet", "address"], mentioning: "no key")
    }

    @Test func new_import_decrypt_with_keystores() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let passwordFile = dir.appendingPathComponent("pw.txt")
        try Data("correct horse\n".utf8).write(to: passwordFile)
        let wrongFile = dir.appendingPathComponent("wrong.txt")
        try Data("wrong\n".utf8).write(to: wrongFile)
        let keys = dir.appendingPathComponent("keys")

        // import: prints the address only; the key is not on stdout or in the file.
        let imported = try CLI.value(["wallet", "import", Self.key, "--keystore", keys.path, "--password-file", passwordFile.path, "--light"])
        #expect(imported == Self.address)
        let files = try FileManager.default.contentsOfDirectory(atPath: keys.path)
        #expect(files.count == 1)
        let file = keys.appendingPathComponent(files[0]).path
        #expect(files[0].hasPrefix("UTC--") && files[0].hasSuffix("2c7536e3605d9c16a7a3d7b1898e529396a65c23"))

        // decrypt: address by default, the key only with --show-private-key.
        #expect(try CLI.value(["wallet", "decrypt", file, "--password-file", passwordFile.path]) == Self.address)
        #expect(try CLI.value(["wallet", "decrypt", file, "--password-file", passwordFile.path, "--show-private-key"])
            == Self.address + "\n" + Self.key)
        try CLI.fails(["wallet", "decrypt", file, "--password-file", wrongFile.path], mentioning: "MAC mismatch")

        // No password file and no terminal: a clear error, not an empty password.
        let detached = Process()
        detached.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        detached.arguments = ["--wait", CLI.executable.path, "wallet", "decrypt", file]
        detached.standardInput = FileHandle.nullDevice
        let err = Pipe()
        detached.standardError = err
        detached.standardOutput = Pipe()
        let detachedExit = try detached.start()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        detachedExit.wait()
        #expect(detached.terminationStatus == 1)
        #expect(message.contains("give --password-file"), "\(message)")

        // The keystore as a signing key source.
        #expect(try CLI.value(["wallet", "address", "--keystore", file, "--password-file", passwordFile.path]) == Self.address)

        // new: a fresh key, written and readable back.
        let created = try CLI.value(["wallet", "new", "--keystore", keys.path, "--password-file", passwordFile.path, "--light", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any])
        let path = try #require(object["keystore"] as? String)
        #expect(object["privateKey"] == nil)
        #expect(try CLI.value(["wallet", "decrypt", path, "--password-file", passwordFile.path]) == object["address"] as? String)
        // Without a keystore the key would be thrown away: refused, unless it is printed.
        let refused = try CLI.run(["wallet", "new"])
        #expect(refused.status == 64 && refused.stdout.isEmpty && refused.stderr.contains("--keystore DIR to keep the new key"))
        let plain = try CLI.value(["wallet", "new", "--show-private-key"]).split(separator: "\n")
        #expect(plain.count == 2 && plain[0].count == 42 && plain[1].count == 66)
        // An empty password is refused for a new keystore unless allowed.
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID())")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        let newKeys = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: newKeys) }
        try CLI.fails(["wallet", "new", "--keystore", newKeys, "--password-file", empty.path, "--light"], mentioning: "empty password")
        _ = try CLI.value(["wallet", "new", "--keystore", newKeys, "--password-file", empty.path, "--light", "--allow-empty-password"])
    }

    @Test func tx_sign_and_decode() throws {
        // eth-account's web3.js example (legacy, EIP-155).
        let raw = try CLI.value(["tx", "sign", "--private-key", Self.key, "--chain-id", "1", "--nonce", "0",
                                 "--to", "0xF0109fC8DF283027b6285cc889F5aA624EaC1F55", "--value", "1000000000",
                                 "--gas-limit", "2000000", "--gas-price", "234567897654321"])
        #expect(raw == "0xf86a8086d55698372431831e848094f0109fc8df283027b6285cc889f5aa624eac1f55843b9aca008025a009ebb6ca057a0535d6186462bc0b465b561c94a295bdb0621fc19208ab149a9ca0440ffd775ce91a833ab410777204d5341a6f9fa91216a6f3ee2c051fea6a0428")
        let decoded = try CLI.value(["tx", "decode", raw, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(decoded.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "legacy")
        #expect(object["from"] as? String == Self.address)
        #expect(object["hash"] as? String == "0xd8f64a42b57be0d565f385378db2f6bf324ce14a594afc05de90436e9ce01f60")
        #expect(object["v"] as? String == "37")

        // EIP-1559 with units and an access list; decoding gives the fields back.
        let raw1559 = try CLI.value(["tx", "sign", "--private-key", Self.key, "--chain-id", "137", "--nonce", "7",
                                     "--to", "0xF0109fC8DF283027b6285cc889F5aA624EaC1F55", "--value", "1.5ether", "--gas-limit", "30000",
                                     "--max-fee", "30gwei", "--priority-fee", "1gwei", "--data", "0xa9059cbb",
                                     "--access-list", #"[{"address": "0xF0109fC8DF283027b6285cc889F5aA624EaC1F55", "storageKeys": []}]"#])
        #expect(raw1559.hasPrefix("0x02"))
        let tx = try SignedTransaction(hex: raw1559)
        #expect(try tx.recoverSender() == (try Address(Self.address)))
        #expect(tx.transaction.value == UInt256(1_500_000_000_000_000_000))
        #expect(tx.transaction.maxFeePerGas == UInt256(30_000_000_000))
        #expect(tx.transaction.accessList.count == 1)
        let text = try CLI.value(["tx", "decode", raw1559])
        #expect(text.contains("type: eip1559"))
        #expect(text.contains("maxPriorityFeePerGas: 1000000000"))
        #expect(text.contains("from: \(Self.address)"))
    }

    @Test func tx_errors() throws {
        let base = ["tx", "sign", "--private-key", Self.key, "--chain-id", "1", "--nonce", "0",
                    "--to", "0xF0109fC8DF283027b6285cc889F5aA624EaC1F55", "--gas-limit", "21000"]
        try CLI.fails(base + ["--max-fee", "1gwei", "--priority-fee", "2gwei"], mentioning: "below maxPriorityFeePerGas")
        try CLI.fails(["tx", "sign", "--private-key", Self.key, "--chain-id", "1", "--nonce", "0", "--gas-limit", "20000",
                       "--to", "0xF0109fC8DF283027b6285cc889F5aA624EaC1F55", "--gas-price", "1"], mentioning: "intrinsic cost 21000")
        try CLI.fails(["tx", "sign", "--private-key", Self.key, "--chain-id", "1", "--nonce", "0", "--gas-limit", "21000",
                       "--to", "0xF0109fC8DF283027b6285cc889F5aA624EaC1F", "--gas-price", "1"], mentioning: "--to")
        try CLI.fails(["tx", "decode", "0x02c0"], mentioning: "expected 12 fields, got 0")
        try CLI.fails(["tx", "decode", "0x05c0"], mentioning: "unsupported type byte 0x5")
        try CLI.fails(["tx", "decode", "0xf8"], mentioning: "runs past the end")
    }
}
