import DevnetSupport
import EVM
import EVMRPC
import EVMSigner
import Foundation
import GRDB
import PredictionCore
import PredictionStore
import Receipts
import Settlement
import SixNinesContracts
import Synchronization
import TestSupport
import Testing

/// Development keys of the devnet (docs/DEVNET.md; public, test-only).
let devKeyHex = [
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
]
let devKeys = devKeyHex.map { try! PrivateKey(hex: $0) }  // invariant: the published development keys are valid

/// The suite's roles on the devnet (as deployments/suite.example.json): reporters 2, 3, 4; resolver 4; vault signers
/// 5…9 (threshold 3); admin 9; account 8 (a vault signer) holds no oracle role itself.
enum Roles {
    static let deployer = devKeys[0]
    static let reporters = Array(devKeys[2...4])
    static let resolver = devKeys[4]
    static let signers = Array(devKeys[5...9])
    static let admin = devKeys[9]
    static let outsider = devKeys[8]
}

/// A devnet and a deployed suite (through `sixnines deploy-suite`) per test suite: suites run in parallel, so each
/// moves its own chain's clock; inside a suite tests run one at a time and each takes its marks after the chain's
/// current time, so their time travels do not disturb each other.
final class SettlementDevnet: @unchecked Sendable {
    /// The library tests' chain.
    static let library = SettlementDevnet()
    /// The command line tests' chain.
    static let commands = SettlementDevnet()

    let url: String
    let directory: URL
    private let child: ChildProcess
    private let deployed = Mutex<(oracle: Address, vault: Address)?>(nil)

