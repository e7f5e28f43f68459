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
        for text in [readme, example] {
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

    @Test(arguments: [
        ("threshold 1", { (o: inout [String: Any]) in o["threshold"] = 1 }, "between 2 and the number of signers"),
        ("threshold 6", { (o: inout [String: Any]) in o["threshold"] = 6 }, "between 2 and the number of signers"),
        ("zero writer", { (o: inout [String: Any]) in o["writer"] = "0x0000000000000000000000000000000000000000" }, "zero address"),
        ("zero signer", { (o: inout [String: Any]) in
            var s = o["signers"] as! [String]; s[0] = "0x0000000000000000000000000000000000000000"; o["signers"] = s }, "zero address"),
        ("duplicate signer", { (o: inout [String: Any]) in
            var s = o["signers"] as! [String]; s[1] = s[0]; o["signers"] = s }, "listed twice"),
        ("eleven signers", { (o: inout [String: Any]) in
            o["signers"] = (1...11).map { String(format: "0x%040x", $0 + 0x1000) } }, "at most 10"),
        ("contracts not artifacts", { (o: inout [String: Any]) in o["artifacts"] = 5 }, "directory path"),
        ("unknown key", { (o: inout [String: Any]) in o["writers"] = [] }, "unknown key"),
        ("limits length", { (o: inout [String: Any]) in o["dailyLimits"] = [] }, "same length"),
        ("chain id 0", { (o: inout [String: Any]) in o["chainId"] = 0 }, "positive integer"),
    ] as [(String, (inout [String: Any]) -> Void, String)])
    func badConfigurationsAreRefused(name: String, edit: (inout [String: Any]) -> Void, message: String) throws {
        let text = try Self.config(edit)
        #expect(performing: { _ = try SuiteConfig(json: text, path: "suite.json") }, throws: { error in
            "\(error)".contains(message)
        }, "\(name)")
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
