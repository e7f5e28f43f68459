import ArgumentParser
import EVM
import EVMRPC
import EVMSigner
import Foundation
import Payouts
import SixNinesContracts

/// `sixnines vault pause`.
struct VaultPause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause payouts at once (any single signer).",
        discussion: """
            Sends pause() from the signer's key; refused before sending when the key is not a signer. Unpausing is a \
            time-locked proposal (propose-change --action unpause). Example:
              sixnines vault pause --keystore signer.json --vault 0x…
            """)
    @OptionGroup var chain: ChainOptions
    @OptionGroup var target: VaultTargetOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let signingKey = try reportingErrors { try key.load() }
        try await chain.withClient { client in
            let chainId = try await client.chainId()
            let vault = try target.resolve(chainId: chainId)
            let reader = VaultChain(client: client, chainId: chainId, vault: vault)
            let state = try await reader.state()
            guard state.signers.contains(signingKey.address) else { throw CLIError("\(signingKey.address.checksummed) is not a signer of the vault \(vault.checksummed): nothing sent") }
            if state.paused {
                try output.emit("already paused", json: ["vault": vault.checksummed, "paused": true, "transactionHash": NSNull()])
                return
            }
            let receipt = try await sendVaultTransaction(client: client, key: signingKey, chain: chain, wait: wait, to: vault,
                                                         data: try PredictionVault.Calls.pause(), what: "pausing the vault")
            try output.emit(receipt.transactionHash.description, json: ["vault": vault.checksummed, "paused": true,
                                                                       "transactionHash": receipt.transactionHash.description])
        }
    }
}

/// `sixnines vault propose-change`.
struct VaultProposeChange: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose-change",
        abstract: "Write a governance proposal file (signers, limit, unpause, migrate) to be signed with 'vault sign'.",
        discussion: """
            --action signers --signers A,B,C --threshold 2 | limit --token T --limit N | unpause | migrate --successor V \
            [--tokens T1,T2]. Checked as the vault checks it (signers ascending — they are sorted —, 2 ≤ threshold ≤ \
            signers, a successor that is not this vault). Uses the vault's current nonce (or --nonce) and a deadline. \
            Then: vault sign (three signers), vault submit-change, and 48 h later vault execute-change. Example:
              sixnines vault propose-change --action limit --token 0x0000000000000000000000000000000000000000 --limit 5000000000000000000 --out limit.json
            """)
    @OptionGroup var chain: ChainOptions
    @OptionGroup var target: VaultTargetOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "signers, limit, unpause or migrate.") var action: String
    @Option(help: "New signers, comma-separated (action signers).") var signers: String?
    @Option(help: "New threshold (action signers).") var threshold: UInt64?
    @Option(help: "The token (action limit; zero address: native).") var token: String?
    @Option(help: "The new daily limit in the token's smallest unit (action limit).") var limit: String?
    @Option(help: "The successor vault (action migrate).") var successor: String?
    @Option(help: "Tokens to move, comma-separated (action migrate).") var tokens: String?
    @Option(help: "The nonce to sign at (default: the vault's current nonce).") var nonce: UInt64?
    @Option(help: "Deadline to submit it (default: 7 days after the chain's time).") var deadline: String?
    @Option(help: "Where to write the proposal (default: stdout).") var out: String?

    func parsedAction() throws -> VaultAction {
        func addresses(_ text: String?, _ option: String) throws -> [Address] {
            guard let text else { throw CLIError("--action \(action) needs \(option)") }
            return try text.split(separator: ",").map { try parseAddress(String($0).trimmingCharacters(in: .whitespaces), what: option) }
        }
        switch action {
        case "signers":
            guard let threshold else { throw CLIError("--action signers needs --threshold") }
            return .setSigners(try addresses(signers, "--signers").sorted(), threshold: threshold)
        case "limit":
            guard let token, let limit else { throw CLIError("--action limit needs --token and --limit") }
            return .setDailyLimit(token: try parseAddress(token, what: "--token"), limit: try parseAmount(limit, option: "--limit"))
        case "unpause": return .unpause
        case "migrate":
            guard let successor else { throw CLIError("--action migrate needs --successor") }
            return .migrate(successor: try parseAddress(successor, what: "--successor"), tokens: tokens == nil ? [] : try addresses(tokens, "--tokens"))
        default: throw CLIError("--action: \(action.debugDescription) is not signers, limit, unpause or migrate")
        }
    }

    func run() async throws {
        let change = try reportingErrors { try parsedAction() }
        try await chain.withClient { client in
            let chainId = try await client.chainId()
            let vault = try target.resolve(chainId: chainId)
            let state = try await VaultChain(client: client, chainId: chainId, vault: vault).state()
            let proposal: VaultProposal
            do {
                proposal = try VaultProposal(chainId: chainId, vault: vault, action: change, nonce: nonce ?? state.nonce,
                                             deadline: try messageDeadline(deadline, validFor: 7 * 86_400, now: state.time))
            } catch let error as PayoutError { throw CLIError("\(error)") }
            if let out { try writeFile(Data(proposal.fileText.utf8), to: out, what: "--out") }
            if output.json {
                try printJSON(["file": out ?? NSNull(), "action": change.name, "summary": change.summary, "nonce": proposal.nonce,
                               "deadline": proposal.deadline, "digest": proposal.digest.description, "proposalId": proposal.proposalId.description])
            } else {
                print(out ?? proposal.fileText.trimmingCharacters(in: .newlines))
            }
        }
    }
}

