import ArgumentParser
import Deployment
import EVM
import EVMRPC
import EVMSigner
import Foundation
import Payouts
import PredictionCore

/// Which vault a command works on: `--vault ADDR` (or `$SIXNINES_VAULT`), else the PredictionVault of
/// `<deployments>/<chain-id>.json`.
struct VaultTargetOptions: ParsableArguments {
    @Option(help: "The PredictionVault (default: $SIXNINES_VAULT, else the one in <deployments>/<chain-id>.json).")
    var vault: String?

    @Option(help: "Directory of the deployment records.")
    var deployments: String = "deployments"

    /// The vault address given, from the flag or the environment (nil: none given).
    func given() throws -> Address? {
        if let vault { return try parseAddress(vault, what: "--vault") }
        if let env = ProcessInfo.processInfo.environment["SIXNINES_VAULT"], !env.isEmpty { return try parseAddress(env, what: "SIXNINES_VAULT") }
        return nil
    }

    /// The vault on chain `chainId`.
    func resolve(chainId: UInt64) throws -> Address {
        if let address = try given() { return address }
        let records = try DeploymentsFile(directory: deployments, chainId: chainId, deployer: .zero)
        guard let address = records.deployedAddress("PredictionVault") else {
            throw CLIError("no vault: give --vault ADDR, set SIXNINES_VAULT, or deploy the suite (\(DeploymentsFile.path(directory: deployments, chainId: chainId)) has no PredictionVault)")
        }
        return address
    }
}

/// The file a vault command was given: a payout batch or a governance proposal.
enum VaultFile {
    case batch(PayoutBatch)
    case proposal(VaultProposal)

    /// Reads and checks `path` (at most 16 MiB): the format decides which kind it is.
    static func load(_ path: String) throws -> VaultFile {
        let text = try InputFile.readText(path, what: "<file>", limit: 16 << 20)
        do {
            if text.contains(VaultProposal.format) { return .proposal(try VaultProposal(fileText: text)) }
            return .batch(try PayoutBatch(fileText: text))
        } catch { throw CLIError("\(path): \(error)") }
    }

    /// The signed message.
    var message: any VaultMessage {
        switch self {
        case .batch(let b): return b
        case .proposal(let p): return p
        }
    }
}

/// Reads signature files; each result is the file or why it could not be read.
func loadSignatures(_ paths: [String]) -> [(name: String, file: Result<VaultSignature, PayoutError>)] {
    paths.map { path in
        do {
            let text = try InputFile.readText(path, what: "<signature>", limit: 1 << 16)
            return (path, Result { () throws(PayoutError) in try VaultSignature(fileText: text) })
        } catch {
            return (path, .failure(.malformed(path: path, reason: "\(error)")))
        }
    }
}

/// The deadline of a new message: `--deadline TIME` (unix seconds or YYYY-MM-DDTHH:MM:SSZ), else `now + validFor`.
func messageDeadline(_ text: String?, validFor: UInt64, now: UInt64) throws -> UInt64 {
    if let text {
        guard let t = parseTime(text) else { throw CLIError("--deadline: \(text.debugDescription) is not unix seconds or YYYY-MM-DDTHH:MM:SSZ") }
        guard t > now else { throw CLIError("--deadline \(text) is in the past (chain time \(now))") }
        return t
    }
    let (deadline, overflow) = now.addingReportingOverflow(validFor)
    guard !overflow else { throw CLIError("the chain's time \(now) is out of range") }
    return deadline
}

/// The token name for messages.
func tokenName(_ token: Address) -> String { token == .zero ? "native" : token.checksummed }

/// The human summary of a message for signers (one string, several lines).
func summary(of file: VaultFile) -> String {
    var lines: [String] = []
    switch file {
    case .batch(let b):
        lines.append("Payout batch for vault \(b.vault.checksummed) on chain \(b.chainId), nonce \(b.nonce)")
        lines.append("Deadline: \(iso8601(b.deadline)) (\(b.deadline))")
        lines.append("\(b.entries.count) payouts to \(b.recipients.count) payees:")
        for e in b.entries.prefix(50) {
            lines.append("  \(e.payout.recipient.checksummed)  \(e.payout.amount) \(tokenName(e.payout.token))  \(e.round ?? "")  \(e.outcome ?? "")")
        }
        if b.entries.count > 50 { lines.append("  … and \(b.entries.count - 50) more") }
        for (token, total) in b.totals { lines.append("Total \(tokenName(token)): \(total)") }
    case .proposal(let p):
        lines.append("Proposal for vault \(p.vault.checksummed) on chain \(p.chainId), nonce \(p.nonce)")
        lines.append("Action \(p.action.code) (\(p.action.name)): \(p.action.summary)")
        lines.append("Deadline: \(iso8601(p.deadline)) (\(p.deadline)); executable 48 h after it is submitted")
    }
    lines.append("Digest: \(file.message.digest)")
    return lines.joined(separator: "\n")
}

/// A sender of vault transactions through the deployer's checked lifecycle (estimate first: a transaction that
/// would revert is refused before anything is sent; then send, wait for finality).
func sendVaultTransaction(client: RPCClient, key: PrivateKey, chain: ChainOptions, wait: WaitOptions, to: Address, data: [UInt8],
                          what: String) async throws -> Receipt {
    let deployer = try await Deployer(client: client, key: key, preset: chain.preset, options: wait.sendOptions(chain:))
    return try await deployer.transact(to: to, data: data, what: what)
}
