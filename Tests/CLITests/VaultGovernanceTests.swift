import EVM
import EVMRPC
import DevnetSupport
import Foundation
import Payouts
import EVMSigner
import PredictionCore
import Testing

/// Its own devnet: the 48-hour time lock is crossed with evm_setNextBlockTimestamp.
private let governanceDevnet = launchDevnet()

@Suite("vault governance and the 100-payout batch, on the devnet", .serialized)
struct VaultGovernanceTests {
    @Test func oneSignerPausesAndThreeUnpauseAndChangeTheLimitAfter48Hours() async throws {
        let f = try await VaultFixture(url: governanceDevnet.url, funding: UInt256(1_000_000_000_000_000_000 as UInt64))
        defer { Task { await f.client.shutdown() } }
        let relayer = ["--private-key", VaultFixture.devKeyHex[0], "--rpc-url", f.url]
        // A non-signer cannot pause; one signer can, at once.
        try f.refused(["vault", "pause", "--private-key", VaultFixture.devKeyHex[1]] + f.chainArgs, mentioning: "is not a signer")
        #expect(try await !f.vaultView.paused())
        let paused = try CLI.run(["vault", "pause", "--keystore", f.keystores[1], "--password-file", f.passwordFile, "--json"] + f.chainArgs)
        #expect(paused.status == 0, "\(paused.stderr)")
        #expect(try await f.vaultView.paused())
        // While paused, a fully signed batch is refused before sending.
        let payee = PredictionEngine.address(forUserName: "paused-\(UUID())")
        let batch = try PayoutBatch(chainId: 31337, vault: f.vault, nonce: UInt64(try await f.vaultView.nonce().limbs.0), deadline: try await f.time() + 3600,
                                    entries: [.init(payout: Payout(token: .zero, recipient: payee, amount: UInt256(1), receipt: Keccak256.hash(utf8: "paused")))])
        try Data(batch.fileText.utf8).write(to: URL(fileURLWithPath: f.path("paused.json")))
        let sigs = try [0, 1, 2].map { try f.sign(f.path("paused.json"), signer: $0) }
        try f.refused(["vault", "execute", f.path("paused.json")] + sigs + relayer, mentioning: "the vault is paused")
        #expect(try await f.client.balance(of: payee) == .zero)

        // Unpause: proposed, signed by 3, queued, refused before 48 h, executed after.
        func change(_ name: String, _ arguments: [String]) async throws -> String {
            let out = f.path(name)
            let r = try CLI.run(["vault", "propose-change", "--out", out, "--json"] + arguments + f.chainArgs)
            #expect(r.status == 0, "\(r.stderr)")
            let sigs = try [0, 2, 3].map { try f.sign(out, signer: $0) }
            try f.refused(["vault", "submit-change", out] + sigs.prefix(2) + relayer, mentioning: "too few valid signatures")
            let queued = try CLI.run(["vault", "submit-change", out] + sigs + relayer)
            #expect(queued.status == 0, "\(queued.stderr)")
            try f.refused(["vault", "execute-change", out] + relayer, mentioning: "time lock not expired")
            return out
        }
        let unpause = try await change("unpause.json", ["--action", "unpause"])
        try await f.travel(47 * 3600)
        try f.refused(["vault", "execute-change", unpause] + relayer, mentioning: "time lock not expired")
        #expect(try await f.vaultView.paused())
        try await f.travel(3600)
        let done = try CLI.run(["vault", "execute-change", unpause] + relayer)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(try await !f.vaultView.paused())
        try f.refused(["vault", "execute-change", unpause] + relayer, mentioning: "is not queued")

        // Set the native daily limit to 5 ether.
        let five = UInt256(5) * UInt256(1_000_000_000_000_000_000 as UInt64)
        let limit = try await change("limit.json", ["--action", "limit", "--token", Address.zero.checksummed, "--limit", five.description])
        #expect(try await f.vaultView.dailyLimit(arg0: .zero) != five)
        try await f.travel(48 * 3600 + 1)
        let set = try CLI.run(["vault", "execute-change", limit] + relayer)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(try await f.vaultView.dailyLimit(arg0: .zero) == five)
        // Bad proposals are refused before anything is written.
        try f.refused(["vault", "propose-change", "--action", "signers", "--signers", f.signers[0].address.checksummed, "--threshold", "2"] + f.chainArgs,
                      mentioning: "threshold")
        try f.refused(["vault", "propose-change", "--action", "fly"] + f.chainArgs, mentioning: "is not signers, limit, unpause or migrate")
    }

