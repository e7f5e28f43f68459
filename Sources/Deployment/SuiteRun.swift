import EVM
import EVMRPC
import EVMSigner
import Foundation
import SixNinesContracts

/// What `deploy-suite` did.
public struct SuiteResult: Sendable {
    /// Each contract's address, in deployment order (registry, oracle, vault, badges).
    public let addresses: [(name: String, address: Address)]
    /// What the run did: "deployed X", "skipped X", "resumed X", and each wiring transaction.
    public let actions: [String]
}

/// One run of `deploy-suite`: deploys or skips each contract (finishing one a crash left pending), then performs
/// the wiring transactions that are missing on chain. Reads and calldata of our contracts go through the
/// `SixNinesContracts` bindings.
public struct SuiteRun {
    /// The contracts of the suite, in deployment order.
    public static let contractNames = ["ReceiptRegistry", "PriceOracle", "PredictionVault", "Badges"]

    /// Sends and waits.
    public let deployer: Deployer
    /// The record, saved after every change.
    public private(set) var file: DeploymentsFile
    /// What this run did.
    public private(set) var actions: [String] = []
    /// One line per step, for a person watching.
    public var progress: (String) -> Void

    /// A run recording into `file`.
    public init(deployer: Deployer, file: DeploymentsFile, progress: @escaping (String) -> Void = { _ in }) {
        self.deployer = deployer
        self.file = file
        self.progress = progress
    }

    /// Reads the suite's artifacts from the configuration's directory (before anything is sent).
    public static func artifacts(for config: SuiteConfig) throws(DeploymentError) -> [Artifact] {
        var out: [Artifact] = []
        for name in contractNames {
            out.append(try Artifact(path: (config.artifacts as NSString).appendingPathComponent("\(name).json")))
        }
        return out
    }

    /// Deploys and wires the suite: registry(admin, writer), oracle(deployer, resolver) with reporters and the disputer
    /// (default the vault), then the admin role handed over; vault(signers, threshold, tokens, limits); badges(treasury,
    /// default the vault) with the minter, then ownership to the admin.
    public mutating func deploySuite(_ config: SuiteConfig, artifacts: [Artifact]) async throws -> SuiteResult {
        precondition(artifacts.count == Self.contractNames.count)
        if let expected = config.chainId, expected != deployer.chainId {
            throw DeploymentError("the config is for chain \(expected), but the node is chain \(deployer.chainId)")
        }
        let me = deployer.address
        let admin = config.admin ?? me
        let registry = try await ensure(artifacts[0], [.address(admin), .address(config.writer)])
        let oracleAddress = try await ensure(artifacts[1], [.address(me), .address(config.resolver)])
        let vault = try await ensure(artifacts[2], [
            .array(config.signers.map(ABIValue.address)), .uint(config.threshold),
            .array(config.tokens.map(ABIValue.address)), .array(config.dailyLimits.map(ABIValue.uint)),
        ])
        let badgesAddress = try await ensure(artifacts[3], [.address(config.treasury ?? vault)])

        let reader = ContractConnection(client: deployer.client, chainId: deployer.chainId, caller: me)
        // Oracle roles; then hand the admin role over when the admin is not the deployer.
        let oracle = PriceOracle(address: oracleAddress, connection: reader)
        let reporterRole = try await oracle.reporterRole()
        let disputerRole = try await oracle.disputerRole()
        let adminRole = try await oracle.defaultAdminRole()
        for reporter in config.reporters {
            try await ensureRole(oracle, role: reporterRole, roleName: "REPORTER_ROLE", account: reporter)
        }
        try await ensureRole(oracle, role: disputerRole, roleName: "DISPUTER_ROLE", account: config.disputer ?? vault)
        if admin != me {
            try await ensureRole(oracle, role: adminRole, roleName: "DEFAULT_ADMIN_ROLE", account: admin)
            if try await oracle.hasRole(arg0: adminRole, arg1: me) {
                try await transact(oracleAddress, try PriceOracle.Calls.renounceRole(role: adminRole, account: me),
                                   what: "PriceOracle.renounceRole(DEFAULT_ADMIN_ROLE, deployer)")
            }
        }
        // Badges: the minter, then ownership.
        let badges = Badges(address: badgesAddress, connection: reader)
        if try await !badges.isMinter(arg0: config.minter) {
            try await transact(badgesAddress, try Badges.Calls.setMinter(minter: config.minter, status: true),
                               what: "Badges.set_minter(\(config.minter.checksummed), true)")
        }
        if admin != me, try await badges.owner() == me {
            try await transact(badgesAddress, try Badges.Calls.transferOwnership(newOwner: admin),
                               what: "Badges.transfer_ownership(\(admin.checksummed))")
        }
        let names = artifacts.map(\.name)
        return SuiteResult(addresses: Array(zip(names, [registry, oracleAddress, vault, badgesAddress])).map { ($0.0, $0.1) },
                           actions: actions)
    }

