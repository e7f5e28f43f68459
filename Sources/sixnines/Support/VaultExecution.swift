import ArgumentParser
import EVM
import EVMRPC
import EVMSigner
import Foundation
import Payouts
import SixNinesContracts

/// `sixnines vault status`.
struct VaultStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a batch or proposal: signatures, threshold, deadline, nonce and daily limit on chain.",
        discussion: """
            Reads the vault named in the file. Prints who signed, which signatures are valid and why not, the threshold, \
            the deadline, the vault's nonce against the file's, the daily limit left per token (batches) or the time \
            lock (proposals), and what stands in the way of executing it. Exit 0 whatever the verdict. Example:
              sixnines vault status batch.json batch.*.sig.json --json
            """)
    @OptionGroup var chain: ChainOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The batch or proposal file.") var file: String
    @Argument(help: "Signature files.") var signatures: [String] = []

    func run() async throws {
        let loaded = try reportingErrors { try VaultFile.load(file) }
        let message = loaded.message
        try await chain.withClient { client in
            let chainId = try await client.chainId()
            guard chainId == message.chainId else { throw CLIError("\(file) is for chain \(message.chainId), the node is chain \(chainId)") }
            let reader = VaultChain(client: client, chainId: chainId, vault: message.vault)
            let state = try await reader.state()
            let report = SignatureReport(message: message, files: loadSignatures(signatures), signers: Set(state.signers), threshold: state.threshold)
            var object: [String: Any] = [
                "kind": message.kind, "vault": message.vault.checksummed, "chainId": chainId, "digest": message.digest.description,
                "nonce": message.nonce, "vaultNonce": state.nonce, "deadline": message.deadline, "chainTime": state.time,
                "expired": message.deadline <= state.time, "threshold": state.threshold, "paused": state.paused,
                "validSignatures": report.sortedValid.count, "enoughSignatures": report.isEnough,
                "signers": state.signers.map(\.checksummed),
                "signatures": report.items.map { ["file": $0.name, "signer": $0.signer?.checksummed ?? NSNull(), "valid": $0.problem == nil,
                                                  "problem": $0.problem ?? NSNull()] as [String: Any] },
            ]
            var problems: [String] = []
            var lines: [String] = [summary(of: loaded)]
            switch loaded {
            case .batch(let batch):
                problems = try await reader.problems(executing: batch, report: report, state: state)
                var limits: [[String: Any]] = []
                for (token, total) in batch.totals {
                    let left = try await reader.remainingToday(token: token)
                    let limit = try await reader.dailyLimit(token: token)
                    limits.append(["token": token.checksummed, "batchTotal": total.description, "dailyLimit": limit.description, "leftToday": left.description])
                    lines.append("Daily limit \(tokenName(token)): \(limit), left today \(left), this batch \(total)")
                }
                object["dailyLimits"] = limits
                if let done = try await reader.batchExecuted(nonce: batch.nonce), done.digest == batch.digest {
                    object["executed"] = done.transaction?.description ?? true
                    lines.append("Executed in transaction \(done.transaction?.description ?? "?")")
                }
            case .proposal(let proposal):
                let eta = try await reader.binding.proposalEta(arg0: proposal.proposalId)
                object["proposalId"] = proposal.proposalId.description
                object["eta"] = eta.description
                lines.append(eta.isZero ? "Not queued (or executed/cancelled)" : "Queued: executable from \(eta)")
                if !eta.isZero { problems = [] } else {
                    if proposal.nonce != state.nonce { problems.append("nonce \(proposal.nonce), the vault is at \(state.nonce)") }
                    if proposal.deadline <= state.time { problems.append("expired: the deadline \(proposal.deadline) has passed (chain time \(state.time))") }
                    if !report.isEnough { problems.append("too few valid signatures: \(report.sortedValid.count) of the \(state.threshold) required") }
                }
            }
            object["problems"] = problems
            object["ready"] = problems.isEmpty
            if output.json {
                try printJSON(object)
            } else {
                lines.append("Vault nonce \(state.nonce), file nonce \(message.nonce); threshold \(state.threshold); chain time \(state.time)\(state.paused ? "; PAUSED" : "")")
                for item in report.items {
                    lines.append("  \(item.problem == nil ? "valid  " : "INVALID") \(item.signer?.checksummed ?? "?") \(item.name)\(item.problem.map { ": \($0)" } ?? "")")
                }
                lines.append("Valid signatures: \(report.sortedValid.count) of \(state.threshold) required")
                lines.append(problems.isEmpty ? "Ready." : "Not ready: " + problems.joined(separator: "; "))
                for line in lines.joined(separator: "\n").split(separator: "\n") { print(terminalSafe(String(line))) }
            }
        }
    }
}

