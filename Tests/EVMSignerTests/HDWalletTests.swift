import EVM
import EVMSigner
import DevnetSupport
import Foundation
import Testing

/// BIP-39 mnemonics and BIP-32/44 derivation: the published vectors, eth_account's HD wallet on random entropy,
/// and every refusal.
@Suite struct HDWalletTests {
    @Test func english_wordlist_is_the_published_one() {
        #expect(Mnemonic.englishWords.count == 2048)
        #expect(Set(Mnemonic.englishWords).count == 2048)
        #expect(Mnemonic.englishWords.first == "abandon" && Mnemonic.englishWords.last == "zoo")
        // The published list's SHA-256 (newline-terminated lines).
        let text = Mnemonic.englishWords.map { $0 + "\n" }.joined()
        #expect(Hex.encode(sha256(Array(text.utf8))) == "0x2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda")
    }

    /// BIP-39's reference vectors: entropy → words, words → entropy, seed with passphrase "TREZOR", master xprv.
    @Test func bip39_reference_vectors() throws {
        let fixture = try fixtureJSON("bip/bip39-vectors.json") as! [String: Any]
        let passphrase = fixture["passphrase"] as! String
        let rows = fixture["english"] as! [[String]]
        #expect(rows.count == 24)
        for row in rows {
            let fromEntropy = try Mnemonic(entropy: hex(row[0]))
            #expect(fromEntropy.phrase == row[1])
            let parsed = try Mnemonic(phrase: row[1])
            #expect(parsed.entropy == hex(row[0]))
            let seed = parsed.seed(passphrase: passphrase)
            #expect(Hex.encode(seed, prefix: false) == row[2])
            #expect(try HDKey(seed: seed).extendedPrivateKey == row[3])
        }
    }

    /// BIP-32's test vectors 1 and 2: every chain's xprv and xpub.
    @Test func bip32_reference_vectors() throws {
        let fixture = try fixtureJSON("bip/bip32-vectors.json") as! [String: Any]
        var checked = 0
        for vector in fixture["vectors"] as! [[String: Any]] {
            let master = try HDKey(seed: hex(vector["seed"] as! String))
            for chain in vector["chains"] as! [[String]] {
                let node = try master.derive(DerivationPath(chain[0]))
                #expect(node.extendedPublicKey == chain[1], "\(chain[0])")
                #expect(node.extendedPrivateKey == chain[2], "\(chain[0])")
                checked += 1
            }
        }
        #expect(checked == 12)
    }

