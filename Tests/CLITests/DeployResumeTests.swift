import EVM
import DevnetSupport
import Foundation
import TestSupport
import Testing

/// `deploy-suite` killed after a fee-bumped replacement of a creation was mined: the rerun finds the replacement
/// (every replacement is recorded before it is sent) and never deploys a second copy.
@Suite("deploy-suite crash after a replacement")
struct DeployResumeTests {
    static func rpc(_ url: String, _ method: String, _ params: String = "[]") throws -> Any? {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        curl.arguments = ["curl", "-s", "-H", "Content-Type: application/json", "-d",
                          #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#, url]
        let out = Pipe()
        curl.standardOutput = out
        let curlExit = try curl.start()
        let answer = out.fileHandleForReading.readDataToEndOfFile()
        curlExit.wait()
        return (try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["result"]
    }

    @Test func aMinedReplacementIsResumedNotRedeployed() throws {
        let devnet = launchDevnet()
        let url = devnet.url
        let key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"  // devnet account 1
        let deployer = try CLI.value(["wallet", "address", "--private-key", key])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-resume-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The example configuration, with the artifacts of this checkout.
        var config = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: repositoryRoot.appendingPathComponent("deployments/suite.example.json"))) as? [String: Any])
        config["artifacts"] = repositoryRoot.appendingPathComponent("ABI").path
        let configPath = dir.appendingPathComponent("suite.json")
        try JSONSerialization.data(withJSONObject: config).write(to: configPath)
        let records = dir.appendingPathComponent("31337.json")

        _ = try Self.rpc(url, "evm_setAutomine", "[false]")
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["deploy-suite", "--config", configPath.path, "--private-key", key, "--rpc-url", url,
                             "--deployments", dir.path, "--replace-after", "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let processExit = try process.start()
        // Wait until a replacement of the registry's creation is recorded, then kill the process.
        var recorded: [[String: Any]] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let data = try? Data(contentsOf: records),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let entry = (object["contracts"] as? [String: Any])?["ReceiptRegistry"] as? [String: Any],
               let sent = entry["transactions"] as? [[String: Any]], sent.count >= 2 {
                recorded = sent
                break
            }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGKILL)
        processExit.wait()
        try #require(recorded.count >= 2, "no replacement was recorded")
        // Now the pool's transaction (the last replacement) is mined.
        _ = try Self.rpc(url, "evm_mine")
        _ = try Self.rpc(url, "evm_setAutomine", "[true]")
        let nonceAfterCreation = try CLI.value(["nonce", deployer, "--rpc-url", url])
        #expect(nonceAfterCreation == "1", "one creation mined")

        // The rerun finds the mined replacement among the recorded hashes, and deploys only the rest.
        let json = try CLI.value(["deploy-suite", "--config", configPath.path, "--private-key", key, "--rpc-url", url,
                                  "--deployments", dir.path, "--json"])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let actions = try #require(result["actions"] as? [String])
        #expect(actions.contains { $0.hasPrefix("resumed ReceiptRegistry") }, "\(actions)")
        #expect(!actions.contains { $0.hasPrefix("deployed ReceiptRegistry") }, "\(actions)")
        let entry = try #require((result["contracts"] as? [String: Any])?["ReceiptRegistry"] as? [String: Any])
        let hashes = recorded.compactMap { $0["hash"] as? String }
        #expect(hashes.contains(try #require(entry["transactionHash"] as? String)))
        #expect(entry["status"] as? String == "deployed")
        // A third run sends nothing.
        let nonce = try CLI.value(["nonce", deployer, "--rpc-url", url])
        _ = try CLI.value(["deploy-suite", "--config", configPath.path, "--private-key", key, "--rpc-url", url,
                           "--deployments", dir.path])
        #expect(try CLI.value(["nonce", deployer, "--rpc-url", url]) == nonce)
    }
}
