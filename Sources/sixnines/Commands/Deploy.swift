import ArgumentParser
import EVM
import EVMRPC
import EVMSigner
import Foundation
import Deployment

/// `sixnines deploy`.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a contract from its artifact, with constructor arguments.",
        discussion: """
            Encodes the constructor arguments from the artifact's ABI, checks the balance covers the worst-case cost, sends the creation transaction, waits for the receipt and checks the code on chain is the artifact's deployed bytecode (immutables aside). Prints the address; --json prints address, transaction, block and gas. Examples:
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
            let deployer = try await Deployer(client: client, key: signingKey, preset: options.preset, options: send.sendOptions(chain:))
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

/// `sixnines deploy-suite`.
struct DeploySuite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy-suite",
        abstract: "Deploy and wire the SixNines contracts: registry, oracle, vault, badges.",
        discussion: """
            The config is a JSON object (deployments/suite.example.json is one for the devnet):
              {"writer": "0x…", "reporters": ["0x…"], "minter": "0x…",
               "signers": ["0x…", "0x…", "0x…", "0x…", "0x…"], "threshold": 3,
               "tokens": [], "dailyLimits": [], "admin": "0x…", "treasury": "0x…", "disputer": "0x…",
               "artifacts": "ABI", "chainId": 137}
            admin (default: the deployer) holds the registry's and oracle's admin role and owns the badges; the treasury and the oracle's disputer default to the vault. The whole configuration is checked before the first transaction. Each contract is recorded in <deployments>/<chain-id>.json with its address, transaction, block and artifact hash. Running again skips what is deployed with the same artifact and constructor arguments, finishes a deployment a crash left pending (whichever of its recorded transactions or fee-bumped replacements was mined), and grants only the roles that are missing on chain.
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
            return (suite, try key.load(), try SuiteRun.artifacts(for: suite))
        }
        try await options.withClient { client in
            let deployer = try await Deployer(client: client, key: signingKey, preset: options.preset, options: send.sendOptions(chain:))
            let file = try DeploymentsFile(directory: deployments, chainId: deployer.chainId, deployer: deployer.address)
            var run = SuiteRun(deployer: deployer, file: file, progress: progress)
            let result = try await run.deploySuite(suite, artifacts: artifacts)
            if output.json {
                try printJSON([
                    "chainId": deployer.chainId, "deployments": run.file.path,
                    "contracts": run.file.contracts.mapValues(\.json), "actions": result.actions,
                ])
            } else {
                for (name, address) in result.addresses { print("\(name) \(address.checksummed)") }
            }
        }
    }
}
