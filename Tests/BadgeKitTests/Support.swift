import BadgeKit
import DevnetSupport
import EVM
import EVMRPC
import EVMSigner
import Foundation
import PredictionCore
import Receipts
import SixNinesContracts
import Synchronization
import Testing

/// Development keys of the devnet (docs/DEVNET.md; public, test-only).
let devKeys: [PrivateKey] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
].map { try! PrivateKey(hex: $0) }  // invariant: constant, valid keys

/// The devnets of this process, kept running until it exits (each stops when its stdin closes).
private let devnets = Mutex<[ChildProcess]>([])

/// Starts a devnet for one suite.
func startDevnet() throws -> String {
    let child = try DevnetLauncher.start()
    devnets.withLock { $0.append(child) }
    guard let url = child.readyLine["url"] as? String else { throw ChildProcessError(description: "no url in \(child.readyLine)") }
    return url
}

/// Fast waits for the devnet (automine).
let devnetSendOptions = SendOptions(replaceAfter: nil, pollInterval: .milliseconds(20), timeout: .seconds(120))

/// A connection sending as `key`.
func connection(_ key: PrivateKey, _ client: RPCClient) -> ContractConnection {
    let sender = TransactionSender(client: client, signer: KeySigner(key: key), chain: .local)
    return ContractConnection(sender: sender, chainId: 31337, sendOptions: devnetSendOptions)
}

/// Deploys Badges (owner: dev 0, treasury: dev 8) and makes dev 5 a minter, as deploy-suite does; returns its address.
func deployBadges(_ client: RPCClient) async throws -> Address {
    let artifact = try JSONValue(parsing: String(contentsOf: devnetRepositoryRoot.appendingPathComponent("ABI/Badges.json"), encoding: .utf8))
    let bytecode = try Hex.decode(try #require(artifact["bytecode"]?.stringValue))
    let data = try Badges.deployData(bytecode: bytecode, treasury: devKeys[8].address)
    let sender = TransactionSender(client: client, signer: KeySigner(key: devKeys[0]), chain: .local)
    let receipt = try await sender.send(TransactionRequest(to: nil, data: data, chainId: 31337), options: devnetSendOptions)
    let address = try #require(receipt.contractAddress)
    let owner = Badges(address: address, connection: connection(devKeys[0], client))
    _ = try await owner.setMinter(minter: devKeys[5].address, status: true)
    return address
}

/// Builds a core's history round by round: users, placements with chosen stakes and sides, locks and settlements with
/// chosen prices (up wins when the settlement price is above the lock price).
struct Scenario {
    var engine: PredictionEngine
    let asset = try! AssetID(symbol: "BTC-USD")  // invariant: a valid symbol
    var mark: UInt64

    /// An engine with one asset; the first round settles at `start + 600`.
    init(start: UInt64 = 1_795_608_540, engine: PredictionEngine = PredictionEngine(configuration: EngineConfiguration(entropy: .seeded(7)))) throws {
        self.engine = engine
        if !self.engine.assetIDs.contains(asset) { try self.engine.addAsset(asset) }
        mark = start
    }

    /// Registers a user with `address` and 10,000 USDC.
    mutating func user(_ address: Address) throws -> UserID {
        let u = engine.registerUser(address: address)
        try engine.deposit(10_000_000_000, to: u)
        return u
    }

    /// One round: every `(user, direction, stake)` placed 100 s into it (or `early` seconds before the cutoff), then
    /// locked at 100 and settled at 101 (`up` wins) or 99.
    mutating func round(_ bets: [(UserID, Receipts.Receipt.Direction, UInt64)], upWins: Bool, secondsBeforeCutoff: UInt64? = nil) throws {
        mark += 600
        try engine.setCurrentPrice(10_000_000_000, asset: asset)
        let cutoff = engine.configuration.schedule.cutoff(of: mark)
        let at = secondsBeforeCutoff.map { cutoff - $0 } ?? mark - 500
        for (user, direction, stake) in bets {
            _ = try engine.place(PlacementRequest(user: user, asset: asset, direction: direction, stake: stake), at: at)
        }
        try engine.lock(asset: asset, settlesAt: mark, price: 10_000_000_000)
        _ = try engine.settle(asset: asset, settlesAt: mark, price: upWins ? 10_000_000_100 : 9_999_999_900)
    }

    /// `n` rounds in which `winner` bets up and `loser` down, and up wins.
    mutating func wins(_ winner: UserID, against loser: UserID, count n: Int) throws {
        for _ in 0..<n { try round([(winner, .up, 1_000_000), (loser, .down, 1_000_000)], upWins: true) }
    }
}
