import EVM
import EVMRPC
import EVMSigner
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import SixNinesContracts
import Testing

/// A deployed suite on a devnet, with the five signers of deployments/suite.example.json (threshold 3) as keystores,
/// a durable prediction store, and helpers to settle rounds on the oracle's price and to run `sixnines vault`.
struct VaultFixture {
    static let devKeyHex = [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",  // 0: deployer, relayer
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",  // 2: reporter
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",  // 3: reporter
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",  // 4: reporter
    ]
    /// The signers of deployments/suite.example.json: dev accounts 6–9 and account 10 of the same mnemonic.
    static let signerKeyHex = [
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
        "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897",
    ]
    static let btc = try! AssetID(symbol: "BTC-USD")  // invariant: a valid symbol

    let url: String
    let client: RPCClient
    let dir: URL
    let vault: Address
    let oracle: Address
    /// Keystore paths of the five signers (light scrypt, password file `password`).
    let keystores: [String]
    let signers: [PrivateKey]
    let passwordFile: String

    /// Deploys the suite of deployments/suite.example.json into a fresh deployments directory and funds the vault
    /// with `funding` wei.
    init(url: String, funding: UInt256) async throws {
        self.url = url
        client = RPCClient(urls: [url])
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-vault-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let deployments = dir.appendingPathComponent("deployments").path
        let result = try CLI.run(["deploy-suite", "--config", "deployments/suite.example.json", "--deployments", deployments,
                                  "--rpc-url", url, "--private-key", Self.devKeyHex[0], "--json"], in: repositoryRoot)
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: deployments + "/31337.json"))) as? [String: Any])
        let contracts = try #require(record["contracts"] as? [String: [String: Any]])
        vault = try Address(try #require(contracts["PredictionVault"]?["address"] as? String))
        oracle = try Address(try #require(contracts["PriceOracle"]?["address"] as? String))
        signers = try Self.signerKeyHex.map { try PrivateKey(hex: $0) }
        #expect(signers[4].address.checksummed == "0xBcd4042DE499D14e55001CcbB24a551F3b954096")
        passwordFile = dir.appendingPathComponent("password").path
        try Data("correct horse\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
        var paths: [String] = []
        for (i, key) in signers.enumerated() {
            let path = dir.appendingPathComponent("signer\(i).json").path
            try Keystore.encrypt(key, password: "correct horse", scrypt: .light).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        keystores = paths
        _ = try await sender(try PrivateKey(hex: Self.devKeyHex[0])).send(TransactionRequest(to: vault, value: funding, chainId: 31337), options: Self.sendOptions)
    }

    static let sendOptions = SendOptions(replaceAfter: nil, pollInterval: .milliseconds(20), timeout: .seconds(60))

    func sender(_ key: PrivateKey) -> TransactionSender { TransactionSender(client: client, signer: KeySigner(key: key), chain: .local) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// The vault's arguments: the RPC URL and the vault.
    var chainArgs: [String] { ["--rpc-url", url, "--vault", vault.checksummed] }

    func time() async throws -> UInt64 { try #require(try await client.block(.latest)).timestamp }

    /// Moves the clock so the next block has `time`, and mines it.
    func mine(at time: UInt64) async throws {
        let _: JSONRPCValue = try await client.call("evm_setNextBlockTimestamp", [.int(Int(time))])
        let _: JSONRPCValue = try await client.call("evm_mine", [])
    }

    /// Moves the clock forward by `seconds` and mines a block.
    func travel(_ seconds: UInt64) async throws { try await mine(at: try await time() + seconds) }

    var vaultView: PredictionVault { PredictionVault(address: vault, connection: ContractConnection(client: client, chainId: 31337)) }

    /// A durable store with one round of `BTC-USD` at the next mark after the chain's time: `winners` predict up,
    /// `losers` down, `stake` micro-units each; locked at 64,000, then settled on the oracle's FINAL price (three
    /// reporters submit 65,000 ± 0.01, finalize after the report window, final after the dispute window) read
    /// through the PriceOracle binding. Returns the store path and the round id.
    func settledRound(winners: [Address], losers: [Address], stake: UInt64, store: String) async throws -> String {
        let mark = SettlementSchedule.nextSettlement(after: try await time() + 60)
        let durable = try DurableEngine(path: store)
        if !durable.engine.assetIDs.contains(Self.btc) { try durable.addAsset(Self.btc) }
        try durable.setCurrentPrice(6_400_000_000_000, asset: Self.btc)
        for (i, address) in (winners + losers).enumerated() {
            let user = try durable.registerUser(address: address)
            try durable.deposit(stake, to: user)
            _ = try durable.place(PlacementRequest(user: user, asset: Self.btc, direction: i < winners.count ? .up : .down, stake: stake), at: mark - 300).get()
        }
        try durable.lock(asset: Self.btc, settlesAt: mark, price: 6_400_000_000_000)
        try await mine(at: max(mark + 5, try await time() + 1))
        let asset = Self.btc.word
        for (i, hex) in Self.devKeyHex.dropFirst().enumerated() {
            let reporter = PriceOracle(address: oracle, connection: ContractConnection(sender: sender(try PrivateKey(hex: hex)), chainId: 31337, sendOptions: Self.sendOptions))
            try await reporter.submit(asset: asset, settlesAt: mark, price: UInt256(6_500_000_000_000 + UInt64(i) * 1_000_000))
        }
        let view = PriceOracle(address: oracle, connection: ContractConnection(client: client, chainId: 31337))
        // Block times are read back, never assumed: under load the devnet's clock moves between transactions.
        let closed = max(mark + UInt64(try await view.reportWindow()) + 1, try await time() + 1)
        try await mine(at: closed)
        let anyone = PriceOracle(address: oracle, connection: ContractConnection(sender: sender(try PrivateKey(hex: Self.devKeyHex[0])), chainId: 31337, sendOptions: Self.sendOptions))
        try await anyone.finalize(asset: asset, settlesAt: mark)
        try await mine(at: try await time() + UInt64(try await view.disputeWindow()) + 1)
        let (price, status) = try await view.price(asset: asset, settlesAt: mark)
        #expect(status == 2, "the oracle's price is FINAL")
        #expect(price == UInt256(6_500_001_000_000))
        // The product's settler (`core settle`, the Settlement library) settles on exactly the oracle's FINAL price.
        let settled = try CLI.run(["core", "settle", "--db", store, "--rpc-url", url, "--oracle", oracle.checksummed, "--json"])
        #expect(settled.status == 0, "core settle: \(settled.stderr)")
        #expect(settled.stdout.contains(#""decision":"settled""#) && settled.stdout.contains(#""settlementPrice":"65000.01000000""#), "\(settled.stdout)")
        return "BTC-USD@\(mark)"
    }

    /// `vault sign` with signer `i`'s keystore, `--yes`; returns the signature file's path.
    func sign(_ file: String, signer i: Int, extra: [String] = []) throws -> String {
        let out = path("\(URL(fileURLWithPath: file).lastPathComponent).\(i).sig.json")
        let result = try CLI.run(["vault", "sign", file, "--keystore", keystores[i], "--password-file", passwordFile, "--chain-id", "31337",
                                  "--vault", vault.checksummed, "--yes", "--out", out] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    /// Asserts a refusal: exit 1, nothing on stdout, one stderr line containing `fragment`.
    func refused(_ arguments: [String], mentioning fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)", sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }
}