    /// Grants `role` on the oracle to `account` unless it already has it.
    mutating func ensureRole(_ oracle: PriceOracle, role: Bytes32, roleName: String, account: Address) async throws {
        if try await oracle.hasRole(arg0: role, arg1: account) { return }
        try await transact(oracle.address, try PriceOracle.Calls.grantRole(role: role, account: account),
                           what: "PriceOracle.grantRole(\(roleName), \(account.checksummed))")
    }

    /// Sends a wiring transaction and waits for it.
    mutating func transact(_ to: Address, _ data: [UInt8], what: String) async throws {
        let receipt = try await deployer.transact(to: to, data: data, what: what)
        actions.append("\(what): transaction \(receipt.transactionHash)")
        progress("\(what): done in block \(receipt.blockNumber)")
    }

    /// Deploys `artifact` with `arguments` unless it is recorded with the same artifact and arguments and its code is
    /// on chain; finishes a pending deployment first (whichever of its recorded transactions was mined).
    public mutating func ensure(_ artifact: Artifact, _ arguments: [ABIValue]) async throws -> Address {
        let data = try artifact.deployData(values: arguments)
        let encodedArguments = Array(data[artifact.bytecode.count...])
        let client = deployer.client
        if let entry = file.contracts[artifact.name], entry.artifactHash == artifact.hash,
           entry.constructorArguments == encodedArguments {
            if entry.status == "deployed", let address = entry.address, try await !client.code(at: address).isEmpty {
                _ = try await deployer.verifyCode(artifact, at: address)
                actions.append("skipped \(artifact.name): deployed at \(address.checksummed)")
                progress("\(artifact.name): already deployed at \(address.checksummed)")
                return address
            }
            if entry.status == "pending", let receipt = try await resume(entry, data: data) {
                return try await finish(artifact, receipt: receipt, action: "resumed")
            }
            // The pending transactions are gone (dropped, or their nonce went to another one): deploy again.
        }
        let plan = try await deployer.checkAffordable(to: nil, data: data, value: .zero, what: "deploying \(artifact.name)")
        // Signed and recorded as pending before it is sent: a crash from here on is finished by the next run.
        let nonce = try await client.nonce(of: deployer.address, at: .pending)
        let request = deployer.request(to: nil, data: data, gasLimit: plan.gasLimit)
        let signed = try await deployer.sender.signer.sign(request, nonce: nonce, fees: plan.fees, gasLimit: plan.gasLimit)
        file.contracts[artifact.name] = DeploymentsFile.Entry(
            name: artifact.name, address: nil, transactionHash: signed.hash, blockNumber: nil, gasUsed: nil,
            artifactHash: artifact.hash, constructorArguments: encodedArguments, status: "pending", nonce: nonce,
            transactions: [DeploymentsFile.SentTransaction(hash: signed.hash, raw: signed.raw)])
        try file.save()
        try await client.sendRawTransaction(signed.raw)
        progress("\(artifact.name): sent \(signed.hash)")
        let receipt = try await waitRecording(signed, name: artifact.name, data: data)
        return try await finish(artifact, receipt: receipt, action: "deployed")
    }

