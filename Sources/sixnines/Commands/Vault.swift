import ArgumentParser
import EVM
import EVMRPC
import EVMSigner
import Foundation
import Payouts
import SixNinesContracts

/// `sixnines vault`: payouts signed by three of five, and the vault's time-locked governance (docs/PAYOUTS.md).
struct VaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Pay winners from the PredictionVault with threshold signatures; pause and govern it.",
        discussion: """
            The flow: propose (batch files from settled rounds) → sign (each signer, offline) → status → execute (checks \
            everything, sends, waits, reconciles) → reconcile. Governance: pause (one signer), propose-change → sign → \
            submit-change → execute-change after 48 h. See docs/PAYOUTS.md. Example:
              sixnines vault propose --db core.sqlite --rounds BTC-USD@1795612140 --units-per-micro 1000000000000 --out batch.json
              sixnines vault sign batch.json --keystore signer1.json --chain-id 31337 --vault 0x… --yes
              sixnines vault execute batch.json batch.*.sig.json --private-key 0x…
            """,
        subcommands: [VaultPropose.self, VaultSign.self, VaultStatus.self, VaultExecute.self, VaultReconcile.self,
                      VaultPause.self, VaultProposeChange.self, VaultSubmitChange.self, VaultExecuteChange.self])
}

/// `sixnines vault propose`.
struct VaultPropose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "Write payout batch files for what settled rounds owe.",
        discussion: """
            Reads the prediction core's durable store (--db): every win, push or void with a payout above zero in the \
            rounds given (--rounds ASSET@SETTLES_AT,… e.g. BTC-USD@1795612140, the asset and the unix second of the :X9 \
            mark) or settled since --since TIME. Receipts already paid on chain or already in a batch file beside --out \
            that is not executed yet are left out (never proposed twice). Amounts are micro-units × --units-per-micro \
            (integers; 1 for USDC; required for the native token). Batches hold at most --max-payouts, take the free \
            nonces, and together stay within the vault's remaining daily limit; the rest is deferred with a message. \
            With several batches, --out batch.json writes batch.<nonce>.json each. Example:
              sixnines vault propose --db core.sqlite --since 2026-12-05T00:00:00Z --token 0x3c49… --out batch.json
            """)
    @OptionGroup var chain: ChainOptions
    @OptionGroup var target: VaultTargetOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The prediction core's SQLite store.") var db: String
    @Option(help: "Round ids, comma-separated: ASSET@SETTLES_AT.") var rounds: String?
    @Option(help: "Every round settled at or after this time (unix seconds or YYYY-MM-DDTHH:MM:SSZ).") var since: String?
    @Option(help: "The token paid (default: the native token).") var token: String?
    @Option(help: "Token units per micro-unit (default 1 for an ERC-20 such as USDC; required for the native token).") var unitsPerMicro: String?
    @Option(help: "Most payouts per batch.") var maxPayouts: Int = 100
    @Option(help: "Deadline (unix seconds or YYYY-MM-DDTHH:MM:SSZ; default: 24 h after the chain's time).") var deadline: String?
    @Option(help: "Where to write the batch (several: <name>.<nonce>.json). Default: stdout (one batch only).") var out: String?

    func validate() throws {
        guard (rounds == nil) != (since == nil) else { throw ValidationError("give either --rounds or --since") }
        guard (1...VaultMessages.maxPayouts).contains(maxPayouts) else { throw ValidationError("--max-payouts must be 1…\(VaultMessages.maxPayouts)") }
    }

    func run() async throws {
        let (selection, payToken) = try reportingErrors { () throws -> (SettledPayouts.Selection, PayoutToken) in
            let selection: SettledPayouts.Selection
            if let rounds {
                selection = .rounds(try rounds.split(separator: ",").map { text throws in
                    do { return try RoundID(String(text).trimmingCharacters(in: .whitespaces)) } catch { throw CLIError("--rounds: \(error)") }
                })
            } else {
                guard let t = since.flatMap(parseTime) else { throw CLIError("--since: not unix seconds or YYYY-MM-DDTHH:MM:SSZ") }
                selection = .since(t)
            }
            let address = try token.map { try parseAddress($0, what: "--token") } ?? .zero
            guard address != .zero || unitsPerMicro != nil else {
                throw CLIError("--units-per-micro is required for the native token (e.g. 1000000000000: one ether per USDC)")
            }
            let scale = try unitsPerMicro.map { try parseAmount($0, option: "--units-per-micro") } ?? UInt256(1)
            do { return (selection, try PayoutToken(address: address, unitsPerMicro: scale)) } catch { throw CLIError("\(error)") }
        }
        let owed = try reportingErrors { () throws -> [SettledPayout] in
            do { return try SettledPayouts.read(store: db, selection: selection) } catch { throw CLIError("--db \(db): \(error)") }
        }
        try await chain.withClient { client in
            let chainId = try await client.chainId()
            let vault = try target.resolve(chainId: chainId)
            let reader = VaultChain(client: client, chainId: chainId, vault: vault)
            let state = try await reader.state()
            // Receipts paid on chain, and those of batch files beside --out not executed yet (with their nonces and totals).
            var handled = Set(try await reader.payoutEvents().map(\.payout.receipt))
            var usedNonces = Set<UInt64>()
            var pendingTotal = UInt256.zero
            var pendingPaths = Set<String>()
            for (path, batch) in pendingBatches(beside: out, vault: vault, chainId: chainId, vaultNonce: state.nonce) {
                // An expired batch can never execute (no later block has an earlier time): its receipts are free again.
                if batch.deadline < state.time {
                    FileHandle.standardError.write(Data("note: \(terminalSafe(path)) (nonce \(batch.nonce)) expired at \(batch.deadline): its payouts are proposed again\n".utf8))
                    continue
                }
                handled.formUnion(batch.payouts.map(\.receipt))
                usedNonces.insert(batch.nonce)
                pendingPaths.insert(URL(fileURLWithPath: path).standardizedFileURL.path)
                for (t, total) in batch.totals where t == payToken.address {
                    let (sum, overflow) = pendingTotal.addingReportingOverflow(total)
                    pendingTotal = overflow ? .max : sum
                }
            }
            let remaining = try await reader.remainingToday(token: payToken.address)
            let left = remaining > pendingTotal ? remaining - pendingTotal : .zero
            let deadline = try messageDeadline(self.deadline, validFor: 86_400, now: state.time)
            let plan = try PayoutPlan(owed: owed, handled: handled, token: payToken, remainingToday: left, startNonce: state.nonce,
                                      usedNonces: usedNonces, maxPerBatch: maxPayouts, deadline: deadline, chainId: chainId, vault: vault)
            var written: [String] = []
            if plan.batches.count > 1 && out == nil { throw CLIError("\(plan.batches.count) batches: give --out FILE (each is written as FILE.<nonce>.json)") }
            if let out {
                let paths = plan.batches.map { plan.batches.count == 1 ? out : numbered(out, nonce: $0.nonce) }
                // Never replace a batch that is waiting for signatures or execution (checked before writing any).
                for path in paths where pendingPaths.contains(URL(fileURLWithPath: path).standardizedFileURL.path) {
                    throw CLIError("--out \(path) holds a batch that is not executed yet: give another name (nothing written)")
                }
                for (path, batch) in zip(paths, plan.batches) {
                    try writeFile(Data(batch.fileText.utf8), to: path, what: "--out")
                    written.append(path)
                }
            }
            if !plan.deferred.isEmpty {
                FileHandle.standardError.write(Data("deferred \(plan.deferred.count) payouts: they would cross today's remaining daily limit (\(left) of \(tokenName(payToken.address)) left); propose them again tomorrow or after a limit change\n".utf8))
            }
            if output.json {
                try printJSON([
                    "files": written, "owed": owed.count, "alreadyHandled": plan.alreadyHandled.count, "deferred": plan.deferred.count,
                    "remainingToday": left.description,
                    "batches": plan.batches.map { ["nonce": $0.nonce, "payouts": $0.entries.count, "digest": $0.digest.description,
                                                   "deadline": $0.deadline, "totals": $0.totals.map { ["token": $0.token.checksummed, "amount": $0.amount.description] }] as [String: Any] },
                ])
            } else if out == nil, let only = plan.batches.first {
                print(only.fileText, terminator: "")
            } else if plan.batches.isEmpty {
                print("nothing to propose: \(owed.count) owed, \(plan.alreadyHandled.count) already paid or proposed, \(plan.deferred.count) deferred")
            } else {
                for path in written { print(path) }
            }
        }
    }
}