    init() {
        do { child = try DevnetLauncher.start() } catch { fatalError("\(error)") }
        guard let url = child.readyLine["url"] as? String else { fatalError("no devnet url: \(child.readyLine)") }
        self.url = url
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-settlement-\(UUID())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The deployments directory deploy-suite wrote.
    var deployments: String { directory.appendingPathComponent("deployments").path }

    /// The suite's oracle and vault, deployed on first use.
    func suite() throws -> (oracle: Address, vault: Address) {
        try deployed.withLock { cached in
            if let cached { return cached }
            let config: [String: Any] = [
                "writer": devKeys[1].address.checksummed, "reporters": Roles.reporters.map(\.address.checksummed),
                "minter": devKeys[5].address.checksummed, "resolver": Roles.resolver.address.checksummed,
                "signers": Roles.signers.map(\.address.checksummed), "threshold": 3, "admin": Roles.admin.address.checksummed,
                "tokens": [], "dailyLimits": [], "artifacts": devnetRepositoryRoot.appendingPathComponent("ABI").path, "chainId": 31337,
            ]
            let path = directory.appendingPathComponent("suite.json").path
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
            let result = try CLI.run(["deploy-suite", "--config", path, "--deployments", deployments, "--rpc-url", url,
                                      "--private-key", devKeyHex[0], "--json"])
            guard result.status == 0 else { throw FixtureError("deploy-suite failed: \(result.stderr)") }
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: deployments + "/31337.json"))) as? [String: Any]
            let contracts = record?["contracts"] as? [String: [String: Any]]
            guard let oracle = contracts?["PriceOracle"]?["address"] as? String,
                  let vault = contracts?["PredictionVault"]?["address"] as? String else { throw FixtureError("no addresses in \(record ?? [:])") }
            let addresses = (try Address(oracle), try Address(vault))
            cached = addresses
            return addresses
        }
    }

    /// A client of the oracle signing with `key` (read-only without).
    func oracle(_ key: PrivateKey?, _ client: RPCClient) throws -> OracleClient {
        let address = try suite().oracle
        guard let key else { return OracleClient(address: address, connection: ContractConnection(client: client, chainId: 31337)) }
        let sender = TransactionSender(client: client, signer: KeySigner(key: key), chain: .local)
        return OracleClient(address: address, connection: ContractConnection(
            sender: sender, chainId: 31337, sendOptions: SendOptions(replaceAfter: nil, pollInterval: .milliseconds(20), timeout: .seconds(60))))
    }

    /// The chain's time.
    func now(_ client: RPCClient) async throws -> UInt64 {
        try #require(try await client.block(.latest)).timestamp
    }

    /// Mines a block at `time` (devnet time travel; never backwards).
    func travel(to time: UInt64, _ client: RPCClient) async throws {
        let current = try await now(client)
        guard time > current else { return }
        let _: JSONRPCValue = try await client.call("evm_setNextBlockTimestamp", [.int(Int(time))])
        let _: JSONRPCValue = try await client.call("evm_mine", [])
    }

    /// A mark at least `lead` seconds after the chain's time (room to place and lock before it). Five minutes: on two
    /// busy cores a test can wait over a minute between taking its mark and checking that nothing is due yet (seen in
    /// a full run beside a release build); the tests travel to their marks, so the lead costs no time.
    func nextMark(_ client: RPCClient, lead: UInt64 = 300) async throws -> UInt64 {
        SettlementSchedule.nextSettlement(after: try await now(client) + lead)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A durable core in a fresh SQLite file with one BTC-USD round at `mark`: four users, two up and two down, locked
/// at `lockPrice`.
struct CoreRound {
    let path: String
    let asset: AssetID
    let mark: UInt64
    let users: [UserID]
    let deposit: UInt64 = 100_000_000
    let stakes: [UInt64] = [10_000_000, 20_000_000, 15_000_000, 5_000_000]

    init(mark: UInt64, lockPrice: UInt64, directory: URL, symbol: String = "BTC-USD") throws {
        path = directory.appendingPathComponent("core-\(mark)-\(UUID()).sqlite").path
        asset = try AssetID(symbol: symbol)
        self.mark = mark
        let engine = try DurableEngine(path: path, configuration: EngineConfiguration(entropy: .seeded(mark)))
        try engine.addAsset(asset)
        try engine.setCurrentPrice(lockPrice, asset: asset)
        var users: [UserID] = []
        for i in 0..<4 {
            let user = try engine.registerUser(address: PredictionEngine.address(forUserName: "settlement-\(i)"))
            try engine.deposit(deposit, to: user)
            users.append(user)
        }
        self.users = users
        for (i, user) in users.enumerated() {
            let request = PlacementRequest(user: user, asset: asset, direction: i % 2 == 0 ? .up : .down, stake: stakes[i])
            guard case .success = try engine.place(request, at: mark - 300 + UInt64(i)) else { throw FixtureError("placement \(i) refused") }
        }
        try engine.lock(asset: asset, settlesAt: mark, price: lockPrice)
    }

    /// Opens the store again (as a restarted process does).
    func open() throws -> DurableEngine { try DurableEngine(path: path, configuration: EngineConfiguration(entropy: .seeded(mark))) }

    /// The settlement receipts in the store's outbox, decoded: (settlementPrice, outcome, stake, payout).
    func settlementReceipts() throws -> [(settlementPrice: UInt128, outcome: UInt8, stake: UInt128, payout: UInt128)] {
        let queue = try DatabaseQueue(path: path)
        let blobs = try queue.read { db in try Data.fetchAll(db, sql: "SELECT receipt FROM outbox WHERE kind = 2 ORDER BY seq") }
        func word(_ bytes: [UInt8], _ i: Int) -> UInt128 {
            bytes[(32 * i + 16)..<(32 * i + 32)].reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
        }
        return blobs.map { blob in
            let bytes = [UInt8](blob)
            return (word(bytes, 10), UInt8(word(bytes, 11)), word(bytes, 6), word(bytes, 12))
        }
    }
}

/// The price three reporters report for `asset` at `mark` from the simulated sources of `seed`.
func simulatedPrice(_ asset: AssetID, _ mark: UInt64, seed: UInt64 = 7) throws -> UInt64 {
    try SimulatedSources(seed: seed).aggregatedPrice(asset: asset, at: mark).price
}

/// A `sixnines` daemon started in the background (`--follow`), its stdout collected line by line as it comes.
final class Daemon: @unchecked Sendable {
    let process = Process()
    private let out = Pipe()
    /// stderr goes to a file: a pipe nobody reads would stall a chatty daemon once 64 KiB are written.
    private let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-daemon-\(UUID()).err").path
    private final class Lines: Sendable { let all = Mutex<[String]>([]); let partial = Mutex<String>("") }
    private let collected = Lines()
    private let exited: ProcessExit

    init(_ arguments: [String]) throws {
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.standardOutput = out
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        guard let err = FileHandle(forWritingAtPath: errPath) else { throw CocoaError(.fileWriteUnknown) }
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        exited = try process.start()
        try? err.close()
        // stdout is read by a thread of its own with blocking reads on a duplicate of the pipe's descriptor, until
        // end of file (the daemon's exit). Not `readabilityHandler`: its dispatch source on Linux can outlive the
        // descriptor it watches, and an event for the reused number crashed the whole test process
        // (`_dispatch_event_loop_drain`, signal 11, in the suite run of 2026-12-05 08:25).
        try? out.fileHandleForWriting.close()  // the child has its copy: end of file comes with its exit
        let collected = self.collected
        let fd = dup(out.fileHandleForReading.fileDescriptor)
        guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                let text = String(decoding: buffer[0..<n], as: UTF8.self)
                collected.partial.withLock { partial in
                    var lines = (partial + text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    partial = lines.removeLast()
                    collected.all.withLock { $0.append(contentsOf: lines.filter { !$0.isEmpty }) }
                }
            }
            close(fd)
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: errPath)
    }

    /// The stdout lines so far.
    var lines: [String] { collected.all.withLock { $0 } }

    /// Waits (up to 60 s, polling) for a stdout line starting with `prefix`.
    func waitFor(_ prefix: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if lines.contains(where: { $0.hasPrefix(prefix) }) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no line \(prefix) in \(lines)", sourceLocation: sourceLocation)
    }

    /// Sends `signal`, waits for the exit; returns the exit status and everything written to stderr.
    func stop(_ signal: Int32 = SIGTERM) -> (status: Int32, log: String) {
        kill(process.processIdentifier, signal)
        if !exited.wait(seconds: 120) {
            Issue.record("sixnines \(process.arguments ?? []) did not exit within 120 s of signal \(signal); killed")
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        let log = FileManager.default.contents(atPath: errPath) ?? Data()
        return (process.terminationStatus, String(decoding: log, as: UTF8.self))
    }
}
