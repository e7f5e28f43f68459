import Deployment
import EVM
import Foundation
import TestSupport
import Testing

/// The suite configuration is checked whole, before any transaction; deployments files of the wrong shape are refused.
@Suite("Deployment model (offline)")
struct SuiteConfigTests {
    static let example = repositoryRoot.appendingPathComponent("deployments/suite.example.json").path

    static func config(_ edit: (inout [String: Any]) -> Void) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: example))
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        edit(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// The committed example is accepted as is: devnet chain id, 5 signers sorted, threshold 3, disputer defaulted.
    @Test func exampleIsAccepted() throws {
        let config = try SuiteConfig(path: Self.example)
        #expect(config.chainId == 31337)
        #expect(config.signers.count == 5 && config.threshold == UInt256(3))
        #expect(config.signers == config.signers.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) })
        #expect(config.disputer == nil && config.treasury == nil && config.reporters.count == 3)
    }

    /// README's commented example uses exactly the keys the parser knows, and the example file's keys are among them.
    @Test func readmeExampleKeysAreKnown() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("deployments/README.md"), encoding: .utf8)
        let example = try String(contentsOf: URL(fileURLWithPath: Self.example), encoding: .utf8)
        let configSection = String(readme[readme.range(of: "A configuration")!.lowerBound...])
        for text in [configSection, example] {
            let keys = text.matches(of: /"([A-Za-z]+)":/).map { String($0.output.1) }
            for key in keys where !["name", "address", "transactionHash", "blockNumber", "gasUsed", "artifactHash",
                                     "constructorArguments", "status", "deployer", "contracts", "nonce", "transactions",
                                     "hash", "raw"].contains(key) {
                #expect(SuiteConfig.keys.contains(key), "unknown key \(key)")
            }
        }
        for key in ["disputer", "writer", "reporters", "minter", "signers", "threshold"] {
            #expect(readme.contains("\"\(key)\""), "README's example lacks \(key)")
        }
    }

    /// Each bad configuration is refused before anything is sent, with a message saying why.
    @Test(arguments: [
        (#"{"threshold": 1}"#, "between 2 and the number of signers"),
        (#"{"threshold": 6}"#, "between 2 and the number of signers"),
        (#"{"writer": "0x0000000000000000000000000000000000000000"}"#, "zero address"),
        (#"{"signers": ["0x0000000000000000000000000000000000000000", "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"]}"#, "zero address"),
        (#"{"signers": ["0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"]}"#, "listed twice"),
        (#"{"signers": ["0x0000000000000000000000000000000000001001","0x0000000000000000000000000000000000001002","0x0000000000000000000000000000000000001003","0x0000000000000000000000000000000000001004","0x0000000000000000000000000000000000001005","0x0000000000000000000000000000000000001006","0x0000000000000000000000000000000000001007","0x0000000000000000000000000000000000001008","0x0000000000000000000000000000000000001009","0x000000000000000000000000000000000000100a","0x000000000000000000000000000000000000100b"]}"#, "at most 10"),
        (#"{"artifacts": 5}"#, "directory path"),
        (#"{"writers": []}"#, "unknown key"),
        (#"{"dailyLimits": []}"#, "same length"),
        (#"{"chainId": 0}"#, "positive integer"),
        (#"{"threshold": "x"}"#, "threshold"),
        (#"{"reporters": "0x976EA74026E726554dB657fA54763abd0C3a0aa9"}"#, "array of addresses"),
    ])
    func badConfigurationsAreRefused(patch: String, message: String) throws {
        let patchObject = try JSONSerialization.jsonObject(with: Data(patch.utf8)) as! [String: Any]
        let text = try Self.config { object in for (key, value) in patchObject { object[key] = value } }
        #expect(performing: { _ = try SuiteConfig(json: text, path: "suite.json") }, throws: { error in
            "\(error)".contains(message)
        })
    }

    /// A deployments file of the wrong shape is refused, never read as empty (and later overwritten).
    @Test(arguments: [
        #"{"chainId": 31337, "contracts": "oops"}"#,
        #"{"chainId": 31337, "contracts": {"ReceiptRegistry": 5}}"#,
        #"{"chainId": "31337", "contracts": {}}"#,
        #"[1, 2]"#,
        #"{"chainId": 31337, "contracts": {"X": {"name": "X", "transactionHash": "0x01", "artifactHash": "0x02"}}}"#,
    ])
    func malformedDeploymentsFilesAreRefused(text: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deployments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("31337.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: DeploymentError.self) {
            _ = try DeploymentsFile(directory: directory.path, chainId: 31337, deployer: .zero)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    /// Pending entries keep every recorded transaction; a file written before replacements were recorded still reads.
    @Test func entriesRoundTripWithReplacements() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deployments-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var file = try DeploymentsFile(directory: directory, chainId: 7, deployer: .zero)
        let sent = [DeploymentsFile.SentTransaction(hash: Keccak256.hash(utf8: "a"), raw: [1, 2]),
                    DeploymentsFile.SentTransaction(hash: Keccak256.hash(utf8: "b"), raw: [3])]
        file.contracts["X"] = DeploymentsFile.Entry(name: "X", address: nil, transactionHash: sent[1].hash, blockNumber: nil,
                                                    gasUsed: nil, artifactHash: Keccak256.hash(utf8: "c"), constructorArguments: [],
                                                    status: "pending", nonce: 4, transactions: sent)
        try file.save()
        let again = try DeploymentsFile(directory: directory, chainId: 7, deployer: .zero)
        #expect(again.contracts["X"] == file.contracts["X"])
        // Another chain's file is another file; a file whose chainId disagrees with its name is refused.
        try FileManager.default.copyItem(atPath: file.path, toPath: DeploymentsFile.path(directory: directory, chainId: 8))
        #expect(throws: DeploymentError.self) { _ = try DeploymentsFile(directory: directory, chainId: 8, deployer: .zero) }
    }

    /// Artifacts: a directory, a non-artifact and an ABI without bytecode are refused with a message.
    @Test func artifactsAreChecked() throws {
        #expect(throws: DeploymentError.self) { _ = try Artifact(path: repositoryRoot.appendingPathComponent("ABI").path) }
        #expect(throws: DeploymentError.self) { _ = try Artifact(path: repositoryRoot.appendingPathComponent("README.md").path) }
        let registry = try Artifact(path: repositoryRoot.appendingPathComponent("ABI/ReceiptRegistry.json").path)
        #expect(registry.name == "ReceiptRegistry" && !registry.bytecode.isEmpty)
        #expect(throws: DeploymentError.self) { _ = try registry.deployData(arguments: ["0x01"]) }
        let (data, _) = try registry.deployData(arguments: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                                                            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"])
        #expect(data.count == registry.bytecode.count + 64)
    }
}
