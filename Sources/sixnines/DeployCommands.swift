import ArgumentParser
import ContractGen
import EVM
import EVMRPC
import EVMSigner
import Foundation

/// A compiled contract: `ABI/<Name>.json` as Scripts/compile writes it (or any artifact with `abi` and `bytecode`).
struct Artifact {
    let path: String
    let name: String
    let abi: ContractABI
    /// Creation code.
    let bytecode: [UInt8]
    /// Runtime code as compiled (without immutables).
    let deployedBytecode: [UInt8]?
    /// Byte ranges of the runtime code that the constructor fills with immutables (solc's `immutableReferences`).
    let immutableRanges: [Range<Int>]

    /// `keccak256(creation code)`: what `deployments/<chain-id>.json` records to tell artifacts apart.
    var hash: Bytes32 { Keccak256.hash(data: bytecode) }

    init(path: String) throws {
        self.path = path
        let text = try readText(path, what: "artifact")
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw CLIError("\(path): not JSON: \(error)") }
        do { abi = try ContractABI(json: json) } catch { throw CLIError("\(path): \(error)") }
        name = json["contractName"]?.stringValue ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        guard let code = json["bytecode"]?.stringValue ?? json["bytecode"]?["object"]?.stringValue else {
            throw CLIError("\(path): no \"bytecode\" (an ABI alone cannot be deployed)")
        }
        do { bytecode = try Hex.decode(code) } catch { throw CLIError("\(path): bytecode: \(error)") }
        guard !bytecode.isEmpty else { throw CLIError("\(path): empty bytecode (an interface or abstract contract?)") }
        let runtime = json["deployedBytecode"]?.stringValue ?? json["deployedBytecode"]?["object"]?.stringValue
        deployedBytecode = try runtime.map { text in
            do { return try Hex.decode(text) } catch { throw CLIError("\(path): deployedBytecode: \(error)") }
        }
        var ranges: [Range<Int>] = []
        for (_, references) in json["deployedBytecode"]?["immutableReferences"]?.objectValue ?? [] {
            for reference in references.arrayValue ?? [] {
                guard let start = reference["start"]?.uint64Value, let length = reference["length"]?.uint64Value,
                      start < 1 << 32, length <= 32 else { throw CLIError("\(path): malformed immutableReferences") }
                ranges.append(Int(start)..<Int(start + length))
            }
        }
        immutableRanges = ranges
    }

    /// The constructor's parameters (none without a constructor).
    var constructorInputs: [ABIParameter] { abi.constructor?.inputs ?? [] }

    /// Deployment data for cast-style `arguments`, checked against the constructor before anything is sent.
    func deployData(arguments: [String]) throws -> (data: [UInt8], values: [ABIValue]) {
        let values: [ABIValue]
        do { values = try parseArguments(arguments, for: constructorInputs) } catch {
            throw CLIError("\(name) constructor\(signatureText): \(error)")
        }
        return (try deployData(values: values), values)
    }

    /// Deployment data for constructor values.
    func deployData(values: [ABIValue]) throws -> [UInt8] {
        do { return try ABI.deployData(bytecode: bytecode, values, as: constructorInputs.map(\.type)) } catch {
            throw CLIError("\(name) constructor\(signatureText): \(error)")
        }
    }

    var signatureText: String { "(" + constructorInputs.map(\.humanReadable).joined(separator: ", ") + ")" }

    /// Whether `code` (from `eth_getCode`) is this artifact's runtime code, immutables aside: Vyper appends
    /// immutables after the runtime code (so the artifact's runtime is a prefix); solc writes them into the ranges
    /// its `immutableReferences` lists (ignored in the comparison). Nil when the artifact has no runtime code.
    func matchesDeployedCode(_ code: [UInt8]) -> Bool? {
        guard let runtime = deployedBytecode, !runtime.isEmpty else { return nil }
        guard code.count >= runtime.count else { return false }
        if immutableRanges.isEmpty { return code.starts(with: runtime) }
        guard immutableRanges.allSatisfy({ $0.upperBound <= runtime.count }), code.count == runtime.count else { return false }
        var masked = Array(code)
        for range in immutableRanges { masked.replaceSubrange(range, with: runtime[range]) }
        return masked == runtime
    }
}