/// `sixnines vault execute`.
struct VaultExecute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "Send a signed payout batch, wait for it, and reconcile its payouts.",
        discussion: """
            Checks everything first and sends nothing when any check fails, each with its own error: the chain and \
            vault, paused, the nonce (a replayed batch, a stale or future nonce), the deadline, the valid signatures \
            against the threshold (from current signers, one each), today's remaining daily limit and the vault's \
            balance per token, receipts already paid. Then sorts the signatures by signer, sends execute_payouts (any \
            funded key pays the gas), waits for finality and checks that every payout of the batch was paid exactly \
            once as signed. A batch that failed or expired is reported, never re-proposed. Example:
              sixnines vault execute batch.json a.sig.json b.sig.json c.sig.json --keystore relayer.json --json
            """)
    @OptionGroup var chain: ChainOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The batch file.") var file: String
    @Argument(help: "Signature files.") var signatures: [String] = []

    func run() async throws {
        let (batch, signingKey) = try reportingErrors { () throws -> (PayoutBatch, EVMSigner.PrivateKey) in
            guard case .batch(let batch) = try VaultFile.load(file) else { throw CLIError("\(file) is a proposal: use 'vault submit-change'") }
            return (batch, try key.load())
        }
        try await chain.withClient { client in
            let chainId = try await client.chainId()
            guard chainId == batch.chainId else { throw CLIError("\(file): the batch is for chain \(batch.chainId), the node is chain \(chainId)") }
            let reader = VaultChain(client: client, chainId: chainId, vault: batch.vault)
            let state = try await reader.state()
            let report = SignatureReport(message: batch, files: loadSignatures(signatures), signers: Set(state.signers), threshold: state.threshold)
            let problems = try await reader.problems(executing: batch, report: report, state: state)
            if !problems.isEmpty {
                let invalid = report.items.compactMap(\.problem)
                throw CLIError("nothing sent: " + (problems + (report.isEnough ? [] : invalid)).joined(separator: "; "))
            }
            let sorted = report.sortedValid
            let data = try PredictionVault.Calls.executePayouts(
                payouts: batch.payouts.map { PredictionVault.Payout(token: $0.token, recipient: $0.recipient, amount: $0.amount, receipt: $0.receipt) },
                nonce: UInt256(batch.nonce), deadline: UInt256(batch.deadline), signatures: sorted.map(\.signature))
            progress("sending batch nonce \(batch.nonce): \(batch.entries.count) payouts, \(sorted.count) signatures")
            let receipt: EVMRPC.Receipt
            do {
                receipt = try await sendVaultTransaction(client: client, key: signingKey, chain: chain, wait: wait, to: batch.vault, data: data,
                                                         what: "executing the batch of nonce \(batch.nonce)")
            } catch {
                // Another sender may have executed the same batch first (two relayers at once): the vault paid it once.
                if let done = try? await reader.batchExecuted(nonce: batch.nonce), done.digest == batch.digest {
                    throw CLIError("replayed: the batch was executed by another transaction (\(done.transaction?.description ?? "?")) while this one was sent: \(error)")
                }
                throw error
            }
            let events = try receipt.events(PredictionVault.PayoutExecuted.self, from: batch.vault).map {
                PaidOnChain(nonce: $0.nonce, payout: Payout(token: $0.token, recipient: $0.recipient, amount: $0.amount, receipt: $0.receipt),
                            transaction: receipt.transactionHash, block: receipt.blockNumber)
            }
            let reconciliation = ReconciliationReport(paid: events, owed: batch.payouts)
            guard reconciliation.isConsistent, reconciliation.missing.isEmpty, reconciliation.matched.count == batch.entries.count else {
                throw CLIError("transaction \(receipt.transactionHash) did not pay the batch as signed: \(reconciliation.matched.count) matched, \(reconciliation.missing.count) missing, \(reconciliation.mismatched.count) mismatched, \(reconciliation.unknown.count) unknown")
            }
            try output.emit(receipt.transactionHash.description, json: [
                "transactionHash": receipt.transactionHash.description, "blockNumber": receipt.blockNumber, "gasUsed": receipt.gasUsed,
                "nonce": batch.nonce, "payouts": batch.entries.count, "paid": reconciliation.matched.count,
                "signers": sorted.map(\.signer.checksummed),
                "totals": batch.totals.map { ["token": $0.token.checksummed, "amount": $0.amount.description] },
            ])
        }
    }
}

