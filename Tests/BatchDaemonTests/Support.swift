import BatchWriter
import Deployment
import DevnetSupport
import EVM
import EVMRPC
import EVMSigner
import Foundation
import Receipts
import SixNinesContracts
import Synchronization
@_exported import TestSupport  // CLI, CLIResult and the fixtures, for every file of this target
import Testing

/// Development keys of the devnet (docs/DEVNET.md; public, test-only).
let devKeyHex = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
]
let devKeys = devKeyHex.map { try! PrivateKey(hex: $0) }

/// Starts a devnet (the project's `DevnetLauncher`) that lives until the test process exits; returns its URL.
func launchDevnet() -> String {
    let child = try! DevnetLauncher.start()
    children.withLock { $0.append(child) }
    return child.readyLine["url"] as! String
}

/// The private PostgreSQL cluster of this test process (removed when the process exits: its watchdog's stdin closes).
let testPostgresCluster: Result<PostgresCluster, any Error> = Result { try PostgresCluster() }

/// Children (devnets, fault proxies) kept alive for the life of the test process; they exit when their stdin closes.
let children = Mutex<[ChildProcess]>([])

/// Deploys a ReceiptRegistry (admin key 0, writer `writer`); returns its address.
func deployRegistry(client: RPCClient, writer: Address) async throws -> Address {
    let artifact = try Artifact(path: repositoryRoot.appendingPathComponent("ABI/ReceiptRegistry.json").path)
    let data = try ReceiptRegistry.deployData(bytecode: artifact.bytecode, admin: devKeys[0].address, writer: writer)
    let sender = TransactionSender(client: client, signer: KeySigner(key: devKeys[0]), chain: .local)
    let receipt = try await sender.send(TransactionRequest(to: nil, data: data, chainId: 31337),
                                        options: SendOptions(replaceAfter: nil, pollInterval: .milliseconds(20), timeout: .seconds(60)))
    return try #require(receipt.contractAddress)
}

/// A receipt of `kind` number `n` placed at `placedAt` for the mark after `placedAt + 300`.
func makeReceipt(_ n: Int, kind: Receipts.Receipt.Kind, placedAt: UInt64, tag: String = "") -> Receipts.Receipt {
    let settlesAt = SettlementSchedule.nextSettlement(after: placedAt + 300)
    var r = Receipts.Receipt(kind: .placement, predictionId: Keccak256.hash(data: Array("prediction-\(tag)-\(n)".utf8)),
                             userCommitment: Keccak256.hash(data: Array("user-\(n % 11)".utf8)), asset: try! AssetID(symbol: "ETH-USD"),
                             direction: n % 2 == 0 ? .up : .down, stake: UInt128(5_000_000 + n), placedAt: placedAt, settlesAt: settlesAt,
                             entryPrice: 345_678_901_234)
    if kind == .settlement {
        // A settlement receipt's time is its settlesAt, which must not be in the chain's future: shift back.
        r.settlesAt = placedAt - (placedAt + 60) % 600  // the latest mark at or before `placedAt`
        r.placedAt = r.settlesAt - 200
        r.kind = .settlement
        r.settlementPrice = 345_000_000_000
        r.outcome = n % 2 == 0 ? .loss : .win
        r.payout = n % 2 == 0 ? 0 : r.stake * 19 / 10
    }
    return r
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(_ seconds: Double = 120, _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}

/// The number of `BatchAnchored` events per batch id on `registry`.
func anchorEvents(client: RPCClient, registry: Address) async throws -> [Bytes32: Int] {
    let binding = ReceiptRegistry(address: registry, connection: ContractConnection(client: client, chainId: 31337))
    let events = try await binding.fetchEvents(ReceiptRegistry.BatchAnchored.self)
    var counts: [Bytes32: Int] = [:]
    for e in events { counts[e.batchId, default: 0] += 1 }
    return counts
}