    /// Records a mined creation as deployed, after checking its code.
    private mutating func finish(_ artifact: Artifact, receipt: Receipt, action: String) async throws -> Address {
        guard receipt.status else {
            throw DeploymentError("deploying \(artifact.name) reverted in block \(receipt.blockNumber) (transaction \(receipt.transactionHash))")
        }
        guard let address = receipt.contractAddress else {
            throw DeploymentError("the receipt of \(receipt.transactionHash) has no contract address")
        }
        _ = try await deployer.verifyCode(artifact, at: address)
        guard var entry = file.contracts[artifact.name] else { throw DeploymentError("\(artifact.name): no record") }
        entry.address = address
        entry.transactionHash = receipt.transactionHash  // a replacement may have been the one included
        entry.blockNumber = receipt.blockNumber
        entry.gasUsed = receipt.gasUsed
        entry.status = "deployed"
        entry.nonce = nil
        entry.transactions = []
        file.contracts[artifact.name] = entry
        try file.save()
        actions.append("\(action) \(artifact.name): deployed at \(address.checksummed)")
        progress("\(artifact.name): deployed at \(address.checksummed)")
        return address
    }

    /// Waits for `signed` (or a replacement), recording each replacement in the file before it is sent.
    private mutating func waitRecording(_ signed: RawTransaction, name: String, data: [UInt8]) async throws -> Receipt {
        let recorder = ReplacementRecorder(file: file, name: name)
        let receipt = try await deployer.wait(signed, to: nil, data: data, what: "deploying \(name)") { replacement in
            await recorder.record(replacement)
        }
        file = await recorder.file
        if let error = await recorder.error { throw error }
        return receipt
    }

    /// The receipt of a pending creation: any of its recorded transactions that was mined; otherwise, while the
    /// deployer's nonce is still unused, the last one rebroadcast and waited for. Nil when its nonce went to
    /// another transaction (nothing of ours was mined: deploy again).
    private mutating func resume(_ entry: DeploymentsFile.Entry, data: [UInt8]) async throws -> Receipt? {
        let client = deployer.client
        func minedReceipt() async throws -> Receipt? {
            for sent in entry.transactions.reversed() {
                if let receipt = try await client.receipt(sent.hash) { return receipt }
            }
            if entry.transactions.isEmpty, let receipt = try await client.receipt(entry.transactionHash) { return receipt }
            return nil
        }
        if let receipt = try await minedReceipt() { return receipt }
        guard let last = entry.transactions.last else { return nil }
        let signed = try SignedTransaction(rawRepresentation: last.raw)
        let nonce = signed.transaction.nonce
        if try await client.nonce(of: deployer.address, at: .latest) > nonce {
            // The nonce is used: by one of ours mined meanwhile, or by another transaction.
            return try await minedReceipt()
        }
        let fees: Fees = signed.transaction.maxPriorityFeePerGas.map {
            .eip1559(maxFeePerGas: signed.transaction.maxFeePerGas, maxPriorityFeePerGas: $0)
        } ?? .legacy(gasPrice: signed.transaction.maxFeePerGas)
        let raw = RawTransaction(raw: last.raw, nonce: nonce, fees: fees, gasLimit: signed.transaction.gasLimit)
        if try await client.transaction(last.hash) == nil {
            do { try await client.sendRawTransaction(last.raw) } catch {
                // Refused (its nonce is used now, or it is known): look again for one of ours.
                if let receipt = try await minedReceipt() { return receipt }
            }
        }
        progress("\(entry.name): waiting for pending \(last.hash)")
        return try await waitRecording(raw, name: entry.name, data: data)
    }
}

/// Records replacements of a pending creation in the deployments file, from the lifecycle's callback.
private actor ReplacementRecorder {
    var file: DeploymentsFile
    let name: String
    var error: DeploymentError?

    init(file: DeploymentsFile, name: String) {
        self.file = file
        self.name = name
    }

    func record(_ replacement: RawTransaction) {
        guard var entry = file.contracts[name] else { return }
        entry.transactions.append(DeploymentsFile.SentTransaction(hash: replacement.hash, raw: replacement.raw))
        entry.transactionHash = replacement.hash
        file.contracts[name] = entry
        do { try file.save() } catch { self.error = error }
    }
}