    @Test func erc20PayoutsAtOneUnitPerMicroAfterALimitChange() async throws {
        let f = try await VaultFixture(url: governanceDevnet.url, funding: UInt256(1))
        defer { Task { await f.client.shutdown() } }
        let relayer = ["--private-key", VaultFixture.devKeyHex[0], "--rpc-url", f.url]
        // A 6-decimals test token (Contracts/tests/mocks/MockERC20.vy), 1,000 USDC of it in the vault.
        let vyper = Process()
        vyper.executableURL = repositoryRoot.appendingPathComponent(".venv/bin/vyper")
        vyper.arguments = ["-f", "bytecode", "--evm-version", "cancun", repositoryRoot.appendingPathComponent("Contracts/tests/mocks/MockERC20.vy").path]
        let pipe = Pipe()
        vyper.standardOutput = pipe
        let vyperExit = try vyper.start()
        let bytecode = try Hex.decode(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        vyperExit.wait()
        let deployer = f.sender(try PrivateKey(hex: VaultFixture.devKeyHex[0]))
        let created = try await deployer.send(TransactionRequest(to: nil, data: bytecode, chainId: 31337), options: VaultFixture.sendOptions)
        let token = try #require(created.contractAddress)
        let mint = try ABIFunction("mint(address,uint256)").encodeCall([.address(f.vault), .uint(UInt256(1_000_000_000))])
        _ = try await deployer.send(TransactionRequest(to: token, data: mint, chainId: 31337), options: VaultFixture.sendOptions)
        func balance(_ who: Address) async throws -> UInt256 {
            let balanceOf = try ABIFunction("balanceOf(address)(uint256)")
            return try balanceOf.decodeOutput(try await f.client.call(CallRequest(to: token, data: try balanceOf.encodeCall([.address(who)])))).first?.asUInt256() ?? .zero
        }

        let winners = (0..<2).map { PredictionEngine.address(forUserName: "usdc-\($0)-\(UUID())") }
        let store = f.path("core.sqlite")
        let round = try await f.settledRound(winners: winners, losers: [PredictionEngine.address(forUserName: "usdc-loser-\(UUID())")],
                                             stake: 10_000_000, store: store)
        // No daily limit for the token yet: nothing can be proposed, everything is deferred.
        let none = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--token", token.checksummed, "--json"] + f.chainArgs)
        #expect(none.status == 0 && none.stderr.contains("deferred 2 payouts"), "\(none.stderr)")
        // Set a 10,000 USDC limit through the time lock.
        let limit = f.path("usdc-limit.json")
        let proposed = try CLI.run(["vault", "propose-change", "--action", "limit", "--token", token.checksummed, "--limit", "10000000000", "--out", limit] + f.chainArgs)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let limitSigs = try [1, 3, 4].map { try f.sign(limit, signer: $0) }
        #expect(try CLI.run(["vault", "submit-change", limit] + limitSigs + relayer).status == 0)
        try await f.travel(48 * 3600 + 1)
        #expect(try CLI.run(["vault", "execute-change", limit] + relayer).status == 0)

        // Now: one batch in token units = micro-units (1 per micro), signed by 3, executed, reconciled.
        let batchPath = f.path("usdc.json")
        let r = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--token", token.checksummed, "--out", batchPath] + f.chainArgs)
        #expect(r.status == 0, "\(r.stderr)")
        let batch = try PayoutBatch(fileText: String(contentsOfFile: batchPath, encoding: .utf8))
        let owed = try SettledPayouts.read(store: store, selection: .rounds([try RoundID(round)]))
        #expect(batch.payouts.map(\.amount) == owed.map { UInt256($0.micro) })
        #expect(batch.totals.map(\.token) == [token])
        let sigs = try [0, 2, 4].map { try f.sign(batchPath, signer: $0) }
        let status = try CLI.run(["vault", "status", batchPath] + sigs + ["--rpc-url", f.url, "--json"])
        #expect(status.stdout.contains("\"leftToday\":\"10000000000\"") && status.stdout.contains("\"ready\":true"), "\(status.stdout)")
        let executed = try CLI.run(["vault", "execute", batchPath] + sigs + relayer)
        #expect(executed.status == 0, "\(executed.stderr)")
        for p in batch.payouts { #expect(try await balance(p.recipient) == p.amount) }
        let reconciled = try CLI.value(["vault", "reconcile", "--db", store, "--rounds", round, "--token", token.checksummed, "--json"] + f.chainArgs)
        #expect(reconciled.contains("\"matched\":2") && reconciled.contains("\"consistent\":true"), "\(reconciled)")
    }

    /// Performance (BENCHMARKS.md): 100 payouts proposed, signed three times and executed, end to end.
    @Test func hundredPayoutBatchEndToEnd() async throws {
        let f = try await VaultFixture(url: governanceDevnet.url, funding: UInt256(10) * UInt256(1_000_000_000_000_000_000 as UInt64))
        defer { Task { await f.client.shutdown() } }
        let winners = (0..<100).map { PredictionEngine.address(forUserName: "bench-\($0)-\(UUID())") }
        let store = f.path("core.sqlite")
        let round = try await f.settledRound(winners: winners, losers: [PredictionEngine.address(forUserName: "bench-loser-\(UUID())")],
                                             stake: 1_000_000, store: store)
        let clock = ContinuousClock()
        let start = clock.now
        let batchPath = f.path("batch100.json")
        let proposed = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", "1000000000", "--out", batchPath] + f.chainArgs)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let afterPropose = clock.now
        let sigs = try [1, 2, 4].map { try f.sign(batchPath, signer: $0) }
        let afterSign = clock.now
        let executed = try CLI.run(["vault", "execute", batchPath] + sigs + ["--private-key", VaultFixture.devKeyHex[0], "--rpc-url", f.url, "--json"])
        #expect(executed.status == 0, "\(executed.stderr)")
        let end = clock.now
        let batch = try PayoutBatch(fileText: String(contentsOfFile: batchPath, encoding: .utf8))
        #expect(batch.entries.count == 100)
        for p in batch.payouts { #expect(try await f.client.balance(of: p.recipient) == p.amount) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(executed.stdout.utf8)) as? [String: Any])
        print("vault-bench: 100 payouts end to end \(end - start) (propose \(afterPropose - start), 3 signatures \(afterSign - afterPropose), execute+reconcile \(end - afterSign)), gasUsed \(object["gasUsed"] ?? "?")")
    }
}