extension JSONValue {
    /// A JSON number that is a non-negative integer fitting 64 bits.
    var uint64Value: UInt64? {
        if case .number(let text) = self { return UInt64(text) }
        return nil
    }
}

/// `sixnines abi to-swift`.
struct ABIToSwift: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-swift",
        abstract: "Generate a typed Swift binding of a contract from its JSON ABI or artifact.",
        discussion: """
            One struct per contract (import EVM and EVMRPC): a method per function (reads return decoded Swift values,
            writes send a transaction and return its receipt), Calls.<function>(…) for calldata, a struct per event
            and per tuple type, and a Revert enum of the custom errors. The SixNinesContracts module holds these for
            ABI/*.json (Scripts/gen-bindings).
            Example: sixnines abi to-swift ABI/ReceiptRegistry.json --output Sources/SixNinesContracts/ReceiptRegistry.swift
            """)
    @Argument(help: "A compiler artifact or JSON ABI file ('-' for stdin).") var file: String
    @Option(help: "The contract (type) name (default: the artifact's contractName, else the file name).") var name: String?
    @Option(help: "Write to this file instead of stdout.") var output: String?

    func run() throws {
        try reportingErrors {
            let text = try readText(file, what: "ABI")
            let fallback = name ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            var model: ContractModel
            do { model = try ContractModel(artifactJSON: text, fallbackName: fallback) } catch { throw CLIError("\(file): \(error)") }
            if let name {
                guard ContractModel.isIdentifier(name) else { throw CLIError("--name \(name.debugDescription) is not a Swift identifier") }
                model = ContractModel(name: name, abi: model.abi)
            }
            let source = file == "-" ? "stdin" : (file.hasPrefix("/") ? URL(fileURLWithPath: file).lastPathComponent : file)
            let swift = SwiftBindingGenerator.generate(model, source: source)
            try writeOutput(swift, to: output)
        }
    }
}

/// Writes `text` to `path` atomically, or to stdout when `path` is nil.
func writeOutput(_ text: String, to path: String?) throws {
    guard let path else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw CLIError("--output \(path): cannot write: \(error.localizedDescription)")
    }
}