/// `sixnines vault submit-change`.
struct VaultSubmitChange: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit-change",
        abstract: "Queue a signed governance proposal in the vault's 48-hour time lock.",
        discussion: """
            Checks the nonce, the deadline and the signatures (threshold of current signers) before sending propose(); \
            prints the proposal id and the time from which execute-change can run. Example:
              sixnines vault submit-change limit.json a.sig.json b.sig.json c.sig.json --keystore relayer.json
            """)
    @OptionGroup var chain: ChainOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The proposal file.") var file: String
    @Argument(help: "Signature files.") var signatures: [String] = []

    func run() async throws {
        let (proposal, signingKey) = try reportingErrors { () throws -> (VaultProposal, EVMSigner.PrivateKey) in
            guard case .proposal(let p) = try VaultFile.load(file) else { throw CLIError("\(file) is a payout batch: use 'vault execute'") }
            return (p, try key.load())
        }
        try await chain.withClient { client in
            let chainId = try await client.chainId()
            guard chainId == proposal.chainId else { throw CLIError("\(file): the proposal is for chain \(proposal.chainId), the node is chain \(chainId)") }
            let reader = VaultChain(client: client, chainId: chainId, vault: proposal.vault)
            let state = try await reader.state()
            let report = SignatureReport(message: proposal, files: loadSignatures(signatures), signers: Set(state.signers), threshold: state.threshold)
            var problems: [String] = []
            if !(try await reader.binding.proposalEta(arg0: proposal.proposalId)).isZero { problems.append("already queued") }
            if proposal.nonce != state.nonce { problems.append("nonce \(proposal.nonce), the vault is at \(state.nonce)") }
            if proposal.deadline <= state.time { problems.append("expired: the deadline \(proposal.deadline) has passed (chain time \(state.time))") }
            if !report.isEnough {
                problems.append("too few valid signatures: \(report.sortedValid.count) of the \(state.threshold) required")
                problems += report.items.compactMap(\.problem)
            }
            guard problems.isEmpty else { throw CLIError("nothing sent: " + problems.joined(separator: "; ")) }
            let data = try PredictionVault.Calls.propose(action: proposal.action.code, data: proposal.action.data, nonce: UInt256(proposal.nonce),
                                                         deadline: UInt256(proposal.deadline), signatures: report.sortedValid.map(\.signature))
            let receipt = try await sendVaultTransaction(client: client, key: signingKey, chain: chain, wait: wait, to: proposal.vault, data: data,
                                                         what: "queueing the proposal")
            let eta = try await reader.binding.proposalEta(arg0: proposal.proposalId)
            try output.emit(proposal.proposalId.description, json: ["proposalId": proposal.proposalId.description, "eta": eta.description,
                                                                   "transactionHash": receipt.transactionHash.description])
        }
    }
}

/// `sixnines vault execute-change`.
struct VaultExecuteChange: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute-change",
        abstract: "Execute a queued governance proposal once its 48-hour time lock has passed.",
        discussion: """
            Anyone may send it. Refused before sending when the proposal is not queued, its time lock has not passed \
            (with the time it can run), or its 14-day grace period is over. Example:
              sixnines vault execute-change limit.json --keystore relayer.json
            """)
    @OptionGroup var chain: ChainOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The proposal file.") var file: String

    func run() async throws {
        let (proposal, signingKey) = try reportingErrors { () throws -> (VaultProposal, EVMSigner.PrivateKey) in
            guard case .proposal(let p) = try VaultFile.load(file) else { throw CLIError("\(file) is a payout batch: use 'vault execute'") }
            return (p, try key.load())
        }
        try await chain.withClient { client in
            let chainId = try await client.chainId()
            guard chainId == proposal.chainId else { throw CLIError("\(file): the proposal is for chain \(proposal.chainId), the node is chain \(chainId)") }
            let reader = VaultChain(client: client, chainId: chainId, vault: proposal.vault)
            let state = try await reader.state()
            let eta = try await reader.binding.proposalEta(arg0: proposal.proposalId)
            guard !eta.isZero else { throw CLIError("proposal \(proposal.proposalId) is not queued (not submitted, already executed, or cancelled): nothing sent") }
            // The next block is at least one second after the latest.
            guard UInt256(state.time) + UInt256(1) >= eta else {
                throw CLIError("time lock not expired: the proposal can be executed from \(eta) (chain time \(state.time), \(eta - UInt256(state.time)) s to go): nothing sent")
            }
            let (graceEnd, overflow) = eta.addingReportingOverflow(UInt256(14 * 86_400))
            guard overflow || UInt256(state.time) <= graceEnd else { throw CLIError("proposal expired: its 14-day grace period ended at \(graceEnd): nothing sent") }
            let data = try PredictionVault.Calls.execute(action: proposal.action.code, data: proposal.action.data, proposalNonce: UInt256(proposal.nonce))
            let receipt = try await sendVaultTransaction(client: client, key: signingKey, chain: chain, wait: wait, to: proposal.vault, data: data,
                                                         what: "executing the proposal")
            try output.emit(receipt.transactionHash.description, json: ["proposalId": proposal.proposalId.description, "action": proposal.action.name,
                                                                       "transactionHash": receipt.transactionHash.description])
        }
    }
}