    /// The devnet's accounts: m/44'/60'/0'/0/i of the Hardhat/Anvil mnemonic (docs/DEVNET.md).
    @Test func hardhat_mnemonic_gives_the_devnet_accounts() throws {
        let mnemonic = try Mnemonic(phrase: "test test test test test test test test test test test junk")
        let root = try HDKey(seed: mnemonic.seed())
        let first = try root.derive(DerivationPath.ethereum(index: 0)).privateKey
        #expect(first.address.checksummed == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        #expect(Hex.encode(first.rawRepresentation) == "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
        #expect(try root.derive(DerivationPath("m/44'/60'/0'/0/1")).privateKey.address.checksummed == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    }

    /// Random entropy of every length, random passphrases and paths: the same words, key and address as eth_account.
    @Test func random_derivations_match_eth_account() throws {
        var rng = SeededRandom()
        var cases: [[String: String]] = []
        var ours: [(String, PrivateKey)] = []
        for i in 0..<60 {
            let entropy = rng.bytes([16, 20, 24, 28, 32][i % 5])
            let mnemonic = try Mnemonic(entropy: entropy)
            let passphrase = i % 3 == 0 ? "" : "pass \(rng.next() % 10_000) é"
            var path = "m/44'/60'/\(rng.next() % 4)'/\(rng.next() % 2)/\(rng.next() % 1000)"
            if i % 4 == 3 { path += "/\(rng.next() % (1 << 31))'" }
            let key = try HDKey(seed: mnemonic.seed(passphrase: passphrase)).derive(DerivationPath(path)).privateKey
            cases.append(["entropy": Hex.encode(entropy, prefix: false), "passphrase": passphrase, "path": path])
            ours.append((mnemonic.phrase, key))
        }
        let answers = try PythonOracle.run("signer.hd_derive", cases)
        for (i, answer) in answers.enumerated() {
            let a = try #require(answer as? [String: String], "eth_account failed case \(i): \(answer), \(rng.replay)")
            #expect(a["mnemonic"] == ours[i].0, "case \(i), \(rng.replay)")
            #expect(a["privateKey"] == Hex.encode(ours[i].1.rawRepresentation), "case \(i) \(cases[i]["path"]!), \(rng.replay)")
            #expect(a["address"] == ours[i].1.address.checksummed, "case \(i), \(rng.replay)")
        }
    }

    @Test func phrases_are_normalised_before_checking() throws {
        let canonical = try Mnemonic(phrase: "legal winner thank year wave sausage worth useful legal winner thank yellow")
        let messy = try Mnemonic(phrase: "  Legal WINNER thank\tyear wave\nsausage worth useful legal winner thank yellow \n")
        #expect(messy == canonical)
        #expect(messy.seed() == canonical.seed())
        #expect(!String(describing: canonical).contains("legal"))
    }

    @Test func bad_phrases_are_refused_with_the_reason() throws {
        #expect(throws: MnemonicError.wrongWordCount(11)) {
            try Mnemonic(phrase: "legal winner thank year wave sausage worth useful legal winner thank")
        }
        #expect(throws: MnemonicError.wrongWordCount(0)) { try Mnemonic(phrase: "   ") }
        #expect(throws: MnemonicError.unknownWord(position: 4, word: "yeer")) {
            try Mnemonic(phrase: "legal winner thank yeer wave sausage worth useful legal winner thank yellow")
        }
        // A valid word in place of another: the checksum catches it.
        #expect(throws: MnemonicError.badChecksum) {
            try Mnemonic(phrase: "legal winner thank year wave sausage worth useful legal winner thank year")
        }
        #expect(throws: MnemonicError.badChecksum) {
            try Mnemonic(phrase: "winner legal thank year wave sausage worth useful legal winner thank yellow")
        }
        #expect(throws: MnemonicError.wrongEntropyLength(15)) { try Mnemonic(entropy: [UInt8](repeating: 1, count: 15)) }
        #expect(throws: MnemonicError.wrongWordCount(13)) { try Mnemonic.random(wordCount: 13) }
        let fresh = try Mnemonic.random(wordCount: 12)
        #expect(fresh.words.count == 12)
        #expect(try Mnemonic(phrase: fresh.phrase) == fresh)
        #expect(try Mnemonic.random().words.count == 24)
    }

    @Test func bad_paths_are_refused_with_the_reason() throws {
        for bad in ["", "44'/60'", "m/", "m//0", "m/-1", "m/2147483648", "m/0x10", "m/1'/a", "m/1''", "M/0", "m/99999999999"] {
            #expect(throws: HDKeyError.self, "\(bad)") { try DerivationPath(bad) }
        }
        #expect(try DerivationPath("m").indices.isEmpty)
        #expect(try DerivationPath("m/44h/60H/0'/0/7").description == "m/44'/60'/0'/0/7")
        #expect(try DerivationPath("m/2147483647'").indices == [UInt32.max])
        #expect(throws: HDKeyError.pathTooDeep(256)) { try DerivationPath("m" + String(repeating: "/0", count: 256)) }
        #expect(throws: HDKeyError.wrongSeedLength(15)) { try HDKey(seed: [UInt8](repeating: 7, count: 15)) }
        #expect(throws: HDKeyError.wrongSeedLength(65)) { try HDKey(seed: [UInt8](repeating: 7, count: 65)) }
        #expect(throws: HDKeyError.self) { try DerivationPath.ethereum(index: 1 << 31) }
    }

    private func sha256(_ bytes: [UInt8]) -> [UInt8] {
        // SHA-256 through coreutils' sha256sum: independent of the code under test (Foundation on Linux has none).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        let processExit = try? process.start()
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        processExit?.wait()
        return (try? Hex.decode(String(text.prefix(64)))) ?? []
    }
}