/// One line of progress on stderr, when stderr is a terminal (scripts get clean output).
func progress(_ message: String) {
    guard isatty(STDERR_FILENO) != 0 else { return }
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// How commands that send transactions wait for them: `send`, `deploy`, `deploy-suite`.
struct WaitOptions: ParsableArguments {
    @Option(help: "Confirmations to wait for.") var confirmations: UInt64 = 1
    @Option(help: "Replace the transaction when not included after this many seconds.") var replaceAfter: Double = 60
    @Option(help: "Give up waiting for a transaction after this many seconds.") var waitTimeout: Double = 600

    func sendOptions(chain: Chain) -> SendOptions {
        SendOptions(confirmations: confirmations, replaceAfter: .milliseconds(Int64(replaceAfter * 1000)),
                    pollInterval: min(chain.blockTime, .milliseconds(500)), timeout: .milliseconds(Int64(waitTimeout * 1000)))
    }
}

/// Deploys contracts for one signer: checks, sends, waits, verifies the code.
struct Deployer {
    let client: RPCClient
    let sender: TransactionSender
    let chain: Chain
    let chainId: UInt64
    let options: SendOptions

    init(client: RPCClient, key: PrivateKey, preset: Chain?, options: WaitOptions) async throws {
        self.client = client
        chainId = try await client.chainId()
        chain = preset ?? Chain.withID(chainId) ?? Chain(name: "chain-\(chainId)", id: chainId)
        sender = TransactionSender(client: client, signer: KeySigner(key: key), chain: chain)
        self.options = options.sendOptions(chain: chain)
    }

    var address: Address { sender.signer.address }

    /// Refuses, before sending, a transaction whose worst-case cost (gas × max fee + value) exceeds the balance.
    /// Returns the gas limit (estimate + 20 %) and fees to send with.
    func checkAffordable(to: Address?, data: [UInt8], value: UInt256, what: String) async throws -> (gasLimit: UInt64, fees: Fees) {
        let estimate: UInt64
        do {
            estimate = try await client.estimateGas(CallRequest(from: address, to: to, data: data, value: value))
        } catch {
            if case .revert = error { throw CLIError("\(what) would revert: \(error.decodedRevert().map { "\($0)" } ?? "\(error)")") }
            throw error
        }
        let gasLimit = estimate + estimate / 5
        let fees = try await sender.estimator.estimate(client)
        let maxFee = fees.maxPerGas
        let (gasCost, overflow) = maxFee.multipliedReportingOverflow(by: UInt256(gasLimit))
        let (cost, overflow2) = gasCost.addingReportingOverflow(value)
        let balance = try await client.balance(of: address)
        if overflow || overflow2 || cost > balance {
            throw CLIError("insufficient balance for \(what): \(address.checksummed) has \(balance) wei, needs up to \(cost) wei (gas \(gasLimit) × max fee \(maxFee) + value \(value))")
        }
        return (gasLimit, fees)
    }

    /// Signs and submits; `persist` sees the transaction hash before this waits, so a crash can resume from it.
    func submit(to: Address?, data: [UInt8], value: UInt256 = .zero, plan: (gasLimit: UInt64, fees: Fees)) async throws -> RawTransaction {
        let request = TransactionRequest(to: to, value: value, data: data, gasLimit: plan.gasLimit, chainId: chainId)
        return try await sender.submit(request, fees: plan.fees)
    }

    /// Waits for a submitted transaction; throws when it reverted.
    func wait(_ signed: RawTransaction, to: Address?, data: [UInt8], value: UInt256 = .zero, what: String) async throws -> Receipt {
        let request = TransactionRequest(to: to, value: value, data: data, gasLimit: signed.gasLimit, chainId: chainId)
        do {
            return try await sender.wait(for: signed, request: request, options: options)
        } catch {
            if case .reverted(let r) = error { throw CLIError("\(what) reverted in block \(r.blockNumber) (transaction \(r.transactionHash))") }
            throw error
        }
    }

    /// Checks the code at `address` against the artifact.
    func verifyCode(_ artifact: Artifact, at address: Address) async throws -> Bool? {
        let code = try await client.code(at: address)
        guard !code.isEmpty else { throw CLIError("no code at \(address.checksummed) after deploying \(artifact.name)") }
        let matches = artifact.matchesDeployedCode(code)
        if matches == false {
            throw CLIError("the code at \(address.checksummed) is not \(artifact.name)'s deployed bytecode (\(code.count) bytes on chain)")
        }
        return matches
    }
}

/// `sixnines deploy`.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a contract from its artifact, with constructor arguments.",
        discussion: """
            Encodes the constructor arguments from the artifact's ABI, checks the balance covers the worst-case cost,
            sends the creation transaction, waits for the receipt and checks the code on chain is the artifact's
            deployed bytecode (immutables aside). Prints the address; --json prints address, transaction, block and gas.
            Examples:
              SIXNINES_PRIVATE_KEY=0x… sixnines deploy ABI/ReceiptRegistry.json 0xAdmin… 0xWriter…
              sixnines deploy ABI/PredictionVault.json '[0xA…,0xB…,0xC…]' 2 '[]' '[]' --keystore k.json --json
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var send: WaitOptions
    @Argument(help: "The artifact (ABI/<Contract>.json).") var artifact: String
    @Argument(parsing: .allUnrecognized, help: "One argument per constructor input, cast-style.") var arguments: [String] = []
    @Option(help: "Value sent with the creation (wei, or with a unit: 1ether).") var value: String = "0"

    func run() async throws {
        // Everything that can be checked offline is checked before connecting.
        let (contract, data, amount, signingKey) = try reportingErrors {
            let contract = try Artifact(path: artifact)
            let (data, _) = try contract.deployData(arguments: arguments)
            let amount = try parseAmount(value, option: "--value")
            if amount > .zero, contract.abi.constructor?.stateMutability != "payable" {
                throw CLIError("\(contract.name)'s constructor is not payable: --value must be 0")
            }
            return (contract, data, amount, try key.load())
        }
        try await options.withClient { client in
            let deployer = try await Deployer(client: client, key: signingKey, preset: options.preset, options: send)
            let plan = try await deployer.checkAffordable(to: nil, data: data, value: amount, what: "deploying \(contract.name)")
            let signed = try await deployer.submit(to: nil, data: data, value: amount, plan: plan)
            progress("sent \(signed.hash), waiting for it")
            let receipt = try await deployer.wait(signed, to: nil, data: data, value: amount, what: "deploying \(contract.name)")
            guard let address = receipt.contractAddress else { throw CLIError("the receipt of \(receipt.transactionHash) has no contract address") }
            let verified = try await deployer.verifyCode(contract, at: address)
            if output.json {
                var object: [String: Any] = [
                    "contract": contract.name, "address": address.checksummed, "transactionHash": receipt.transactionHash.description,
                    "blockNumber": receipt.blockNumber, "gasUsed": receipt.gasUsed, "chainId": deployer.chainId,
                    "artifactHash": contract.hash.description,
                ]
                object["codeVerified"] = verified ?? NSNull()
                try printJSON(object)
            } else {
                print(address.checksummed)
            }
        }
    }
}

/// `deployments/<chain-id>.json`: what `deploy-suite` deployed on one chain. Written atomically (temporary file,
/// fsync, rename) after every change, and a creation transaction is recorded as pending before it is waited for,
/// so a run that crashes is finished by the next one instead of deploying twice.
struct DeploymentsFile {
    struct Entry {
        var name: String
        var address: Address?
        var transactionHash: Bytes32
        var blockNumber: UInt64?
        var gasUsed: UInt64?
        var artifactHash: Bytes32
        var constructorArguments: [UInt8]
        /// `pending` (sent, not yet seen final) or `deployed`.
        var status: String
        /// The signed transaction while pending, to rebroadcast after a crash.
        var raw: [UInt8]?

        var json: [String: Any] {
            var o: [String: Any] = [
                "name": name, "transactionHash": transactionHash.description, "artifactHash": artifactHash.description,
                "constructorArguments": Hex.encode(constructorArguments), "status": status,
            ]
            if let address { o["address"] = address.checksummed }
            if let blockNumber { o["blockNumber"] = blockNumber }
            if let gasUsed { o["gasUsed"] = gasUsed }
            if let raw { o["rawTransaction"] = Hex.encode(raw) }
            return o
        }

        init(name: String, address: Address?, transactionHash: Bytes32, blockNumber: UInt64?, gasUsed: UInt64?,
             artifactHash: Bytes32, constructorArguments: [UInt8], status: String, raw: [UInt8]?) {
            self.name = name
            self.address = address
            self.transactionHash = transactionHash
            self.blockNumber = blockNumber
            self.gasUsed = gasUsed
            self.artifactHash = artifactHash
            self.constructorArguments = constructorArguments
            self.status = status
            self.raw = raw
        }

        init(json: JSONValue, path: String) throws {
            func field(_ key: String) throws -> String {
                guard let s = json[key]?.stringValue else { throw CLIError("\(path): entry without \"\(key)\"") }
                return s
            }
            do {
                name = try field("name")
                address = try json["address"]?.stringValue.map { try Address($0) }
                transactionHash = try Bytes32(hex: try field("transactionHash"))
                blockNumber = json["blockNumber"]?.uint64Value
                gasUsed = json["gasUsed"]?.uint64Value
                artifactHash = try Bytes32(hex: try field("artifactHash"))
                constructorArguments = try Hex.decode(try field("constructorArguments"))
                status = try field("status")
                raw = try json["rawTransaction"]?.stringValue.map { try Hex.decode($0) }
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("\(path): invalid entry: \(error)")
            }
        }
    }

    let path: String
    let chainId: UInt64
    var deployer: Address
    var contracts: [String: Entry] = [:]

    /// Reads the file for `chainId` in `directory`, or starts an empty one.
    init(directory: String, chainId: UInt64, deployer: Address) throws {
        path = (directory as NSString).appendingPathComponent("\(chainId).json")
        self.chainId = chainId
        self.deployer = deployer
        guard FileManager.default.fileExists(atPath: path) else { return }
        let text = try readText(path, what: "deployments file")
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw CLIError("\(path): not JSON: \(error)") }
        if let id = json["chainId"]?.uint64Value, id != chainId {
            throw CLIError("\(path) records chain \(id), but the node is chain \(chainId)")
        }
        for (name, value) in json["contracts"]?.objectValue ?? [] {
            contracts[name] = try Entry(json: value, path: path)
        }
    }

    /// Writes the file durably: temporary file, fsync, rename, fsync of the directory.
    func save() throws {
        let object: [String: Any] = [
            "chainId": chainId, "deployer": deployer.checksummed,
            "contracts": contracts.mapValues(\.json),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else { throw CLIError("\(temporary): cannot create") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.write(contentsOf: data + Data("\n".utf8))
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else { throw CLIError("\(path): cannot replace (errno \(errno))") }
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}

/// The `deploy-suite` configuration file.
struct SuiteConfig {
    var admin: Address?
    var writer: Address
    var reporters: [Address]
    var minter: Address
    var signers: [Address]
    var threshold: UInt256
    var tokens: [Address]
    var dailyLimits: [UInt256]
    var treasury: Address?
    var artifacts: String
    var chainId: UInt64?

    init(path: String) throws {
        let text = try readText(path, what: "--config")
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw CLIError("\(path): not JSON: \(error)") }
        guard let object = json.objectValue else { throw CLIError("\(path): expected a JSON object") }
        let known: Set<String> = ["admin", "writer", "reporter", "reporters", "minter", "signers", "threshold", "tokens",
                                  "dailyLimits", "treasury", "artifacts", "chainId"]
        if let unknown = object.map(\.0).sorted().first(where: { !known.contains($0) }) {
            throw CLIError("\(path): unknown key \"\(unknown)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        func address(_ key: String, _ value: JSONValue?) throws -> Address {
            guard let s = value?.stringValue else { throw CLIError("\(path): \"\(key)\" must be an address string") }
            do { return try Address(s) } catch { throw CLIError("\(path): \"\(key)\": \(error)") }
        }
        func addresses(_ key: String) throws -> [Address] {
            guard let value = json[key] else { return [] }
            guard let items = value.arrayValue else { throw CLIError("\(path): \"\(key)\" must be an array of addresses") }
            return try items.enumerated().map { try address("\(key)[\($0)]", $1) }
        }
        func amount(_ key: String, _ value: JSONValue) throws -> UInt256 {
            if let s = value.stringValue { return try parseAmount(s, option: "\(path): \"\(key)\"") }
            if case .number(let n) = value { return try parseAmount(n, option: "\(path): \"\(key)\"") }
            throw CLIError("\(path): \"\(key)\" must be a non-negative integer or a decimal string")
        }
        admin = try json["admin"].map { try address("admin", $0) }
        writer = try address("writer", json["writer"])
        reporters = try addresses("reporters")
        if let one = json["reporter"] { reporters.append(try address("reporter", one)) }
        guard !reporters.isEmpty else { throw CLIError("\(path): give \"reporter\" or \"reporters\"") }
        minter = try address("minter", json["minter"])
        signers = try addresses("signers")
        guard !signers.isEmpty else { throw CLIError("\(path): \"signers\" (the vault's multisig signers) is required") }
        // The vault stores its signers in ascending order and refuses any other.
        signers.sort { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        if let dup = zip(signers, signers.dropFirst()).first(where: { $0 == $1 }) {
            throw CLIError("\(path): signer \(dup.0.checksummed) is listed twice")
        }
        guard let t = json["threshold"] else { throw CLIError("\(path): \"threshold\" is required") }
        threshold = try amount("threshold", t)
        tokens = try addresses("tokens")
        dailyLimits = try (json["dailyLimits"]?.arrayValue ?? []).enumerated().map { try amount("dailyLimits[\($0)]", $1) }
        guard tokens.count == dailyLimits.count else {
            throw CLIError("\(path): \"tokens\" and \"dailyLimits\" must have the same length (\(tokens.count) vs \(dailyLimits.count))")
        }
        treasury = try json["treasury"].map { try address("treasury", $0) }
        artifacts = json["artifacts"]?.stringValue ?? "ABI"
        chainId = json["chainId"]?.uint64Value
    }
}

/// `sixnines deploy-suite`.
struct DeploySuite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy-suite",
        abstract: "Deploy and wire the SixNines contracts: registry, oracle, vault, badges.",
        discussion: """
            The config is a JSON object:
              {"writer": "0x…", "reporters": ["0x…"], "minter": "0x…",
               "signers": ["0x…", "0x…", "0x…", "0x…", "0x…"], "threshold": 3,
               "tokens": [], "dailyLimits": [], "admin": "0x…", "treasury": "0x…", "artifacts": "ABI", "chainId": 137}
            admin (default: the deployer) holds the registry's and oracle's admin role and owns the badges; the
            treasury defaults to the vault. Each contract is recorded in <deployments>/<chain-id>.json with its
            address, transaction, block and artifact hash. Running again skips what is deployed with the same
            artifact and constructor arguments, finishes a deployment a crash left pending, and grants only the
            roles that are missing on chain.
            """)
    @OptionGroup var options: ChainOptions
    @OptionGroup var key: KeyOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var send: WaitOptions
    @Option(help: "The suite's JSON configuration.") var config: String
    @Option(help: "Directory of the deployment records.") var deployments: String = "deployments"

    func run() async throws {
        let (suite, signingKey, artifacts) = try reportingErrors {
            let suite = try SuiteConfig(path: config)
            let directory = suite.artifacts
            let artifacts = try ["ReceiptRegistry", "PriceOracle", "PredictionVault", "Badges"].map {
                try Artifact(path: (directory as NSString).appendingPathComponent("\($0).json"))
            }
            return (suite, try key.load(), artifacts)
        }
        try await options.withClient { client in
            let deployer = try await Deployer(client: client, key: signingKey, preset: options.preset, options: send)
            if let expected = suite.chainId, expected != deployer.chainId {
                throw CLIError("the config is for chain \(expected), but the node is chain \(deployer.chainId)")
            }
            var run = SuiteRun(deployer: deployer, file: try DeploymentsFile(directory: deployments, chainId: deployer.chainId,
                                                                             deployer: deployer.address))
            let me = deployer.address
            let admin = suite.admin ?? me
            let registry = try await run.ensure(artifacts[0], [.address(admin), .address(suite.writer)])
            let oracle = try await run.ensure(artifacts[1], [.address(me)])
            let vault = try await run.ensure(artifacts[2], [
                .array(suite.signers.map(ABIValue.address)), .uint(suite.threshold),
                .array(suite.tokens.map(ABIValue.address)), .array(suite.dailyLimits.map(ABIValue.uint)),
            ])
            let badges = try await run.ensure(artifacts[3], [.address(suite.treasury ?? vault)])

            // Oracle roles; then hand the admin role over when the admin is not the deployer.
            let reporterRole = try await run.read(artifacts[1], oracle, "REPORTER_ROLE", []).asBytes32()
            let adminRole = try await run.read(artifacts[1], oracle, "DEFAULT_ADMIN_ROLE", []).asBytes32()
            for reporter in suite.reporters {
                try await run.ensureRole(artifacts[1], oracle, role: reporterRole, roleName: "REPORTER_ROLE", account: reporter)
            }
            if admin != me {
                try await run.ensureRole(artifacts[1], oracle, role: adminRole, roleName: "DEFAULT_ADMIN_ROLE", account: admin)
                if try await run.read(artifacts[1], oracle, "hasRole", [.fixedBytes(adminRole.bytes), .address(me)]).asBool() {
                    try await run.transact(artifacts[1], oracle, "renounceRole", [.fixedBytes(adminRole.bytes), .address(me)],
                                           what: "PriceOracle.renounceRole(DEFAULT_ADMIN_ROLE, deployer)")
                }
            }
            // Badges: the minter, then ownership.
            if try await !run.read(artifacts[3], badges, "is_minter", [.address(suite.minter)]).asBool() {
                try await run.transact(artifacts[3], badges, "set_minter", [.address(suite.minter), .bool(true)],
                                       what: "Badges.set_minter(\(suite.minter.checksummed), true)")
            }
            if admin != me, try await run.read(artifacts[3], badges, "owner", []).asAddress() == me {
                try await run.transact(artifacts[3], badges, "transfer_ownership", [.address(admin)],
                                       what: "Badges.transfer_ownership(\(admin.checksummed))")
            }
            if output.json {
                try printJSON([
                    "chainId": deployer.chainId, "deployments": run.file.path,
                    "contracts": run.file.contracts.mapValues(\.json), "actions": run.actions,
                ])
            } else {
                for (artifact, address) in zip(artifacts, [registry, oracle, vault, badges]) {
                    print("\(artifact.name) \(address.checksummed)")
                }
            }
        }
    }
}

/// One run of `deploy-suite`: deploys or skips each contract, performs the wiring transactions.
struct SuiteRun {
    let deployer: Deployer
    var file: DeploymentsFile
    /// What this run did, for --json: "deployed X", "skipped X", "resumed X", and each wiring transaction.
    var actions: [String] = []

    init(deployer: Deployer, file: DeploymentsFile) {
        self.deployer = deployer
        self.file = file
    }

    /// Deploys `artifact` with `arguments` unless it is recorded with the same artifact and arguments and its code is
    /// on chain; finishes a pending deployment first.
    mutating func ensure(_ artifact: Artifact, _ arguments: [ABIValue]) async throws -> Address {
        let data = try artifact.deployData(values: arguments)
        let encodedArguments = Array(data[artifact.bytecode.count...])
        let client = deployer.client
        if var entry = file.contracts[artifact.name], entry.artifactHash == artifact.hash,
           entry.constructorArguments == encodedArguments {
            if entry.status == "deployed", let address = entry.address, try await !client.code(at: address).isEmpty {
                _ = try await deployer.verifyCode(artifact, at: address)
                actions.append("skipped \(artifact.name): deployed at \(address.checksummed)")
                progress("\(artifact.name): already deployed at \(address.checksummed)")
                return address
            }
            if entry.status == "pending" {
                if let receipt = try await resume(entry) {
                    guard receipt.status, let address = receipt.contractAddress else {
                        throw CLIError("deploying \(artifact.name) reverted in block \(receipt.blockNumber) (transaction \(receipt.transactionHash))")
                    }
                    _ = try await deployer.verifyCode(artifact, at: address)
                    entry.address = address
                    entry.blockNumber = receipt.blockNumber
                    entry.gasUsed = receipt.gasUsed
                    entry.status = "deployed"
                    entry.raw = nil
                    file.contracts[artifact.name] = entry
                    try file.save()
                    actions.append("resumed \(artifact.name): deployed at \(address.checksummed)")
                    return address
                }
                // The pending transaction is gone (dropped, or its nonce went to another one): deploy again.
            }
        }
        let plan = try await deployer.checkAffordable(to: nil, data: data, value: .zero, what: "deploying \(artifact.name)")
        let signed = try await deployer.submit(to: nil, data: data, plan: plan)
        var entry = DeploymentsFile.Entry(name: artifact.name, address: nil, transactionHash: signed.hash, blockNumber: nil,
                                          gasUsed: nil, artifactHash: artifact.hash, constructorArguments: encodedArguments,
                                          status: "pending", raw: signed.raw)
        file.contracts[artifact.name] = entry
        try file.save()
        progress("\(artifact.name): sent \(signed.hash)")
        let receipt = try await deployer.wait(signed, to: nil, data: data, what: "deploying \(artifact.name)")
        guard let address = receipt.contractAddress else { throw CLIError("the receipt of \(receipt.transactionHash) has no contract address") }
        _ = try await deployer.verifyCode(artifact, at: address)
        entry.address = address
        entry.transactionHash = receipt.transactionHash  // a replacement may have been the one included
        entry.blockNumber = receipt.blockNumber
        entry.gasUsed = receipt.gasUsed
        entry.status = "deployed"
        entry.raw = nil
        file.contracts[artifact.name] = entry
        try file.save()
        actions.append("deployed \(artifact.name) at \(address.checksummed)")
        progress("\(artifact.name): deployed at \(address.checksummed)")
        return address
    }

    /// The receipt of a pending creation: waits for it if the node knows it, rebroadcasts it if not.
    /// Nil when the transaction cannot be included any more.
    func resume(_ entry: DeploymentsFile.Entry) async throws -> Receipt? {
        let client = deployer.client
        if let receipt = try await client.receipt(entry.transactionHash) { return receipt }
        if try await client.transaction(entry.transactionHash) == nil {
            guard let raw = entry.raw else { return nil }
            do { try await client.sendRawTransaction(raw) } catch {
                // Refused (its nonce is used): it may still have been mined meanwhile.
                return try await client.receipt(entry.transactionHash)
            }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + deployer.options.timeout
        while clock.now < deadline {
            if let receipt = try await client.receipt(entry.transactionHash) { return receipt }
            try await Task.sleep(for: deployer.options.pollInterval)
        }
        throw CLIError("pending transaction \(entry.transactionHash) of \(entry.name) not included in time; run again later")
    }

    /// `eth_call` of a function of the artifact's ABI; the first output.
    func read(_ artifact: Artifact, _ address: Address, _ function: String, _ arguments: [ABIValue]) async throws -> ABIValue {
        let f = try lookup(artifact, function, arguments.count)
        let output = try await deployer.client.call(CallRequest(from: deployer.address, to: address, data: f.encodeCall(arguments)))
        guard let first = try f.decodeOutput(output).first else { throw CLIError("\(artifact.name).\(function) returned nothing") }
        return first
    }

    /// Sends a transaction calling a function of the artifact's ABI and waits for it.
    mutating func transact(_ artifact: Artifact, _ address: Address, _ function: String, _ arguments: [ABIValue], what: String) async throws {
        let f = try lookup(artifact, function, arguments.count)
        let data = try f.encodeCall(arguments)
        let plan = try await deployer.checkAffordable(to: address, data: data, value: .zero, what: what)
        let signed = try await deployer.submit(to: address, data: data, plan: plan)
        let receipt = try await deployer.wait(signed, to: address, data: data, what: what)
        actions.append("\(what): transaction \(receipt.transactionHash)")
        progress("\(what): done in block \(receipt.blockNumber)")
    }

    /// Grants `role` to `account` unless it already has it.
    mutating func ensureRole(_ artifact: Artifact, _ address: Address, role: Bytes32, roleName: String, account: Address) async throws {
        if try await read(artifact, address, "hasRole", [.fixedBytes(role.bytes), .address(account)]).asBool() { return }
        try await transact(artifact, address, "grantRole", [.fixedBytes(role.bytes), .address(account)],
                           what: "\(artifact.name).grantRole(\(roleName), \(account.checksummed))")
    }

    func lookup(_ artifact: Artifact, _ name: String, _ arity: Int) throws -> ABIFunction {
        guard let f = artifact.abi.functions(named: name).first(where: { $0.inputs.count == arity }) else {
            throw CLIError("\(artifact.path) has no function \(name) with \(arity) inputs: is it a SixNines artifact?")
        }
        return f
    }
}