/// `batch.json` → `batch.<nonce>.json`.
func numbered(_ path: String, nonce: UInt64) -> String {
    let url = URL(fileURLWithPath: path)
    let ext = url.pathExtension.isEmpty ? "json" : url.pathExtension
    return url.deletingPathExtension().path + ".\(nonce).\(ext)"
}

/// The batch files (path, batch) in the directory of `out` (default: the current one) for this vault whose nonce
/// the vault has not reached yet: proposed, not executed.
func pendingBatches(beside out: String?, vault: Address, chainId: UInt64, vaultNonce: UInt64) -> [(String, PayoutBatch)] {
    let directory = out.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? FileManager.default.currentDirectoryPath
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
    return names.filter { $0.hasSuffix(".json") }.compactMap { name in
        let path = (directory as NSString).appendingPathComponent(name)
        guard let text = try? InputFile.readText(path, what: "batch", limit: 16 << 20), text.contains(PayoutBatch.format),
              let batch = try? PayoutBatch(fileText: text) else { return nil }
        return batch.vault == vault && batch.chainId == chainId && batch.nonce >= vaultNonce ? (path, batch) : nil
    }
}

/// `sixnines vault sign`.
struct VaultSign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a payout batch or a governance proposal, offline.",
        discussion: """
            Checks the file (its digest must be that of its content; chain id and vault must be those you sign for: \
            --chain-id/--vault or $SIXNINES_CHAIN_ID/$SIXNINES_VAULT), prints a summary (payees, totals per token, \
            deadline) on stderr and asks for confirmation unless --yes (without a terminal, --yes is required). Writes a \
            signature file (default <file>.<signer>.sig.json) and prints its path. No network. Example:
              sixnines vault sign batch.json --keystore signer.json --chain-id 137 --vault 0x… 
            """)
    @OptionGroup var key: KeyOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The batch or proposal file.") var file: String
    @Option(help: "The chain you sign for (default: $SIXNINES_CHAIN_ID).") var chainId: UInt64?
    @Option(help: "The vault you sign for (default: $SIXNINES_VAULT).") var vault: String?
    @Option(help: "Where to write the signature file.") var out: String?
    @Flag(help: "Sign without asking.") var yes = false

    func run() throws {
        try reportingErrors {
            let env = ProcessInfo.processInfo.environment
            guard let expectedChain = chainId ?? env["SIXNINES_CHAIN_ID"].flatMap({ UInt64($0) }) else {
                throw CLIError("which chain do you sign for? give --chain-id (or set SIXNINES_CHAIN_ID)")
            }
            guard let vaultText = vault ?? env["SIXNINES_VAULT"].flatMap({ $0.isEmpty ? nil : $0 }) else {
                throw CLIError("which vault do you sign for? give --vault (or set SIXNINES_VAULT)")
            }
            let expectedVault = try parseAddress(vaultText, what: "--vault")
            let loaded = try VaultFile.load(file)
            let message = loaded.message
            guard message.chainId == expectedChain else {
                throw CLIError("\(file): \(PayoutError.wrongTarget(what: "chain", file: "\(message.chainId)", expected: "\(expectedChain) (the chain you sign for)"))")
            }
            guard message.vault == expectedVault else {
                throw CLIError("\(file): \(PayoutError.wrongTarget(what: "vault", file: message.vault.checksummed, expected: "\(expectedVault.checksummed) (the vault you sign for)"))")
            }
            if !yes {
                guard isatty(STDIN_FILENO) != 0 else { throw CLIError("refusing to sign without confirmation: stdin is not a terminal (give --yes after checking the summary with 'vault status')") }
            }
            let signingKey = try key.load()
            for line in (summary(of: loaded) + "\nSigner: \(signingKey.address.checksummed)").split(separator: "\n") {
                FileHandle.standardError.write(Data((terminalSafe(String(line)) + "\n").utf8))
            }
            if !yes {
                FileHandle.standardError.write(Data("Sign? [y/N] ".utf8))
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "y" || answer == "yes" else { throw CLIError("not signed") }
            }
            let signature = VaultSignature(signing: message, with: signingKey)
            let path = out ?? (URL(fileURLWithPath: file).deletingPathExtension().path + ".\(signingKey.address.checksummed.prefix(10)).sig.json")
            try writeFile(Data(signature.fileText.utf8), to: path, what: "--out")
            try output.emit(path, json: ["file": path, "signer": signingKey.address.checksummed, "digest": message.digest.description,
                                         "signature": Hex.encode(signature.signature), "nonce": message.nonce, "kind": message.kind])
        }
    }
}