/// `sixnines vault reconcile`.
struct VaultReconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Check the vault's payouts from chain events alone, or against the core's ledger.",
        discussion: """
            Reads every PayoutExecuted event of the vault. Alone it checks that no receipt was paid twice. With --db (and \
            --rounds or --since, --token, --units-per-micro as for propose) every settlement receipt with a payout must \
            be paid exactly once, to its user, with its amount: missing (not paid yet), duplicated, unknown (paid but not \
            owed) and mismatched payouts are listed; exit 1 when any is duplicated, unknown or mismatched. Example:
              sixnines vault reconcile --db core.sqlite --since 0 --units-per-micro 1000000000000 --json
            """)
    @OptionGroup var chain: ChainOptions
    @OptionGroup var target: VaultTargetOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The prediction core's SQLite store (else: chain events alone).") var db: String?
    @Option(help: "Round ids, comma-separated: ASSET@SETTLES_AT.") var rounds: String?
    @Option(help: "Rounds settled at or after this time (default with --db: all).") var since: String?
    @Option(help: "The token paid (default: native).") var token: String?
    @Option(help: "Token units per micro-unit (default 1).") var unitsPerMicro: String?

    func run() async throws {
        let owed: [Payout]? = try reportingErrors { () throws -> [Payout]? in
            guard let db else { return nil }
            let selection: SettledPayouts.Selection
            if let rounds {
                selection = .rounds(try rounds.split(separator: ",").map { text throws in
                    do { return try RoundID(String(text)) } catch { throw CLIError("--rounds: \(error)") }
                })
            } else {
                guard let t = parseTime(since ?? "0") else { throw CLIError("--since: not unix seconds or YYYY-MM-DDTHH:MM:SSZ") }
                selection = .since(t)
            }
            let address = try token.map { try parseAddress($0, what: "--token") } ?? .zero
            let scale = try unitsPerMicro.map { try parseAmount($0, option: "--units-per-micro") } ?? UInt256(1)
            do {
                let payToken = try PayoutToken(address: address, unitsPerMicro: scale)
                return try SettledPayouts.read(store: db, selection: selection).map {
                    Payout(token: address, recipient: $0.recipient, amount: try payToken.amount(micro: $0.micro), receipt: $0.leaf)
                }
            } catch { throw CLIError("--db \(db): \(error)") }
        }
        try await chain.withClient { client in
            let chainId = try await client.chainId()
            let vault = try target.resolve(chainId: chainId)
            let events = try await VaultChain(client: client, chainId: chainId, vault: vault).payoutEvents()
            let report = ReconciliationReport(paid: events, owed: owed)
            let object: [String: Any] = [
                "vault": vault.checksummed, "paidOnChain": report.paidCount, "matched": report.matched.count,
                "missing": report.missing.map { ["receipt": $0.receipt.description, "recipient": $0.recipient.checksummed, "amount": $0.amount.description] },
                "duplicated": report.duplicated.map(\.description),
                "unknown": report.unknown.map { ["receipt": $0.payout.receipt.description, "recipient": $0.payout.recipient.checksummed, "amount": $0.payout.amount.description] },
                "mismatched": report.mismatched.map { ["receipt": $0.owed.receipt.description, "owed": $0.owed.amount.description, "paid": $0.paid.payout.amount.description] },
                "consistent": report.isConsistent, "ledgerChecked": owed != nil,
            ]
            if output.json { try printJSON(object) } else {
                print("\(report.paidCount) payouts on chain; \(report.matched.count) matched; \(report.missing.count) missing; \(report.duplicated.count) duplicated; \(report.unknown.count) unknown; \(report.mismatched.count) mismatched")
            }
            if !report.isConsistent {
                reportError(CLIError("the vault's payouts do not reconcile: \(report.duplicated.count) duplicated, \(report.unknown.count) unknown, \(report.mismatched.count) mismatched"))
                throw ExitCode(1)
            }
        }
    }
}
