import EVM
import EVMRPC
import EVMSigner
import Foundation
import Payouts
import Synchronization
import PredictionCore
import Receipts
import SixNinesContracts
import Testing

/// Its own devnet: these tests move the chain's clock (oracle windows, deadlines, the 48-hour time lock).
private let vaultDevnet = launchDevnet()

/// One ether per USDC: the native token at 10^12 wei per micro-unit.
private let unitsPerMicro = "1000000000000"

@Suite("vault payouts, 3 of 5, end to end on the devnet", .serialized)
struct VaultEndToEndTests {
    @Test func settledRoundIsProposedSignedByThreeExecutedAndReconciled() async throws {
        let f = try await VaultFixture(url: vaultDevnet.url, funding: UInt256(500) * UInt256(1_000_000_000_000_000_000 as UInt64))
        defer { Task { await f.client.shutdown() } }
        let winners = (0..<3).map { PredictionEngine.address(forUserName: "vault-winner-\($0)-\(UUID())") }
        let losers = (0..<2).map { PredictionEngine.address(forUserName: "vault-loser-\($0)-\(UUID())") }
        let store = f.path("core.sqlite")
        let round = try await f.settledRound(winners: winners, losers: losers, stake: 10_000_000, store: store)

        // Propose: one batch, the three winners, amounts = micro × 10^12.
        let batchPath = f.path("batch.json")
        let proposed = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", unitsPerMicro,
                                    "--out", batchPath, "--json"] + f.chainArgs)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let batch = try PayoutBatch(fileText: String(contentsOfFile: batchPath, encoding: .utf8))
        #expect(batch.entries.count == 3)
        #expect(Set(batch.payouts.map(\.recipient)) == Set(winners))
        #expect(batch.payouts.allSatisfy { $0.token == .zero })
        let owed = try SettledPayouts.read(store: store, selection: .rounds([try RoundID(round)]))
        #expect(batch.payouts.map(\.receipt) == owed.map(\.leaf))
        // Each payout's receipt is the settlement receipt carrying the oracle's FINAL price.
        #expect(owed.allSatisfy { $0.receipt.kind == .settlement && $0.receipt.settlementPrice == 6_500_001_000_000 && $0.outcome == .win })
        #expect(try await f.vaultView.payoutBatchDigest(payouts: batch.payouts.map { PredictionVault.Payout(token: $0.token, recipient: $0.recipient, amount: $0.amount, receipt: $0.receipt) },
                                                       nonce: UInt256(batch.nonce), deadline: UInt256(batch.deadline)) == batch.digest)
        // Proposing again while the batch waits proposes nothing twice.
        let again = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", unitsPerMicro,
                                 "--out", f.path("again.json"), "--json"] + f.chainArgs)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("\"alreadyHandled\":3"), "\(again.stdout)")
        #expect(!FileManager.default.fileExists(atPath: f.path("again.json")))

        // Sign with 3 of 5 keystores; status shows them valid and the batch ready.
        let sigs = try [4, 0, 2].map { try f.sign(batchPath, signer: $0) }
        let status = try CLI.run(["vault", "status", batchPath] + sigs + ["--rpc-url", f.url, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["validSignatures"] as? Int == 3 && object["ready"] as? Bool == true, "\(object)")
        #expect(object["threshold"] as? Int == 3)

        // The Swift side's bound is the contract's.
        #expect(try await f.vaultView.maxPayouts() == UInt256(UInt64(VaultMessages.maxPayouts)))

        // Two signatures: refused, nothing sent.
        let relayer = ["--private-key", VaultFixture.devKeyHex[0], "--rpc-url", f.url]
        try f.refused(["vault", "execute", batchPath] + sigs.prefix(2) + relayer, mentioning: "too few valid signatures: 2 of the 3 required")
        #expect(try await f.vaultView.nonce() == UInt256(batch.nonce))

        // Execute (signature files in any order), then every winner holds exactly their payout.
        let executed = try CLI.run(["vault", "execute", batchPath] + sigs.reversed() + relayer + ["--json"])
        #expect(executed.status == 0, "\(executed.stderr)")
        #expect(executed.stdout.contains("\"paid\":3"), "\(executed.stdout)")
        for p in batch.payouts { #expect(try await f.client.balance(of: p.recipient) == p.amount) }
        for l in losers { #expect(try await f.client.balance(of: l) == .zero) }
        #expect(try await f.vaultView.nonce() == UInt256(batch.nonce + 1))

        // Reconcile: from chain events alone, and against the ledger.
        let alone = try CLI.value(["vault", "reconcile", "--json"] + f.chainArgs)
        #expect(alone.contains("\"consistent\":true") && alone.contains("\"paidOnChain\":3"), "\(alone)")
        let ledger = try CLI.value(["vault", "reconcile", "--db", store, "--units-per-micro", unitsPerMicro, "--json"] + f.chainArgs)
        #expect(ledger.contains("\"matched\":3") && ledger.contains("\"missing\":[]") && ledger.contains("\"consistent\":true"), "\(ledger)")
        // A wrong scale shows up as mismatched payouts (exit 1).
        let wrong = try CLI.run(["vault", "reconcile", "--db", store, "--units-per-micro", "1", "--json"] + f.chainArgs)
        #expect(wrong.status == 1 && wrong.stderr.contains("mismatched"))

        // Replayed: refused, nothing paid twice; proposing again proposes nothing (already paid on chain).
        try f.refused(["vault", "execute", batchPath] + sigs + relayer, mentioning: "replayed")
        for p in batch.payouts { #expect(try await f.client.balance(of: p.recipient) == p.amount) }
        let afterPaid = try CLI.value(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", unitsPerMicro, "--json"] + f.chainArgs)
        #expect(afterPaid.contains("\"batches\":[]") && afterPaid.contains("\"alreadyHandled\":3"), "\(afterPaid)")
    }

    @Test func refusedBatchesPayNothing() async throws {
        let f = try await VaultFixture(url: vaultDevnet.url, funding: UInt256(500) * UInt256(1_000_000_000_000_000_000 as UInt64))
        defer { Task { await f.client.shutdown() } }
        let winners = (0..<2).map { PredictionEngine.address(forUserName: "refused-\($0)-\(UUID())") }
        let store = f.path("core.sqlite")
        let round = try await f.settledRound(winners: winners, losers: [PredictionEngine.address(forUserName: "refused-loser-\(UUID())")],
                                             stake: 10_000_000, store: store)
        let relayer = ["--private-key", VaultFixture.devKeyHex[0], "--rpc-url", f.url]
        func propose(_ out: String, extra: [String] = []) throws -> PayoutBatch {
            let r = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", unitsPerMicro, "--out", f.path(out)] + extra + f.chainArgs)
            #expect(r.status == 0, "\(r.stderr)")
            return try PayoutBatch(fileText: String(contentsOfFile: f.path(out), encoding: .utf8))
        }
        let nonce = try await f.vaultView.nonce()
        func nothingPaid() async throws {
            #expect(try await f.vaultView.nonce() == nonce)
            for w in winners { #expect(try await f.client.balance(of: w) == .zero) }
        }
        let batch = try propose("batch.json", extra: ["--deadline", String(try await f.time() + 600)])
        let sigs = try [0, 1, 3].map { try f.sign(f.path("batch.json"), signer: $0) }

        // A tampered amount or payee: the digest no longer matches the content (sign and execute refuse it).
        let text = try String(contentsOfFile: f.path("batch.json"), encoding: .utf8)
        let amount = batch.payouts[0].amount.description
        let tamperedAmount = text.replacingOccurrences(of: "\"amount\":\"\(amount)\"", with: "\"amount\":\"\(amount)0\"", options: [], range: text.range(of: "\"amount\":\"\(amount)\""))
        try Data(tamperedAmount.utf8).write(to: URL(fileURLWithPath: f.path("amount.json")))
        try f.refused(["vault", "execute", f.path("amount.json")] + sigs + relayer, mentioning: "batch was changed")
        let thief = PredictionEngine.address(forUserName: "thief-\(UUID())")
        try Data(text.replacingOccurrences(of: batch.payouts[0].recipient.checksummed, with: thief.checksummed).utf8).write(to: URL(fileURLWithPath: f.path("payee.json")))
        try f.refused(["vault", "execute", f.path("payee.json")] + sigs + relayer, mentioning: "digest mismatch")
        try f.refused(["vault", "sign", f.path("payee.json"), "--keystore", f.keystores[0], "--password-file", f.passwordFile, "--chain-id", "31337",
                       "--vault", f.vault.checksummed, "--yes"], mentioning: "digest mismatch")
        #expect(try await f.client.balance(of: thief) == .zero)

        // Without --yes a signer must confirm on a terminal: from a pipe, refused.
        try f.refused(["vault", "sign", f.path("batch.json"), "--keystore", f.keystores[0], "--password-file", f.passwordFile, "--chain-id", "31337",
                       "--vault", f.vault.checksummed], mentioning: "stdin is not a terminal")

        // A signature from a non-signer does not count.
        let outsider = dirKeystore(f, hex: VaultFixture.devKeyHex[1])
        let outsiderSig = f.path("outsider.sig.json")
        let signed = try CLI.run(["vault", "sign", f.path("batch.json"), "--keystore", outsider, "--password-file", f.passwordFile, "--chain-id", "31337",
                                  "--vault", f.vault.checksummed, "--yes", "--out", outsiderSig])
        #expect(signed.status == 0, "\(signed.stderr)")
        try f.refused(["vault", "execute", f.path("batch.json"), sigs[0], sigs[1], outsiderSig] + relayer, mentioning: "is not a signer of the vault")

        // Another vault or chain: the signer refuses; executing a batch for another chain is refused.
        try f.refused(["vault", "sign", f.path("batch.json"), "--keystore", f.keystores[0], "--password-file", f.passwordFile, "--chain-id", "137",
                       "--vault", f.vault.checksummed, "--yes"], mentioning: "not 137")
        try f.refused(["vault", "sign", f.path("batch.json"), "--keystore", f.keystores[0], "--password-file", f.passwordFile, "--chain-id", "31337",
                       "--vault", thief.checksummed, "--yes"], mentioning: "the vault you sign for")
        let otherChain = try PayoutBatch(chainId: 137, vault: f.vault, nonce: batch.nonce, deadline: batch.deadline, entries: batch.entries)
        try Data(otherChain.fileText.utf8).write(to: URL(fileURLWithPath: f.path("chain137.json")))
        try f.refused(["vault", "execute", f.path("chain137.json")] + sigs + relayer, mentioning: "for chain 137")
        let otherVault = try PayoutBatch(chainId: 31337, vault: thief, nonce: batch.nonce, deadline: batch.deadline, entries: batch.entries)
        try Data(otherVault.fileText.utf8).write(to: URL(fileURLWithPath: f.path("othervault.json")))
        let otherSigs = try [0, 1, 3].map { i in
            let s = VaultSignature(signing: otherVault, with: f.signers[i])
            let p = f.path("othervault.\(i).sig.json")
            try Data(s.fileText.utf8).write(to: URL(fileURLWithPath: p))
            return p
        }
        try f.refused(["vault", "execute", f.path("othervault.json")] + otherSigs + relayer, mentioning: "no contract at")
        // Signatures of the batch do not sign another vault's batch.
        try f.refused(["vault", "execute", f.path("othervault.json")] + sigs + relayer, mentioning: "no contract at")

        // Over the daily limit (100 ether a day): a batch paying 60 ether twice is refused before sending.
        let big = try PayoutBatch(chainId: 31337, vault: f.vault, nonce: batch.nonce, deadline: batch.deadline, entries: batch.entries.map { e in
            var e = e
            e.payout.amount = UInt256(60) * UInt256(1_000_000_000_000_000_000 as UInt64)
            return e
        })
        try Data(big.fileText.utf8).write(to: URL(fileURLWithPath: f.path("big.json")))
        let bigSigs = try [0, 2, 4].map { try f.sign(f.path("big.json"), signer: $0) }
        try f.refused(["vault", "execute", f.path("big.json")] + bigSigs + relayer, mentioning: "over the daily limit")
        // Proposing with a scale that would cross the limit defers instead of writing a batch that would revert.
        let deferred = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", "100000000000000",
                                    "--out", f.path("sub/deferred.json"), "--json"] + f.chainArgs)
        #expect(deferred.status == 0 && deferred.stderr.contains("deferred"), "\(deferred.stderr)")

        // At most --max-payouts per batch: two files at consecutive nonces.
        try FileManager.default.createDirectory(atPath: f.path("split"), withIntermediateDirectories: true)
        let split = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", unitsPerMicro, "--max-payouts", "1",
                                 "--out", f.path("split/b.json")] + f.chainArgs)
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout.split(separator: "\n") == ["\(batch.nonce)", "\(batch.nonce + 1)"].map { f.path("split/b.\($0).json")[...] })

        // A batch file waiting for execution is never overwritten.
        try FileManager.default.createDirectory(atPath: f.path("collide"), withIntermediateDirectories: true)
        let partial = try PayoutBatch(chainId: 31337, vault: f.vault, nonce: batch.nonce, deadline: batch.deadline, entries: [batch.entries[0]])
        try Data(partial.fileText.utf8).write(to: URL(fileURLWithPath: f.path("collide/x.json")))
        try f.refused(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", unitsPerMicro, "--out", f.path("collide/x.json")] + f.chainArgs,
                      mentioning: "holds a batch that is not executed yet")
        #expect(try PayoutBatch(fileText: String(contentsOfFile: f.path("collide/x.json"), encoding: .utf8)) == partial)

        // An expired deadline.
        try await f.travel(700)
        try f.refused(["vault", "execute", f.path("batch.json")] + sigs + relayer, mentioning: "expired")
        try await nothingPaid()
        // The expired batch can never execute: proposing beside it says so and proposes its payouts again.
        let renewed = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", unitsPerMicro, "--out", f.path("renewed.json")] + f.chainArgs)
        #expect(renewed.status == 0 && renewed.stderr.contains("expired"), "\(renewed.stderr)")
        #expect(try PayoutBatch(fileText: String(contentsOfFile: f.path("renewed.json"), encoding: .utf8)).payouts == batch.payouts)
    }

    @Test func twoRelayersExecutingTheSameBatchAtOncePayItOnce() async throws {
        let f = try await VaultFixture(url: vaultDevnet.url, funding: UInt256(500) * UInt256(1_000_000_000_000_000_000 as UInt64))
        defer { Task { await f.client.shutdown() } }
        let winners = (0..<2).map { PredictionEngine.address(forUserName: "race-\($0)-\(UUID())") }
        let store = f.path("core.sqlite")
        let round = try await f.settledRound(winners: winners, losers: [PredictionEngine.address(forUserName: "race-loser-\(UUID())")],
                                             stake: 10_000_000, store: store)
        let proposed = try CLI.run(["vault", "propose", "--db", store, "--rounds", round, "--units-per-micro", unitsPerMicro, "--out", f.path("race.json")] + f.chainArgs)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let sigs = try [0, 1, 2].map { try f.sign(f.path("race.json"), signer: $0) }
        let relayers = [VaultFixture.devKeyHex[0], "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"]
        let results = Mutex<[CLIResult?]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r = try? CLI.run(["vault", "execute", f.path("race.json")] + sigs + ["--private-key", relayers[i], "--rpc-url", f.url])
            results.withLock { $0.append(r) }
        }
        let all = results.withLock { $0 }.compactMap { $0 }
        #expect(all.count == 2)
        #expect(all.filter { $0.status == 0 }.count == 1, "\(all.map(\.stderr))")
        #expect(all.filter { $0.status == 1 && ($0.stderr.contains("replayed") || $0.stderr.contains("nonce")) }.count == 1, "\(all.map(\.stderr))")
        let batch = try PayoutBatch(fileText: String(contentsOfFile: f.path("race.json"), encoding: .utf8))
        for p in batch.payouts { #expect(try await f.client.balance(of: p.recipient) == p.amount) }
    }

    /// A keystore (light scrypt, the fixture's password) for `hex`, in the fixture's directory.
    private func dirKeystore(_ f: VaultFixture, hex: String) -> String {
        let path = f.path("outsider-key.json")
        // invariant-free: a test helper; a failure fails the test.
        if let key = try? PrivateKey(hex: hex), let data = try? Keystore.encrypt(key, password: "correct horse", scrypt: .light) {
            try? data.write(to: URL(fileURLWithPath: path))
        }
        return path
    }
}
